"""/v1/schema/{class}/tenants: a multi-tenant class's tenants and their activity status."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from vectordb.api.body import read_body
from vectordb.api.deps import get_db
from vectordb.api.errors import JSON
from vectordb.api.models.schema import Tenant
from vectordb.api.openapi import BODY_ERRORS, doc

router = APIRouter()
_ONE = {404: "no such tenant"}


@router.get("/v1/schema/{class_name}/tenants", **doc(ok=list[Tenant], errors=(401, 404, 422, 500)))
async def list_tenants(request: Request, class_name: str) -> Response:
    return JSON(get_db(request).tenants(class_name))


@router.post("/v1/schema/{class_name}/tenants", **doc(body=list[Tenant], ok=list[Tenant], ok_text="added",
                                                      errors=(*BODY_ERRORS, 404)))
async def add_tenants(request: Request, class_name: str) -> Response:
    return await _change(request, class_name, "add")


@router.put("/v1/schema/{class_name}/tenants", **doc(body=list[Tenant], ok=list[Tenant], ok_text="updated",
                                                     errors=(*BODY_ERRORS, 404)))
async def update_tenants(request: Request, class_name: str) -> Response:
    return await _change(request, class_name, "update")


async def _change(request: Request, class_name: str, how: str) -> Response:
    db = get_db(request)
    body = await read_body(request, db.settings.max_request_body_bytes)
    change = db.add_tenants if how == "add" else db.update_tenants
    return JSON(await run_in_threadpool(change, class_name, body))


@router.delete("/v1/schema/{class_name}/tenants", **doc(body=list[str], ok_text="deleted, with their data",
                                                        errors=(*BODY_ERRORS, 404)))
async def delete_tenants(request: Request, class_name: str) -> Response:
    db = get_db(request)
    body = await read_body(request, db.settings.max_request_body_bytes)
    await run_in_threadpool(db.delete_tenants, class_name, body)
    return Response(status_code=200)


@router.get("/v1/schema/{class_name}/tenants/{tenant}", **doc(ok=Tenant, errors=(401, 422, 500), empty=_ONE))
async def get_tenant(request: Request, class_name: str, tenant: str) -> Response:
    found = get_db(request).tenants(class_name, [tenant])
    return JSON(found[0]) if found else Response(status_code=404)


@router.head("/v1/schema/{class_name}/tenants/{tenant}", **doc(ok_text="it exists", errors=(401, 422, 500),
                                                               empty=_ONE))
async def tenant_exists(request: Request, class_name: str, tenant: str) -> Response:
    found = get_db(request).tenants(class_name, [tenant])
    return Response(status_code=200 if found else 404)
