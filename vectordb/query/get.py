"""Running a Get query: filter -> allow-list, near*/bm25/hybrid -> candidates -> autocut/group/page -> results.

Additional steps that call modules (rerank, generate) run after the read transaction is closed.
"""

from __future__ import annotations

import dataclasses
import uuid as uuidlib
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice, takewhile
from typing import TYPE_CHECKING, Any

import lmdb
import numpy as np
from pyroaring import BitMap

from storage.objects import uuid_bytes
from vectordb.cluster import as_sharded
from vectordb.collection import Collection
from vectordb.errors import UserError
from vectordb.query import additional
from vectordb.query import distance as dist
from vectordb.query.autocut import autocut
from vectordb.query.deadline import check_deadline
from vectordb.query.fusion import fuse, hybrid_sets
from vectordb.query.request import SearchRequest, SearchResult
from vectordb.query.targets import multi_target_hits
from vectordb.query.vectors import query_vector_for
from vectordb.spaces import VectorSpace, resolve_target

if TYPE_CHECKING:
    from storage.vector_index import AnyIndex
    from vectordb.database import Database

# Below this many allowed docs a filtered fetch reads them by doc id instead of scanning every object.
_DIRECT_FETCH_MAX = 50_000
_SEARCHES = ("near_vector", "near_object", "near_text", "bm25", "hybrid")
_OPERATORS = {"near_vector": "nearVector", "near_object": "nearObject", "near_text": "nearText"}


@dataclass(slots=True)
class Hit:
    obj: dict[str, Any]
    distance: float | None = None
    score: float | None = None
    explain: str | None = None


def parse_boosts(properties: list[str] | None) -> list[tuple[str, float]] | None:
    """bm25 `properties`: "title^2" boosts title by 2."""
    if not properties:
        return None
    out = []
    for raw in properties:
        name, _, boost = str(raw).partition("^")
        try:
            out.append((name, float(boost) if boost else 1.0))
        except ValueError:
            raise UserError(f"bm25: invalid property boost {raw!r}; use e.g. \"title^2\"") from None
    return out


def run_get(db: Database, req: SearchRequest) -> list[SearchResult]:
    with db.shard(req.collection, req.tenant) as coll:
        return _run_get(db, coll, req)


