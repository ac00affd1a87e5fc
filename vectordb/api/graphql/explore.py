"""Explore: one vector search across every class that can answer it, merged by distance.

As in Weaviate, all searched classes must share one distance metric (distances of different metrics cannot be
ranked together), and `certainty` is only defined for cosine. Classes with named vectors only, a skipped
vector index, a vector of another length, or (for nearText) no vectorizer are not searched.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from graphql import GraphQLResolveInfo

from vectordb.api.graphql.resolvers import graphql_error
from vectordb.errors import UserError
from vectordb.query.request import SearchRequest, SearchResult
from vectordb.references import parse_beacon
from vectordb.render import beacon
from vectordb.tenants.collection import is_multi_tenant

if TYPE_CHECKING:
    from vectordb.database import Database

log = logging.getLogger(__name__)

_SEARCHES = {"nearVector": "near_vector", "nearObject": "near_object", "nearText": "near_text"}
_DIMENSION_MISMATCH = "vector lengths don't match"


def _metric(class_def: Mapping[str, Any], default: str) -> str:
    return (class_def.get("vectorIndexConfig") or {}).get("distance") or default


def _searchable(class_def: Mapping[str, Any], search: str) -> bool:
    if class_def.get("vectorConfig"):
        return False
    if (class_def.get("vectorIndexConfig") or {}).get("skip"):
        return False
    if search == "nearText":
        return (class_def.get("vectorizer") or "none") != "none"
    return True


def _near_object(db: Database, params: dict[str, Any]) -> dict[str, Any]:
    """nearObject by bare id: find the class that holds the object, so every class can use its vector."""
    if params.get("beacon"):
        cls, object_id, _ = parse_beacon(params["beacon"])
        if cls:
            return params
    else:
        object_id = str(params.get("id") or "")
    if not object_id:
        raise UserError("Explore: nearObject needs 'id' or 'beacon'")
    found = db.get_object(None, object_id)
    if found is None:
        raise UserError(f"Explore: nearObject: no object with id '{object_id}'")
    rest = {k: v for k, v in params.items() if k not in ("id", "beacon")}
    return {**rest, "beacon": beacon(found["class"], found["id"])}


def explore(db: Database, args: Mapping[str, Any], headers: Mapping[str, str]) -> list[dict[str, Any]]:
    """Explore's results: [{className, beacon, certainty, distance}], nearest first."""
    given = [name for name in _SEARCHES if args.get(name) is not None]
    if len(given) != 1:
        raise UserError("Explore: exactly one of nearVector, nearObject or nearText is required")
    search = given[0]
    params = dict(args[search])
    for key in ("certainty", "distance"):
        if args.get(key) is not None and params.get(key) is None:
            params[key] = args[key]
    if params.get("certainty") is not None and params.get("distance") is not None:
        raise UserError(
            f"found 'certainty' and 'distance' set in {search} which are conflicting, choose one instead"
        )
    limit = args.get("limit")
    limit = db.settings.query_defaults_limit_graphql if limit is None else int(limit)
    offset = int(args.get("offset") or 0)
    if limit < 0 or offset < 0:
        raise UserError("Explore: limit and offset must not be negative")

    default_metric = db.settings.default_vector_distance_metric
    # Explore takes no tenant (as Weaviate's), so it searches the classes without multi-tenancy.
    classes = [c for c in db.schema() if _searchable(c, search) and not is_multi_tenant(c)]
    metrics = {_metric(c, default_metric) for c in classes}
    if len(metrics) > 1:
        raise UserError(
            "Explore: the classes use different distance metrics "
            f"({', '.join(sorted(metrics))}); Explore needs one metric across all classes"
        )
    if params.get("certainty") is not None and metrics and metrics != {"cosine"}:
        metric = metrics.pop()
        raise UserError(
            f"can't compute and return certainty when vector index is configured with {metric} distance"
        )
    if search == "nearObject":
        params = _near_object(db, params)

    hits: list[SearchResult] = []
    for class_def in classes:
        request = SearchRequest(collection=class_def["class"], limit=offset + limit, headers=dict(headers))
        setattr(request, _SEARCHES[search], dict(params))
        try:
            hits.extend(db.search(request))
        except UserError as exc:
            if _DIMENSION_MISMATCH not in exc.message:
                raise
            log.debug("Explore skips %s: %s", class_def["class"], exc.message)
    hits.sort(key=lambda r: (r.distance if r.distance is not None else float("inf"), r.collection, r.id))
    return [
        {
            "className": r.collection,
            "beacon": beacon(r.collection, r.id),
            "certainty": r.certainty,
            "distance": r.distance,
        }
        for r in hits[offset : offset + limit]
    ]


def resolve_explore(_root: Any, info: GraphQLResolveInfo, **args: Any) -> list[dict[str, Any]]:
    ctx = info.context
    try:
        return explore(ctx.db, args, ctx.headers)
    except Exception as exc:
        raise graphql_error(exc) from exc
