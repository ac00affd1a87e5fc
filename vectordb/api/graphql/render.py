"""Core results -> Weaviate's GraphQL output objects (properties plus `_additional`).

Weaviate prints `score`, `explainScore`, `creationTimeUnix` and `lastUpdateTimeUnix` as strings in GraphQL,
and clients parse them back, so they are strings here too. Every output object also carries its class under
CLASS_KEY, which the cross-reference unions use to pick the member type.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vectordb.query.request import SearchResult

CLASS_KEY = "__class"


def _string(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float):
        return repr(value)
    return str(value)


def result_output(result: SearchResult) -> dict[str, Any]:
    """One Get result: its properties (references still as beacons) and `_additional`."""
    out: dict[str, Any] = dict(result.properties)
    out[CLASS_KEY] = result.collection
    out["_additional"] = {
        "id": result.id,
        "vector": result.vector,
        "vectors": result.vectors,
        "distance": result.distance,
        "certainty": result.certainty,
        "score": _string(result.score),
        "explainScore": result.explain_score,
        "creationTimeUnix": _string(result.creation_time_unix),
        "lastUpdateTimeUnix": _string(result.last_update_time_unix),
        "isConsistent": True,
        "generate": result.generate,
        "rerank": None if result.rerank_score is None else [{"score": result.rerank_score}],
        "group": None if result.group is None else group_output(result.group, result.collection),
    }
    return out


def _hit_output(hit: Any, class_name: str) -> dict[str, Any]:
    if isinstance(hit, SearchResult):
        return result_output(hit)
    # a plain dict of properties with a partial `_additional`
    out = dict(hit)
    out[CLASS_KEY] = class_name
    additional = dict(out.get("_additional") or {})
    for key in ("creationTimeUnix", "lastUpdateTimeUnix", "score"):
        additional[key] = _string(additional.get(key))
    out["_additional"] = additional
    return out


def group_output(group: Mapping[str, Any], class_name: str) -> dict[str, Any]:
    """`_additional.group`: {id, groupedBy {path value}, count, maxDistance, minDistance, hits}."""
    out = dict(group)
    out["hits"] = [_hit_output(hit, class_name) for hit in group.get("hits") or []]
    return out


def object_output(obj: Mapping[str, Any]) -> dict[str, Any]:
    """A referenced object (the REST object JSON) as a member of a cross-reference union."""
    out: dict[str, Any] = dict(obj.get("properties") or {})
    out[CLASS_KEY] = obj["class"]
    out["_additional"] = {
        "id": obj["id"],
        "vector": obj.get("vector"),
        "vectors": obj.get("vectors"),
        "creationTimeUnix": _string(obj.get("creationTimeUnix")),
        "lastUpdateTimeUnix": _string(obj.get("lastUpdateTimeUnix")),
        "isConsistent": True,
    }
    return out
