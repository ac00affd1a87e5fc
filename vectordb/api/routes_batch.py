"""/v1/batch: objects (JSON or msgpack), delete by filter, references."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from vectordb.api import shapes
from vectordb.api.body import module_headers, read_body
from vectordb.api.deps import get_db
from vectordb.api.errors import JSON, error_body
from vectordb.api.models.batch import (
    BatchDelete,
    BatchDeleteResponse,
    BatchObjects,
    BatchReference,
    BatchReferenceResponse,
    ObjectsGetResponse,
)
from vectordb.api.openapi import BODY_ERRORS, doc
from vectordb.database import Database
from vectordb.errors import UserError
from vectordb.references import parse_beacon
from vectordb.schema import MAX_NESTING_DEPTH, nesting_depth

router = APIRouter()


def _result(entry: dict[str, Any]) -> dict[str, Any]:
    if entry.get("error"):
        return {"status": "FAILED", "errors": error_body(entry["error"])}
    return {"status": "SUCCESS"}


@router.post("/v1/batch/objects", **doc(body=BatchObjects, ok=list[ObjectsGetResponse], errors=BODY_ERRORS,
                                         body_text="JSON, or msgpack with Content-Type: application/msgpack"))
async def batch_objects(request: Request) -> Response:
    db = get_db(request)
    body = await read_body(request, db.settings.max_request_body_bytes)
    shapes.check(body, shapes.BATCH_OBJECTS)
    objects = body.get("objects") if isinstance(body, dict) else None
    if not isinstance(objects, list):
        raise UserError("invalid param 'objects': a list of objects is required", 422)
    if not objects:
        raise UserError("invalid param 'objects': cannot be empty, need at least one object for batching")
    results = await run_in_threadpool(db.batch_objects, objects, module_headers(request))
    out = []
    for sent, entry in zip(objects, results, strict=True):
        # A refused object is echoed as sent, but without values too deep to render (the refusal names them).
        echo = {k: v for k, v in (sent.items() if isinstance(sent, dict) else [])
                if k not in ("vector", "vectors") and nesting_depth(v, MAX_NESTING_DEPTH) <= MAX_NESTING_DEPTH}
        if entry.get("id"):
            echo["id"] = entry["id"]
            echo["class"] = entry["class"]
            if entry.get("properties") is not None and not entry.get("error"):
                echo["properties"] = entry["properties"]
            if entry.get("stored") and not entry.get("error"):
                echo["creationTimeUnix"] = entry["stored"]["creationTimeUnix"]
                echo["lastUpdateTimeUnix"] = entry["stored"]["lastUpdateTimeUnix"]
        echo["result"] = _result(entry)
        out.append(echo)
    return JSON(out)


@router.delete("/v1/batch/objects", **doc(body=BatchDelete, ok=BatchDeleteResponse, errors=BODY_ERRORS))
async def batch_delete(request: Request) -> Response:
    db = get_db(request)
    body = await read_body(request, db.settings.max_request_body_bytes)
    shapes.check(body, shapes.BATCH_DELETE)
    if not isinstance(body, dict) or not isinstance(body.get("match"), dict):
        raise UserError("invalid param 'match': {\"class\": ..., \"where\": ...} is required")
    match = body["match"]
    output = body.get("output") or "minimal"
    if output not in ("minimal", "verbose"):
        raise UserError(f"invalid param 'output': {output!r} is not minimal or verbose")
    dry_run = bool(body.get("dryRun", False))
    if not match.get("class") or not isinstance(match["class"], str):
        raise UserError("invalid param 'match.class': a class name is required")
    results = await run_in_threadpool(
        db.batch_delete, match["class"], match.get("where"), dry_run=dry_run, verbose=output == "verbose",
        tenant=request.query_params.get("tenant") or None,
    )
    return JSON({"match": match, "output": output, "dryRun": dry_run,
                 "deletionTimeUnixMilli": body.get("deletionTimeUnixMilli"), "results": results})


def _one_reference(db: Database, ref: Any) -> None:
    if not isinstance(ref, dict):
        raise UserError("each reference must be an object with 'from' and 'to'")
    shapes.check(ref, shapes.BATCH_REFERENCE)
    cls, object_id, prop = parse_beacon(ref.get("from"))
    if cls is None or prop is None:
        raise UserError(f"invalid 'from' {ref.get('from')!r}: expected weaviate://localhost/<Class>/<uuid>/<property>")
    db.reference_add(cls, object_id, prop, {"beacon": ref.get("to")}, tenant=ref.get("tenant") or None)


@router.post("/v1/batch/references", **doc(body=list[BatchReference], ok=list[BatchReferenceResponse],
                                            errors=BODY_ERRORS))
async def batch_references(request: Request) -> Response:
    db = get_db(request)
    body = await read_body(request, db.settings.max_request_body_bytes)
    if not isinstance(body, list):
        raise UserError("the body must be a list of references")

    def run() -> list[dict[str, Any]]:
        out = []
        for ref in body:
            try:
                _one_reference(db, ref)
                result: dict[str, Any] = {"status": "SUCCESS"}
            except UserError as exc:
                result = {"status": "FAILED", "errors": error_body(exc.message)}
            out.append({**(ref if isinstance(ref, dict) else {}), "result": result})
        return out

    return JSON(await run_in_threadpool(run))
