"""Core results -> Weaviate's GraphQL output objects (properties plus `_additional`).

Weaviate prints `score`, `explainScore`, `creationTimeUnix` and `lastUpdateTimeUnix` as strings in GraphQL,
and clients parse them back, so they are strings here too; a score is a float32 printed as Go's `%v` does.
Every output object also carries its class under CLASS_KEY, which the cross-reference unions use to pick the
member type.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vectordb.query.fusion import format_go_float
from vectordb.query.request import SearchResult

CLASS_KEY = "__class"


def _string(value: Any) -> str | None:
    return None if value is None else str(value)


def _score(value: Any) -> str | None:
    return None if value is None else format_go_float(float(value), 32)


def result_output(result: SearchResult, *, with_group: bool = True) -> dict[str, Any]:
    """One Get result: its properties (references still as beacons) and `_additional`.

    A group's hits are rendered without a group of their own: the core may list the group's leading result
    among its hits, group included, which would otherwise recurse forever.
    """
    out: dict[str, Any] = dict(result.properties)
    out[CLASS_KEY] = result.collection
    out["_additional"] = {
        "id": result.id,
        "vector": result.vector,
        "vectors": result.vectors,
        "distance": result.distance,
        "certainty": result.certainty,
        "score": _score(result.score),
        "explainScore": result.explain_score,
        "creationTimeUnix": _string(result.creation_time_unix),
        "lastUpdateTimeUnix": _string(result.last_update_time_unix),
        "isConsistent": True,
        "generate": result.generate,
        "rerank": None if result.rerank_score is None else [{"score": result.rerank_score}],
        "group": group_output(result.group, result.collection) if with_group and result.group else None,
    }
    return out


def _hit_output(hit: Any, class_name: str) -> dict[str, Any]:
    if isinstance(hit, SearchResult):
        return result_output(hit, with_group=False)
    # a plain dict of properties with a partial `_additional`
    out = dict(hit)
    out[CLASS_KEY] = class_name
    additional = dict(out.get("_additional") or {})
    for key in ("creationTimeUnix", "lastUpdateTimeUnix"):
        additional[key] = _string(additional.get(key))
    additional["score"] = _score(additional.get("score"))
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
