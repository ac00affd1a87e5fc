"""Queries on a sharded collection: one replica per shard searches its store, the coordinator merges exactly.

Each shard is asked for its best `offset + limit` (a hybrid side for its best `max(window, hybrid maximum)`), so
the global best of every ranking is among the answers; the merge then ranks, fuses, groups, cuts and pages as one
node does. The query vector is made once, here. Aggregate computes over the matching objects the shards return.
At a consistency level above ONE the results are checked against the other replicas (a digest read) and a
newer version, when one exists, replaces the one found and repairs the stale replicas.
"""

from __future__ import annotations

import dataclasses
import heapq
import uuid as uuidlib
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from vectordb.cluster import consistency
from vectordb.errors import UserError
from vectordb.query import additional
from vectordb.query.autocut import autocut
from vectordb.query.fusion import fuse, hybrid_sets
from vectordb.query.request import AggregateRequest, SearchRequest, SearchResult
from vectordb.spaces import VectorSpace

if TYPE_CHECKING:
    from vectordb.cluster.sharded import ShardedCollection
    from vectordb.database import Database

FanOut = Callable[[SearchRequest], list[list[SearchResult]]]
_VECTOR_SEARCHES = ("near_vector", "near_object", "near_text")
_BOUNDS = ("distance", "certainty")


def _near_vector(params: dict[str, Any], space: VectorSpace, vector: np.ndarray, bounds: dict[str, Any]) -> dict:
    out: dict[str, Any] = {"vector": vector.tolist(), **{k: bounds[k] for k in _BOUNDS if bounds.get(k) is not None}}
    if params.get("targetVectors"):
        out["targetVectors"] = [space.label]
    return out


def _shard_request(req: SearchRequest, window: int, **search: Any) -> SearchRequest:
    """What one shard runs: the filter and one ranking, its best `window`; the rest is done after the merge."""
    plain: dict[str, Any] = dict.fromkeys((*_VECTOR_SEARCHES, "bm25", "hybrid"))
    return dataclasses.replace(req, offset=0, limit=window, autocut=None, group_by=None, rerank=None,
                               generate=None, headers={}, **{**plain, **search})


def _merged(answers: Iterable[list[SearchResult]], key: Callable[[SearchResult], Any], window: int) -> list:
    return list(heapq.merge(*answers, key=key))[:window]


def _by_distance(r: SearchResult) -> float:
    return r.distance if r.distance is not None else 0.0


def _by_score(r: SearchResult) -> float:
    return -(r.score or 0.0)


def _by_uuid(r: SearchResult) -> bytes:
    return uuidlib.UUID(r.id).bytes


def cluster_get(db: Database, coll: ShardedCollection, req: SearchRequest, search: str | None,
                space: VectorSpace | None, query_vector: np.ndarray | None, limit: int,
                several: tuple[list[VectorSpace], list[np.ndarray]] | None = None) -> list[SearchResult]:
    window = req.offset + limit
    req = dataclasses.replace(req, where=coll.resolved(req.where))

    def fan_out(sub: SearchRequest) -> list[list[SearchResult]]:
        return list(coll.one_per_shard("search", sub).values())

    if several is not None:
        assert search is not None  # several targets come only from a vector search
        hits = _several_targets(coll, req, search, *several, window)
    elif search in _VECTOR_SEARCHES:
        assert space is not None and query_vector is not None  # resolved by run_get for every vector search
        params = getattr(req, search)
        sub = _shard_request(req, window, near_vector=_near_vector(params, space, query_vector, params))
        hits = _merged(fan_out(sub), _by_distance, window)
    elif search == "bm25":
        bm25 = _with_corpus(coll, req.bm25 or {})
        hits = _merged(fan_out(_shard_request(req, window, bm25=bm25)), _by_score, window)
    elif search == "hybrid":
        assert space is not None  # resolved by run_get for hybrid
        hits = _hybrid(db, coll, req, space, query_vector, window, fan_out)
    elif req.sort:
        from vectordb.query.sort import sort_objects

        union = sorted((r for rs in fan_out(_shard_request(req, window)) for r in rs), key=_by_uuid)
        try:
            hits = sort_objects(union, req.sort, coll.class_def)[:window]
        except ValueError as exc:
            raise UserError(f"sort: {exc}") from exc
    else:
        hits = _merged(fan_out(_shard_request(req, window)), _by_uuid, window)
    hits = _fresh(coll, hits, req.consistency_level)
    if req.autocut and req.autocut > 0 and hits:
        values = [h.distance if h.distance is not None else (h.score or 0.0) for h in hits]
        hits = hits[: autocut(values, req.autocut)]
    results = _grouped(coll, req, hits) if req.group_by else hits[req.offset : req.offset + limit]
    if req.rerank:
        results = additional.rerank(db, coll, req, results)  # type: ignore[arg-type]
    if req.generate:
        additional.generate(db, coll, req, results)  # type: ignore[arg-type]
    return results


