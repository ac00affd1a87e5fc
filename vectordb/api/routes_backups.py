"""/v1/backups/{backend}: create, status, cancel, list, restore, restore status, restore cancel."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from vectordb.api.body import read_body
from vectordb.api.deps import get_db
from vectordb.api.errors import JSON
from vectordb.api.models.backups import (
    BackupCreateRequest,
    BackupCreateResponse,
    BackupCreateStatusResponse,
    BackupListItem,
    BackupRestoreRequest,
    BackupRestoreResponse,
    BackupRestoreStatusResponse,
)
from vectordb.api.openapi import BODY_ERRORS, doc, query_parameter
from vectordb.backup.backends import Location
from vectordb.errors import UserError

router = APIRouter()

_LOCATION = [query_parameter("bucket", "another bucket than the backend's (S3)"),
             query_parameter("path", "another path than the backend's")]


async def _body(request: Request) -> dict[str, Any]:
    body = await read_body(request, get_db(request).settings.max_request_body_bytes)
    if not isinstance(body, dict):
        raise UserError("the request body must be a JSON object")
    return body


def _where(request: Request) -> Location:
    return Location(request.query_params.get("bucket") or "", request.query_params.get("path") or "")


@router.post("/v1/backups/{backend}", **doc(body=BackupCreateRequest, ok=BackupCreateResponse,
                                             ok_text="the backup has started", errors=(*BODY_ERRORS, 403)))
async def create(request: Request, backend: str) -> Response:
    body = await _body(request)
    return JSON(await run_in_threadpool(get_db(request).backups.create, backend, body))


@router.get("/v1/backups/{backend}", **doc(ok=list[BackupListItem], ok_text="the backups of the backend",
                                            errors=(401, 403, 422),
                                            parameters=[query_parameter("order", "by start time: asc or desc")]))
async def list_backups(request: Request, backend: str) -> Response:
    order = request.query_params.get("order") or "desc"
    return JSON(await run_in_threadpool(get_db(request).backups.list, backend, order))


@router.get("/v1/backups/{backend}/{backup_id}",
            **doc(ok=BackupCreateStatusResponse, ok_text="the backup's status", errors=(401, 403, 404, 422),
                  parameters=_LOCATION))
async def status(request: Request, backend: str, backup_id: str) -> Response:
    return JSON(await run_in_threadpool(get_db(request).backups.status, backend, backup_id, _where(request)))


@router.delete("/v1/backups/{backend}/{backup_id}",
               **doc(status=204, ok_text="cancelled", errors=(401, 403, 422), parameters=_LOCATION))
async def cancel(request: Request, backend: str, backup_id: str) -> Response:
    await run_in_threadpool(get_db(request).backups.cancel, backend, backup_id, _where(request))
    return Response(status_code=204)


@router.post("/v1/backups/{backend}/{backup_id}/restore",
             **doc(body=BackupRestoreRequest, ok=BackupRestoreResponse, ok_text="the restore has started",
                   errors=(*BODY_ERRORS, 403, 404)))
async def restore(request: Request, backend: str, backup_id: str) -> Response:
    body = await _body(request)
    return JSON(await run_in_threadpool(get_db(request).backups.restore, backend, backup_id, body))


@router.get("/v1/backups/{backend}/{backup_id}/restore",
            **doc(ok=BackupRestoreStatusResponse, ok_text="the restore's status", errors=(401, 403, 404, 422),
                  parameters=_LOCATION))
async def restore_status(request: Request, backend: str, backup_id: str) -> Response:
    db = get_db(request)
    return JSON(await run_in_threadpool(db.backups.status, backend, backup_id, _where(request), "restore"))


@router.delete("/v1/backups/{backend}/{backup_id}/restore",
               **doc(status=204, ok_text="cancelled", errors=(401, 403, 422), parameters=_LOCATION))
async def cancel_restore(request: Request, backend: str, backup_id: str) -> Response:
    await run_in_threadpool(get_db(request).backups.cancel_restore, backend, backup_id, _where(request))
    return Response(status_code=204)
