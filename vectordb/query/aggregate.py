"""Aggregate{}: metrics over the property values of a set of objects, in the GraphQL Aggregate shape.

Facts carried over from Weaviate's aggregator:
- Every element of an array property is one value; objects without the property contribute nothing.
- int/number: `count`; with no values every other metric is null. `mode` is the most frequent value, the
  smallest on ties; `median` is the middle value, or the mean of the two middle ones for an even count.
- text: `topOccurrences` (default limit 5) ordered by occurrences descending, then value ascending.
- boolean: counts and fractions (0..1) of true/false; with no values the fractions are null.
- date: `minimum`, `maximum`, `mode`, `median` come back as the stored RFC3339 strings, except a median
  between two instants, which is their midpoint printed in UTC (RFC3339Nano); no values -> only `count`.
- reference: `pointingTo` is the property's target classes when `type` is asked for too (Weaviate fills it
  from the schema then); alone it lists the distinct beacons found.
- `type` is the property's schema data type ("int", "text[]", ..., "cref" for references).
- groupBy: one group per distinct value (each array element), holding the objects that have it; groups are
  ordered by size, largest first (then by value), at most `limit` (default 100).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from vectordb.query.groupby import group_values
from vectordb.query.props import require_property
from vectordb.query.timeparse import ns_to_rfc3339, rfc3339_to_ns

DEFAULT_TOP_OCCURRENCES = 5
DEFAULT_GROUP_LIMIT = 100

NUMERIC_METRICS = ("count", "sum", "mean", "median", "mode", "minimum", "maximum", "type")
TEXT_METRICS = ("count", "type", "topOccurrences")
BOOLEAN_METRICS = ("count", "totalTrue", "totalFalse", "percentageTrue", "percentageFalse", "type")
DATE_METRICS = ("count", "minimum", "maximum", "median", "mode", "type")
REFERENCE_METRICS = ("type", "pointingTo")

# Schema data type (an array type without its "[]") -> aggregation kind; the client uses it too.
AGGREGATION_KINDS = {
    "int": "numerical",
    "number": "numerical",
    "text": "text",
    "string": "text",
    "boolean": "boolean",
    "date": "date",
}
_METRICS = {
    "numerical": NUMERIC_METRICS,
    "text": TEXT_METRICS,
    "boolean": BOOLEAN_METRICS,
    "date": DATE_METRICS,
    "cref": REFERENCE_METRICS,
}


def _kind(prop: Mapping[str, Any]) -> tuple[str, str]:
    """(aggregation kind, schema type string) of a property; ValueError for types that cannot aggregate."""
    data_type = prop.get("dataType") or []
    if data_type and data_type[0][:1].isupper():
        return "cref", "cref"
    schema_type = data_type[0] if data_type else ""
    kind = AGGREGATION_KINDS.get(schema_type.removesuffix("[]"))
    if kind is None:
        if schema_type in ("geoCoordinates", "phoneNumber"):
            raise ValueError(f"dataType {schema_type} can't be aggregated (property '{prop.get('name')}')")
        raise ValueError(f"unrecognized dataType {schema_type!r} of property '{prop.get('name')}'")
    return kind, schema_type


def _values(objects: Iterable[Mapping[str, Any]], name: str) -> list[Any]:
    out: list[Any] = []
    for props in objects:
        value = props.get(name)
        if value is None:
            continue
        if isinstance(value, list | tuple):
            out.extend(v for v in value if v is not None)
        else:
            out.append(value)
    return out


# --- per-kind metrics --------------------------------------------------------------------------------


def _median(ordered: Sequence[Any], midpoint: Callable[[Any, Any], Any]) -> Any:
    n = len(ordered)
    if n % 2:
        return ordered[n // 2]
    low, high = ordered[n // 2 - 1], ordered[n // 2]
    return low if low == high else midpoint(low, high)


def _mode(values: Iterable[Any]) -> Any:
    counts = Counter(values)
    best = max(counts.values())
    return min(v for v, c in counts.items() if c == best)


def numeric_metrics(values: Sequence[float]) -> dict[str, Any]:
    numbers = [float(v) for v in values]
    if not numbers:
        return {"count": 0}
    total = 0.0
    for x in numbers:
        total += x
    ordered = sorted(numbers)
    return {
        "count": len(numbers),
        "sum": total,
        "mean": total / len(numbers),
        "median": _median(ordered, lambda a, b: (a + b) / 2),
        "mode": _mode(numbers),
        "minimum": ordered[0],
        "maximum": ordered[-1],
    }


def top_occurrences(values: Sequence[str], limit: int = DEFAULT_TOP_OCCURRENCES) -> list[dict[str, Any]]:
    counts = Counter(values)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    # Weaviate's top list always keeps its first entry, so a limit below 1 still yields one item
    return [{"value": v, "occurs": c} for v, c in ranked[: max(limit, 1)]]


def text_metrics(values: Sequence[Any], limit: int = DEFAULT_TOP_OCCURRENCES) -> dict[str, Any]:
    texts = [str(v) for v in values]
    return {"count": len(texts), "topOccurrences": top_occurrences(texts, limit) if texts else []}


def boolean_metrics(values: Sequence[Any]) -> dict[str, Any]:
    true = sum(1 for v in values if v is True)
    false = sum(1 for v in values if v is False)
    count = true + false
    return {
        "count": count,
        "totalTrue": true,
        "totalFalse": false,
        "percentageTrue": true / count if count else None,
        "percentageFalse": false / count if count else None,
    }


def date_metrics(values: Sequence[str]) -> dict[str, Any]:
    if not values:
        return {"count": 0}
    # the same instant written two ways counts as two values, as in Weaviate
    stamps = sorted((rfc3339_to_ns(str(v)), str(v)) for v in values)
    mid = _median(stamps, lambda a, b: (a[0] + (b[0] - a[0]) // 2, ns_to_rfc3339(a[0] + (b[0] - a[0]) // 2)))
    return {
        "count": len(stamps),
        "minimum": stamps[0][1],
        "maximum": stamps[-1][1],
        "median": mid[1],
        "mode": _mode(stamps)[1],
    }


def reference_metrics(values: Sequence[Any], prop: Mapping[str, Any], with_type: bool) -> dict[str, Any]:
    if with_type:
        return {"pointingTo": list(prop.get("dataType") or [])}
    beacons: dict[str, None] = {}
    for ref in values:
        if isinstance(ref, Mapping) and "beacon" in ref:
            beacons.setdefault(str(ref["beacon"]), None)
    return {"pointingTo": list(beacons)}


# --- assembling the GraphQL shape --------------------------------------------------------------------


def property_aggregation(
    objects: Sequence[Mapping[str, Any]],
    prop: Mapping[str, Any],
    metrics: Sequence[str],
    top_limit: int = DEFAULT_TOP_OCCURRENCES,
) -> dict[str, Any]:
    """The requested metrics of one property over the objects; unavailable ones are None."""
    kind, schema_type = _kind(prop)
    allowed = _METRICS[kind]
    unknown = [m for m in metrics if m not in allowed]
    if unknown:
        raise ValueError(
            f"metric(s) {', '.join(unknown)} not available for property '{prop.get('name')}' of type "
            f"{schema_type}; available: {', '.join(allowed)}"
        )
    values = _values(objects, prop["name"])
    if kind == "numerical":
        computed = numeric_metrics([v for v in values if not isinstance(v, bool)])
    elif kind == "text":
        computed = text_metrics(values, top_limit)
    elif kind == "boolean":
        computed = boolean_metrics(values)
    elif kind == "date":
        computed = date_metrics(values)
    else:
        computed = reference_metrics(values, prop, with_type="type" in metrics)
    computed["type"] = schema_type
    return {m: computed.get(m) for m in metrics}


def _groups(
    objects: Sequence[Mapping[str, Any]], class_def: Mapping[str, Any], path: Sequence[str], limit: int
) -> list[tuple[str, list[Mapping[str, Any]]]]:
    if len(path) != 1:
        raise ValueError('grouping by cross-refs not supported: groupBy takes one property, e.g. ["tag"]')
    name = path[0]
    require_property(class_def, name)
    members: dict[str, dict[int, Mapping[str, Any]]] = {}
    for index, props in enumerate(objects):
        value = props.get(name)
        if value is None or (isinstance(value, list | tuple) and not value):
            continue
        for key in group_values(value):
            members.setdefault(key, {})[index] = props
    ranked = sorted(members.items(), key=lambda item: (-len(item[1]), item[0]))
    return [(key, list(docs.values())) for key, docs in ranked[: max(limit, 0)]]


def aggregate(
    objects: Iterable[Mapping[str, Any]],
    class_def: Mapping[str, Any],
    fields: Mapping[str, Sequence[str]],
    *,
    meta_count: bool = True,
    group_by: Sequence[str] | None = None,
    limit: int | None = None,
    top_occurrences_limit: Mapping[str, int] | None = None,
) -> list[dict[str, Any]]:
    """Aggregate the objects' properties (`objects` are property dicts).

    Returns the groups of the GraphQL answer: without `group_by` a single group. Each group is
    `{"meta": {"count": n}, "groupedBy": {"path", "value"}, "<prop>": {metric: value, ...}}`, `meta` only when
    `meta_count`, `groupedBy` only when grouping.
    """
    objects = list(objects)
    limits = top_occurrences_limit or {}
    props = {name: require_property(class_def, name) for name in fields}
    groups: list[tuple[Any, list[Mapping[str, Any]], dict[str, Any] | None]]
    if group_by:
        group_limit = DEFAULT_GROUP_LIMIT if limit is None else limit
        groups = [
            (key, docs, {"path": list(group_by), "value": key})
            for key, docs in _groups(objects, class_def, group_by, group_limit)
        ]
    else:
        groups = [(None, objects, None)]

    out = []
    for _key, docs, grouped_by in groups:
        group: dict[str, Any] = {}
        if meta_count:
            group["meta"] = {"count": len(docs)}
        if grouped_by is not None:
            group["groupedBy"] = grouped_by
        for name, metrics in fields.items():
            top = limits.get(name, DEFAULT_TOP_OCCURRENCES)
            group[name] = property_aggregation(docs, props[name], metrics, top)
        out.append(group)
    return out
