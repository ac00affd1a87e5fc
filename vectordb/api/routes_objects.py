"""/v1/objects: create, read, list, replace, merge, delete, validate, and references."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from vectordb.api import shapes
from vectordb.api.body import module_headers, read_body
from vectordb.api.deps import get_db
from vectordb.api.errors import JSON
from vectordb.api.models.objects import Object, ObjectsListResponse, SingleRef
from vectordb.api.openapi import BODY_ERRORS, doc, query_parameter
from vectordb.api.query_runner import run_query
from vectordb.errors import BadRequest, UserError
from vectordb.ingest import parse_id

router = APIRouter()

READ_ERRORS = (400, 401, 422, 500)
NO_OBJECT = {404: "no such object"}
REF_ERRORS = (*BODY_ERRORS, 404)
ADD_REF = doc(body=SingleRef, ok_text="added", errors=REF_ERRORS)
REPLACE_REFS = doc(body=list[SingleRef], ok_text="replaced", errors=REF_ERRORS)
DELETE_REF = doc(body=SingleRef, status=204, ok_text="deleted", errors=REF_ERRORS)


# The ?include values Weaviate knows without its contextionary-only modules.
_INCLUDE = ("classification", "vector")


def _includes_vector(include: str | None) -> bool:
    if not include:
        return False
    parts = [part.strip() for part in include.split(",")]
    for part in parts:
        if part not in _INCLUDE:
            raise BadRequest(f"unrecognized property '{part}' in ?include list")
    return "vector" in parts


def _sort_param(sort: str | None, order: str | None) -> list[dict[str, Any]]:
    if not sort:
        return []
    paths = [p.strip() for p in sort.split(",") if p.strip()]
    orders = [o.strip() for o in (order or "").split(",") if o.strip()]
    out = []
    for i, path in enumerate(paths):
        direction = orders[i] if i < len(orders) else "asc"
        if direction not in ("asc", "desc"):
            raise UserError(f"invalid param 'order': {direction!r} is not asc or desc")
        out.append({"path": [path], "order": direction})
    return out


def _int_param(name: str, raw: str | None) -> int | None:
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise UserError(f"invalid param '{name}': {raw!r} is not an integer", 400) from None


def _tenant(request: Request) -> str | None:
    return request.query_params.get("tenant") or None


async def _object_body(request: Request) -> dict[str, Any]:
    body = await read_body(request, get_db(request).settings.max_request_body_bytes)
    if not isinstance(body, dict):
        raise UserError("the request body must be a JSON object", 400)
    shapes.check(body, shapes.OBJECT_BODY)
    return body


@router.post("/v1/objects", **doc(body=Object, ok=Object, ok_text="created", errors=BODY_ERRORS))
async def create_object(request: Request) -> Response:
    db = get_db(request)
    body = await _object_body(request)
    return JSON(await run_in_threadpool(db.insert_object, body, module_headers(request)))


@router.post("/v1/objects/validate", **doc(body=Object, ok_text="valid", errors=BODY_ERRORS))
async def validate_object(request: Request) -> Response:
    db = get_db(request)
    body = await _object_body(request)
    await run_in_threadpool(db.validate_object, body)
    return Response(status_code=200)


@router.get("/v1/objects", **doc(ok=ObjectsListResponse, errors=(400, 401, 404, 422, 500),
                                  parameters=[query_parameter("class", "only objects of this collection")]))
async def list_objects(
    request: Request,
    limit: str | None = None,
    offset: str | None = None,
    after: str | None = None,
    include: str | None = None,
    sort: str | None = None,
    order: str | None = None,
) -> Response:
    db = get_db(request)
    class_name = request.query_params.get("class") or None
    result = await run_query(
        request,
        db.list_objects,
        class_name,
        limit=_int_param("limit", limit),
        offset=_int_param("offset", offset) or 0,
        after=parse_id(after) if after else None,
        sort=_sort_param(sort, order),
        include_vector=_includes_vector(include),
        tenant=_tenant(request),
    )
    return JSON(result)


async def _get(request: Request, class_name: str | None, object_id: str, include: str | None) -> Response:
    db = get_db(request)
    found = await run_in_threadpool(
        db.get_object, class_name, object_id, include_vector=_includes_vector(include), tenant=_tenant(request)
    )
    return Response(status_code=404) if found is None else JSON(found)


async def _head(request: Request, class_name: str | None, object_id: str) -> Response:
    found = await run_in_threadpool(get_db(request).get_object, class_name, object_id, tenant=_tenant(request))
    return Response(status_code=404 if found is None else 204)


async def _delete(request: Request, class_name: str | None, object_id: str) -> Response:
    deleted = await run_in_threadpool(get_db(request).delete_object, class_name, object_id,
                                      tenant=_tenant(request))
    return Response(status_code=204 if deleted else 404)


def _class_of(body: dict[str, Any], class_name: str | None, db: Any, object_id: str) -> str:
    if class_name:
        given = body.get("class")
        if given and given[:1].upper() + given[1:] != class_name[:1].upper() + class_name[1:]:
            raise UserError(f"invalid object: class '{given}' in the body does not match '{class_name}' in the path")
        return class_name
    if body.get("class"):
        return body["class"]
    found = db.get_object(None, object_id)
    if found is None:
        raise UserError(f"no object with id '{object_id}'", 404)
    return found["class"]


def _with_tenant(request: Request, body: dict[str, Any]) -> dict[str, Any]:
    """PUT and PATCH carry the tenant in the body; a ?tenant= is taken when the body names none."""
    return {**body, "tenant": body["tenant"]} if body.get("tenant") else {**body, "tenant": _tenant(request)}


async def _put(request: Request, class_name: str | None, object_id: str) -> Response:
    db = get_db(request)
    body = await _object_body(request)
    object_id = parse_id(object_id)
    if body.get("id") and parse_id(body["id"]) != object_id:
        raise UserError(f"invalid object: id '{body['id']}' in the body does not match '{object_id}' in the path")
    cls = _class_of(body, class_name, db, object_id)
    body = _with_tenant(request, body)
    return JSON(await run_in_threadpool(db.replace_object, cls, object_id, body, module_headers(request)))


async def _patch(request: Request, class_name: str | None, object_id: str) -> Response:
    db = get_db(request)
    body = await _object_body(request)
    object_id = parse_id(object_id)
    cls = _class_of(body, class_name, db, object_id)
    body = _with_tenant(request, body)
    await run_in_threadpool(db.merge_object, cls, object_id, body, module_headers(request))
    return Response(status_code=204)


@router.get("/v1/objects/{class_name}/{object_id}", **doc(ok=Object, errors=READ_ERRORS, empty=NO_OBJECT))
async def get_object(request: Request, class_name: str, object_id: str, include: str | None = None) -> Response:
    return await _get(request, class_name, object_id, include)


@router.get("/v1/objects/{object_id}", **doc(ok=Object, errors=READ_ERRORS, empty=NO_OBJECT))
async def get_object_any(request: Request, object_id: str, include: str | None = None) -> Response:
    return await _get(request, None, object_id, include)


@router.head("/v1/objects/{class_name}/{object_id}", **doc(status=204, ok_text="it exists", errors=READ_ERRORS,
                                                           empty=NO_OBJECT))
async def head_object(request: Request, class_name: str, object_id: str) -> Response:
    return await _head(request, class_name, object_id)


@router.head("/v1/objects/{object_id}", **doc(status=204, ok_text="it exists", errors=READ_ERRORS, empty=NO_OBJECT))
async def head_object_any(request: Request, object_id: str) -> Response:
    return await _head(request, None, object_id)


@router.put("/v1/objects/{class_name}/{object_id}", **doc(body=Object, ok=Object, ok_text="replaced",
                                                         errors=(*BODY_ERRORS, 404)))
async def put_object(request: Request, class_name: str, object_id: str) -> Response:
    return await _put(request, class_name, object_id)


@router.put("/v1/objects/{object_id}", **doc(body=Object, ok=Object, ok_text="replaced", errors=(*BODY_ERRORS, 404)))
async def put_object_any(request: Request, object_id: str) -> Response:
    return await _put(request, None, object_id)


@router.patch("/v1/objects/{class_name}/{object_id}", **doc(body=Object, status=204, ok_text="merged",
                                                           errors=(*BODY_ERRORS, 404)))
async def patch_object(request: Request, class_name: str, object_id: str) -> Response:
    return await _patch(request, class_name, object_id)


@router.patch("/v1/objects/{object_id}", **doc(body=Object, status=204, ok_text="merged", errors=(*BODY_ERRORS, 404)))
async def patch_object_any(request: Request, object_id: str) -> Response:
    return await _patch(request, None, object_id)


@router.delete("/v1/objects/{class_name}/{object_id}", **doc(status=204, ok_text="deleted", errors=READ_ERRORS,
                                                             empty=NO_OBJECT))
async def delete_object(request: Request, class_name: str, object_id: str) -> Response:
    return await _delete(request, class_name, object_id)


@router.delete("/v1/objects/{object_id}", **doc(status=204, ok_text="deleted", errors=READ_ERRORS, empty=NO_OBJECT))
async def delete_object_any(request: Request, object_id: str) -> Response:
    return await _delete(request, None, object_id)


async def _reference(request: Request, class_name: str | None, object_id: str, prop: str, how: str) -> Response:
    db = get_db(request)
    body = await read_body(request, db.settings.max_request_body_bytes)
    shapes.check(body, shapes.array(shapes.REFERENCE) if how == "replace" else shapes.REFERENCE)
    object_id = parse_id(object_id)
    if class_name is None:
        found = await run_in_threadpool(db.get_object, None, object_id)
        if found is None:
            raise UserError(f"no object with id '{object_id}'", 404)
        class_name = found["class"]
    if how == "replace":
        if not isinstance(body, list):
            raise UserError("the body must be a list of references ({\"beacon\": ...})")
        await run_in_threadpool(db.reference_add, class_name, object_id, prop, None, replace_all=body,
                                tenant=_tenant(request))
        return Response(status_code=200)
    if not isinstance(body, dict):
        raise UserError("the body must be a reference object ({\"beacon\": ...})")
    await run_in_threadpool(db.reference_add, class_name, object_id, prop, body, remove=how == "delete",
                            tenant=_tenant(request))
    return Response(status_code=204 if how == "delete" else 200)


@router.post("/v1/objects/{class_name}/{object_id}/references/{prop}", **ADD_REF)
async def add_reference(request: Request, class_name: str, object_id: str, prop: str) -> Response:
    return await _reference(request, class_name, object_id, prop, "add")


@router.put("/v1/objects/{class_name}/{object_id}/references/{prop}", **REPLACE_REFS)
async def replace_references(request: Request, class_name: str, object_id: str, prop: str) -> Response:
    return await _reference(request, class_name, object_id, prop, "replace")


@router.delete("/v1/objects/{class_name}/{object_id}/references/{prop}", **DELETE_REF)
async def delete_reference(request: Request, class_name: str, object_id: str, prop: str) -> Response:
    return await _reference(request, class_name, object_id, prop, "delete")


@router.post("/v1/objects/{object_id}/references/{prop}", **ADD_REF)
async def add_reference_any(request: Request, object_id: str, prop: str) -> Response:
    return await _reference(request, None, object_id, prop, "add")


@router.put("/v1/objects/{object_id}/references/{prop}", **REPLACE_REFS)
async def replace_references_any(request: Request, object_id: str, prop: str) -> Response:
    return await _reference(request, None, object_id, prop, "replace")


@router.delete("/v1/objects/{object_id}/references/{prop}", **DELETE_REF)
async def delete_reference_any(request: Request, object_id: str, prop: str) -> Response:
    return await _reference(request, None, object_id, prop, "delete")
