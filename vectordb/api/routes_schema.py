"""/v1/schema: collections and their properties."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from vectordb.api import shapes
from vectordb.api.body import read_body
from vectordb.api.deps import get_db
from vectordb.api.errors import JSON
from vectordb.api.models.schema import Class, Property, Schema, ShardStatus
from vectordb.api.openapi import BODY_ERRORS, doc

router = APIRouter()


@router.get("/v1/schema", **doc(ok=Schema, errors=(401, 500)))
async def get_schema(request: Request) -> Response:
    db = get_db(request)
    return JSON({"classes": db.schema(), "name": "", "maintainer": ""})


@router.post("/v1/schema", **doc(body=Class, ok=Class, ok_text="created", errors=BODY_ERRORS))
async def create_class(request: Request) -> Response:
    db = get_db(request)
    body = await read_body(request, db.settings.max_request_body_bytes)
    shapes.check(body, shapes.CLASS)
    return JSON(await run_in_threadpool(db.create_collection, body))


@router.get("/v1/schema/{class_name}", **doc(ok=Class, errors=(401, 500), empty={404: "no such collection"}))
async def get_class(request: Request, class_name: str) -> Response:
    db = get_db(request)
    if not db.has_collection(class_name):
        return Response(status_code=404)
    return JSON(db.class_def(class_name))


@router.put("/v1/schema/{class_name}", **doc(body=Class, ok=Class, ok_text="updated", errors=(*BODY_ERRORS, 404)))
async def update_class(request: Request, class_name: str) -> Response:
    db = get_db(request)
    body = await read_body(request, db.settings.max_request_body_bytes)
    shapes.check(body, shapes.CLASS)
    return JSON(await run_in_threadpool(db.update_collection, class_name, body))


@router.delete("/v1/schema/{class_name}", **doc(ok_text="deleted, or there was none", errors=(400, 401, 422, 500)))
async def delete_class(request: Request, class_name: str) -> Response:
    await run_in_threadpool(get_db(request).delete_collection, class_name)
    return Response(status_code=200)


@router.post("/v1/schema/{class_name}/properties",
             **doc(body=Property, ok=Property, ok_text="added", errors=(*BODY_ERRORS, 404)))
async def add_property(request: Request, class_name: str) -> Response:
    db = get_db(request)
    body = await read_body(request, db.settings.max_request_body_bytes)
    shapes.check(body, shapes.PROPERTY)
    return JSON(await run_in_threadpool(db.add_property, class_name, body))


@router.get("/v1/schema/{class_name}/shards", **doc(ok=list[ShardStatus], errors=(401, 404, 500)))
async def shards(request: Request, class_name: str) -> Response:
    db = get_db(request)
    if not db.is_multi_tenant(class_name):
        return JSON(await run_in_threadpool(db.shards, class_name))
    # Each active tenant is a shard; an inactive one is not loaded, so it has no status to report.
    tenant = request.query_params.get("tenant")
    return JSON([{"name": t["name"], "status": "READY", "vectorQueueSize": 0}
                 for t in db.tenants(class_name, [tenant] if tenant else None) if t["activityStatus"] == "HOT"])
