"""weaviate.v1 `Filters` -> the REST WhereFilter JSON the query layer evaluates.

The client sends a date or a uuid as `value_text` and a timestamp filter as an ISO date; which REST value key
that is depends on the property's schema type, so the translation looks the type up (in the target class for
reference paths).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from vectordb.api.grpc.pb import base_pb2
from vectordb.errors import UserError
from vectordb.query import nested

ClassLookup = Callable[[str], Mapping[str, Any]]

_F = base_pb2.Filters
OPERATORS = {
    _F.OPERATOR_EQUAL: "Equal", _F.OPERATOR_NOT_EQUAL: "NotEqual", _F.OPERATOR_GREATER_THAN: "GreaterThan",
    _F.OPERATOR_GREATER_THAN_EQUAL: "GreaterThanEqual", _F.OPERATOR_LESS_THAN: "LessThan",
    _F.OPERATOR_LESS_THAN_EQUAL: "LessThanEqual", _F.OPERATOR_AND: "And", _F.OPERATOR_OR: "Or",
    _F.OPERATOR_WITHIN_GEO_RANGE: "WithinGeoRange", _F.OPERATOR_LIKE: "Like", _F.OPERATOR_IS_NULL: "IsNull",
    _F.OPERATOR_CONTAINS_ANY: "ContainsAny", _F.OPERATOR_CONTAINS_ALL: "ContainsAll",
    _F.OPERATOR_CONTAINS_NONE: "ContainsNone", _F.OPERATOR_NOT: "Not",
}  # fmt: skip
_TIMESTAMPS = ("_creationTimeUnix", "_lastUpdateTimeUnix")
_ARRAYS = {"value_text_array": "valueTextArray", "value_int_array": "valueIntArray",
           "value_boolean_array": "valueBooleanArray", "value_number_array": "valueNumberArray"}  # fmt: skip
_SCALARS = {"value_text": "valueText", "value_int": "valueInt", "value_boolean": "valueBoolean",
            "value_number": "valueNumber"}  # fmt: skip


def where(filters: base_pb2.Filters, class_name: str, lookup: ClassLookup) -> dict[str, Any]:
    """The REST where filter of a Filters tree on collection `class_name`."""
    op = OPERATORS.get(filters.operator)
    if op is None:
        raise UserError(f"filters: unknown operator {filters.operator}")
    if op in ("And", "Or", "Not"):
        return {"operator": op, "operands": [where(f, class_name, lookup) for f in filters.filters]}
    if filters.HasField("target"):
        path, leaf_class = _path(filters.target, class_name, lookup)
    elif filters.on:
        path, leaf_class = list(filters.on), class_name
    else:
        raise UserError(f"filters: operator {op} needs a target property")
    out: dict[str, Any] = {"operator": op, "path": path}
    kind = filters.WhichOneof("test_value")
    if kind is None:
        raise UserError(f"filters: operator {op} on {path} needs a value")
    if kind == "value_geo":
        geo = filters.value_geo
        out["valueGeoRange"] = {"geoCoordinates": {"latitude": geo.latitude, "longitude": geo.longitude},
                                "distance": {"max": geo.distance}}
        return out
    if kind in _ARRAYS:
        values = list(getattr(filters, kind).values)
        key = _ARRAYS[kind]
        if kind == "value_text_array" and _is_date(path[-1], leaf_class, lookup):
            key = "valueDateArray"
        out[key] = values
        return out
    value = getattr(filters, kind)
    key = _SCALARS[kind]
    if kind == "value_text" and _is_date(path[-1], leaf_class, lookup):
        key = "valueDate"
    out[key] = value
    return out


def _path(target: base_pb2.FilterTarget, class_name: str, lookup: ClassLookup) -> tuple[list[str], str]:
    """The REST path of a FilterTarget and the class its last element belongs to."""
    kind = target.WhichOneof("target")
    if kind == "property":
        return [target.property], class_name
    if kind == "count":
        return [target.count.on], class_name
    if kind == "single_target":
        ref = target.single_target
        targets = _reference_targets(class_name, ref.on, lookup)
        if len(targets) != 1:
            raise UserError(
                f"filters: reference property '{ref.on}' points to {', '.join(targets)}; name the target "
                "collection (Filter.by_ref_multi_target)"
            )
        rest, leaf = _path(ref.target, targets[0], lookup)
        return [ref.on, targets[0], *rest], leaf
    if kind == "multi_target":
        ref = target.multi_target
        rest, leaf = _path(ref.target, ref.target_collection, lookup)
        return [ref.on, ref.target_collection, *rest], leaf
    raise UserError("filters: the filter target is empty")


def _reference_targets(class_name: str, prop_name: str, lookup: ClassLookup) -> list[str]:
    for prop in lookup(class_name).get("properties") or []:
        if prop["name"] == prop_name:
            return list(prop.get("dataType") or [])
    raise UserError(
        f"no such prop with name '{prop_name}' found in class '{class_name}' in the schema. "
        "Check your schema files for which properties in this class are available"
    )


def _is_date(prop_name: str, class_name: str, lookup: ClassLookup) -> bool:
    """Whether the property (or nested sub-property, `a.b[0].c`) at prop_name holds dates."""
    if prop_name in _TIMESTAMPS:
        return True
    try:
        names = [name for name, _pin in nested.segments(prop_name)]
    except ValueError:
        return False
    found: Mapping[str, Any] = {"nestedProperties": lookup(class_name).get("properties") or []}
    for name in names:
        found = next((p for p in found.get("nestedProperties") or [] if p["name"] == name), {})
    return (found.get("dataType") or [""])[0] in ("date", "date[]")