def _run_get(db: Database, coll: Collection, req: SearchRequest) -> list[SearchResult]:
    searches = [name for name in _SEARCHES if getattr(req, name) is not None]
    if len(searches) > 1:
        raise UserError(f"only one search operator per query is allowed, got {', '.join(searches)}")
    limit = db.settings.query_defaults_limit if req.limit is None else req.limit
    if limit < 0 or req.offset < 0:
        raise UserError("limit and offset must not be negative")
    if req.offset + limit > db.settings.query_maximum_results:
        raise UserError(
            f"query maximum results exceeded: offset+limit ({req.offset + limit}) is above "
            f"QUERY_MAXIMUM_RESULTS ({db.settings.query_maximum_results})"
        )
    if req.after is not None:
        _check_uuid("after", req.after)
    if req.after is not None and (searches or req.offset or req.sort):
        raise UserError("'after' (cursor) cannot be combined with a search, 'offset' or 'sort'")
    if req.sort and searches:
        raise UserError("'sort' cannot be combined with nearVector, nearObject, nearText, bm25 or hybrid")
    search = searches[0] if searches else None
    space = None
    query_vector = None
    several: tuple[list[VectorSpace], list[np.ndarray]] | None = None
    if search in ("near_vector", "near_object", "near_text") or (search == "hybrid"):
        params = getattr(req, search)
        targets = params.get("targetVectors") or []
        if len(targets) > 1:
            several = _several_targets(db, coll, req, search, params, targets)
        else:
            try:
                space = resolve_target(coll.spaces, targets)
            except ValueError as exc:
                raise UserError(f"{search}: {exc}") from exc
            if search != "hybrid" or hybrid_alpha(params) > 0:
                query_vector = query_vector_for(db, coll, space, search, params, req.headers)
    sharded = as_sharded(coll)
    if sharded is not None:
        from vectordb.cluster.search import cluster_get

        return cluster_get(db, sharded, req, search, space, query_vector, limit, several)
    window = req.offset + limit
    with coll.reading() as txn:
        allow = coll.filter_docids(txn, req.where)
        if several is not None and req.hybrid is not None:
            hits = hybrid_hits(db, coll, txn, None, None, req.hybrid, window, allow, several)
        elif several is not None:
            assert search is not None  # several targets come only from a vector search
            found = multi_target_hits(coll, txn, *several, getattr(req, search), _OPERATORS[search], window, allow)
            hits = [Hit(obj, distance=distance) for obj, distance in found]
        elif search in ("near_vector", "near_object", "near_text"):
            assert space is not None and query_vector is not None  # resolved above for every vector search
            hits = vector_hits(coll, txn, space, query_vector, getattr(req, search), search, window, allow)
        elif req.bm25 is not None:
            hits = _bm25_hits(coll, txn, req.bm25, window, allow)
        elif req.hybrid is not None:
            assert space is not None  # resolved above for every hybrid search
            hits = hybrid_hits(db, coll, txn, space, query_vector, req.hybrid, window, allow)
        else:
            hits = _fetch_hits(coll, txn, req, window, allow)
        if req.autocut and req.autocut > 0 and hits:
            values = [h.distance if h.distance is not None else (h.score or 0.0) for h in hits]
            hits = hits[: autocut(values, req.autocut)]
        if req.group_by:
            results = _grouped(coll, txn, req, hits, space)
        else:
            check_deadline()
            results = _results(coll, txn, hits[req.offset : req.offset + limit], req, _is_cosine(space))
    if req.rerank:
        results = additional.rerank(db, coll, req, results)
    if req.generate:
        additional.generate(db, coll, req, results)
    return results


def _several_targets(
    db: Database, coll: Collection, req: SearchRequest, search: str, params: Mapping[str, Any], targets: list[str]
) -> tuple[list[VectorSpace], list[np.ndarray]]:
    """The spaces of several targetVectors and each one's query vector (none for a keyword-only hybrid)."""
    spaces = []
    for name in targets:
        try:
            spaces.append(resolve_target(coll.spaces, [name]))
        except ValueError as exc:
            raise UserError(f"{search}: {exc}") from exc
    if search == "hybrid" and hybrid_alpha(params) == 0:
        return spaces, []
    return spaces, [query_vector_for(db, coll, space, search, params, req.headers) for space in spaces]


def _check_uuid(name: str, value: Any) -> None:
    try:
        uuidlib.UUID(str(value))
    except ValueError:
        raise UserError(f"invalid '{name}': {str(value)[:80]!r} is not a valid uuid") from None


def hybrid_alpha(params: Mapping[str, Any]) -> float:
    """The weight of the vector side of a hybrid query (0.75 when not given or null, as in Weaviate)."""
    alpha = params.get("alpha")
    alpha = float(alpha if alpha is not None else 0.75)
    if not 0 <= alpha <= 1:
        raise UserError(f"hybrid: alpha must be between 0 and 1, got {alpha}")
    return alpha


def _metric(space: VectorSpace) -> str:
    return space.index_config.get("distance", "cosine")


def _index(coll: Collection, space: VectorSpace) -> AnyIndex:
    index = coll.indexes.get(space.name)
    if index is None:
        raise UserError(f"vector '{space.label}' of {coll.name} has no vector index (vectorIndexConfig.skip is true)")
    return index