def _several_targets(coll: ShardedCollection, req: SearchRequest, search: str, spaces: list[VectorSpace],
                     queries: list[np.ndarray], window: int) -> list[SearchResult]:
    """Several targetVectors as one node searches them: each target's nearest `window` over all shards, then
    every candidate's exact distance on every target, combined here (so relativeScore normalises over the
    same candidates as one node)."""
    from vectordb.query import distance as dist
    from vectordb.query.get import _OPERATORS
    from vectordb.query.targets import combine, weights_for

    params = getattr(req, search)
    combination = params.get("targetCombination") or {}
    weights = weights_for(spaces, combination)
    try:
        bound = dist.max_distance(params, _OPERATORS[search], spaces[0].index_config.get("distance", "cosine"))
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    if window == 0:
        return []
    subs = [_shard_request(req, window, near_vector=_near_vector(params, space, query, {}))
            for space, query in zip(spaces, queries, strict=True)]
    answers = list(coll.one_per_shard("search_many", subs).values())
    candidates: dict[str, SearchResult] = {}
    for t in range(len(subs)):
        for hit in _merged((answer[t] for answer in answers), _by_distance, window):
            candidates.setdefault(hit.id, hit)
    if not candidates:
        return []
    ids = sorted(candidates, key=lambda i: uuidlib.UUID(i).bytes)
    rows: dict[str, list[float]] = {}
    for part in coll.one_per_shard("target_distances", [s.name for s in spaces], [q.tolist() for q in queries],
                                   ids).values():
        rows.update(part)
    table = np.array([rows.get(i, [np.inf] * len(spaces)) for i in ids], dtype=np.float64).T
    complete = np.flatnonzero(np.isfinite(table).all(axis=0))
    ids, table = [ids[j] for j in complete], table[:, complete]
    if not ids:
        return []
    combined = combine(table, combination.get("method") or "minimum", weights)
    out = []
    for position in np.argsort(combined, kind="stable")[:window]:
        value = float(combined[position])
        if not dist.within(value, bound):
            break
        out.append(dataclasses.replace(candidates[ids[position]], distance=value, certainty=None))
    return out


def _with_corpus(coll: ShardedCollection, bm25: dict[str, Any]) -> dict[str, Any]:
    """The bm25 parameters with the whole collection's statistics, so each shard scores as one node would."""
    query = bm25.get("query")
    if not isinstance(query, str):
        raise UserError("bm25: 'query' must be a string")
    props: dict[str, list[int]] = {}
    df: dict[str, dict[str, int]] = {}
    for part in coll.one_per_shard("bm25_corpus", query, bm25.get("properties")).values():
        for name, (docs, tokens) in part["props"].items():
            total = props.setdefault(name, [0, 0])
            total[0] += docs
            total[1] += tokens
        for name, terms in part["df"].items():
            counts = df.setdefault(name, {})
            for term, n in terms.items():
                counts[term] = counts.get(term, 0) + n
    return {**bm25, "corpus": {"props": {k: tuple(v) for k, v in props.items()}, "df": df}}


