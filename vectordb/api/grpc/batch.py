"""BatchObjects and BatchDelete: protobuf <-> the Database calls REST's /v1/batch/objects makes."""

from __future__ import annotations

import time
import uuid as uuidlib
from collections.abc import Mapping
from typing import Any

from vectordb.api.grpc import filters, values
from vectordb.api.grpc.pb import batch_delete_pb2, batch_pb2
from vectordb.api.grpc.search import decode_vector
from vectordb.database import Database
from vectordb.errors import UserError


def _body(db: Database, obj: batch_pb2.BatchObject, props_of: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """A BatchObject as the REST object body Database.batch_objects takes. `props_of`: the schema properties
    of each collection looked up so far in this request."""
    schema_props = props_of.get(obj.collection)
    if schema_props is None:
        schema_props = props_of[obj.collection] = (
            db.class_def(obj.collection).get("properties") or [] if db.has_collection(obj.collection) else [])
    body: dict[str, Any] = {"class": obj.collection, "id": obj.uuid}
    if obj.tenant:
        body["tenant"] = obj.tenant
    if obj.HasField("properties"):
        body["properties"] = values.batch_properties(obj.properties, schema_props)
    if obj.vector_bytes:
        body["vector"] = obj.vector_bytes
    elif obj.vector:
        body["vector"] = list(obj.vector)
    if obj.vectors:
        body["vectors"] = {v.name or "default": decode_vector(v) for v in obj.vectors}
    return body


def batch_objects(db: Database, request: batch_pb2.BatchObjectsRequest, headers: Mapping[str, str]
                  ) -> batch_pb2.BatchObjectsReply:
    started = time.perf_counter()
    errors: dict[int, str] = {}
    bodies: list[Mapping[str, Any]] = []
    positions: list[int] = []
    props_of: dict[str, list[dict[str, Any]]] = {}
    for index, obj in enumerate(request.objects):
        try:
            bodies.append(_body(db, obj, props_of))
            positions.append(index)
        except UserError as exc:
            errors[index] = exc.message
    if bodies:
        for index, result in zip(positions, db.batch_objects(bodies, headers), strict=True):
            if result.get("error"):
                errors[index] = result["error"]
    reply = batch_pb2.BatchObjectsReply(took=time.perf_counter() - started)
    reply.errors.extend(batch_pb2.BatchObjectsReply.BatchError(index=i, error=e) for i, e in sorted(errors.items()))
    return reply


def batch_delete(db: Database, request: batch_delete_pb2.BatchDeleteRequest, headers: Mapping[str, str]
                 ) -> batch_delete_pb2.BatchDeleteReply:
    del headers  # deleting calls no module
    started = time.perf_counter()
    if not request.HasField("filters"):
        raise UserError("no filters in batch delete request")
    name = db.class_def(request.collection)["class"]
    where = filters.where(request.filters, name, db.class_def)
    result = db.batch_delete(name, where, dry_run=request.dry_run, verbose=request.verbose,
                             tenant=request.tenant if request.HasField("tenant") else None)
    # Weaviate counts a dry run's matches as successful.
    successful = result["matches"] if request.dry_run else result["successful"]
    reply = batch_delete_pb2.BatchDeleteReply(
        took=time.perf_counter() - started, matches=result["matches"], successful=successful,
        failed=result["failed"],
    )
    if request.verbose:
        for entry in result.get("objects") or []:
            item = batch_delete_pb2.BatchDeleteObject(
                uuid=uuidlib.UUID(entry["id"]).bytes, successful=entry["status"] != "FAILED")
            if entry["status"] == "FAILED":
                item.error = entry["errors"]["error"][0]["message"]
            reply.objects.append(item)
    return reply