def vector_hits(
    coll: Collection,
    txn: lmdb.Transaction,
    space: VectorSpace,
    query: np.ndarray,
    params: Mapping[str, Any],
    search: str,
    window: int,
    allow: BitMap | None,
) -> list[Hit]:
    operator = _OPERATORS[search]
    try:
        bound = dist.max_distance(params, operator, _metric(space))
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    index = _index(coll, space)
    if index.dim and len(query) != index.dim:
        raise UserError(
            f"{operator}: vector lengths don't match: the query has {len(query)} dimensions, "
            f"the collection's vectors have {index.dim}"
        )
    if window == 0:
        return []
    ids, distances = index.search(query, window, allow=allow)
    found = distances.tolist()
    if bound is not None:
        found = list(takewhile(lambda d: dist.within(d, bound), found))
        ids = ids[: len(found)]
    objects = coll.store.get_many_by_docid(txn, ids.tolist())
    return [Hit(obj, d) for obj, d in zip(objects, found, strict=True) if obj is not None]


def _bm25_hits(
    coll: Collection, txn: lmdb.Transaction, params: Mapping[str, Any], window: int, allow: BitMap | None
) -> list[Hit]:
    query = params.get("query")
    if not isinstance(query, str):
        raise UserError("bm25: 'query' must be a string")
    bm25_cfg = (coll.class_def.get("invertedIndexConfig") or {}).get("bm25") or {}
    operator = params.get("searchOperator") or {}
    try:
        scored = coll.inverted.bm25(
            txn,
            query,
            parse_boosts(params.get("properties")),
            allow,
            window,
            float(bm25_cfg.get("k1", 1.2)),
            float(bm25_cfg.get("b", 0.75)),
            operator=operator.get("operator", "Or"),
            minimum_match=int(operator.get("minimumOrTokensMatch") or 1),
            corpus=params.get("corpus"),
        )
    except (ValueError, KeyError) as exc:
        raise UserError(f"bm25: {exc}") from exc
    hits = []
    for docid, score, explain in scored:
        obj = coll.store.get_by_docid(txn, docid)
        if obj is not None:
            hits.append(Hit(obj, score=float(score), explain=explain))
    return hits


def hybrid_hits(
    db: Database,
    coll: Collection,
    txn: lmdb.Transaction,
    space: VectorSpace | None,
    query_vector: np.ndarray | None,
    params: Mapping[str, Any],
    window: int,
    allow: BitMap | None,
    several: tuple[list[VectorSpace], list[np.ndarray]] | None = None,
) -> list[Hit]:
    """Hybrid hits on one vector space (`space`, `query_vector`) or on several targets at once (`several`: their
    spaces and query vectors, combined as params' targetCombination says)."""
    alpha = hybrid_alpha(params)
    side = max(window, db.settings.query_hybrid_maximum_results)
    dense = sparse = None
    objects: dict[Hashable, dict[str, Any]] = {}  # by the keys fusion hands back (object ids)
    cutoff = params.get("maxVectorDistance")
    within_cutoff: set[str] | None = None
    if alpha > 0:
        vector_params = {"distance": cutoff} if cutoff is not None else {}
        nearest: Sequence[tuple[dict[str, Any], float | None]]
        if several is not None:
            vector_params["targetCombination"] = params.get("targetCombination")
            nearest = multi_target_hits(coll, txn, *several, vector_params, "nearVector", side, allow)
        else:
            assert space is not None and query_vector is not None  # resolved whenever hybrid_alpha(params) > 0
            nearest = [(h.obj, h.distance) for h in
                       vector_hits(coll, txn, space, query_vector, vector_params, "near_vector", side, allow)]
        dense = []
        for obj, distance in nearest:
            objects[obj["id"]] = obj
            dense.append((obj["id"], distance))
        if cutoff is not None:
            # As Weaviate: with a vector cutoff, keyword hits beyond it are dropped too.
            within_cutoff = {key for key, _ in dense}
    if alpha < 1:
        sparse = []
        query = params.get("query") or ""
        if query:
            bm25_params = {"query": query, "properties": params.get("properties"),
                           "searchOperator": params.get("bm25SearchOperator")}
            for h in _bm25_hits(coll, txn, bm25_params, side, allow):
                if within_cutoff is not None and h.obj["id"] not in within_cutoff:
                    continue
                objects[h.obj["id"]] = h.obj
                sparse.append((h.obj["id"], h.score, h.explain or ""))
    fusion = params.get("fusionType") or "relativeScoreFusion"
    try:
        fused = fuse(hybrid_sets(dense, sparse, alpha, "hybridVector"), fusion)
    except ValueError as exc:
        raise UserError(f"hybrid: {exc}") from exc
    return [Hit(objects[key], score=score, explain=explain.strip()) for key, score, explain in fused[:window]]


