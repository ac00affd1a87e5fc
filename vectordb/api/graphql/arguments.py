"""GraphQL arguments -> the core's SearchRequest / AggregateRequest.

The coerced argument dicts already use Weaviate's names, so most pass through unchanged. Two things need
translating: the where filter (GraphQL's single-or-list `valueX` becomes the REST form with explicit
`valueXArray` keys), and hybrid's `searches.nearVector` (its vector and distance become the dense side).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vectordb.api.graphql.selection import AggregateWants, GetWants
from vectordb.query.request import AggregateRequest, SearchRequest

# GraphQL value key -> (REST key for one value, REST key for a list). `valueString` is the pre-1.19 name of
# valueText; both filter text properties, so it is sent on as text.
_VALUE_KEYS = {
    "valueText": ("valueText", "valueTextArray"),
    "valueString": ("valueText", "valueTextArray"),
    "valueInt": ("valueInt", "valueIntArray"),
    "valueNumber": ("valueNumber", "valueNumberArray"),
    "valueBoolean": ("valueBoolean", "valueBooleanArray"),
    "valueDate": ("valueDate", "valueDateArray"),
}


def plain(value: Any) -> Any:
    """Coerced GraphQL input (dicts, lists, scalars) as plain JSON-like Python values."""
    if isinstance(value, Mapping):
        return {key: plain(v) for key, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def where_to_rest(where: Mapping[str, Any]) -> dict[str, Any]:
    """A GraphQL where input as the REST WhereFilter JSON that SearchRequest.where expects."""
    out: dict[str, Any] = {"operator": where["operator"]}
    if where.get("path") is not None:
        out["path"] = list(where["path"])
    if where.get("operands") is not None:
        if any(operand is None for operand in where["operands"]):
            # GraphQL lets a list of input objects hold nulls; the REST filter shape has no null filter
            raise ValueError("invalid where filter: an operand is null; each operand must be a filter object")
        out["operands"] = [where_to_rest(operand) for operand in where["operands"]]
    for key, (single, many) in _VALUE_KEYS.items():
        value = where.get(key)
        if value is None:
            continue
        if isinstance(value, list):
            out[many] = list(value)
        else:
            out[single] = value
    if where.get("valueGeoRange") is not None:
        out["valueGeoRange"] = plain(where["valueGeoRange"])
    return out


def _targets(params: Mapping[str, Any]) -> dict[str, Any]:
    """A near* or hybrid input with its `targets` ({targetVectors, combinationMethod, weights}) as the
    targetVectors and targetCombination the query layer takes."""
    out = plain(params)
    targets = out.pop("targets", None)
    if targets is not None:
        out["targetVectors"] = targets["targetVectors"]
        weights = []
        for name, weight in (targets.get("weights") or {}).items():
            for one in weight if isinstance(weight, list) else [weight]:
                weights.append({"target": name, "weight": float(one)})
        out["targetCombination"] = {"method": targets.get("combinationMethod") or "minimum", "weights": weights}
    return out


def _hybrid(params: Mapping[str, Any]) -> dict[str, Any]:
    hybrid = _targets(params)
    searches = hybrid.get("searches") or {}
    for key in ("nearVector", "nearText"):
        if searches.get(key) is not None:
            searches[key] = _targets(searches[key])
    near_vector = searches.get("nearVector")
    if near_vector:
        if hybrid.get("vector") is None and near_vector.get("vector") is not None:
            hybrid["vector"] = near_vector["vector"]
        if hybrid.get("maxVectorDistance") is None and near_vector.get("distance") is not None:
            hybrid["maxVectorDistance"] = near_vector["distance"]
        for key in ("targetVectors", "targetCombination"):
            if hybrid.get(key) is None and near_vector.get(key) is not None:
                hybrid[key] = near_vector[key]
    return hybrid


def _optional(args: Mapping[str, Any], name: str) -> Any:
    value = args.get(name)
    return None if value is None else plain(value)


def _search(args: Mapping[str, Any], name: str) -> dict[str, Any] | None:
    value = args.get(name)
    return None if value is None else _targets(value)


def search_request(
    class_name: str,
    args: Mapping[str, Any],
    wants: GetWants,
    default_limit: int,
    headers: Mapping[str, str] | None = None,
) -> SearchRequest:
    """The SearchRequest for one `Get { <class>(args) {...} }` field."""
    limit = args.get("limit")
    return SearchRequest(
        collection=class_name,
        limit=default_limit if limit is None else int(limit),
        offset=int(args.get("offset") or 0),
        after=args.get("after"),
        autocut=args.get("autocut"),
        where=where_to_rest(args["where"]) if args.get("where") is not None else None,
        sort=[plain(clause) for clause in args.get("sort") or []],
        near_vector=_search(args, "nearVector"),
        near_object=_search(args, "nearObject"),
        near_text=_search(args, "nearText"),
        bm25=_optional(args, "bm25"),
        hybrid=_hybrid(args["hybrid"]) if args.get("hybrid") is not None else None,
        group_by=_optional(args, "groupBy"),
        tenant=args.get("tenant"),
        include_vector=wants.include_vector,
        rerank=wants.rerank,
        generate=wants.generate,
        headers=dict(headers or {}),
        consistency_level=args.get("consistencyLevel"),
    )


def aggregate_request(
    class_name: str,
    args: Mapping[str, Any],
    wants: AggregateWants,
    headers: Mapping[str, str] | None = None,
) -> AggregateRequest:
    """The AggregateRequest for one `Aggregate { <class>(args) {...} }` field."""
    group_by = args.get("groupBy")
    return AggregateRequest(
        collection=class_name,
        fields=wants.fields,
        meta_count=wants.meta_count,
        where=where_to_rest(args["where"]) if args.get("where") is not None else None,
        group_by=list(group_by) if group_by is not None else None,
        limit=args.get("limit"),
        object_limit=args.get("objectLimit"),
        near_vector=_search(args, "nearVector"),
        near_object=_search(args, "nearObject"),
        near_text=_search(args, "nearText"),
        hybrid=_hybrid(args["hybrid"]) if args.get("hybrid") is not None else None,
        tenant=args.get("tenant"),
        top_occurrences_limit=dict(wants.top_occurrences_limit),
        headers=dict(headers or {}),
    )