def _hybrid(db: Database, coll: ShardedCollection, req: SearchRequest, space: VectorSpace,
            query_vector: np.ndarray | None, window: int, fan_out: FanOut) -> list[SearchResult]:
    from vectordb.query.get import hybrid_alpha

    params = req.hybrid or {}
    alpha = hybrid_alpha(params)
    side = max(window, db.settings.query_hybrid_maximum_results)
    cutoff = params.get("maxVectorDistance")
    found: dict[str, SearchResult] = {}
    dense = sparse = None
    within: set[str] | None = None
    if alpha > 0:
        assert query_vector is not None  # run_get makes one whenever alpha > 0
        near = _near_vector(params, space, query_vector, {"distance": cutoff})
        dense_hits = _merged(fan_out(_shard_request(req, side, near_vector=near)), _by_distance, side)
        found.update((h.id, h) for h in dense_hits)
        dense = [(h.id, h.distance) for h in dense_hits]
        if cutoff is not None:
            within = {h.id for h in dense_hits}
    if alpha < 1:
        sparse = []
        if params.get("query"):
            bm25 = _with_corpus(coll, {"query": params["query"], "properties": params.get("properties"),
                                       "searchOperator": params.get("bm25SearchOperator")})
            for h in _merged(fan_out(_shard_request(req, side, bm25=bm25)), _by_score, side):
                if within is not None and h.id not in within:
                    continue
                found.setdefault(h.id, h)
                sparse.append((h.id, h.score, h.explain_score or ""))
    try:
        fused = fuse(hybrid_sets(dense, sparse, alpha, "hybridVector"), params.get("fusionType") or
                     "relativeScoreFusion")
    except ValueError as exc:
        raise UserError(f"hybrid: {exc}") from exc
    return [dataclasses.replace(found[str(key)], distance=None, certainty=None, score=score,
                                explain_score=explain.strip()) for key, score, explain in fused[:window]]


def _grouped(coll: ShardedCollection, req: SearchRequest, hits: list[SearchResult]) -> list[SearchResult]:
    from vectordb.query.groupby import group_hits

    spec = req.group_by or {}
    try:
        groups = group_hits([(h.properties, h.distance if h.distance is not None else 0.0, h) for h in hits],
                            spec.get("path") or [], int(spec.get("groups") or 1),
                            int(spec.get("objectsPerGroup") or 1), coll.class_def)
    except ValueError as exc:
        raise UserError(f"groupBy: {exc}") from exc
    results = []
    for group in groups:
        members = group.pop("hits")
        results.append(dataclasses.replace(members[0], group={**group, "hits": members}))
    return results


def _fresh(coll: ShardedCollection, hits: list[SearchResult], level: str | None) -> list[SearchResult]:
    """At QUORUM or ALL, the newest version of each hit among the replicas the level asks."""
    if coll.factor == 1 or consistency.current(level) == "ONE" or not hits:
        return hits
    by_shard: dict[str, list[str]] = {}
    for h in hits:
        by_shard.setdefault(coll.routing.shard_for(h.id), []).append(h.id)
    newest: dict[str, tuple[int, bool]] = {}
    for shard, ids in by_shard.items():
        for versions in coll.read(shard, "versions", ids, level=level).values():
            for object_id, (t, alive) in versions.items():
                # a deletion at the same time as a version is the later of the two
                newest[object_id] = max(newest.get(object_id, (t, alive)), (t, alive), key=lambda v: (v[0], not v[1]))
    out = []
    for h in hits:
        t, alive = newest.get(h.id, (h.last_update_time_unix, True))
        if not alive or t > h.last_update_time_unix:
            found = coll.get_with_vectors(h.id, level)  # the newest version, repairing the replicas that lack it
            if found is None:
                continue
            obj = found[0]
            h = dataclasses.replace(h, properties=obj["properties"], last_update_time_unix=obj["lastUpdateTimeUnix"])
        out.append(h)
    return out

def cluster_aggregate_objects(coll: ShardedCollection, req: AggregateRequest, search: str | None,
                              space: VectorSpace | None, query_vector: np.ndarray | None,
                              window: int, db: Database) -> list[dict[str, Any]]:
    """The properties of the objects an Aggregate computes over, gathered from every shard."""
    req = dataclasses.replace(req, where=coll.resolved(req.where))
    if search is None:
        # In uuid order, the order one node sums them in without a filter (float sums depend on it).
        found = [item for items in coll.one_per_shard("properties", req.where).values() for item in items]
        return [props for _, props in sorted(found, key=lambda item: uuidlib.UUID(item[0]).bytes)]
    sub = SearchRequest(collection=coll.name, where=req.where, tenant=req.tenant)
    if search == "hybrid":
        assert space is not None  # resolved by run_aggregate for hybrid
        hits = _hybrid(db, coll, dataclasses.replace(sub, hybrid=req.hybrid), space, query_vector, window,
                       lambda s: list(coll.one_per_shard("search", s).values()))
    else:
        assert space is not None and query_vector is not None  # resolved by run_aggregate for vector searches
        params = getattr(req, search)
        near = _near_vector(params, space, query_vector, params)
        answers = coll.one_per_shard("search", _shard_request(sub, window, near_vector=near)).values()
        hits = _merged(answers, _by_distance, window)
    return [h.properties for h in hits]