def _fetch_hits(
    coll: Collection, txn: lmdb.Transaction, req: SearchRequest, window: int, allow: BitMap | None
) -> list[Hit]:
    if req.sort:
        from vectordb.query.sort import sort_objects

        objs = coll.objects_by_docids(txn, list(allow)) if allow is not None else list(coll.store.iterate(txn))
        try:
            return [Hit(o) for o in sort_objects(objs, req.sort, coll.class_def)[:window]]
        except ValueError as exc:
            raise UserError(f"sort: {exc}") from exc
    if allow is not None and len(allow) <= _DIRECT_FETCH_MAX:
        objs = sorted(coll.objects_by_docids(txn, list(allow)), key=lambda o: uuid_bytes(o["id"]))
        if req.after is not None:
            after = uuid_bytes(req.after)
            objs = [o for o in objs if uuid_bytes(o["id"]) > after]
        return [Hit(o) for o in objs[:window]]
    return [Hit(o) for o in islice(coll.each_object(txn, allow, req.after), window)]


def _wants_vector(req: SearchRequest, name: str, label: str) -> bool:
    if isinstance(req.include_vector, bool):
        return req.include_vector
    return label in req.include_vector or name in req.include_vector


def _is_cosine(space: VectorSpace | None) -> bool:
    """Whether the hits' distances have a certainty (cosine only)."""
    return space is not None and _metric(space) == dist.COSINE


def _results(
    coll: Collection, txn: lmdb.Transaction, hits: list[Hit], req: SearchRequest, cosine: bool
) -> list[SearchResult]:
    """The hits as results, in one loop with what it looks up bound once: every search runs it per hit."""
    name, certainty, with_vectors = coll.name, dist.distance_to_certainty, bool(req.include_vector)
    results = []
    for hit in hits:
        obj, distance = hit.obj, hit.distance
        result = SearchResult(
            obj["id"],
            name,
            obj["properties"],
            obj["creationTimeUnix"],
            obj["lastUpdateTimeUnix"],
            distance=distance,
            certainty=None if distance is None or not cosine else certainty(distance),
            score=hit.score,
            explain_score=hit.explain,
        )
        if with_vectors:
            _add_vectors(coll, txn, obj, req, result)
        results.append(result)
    return results


def _add_vectors(coll: Collection, txn: lmdb.Transaction, obj: dict[str, Any], req: SearchRequest,
                 result: SearchResult) -> None:
    vectors = coll.store.vectors(txn, obj["docId"])
    named = {}
    for name, vector in vectors.items():
        label = coll.spaces[name].label if name in coll.spaces else name
        if _wants_vector(req, name, label):
            named[label] = vector.tolist()
    if "" in vectors and _wants_vector(req, "", "default"):
        result.vector = vectors[""].tolist()
    result.vectors = named or None


def _grouped(
    coll: Collection, txn: lmdb.Transaction, req: SearchRequest, hits: list[Hit], space: VectorSpace | None
) -> list[SearchResult]:
    from vectordb.query.groupby import group_hits

    spec = req.group_by or {}
    try:
        groups = group_hits(
            [(h.obj["properties"], h.distance if h.distance is not None else 0.0, h) for h in hits],
            spec.get("path") or [],
            int(spec.get("groups") or 1),
            int(spec.get("objectsPerGroup") or 1),
            coll.class_def,
        )
    except ValueError as exc:
        raise UserError(f"groupBy: {exc}") from exc
    results = []
    cosine = _is_cosine(space)
    for group in groups:
        members = _results(coll, txn, group.pop("hits"), req, cosine)
        # The group's leading result carries the group; the hits inside are plain results.
        results.append(dataclasses.replace(members[0], group={**group, "hits": members}))
    return results
