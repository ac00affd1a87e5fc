"""Running an Aggregate query: choose the objects (filter, near*, hybrid, objectLimit), then compute metrics."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vectordb.cluster import as_sharded
from vectordb.errors import UserError
from vectordb.query.aggregate import aggregate
from vectordb.query.get import hybrid_alpha, hybrid_hits, vector_hits
from vectordb.query.request import AggregateRequest
from vectordb.query.vectors import query_vector_for
from vectordb.spaces import resolve_target

if TYPE_CHECKING:
    import numpy as np

    from vectordb.collection import Collection
    from vectordb.database import Database
    from vectordb.spaces import VectorSpace

_SEARCHES = ("near_vector", "near_object", "near_text", "hybrid")


def run_aggregate(db: Database, req: AggregateRequest) -> list[dict[str, Any]]:
    with db.shard(req.collection, req.tenant) as coll:
        return _run_aggregate(db, coll, req)


def _run_aggregate(db: Database, coll: Collection, req: AggregateRequest) -> list[dict[str, Any]]:
    searches = [name for name in _SEARCHES if getattr(req, name) is not None]
    if len(searches) > 1:
        raise UserError(f"only one search operator per aggregation is allowed, got {', '.join(searches)}")
    search = searches[0] if searches else None
    query_vector = space = None
    if search is not None:
        params = getattr(req, search)
        if req.object_limit is None and search != "hybrid" and not (
            params.get("distance") is not None or params.get("certainty") is not None
        ):
            raise UserError(f"Aggregate with {search}: objectLimit (or a distance/certainty) is required")
        try:
            space = resolve_target(coll.spaces, params.get("targetVectors"))
        except ValueError as exc:
            raise UserError(f"{search}: {exc}") from exc
        if search != "hybrid" or hybrid_alpha(params) > 0:
            query_vector = query_vector_for(db, coll, space, search, params, req.headers)
    window = req.object_limit or db.settings.query_maximum_results
    sharded = as_sharded(coll)
    if sharded is not None:
        from vectordb.cluster.search import cluster_aggregate_objects

        objects = cluster_aggregate_objects(sharded, req, search, space, query_vector, window, db)
    else:
        objects = _objects(db, coll, req, search, space, query_vector, window)
    if req.object_limit is not None:
        objects = objects[: req.object_limit]
    try:
        return aggregate(
            objects,
            coll.class_def,
            req.fields,
            meta_count=req.meta_count,
            group_by=req.group_by,
            limit=req.limit,
            top_occurrences_limit=req.top_occurrences_limit,
        )
    except ValueError as exc:
        raise UserError(f"Aggregate: {exc}") from exc


def _objects(db: Database, coll: Collection, req: AggregateRequest, search: str | None, space: VectorSpace | None,
             query_vector: np.ndarray | None, window: int) -> list[dict[str, Any]]:
    with coll.reading() as txn:
        allow = coll.filter_docids(txn, req.where)
        if req.hybrid is not None:
            assert space is not None  # resolved by run_aggregate for every hybrid search
            hits = hybrid_hits(db, coll, txn, space, query_vector, req.hybrid, window, allow)
            return [h.obj["properties"] for h in hits]
        if search is not None:
            assert space is not None and query_vector is not None  # resolved for every vector search
            hits = vector_hits(coll, txn, space, query_vector, getattr(req, search), search, window, allow)
            return [h.obj["properties"] for h in hits]
        if allow is not None:
            return [o["properties"] for o in coll.objects_by_docids(txn, list(allow))]
        return [o["properties"] for o in coll.store.iterate(txn)]
