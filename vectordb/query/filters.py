"""Where filters: check a REST WhereFilter against the schema, then evaluate it to a set of docids.

The filter is first parsed into a small tree (`parse`), which is where every user error is found, so a bad
filter fails before any index is read. Errors are ValueError with a message naming the path and operator;
errors only the index can see (an unindexed property, a value made only of stopwords) are
storage.inverted.FilterError, also a ValueError. The caller turns both into a 422.

Reference paths `["refProp", "TargetClass", "prop", ...]` are resolved through `resolve_ref(TargetClass,
sub_filter)`, which returns the uuids of the matching target objects; the documents whose refProp points
to any of them match.
"""

from __future__ import annotations

import math
import re
import uuid as uuidlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pyroaring import BitMap

from storage.inverted import CREATION_PROP, ID_PROP, RANGE_OPS, UPDATE_PROP, InvertedIndex, rfc3339_micros
from vectordb.query import nested
from vectordb.query.deadline import check_deadline

ResolveRef = Callable[[str, dict], set[str]]
# The docids of the stored objects whose properties satisfy a predicate (nested filters read the objects).
ScanDocs = Callable[[Callable[[dict], bool]], BitMap]

LOGICAL_OPS = ("And", "Or", "Not")
COMPARE_OPS = ("Equal", "NotEqual", *RANGE_OPS)
CONTAINS_OPS = {"ContainsAny": "any", "ContainsAll": "all", "ContainsNone": "none"}
OPERATORS = (*LOGICAL_OPS, *COMPARE_OPS, "Like", *CONTAINS_OPS, "IsNull", "WithinGeoRange")
# Logical operators nest at most this deep: the parser recurses, and a request echoing a deeper filter could not
# be rendered. Weaviate has no limit; no real filter comes near it.
MAX_FILTER_DEPTH = 64

# value key -> (value type, is a list)
VALUE_KEYS: dict[str, tuple[str, bool]] = {
    "valueText": ("text", False),
    "valueString": ("text", False),
    "valueInt": ("int", False),
    "valueNumber": ("number", False),
    "valueBoolean": ("boolean", False),
    "valueDate": ("date", False),
    "valueTextArray": ("text", True),
    "valueStringArray": ("text", True),
    "valueIntArray": ("int", True),
    "valueNumberArray": ("number", True),
    "valueBooleanArray": ("boolean", True),
    "valueDateArray": ("date", True),
    "valueGeoRange": ("geo", False),
}
_VALUE_NAME = {"text": "valueText", "int": "valueInt", "number": "valueNumber", "boolean": "valueBoolean",
               "date": "valueDate", "geo": "valueGeoRange"}  # fmt: skip
_ID_PATHS = {"id": ID_PROP, "_id": ID_PROP}
_TIMESTAMP_PATHS = {
    "_creationTimeUnix": CREATION_PROP,
    "creationTimeUnix": CREATION_PROP,
    "_lastUpdateTimeUnix": UPDATE_PROP,
    "lastUpdateTimeUnix": UPDATE_PROP,
}
_LEN_PATH = re.compile(r"^len\((\w+)\)$")
# The value type each property data type is filtered with; int and number accept each other.
_FILTER_TYPES = {
    "text": ("text",),
    "string": ("text",),
    "uuid": ("text",),
    "int": ("int", "number"),
    "number": ("number", "int"),
    "boolean": ("boolean",),
    "date": ("date",),
}
_UNFILTERABLE = ("object", "phoneNumber", "blob")


@dataclass
class Node:
    """One parsed filter clause. Logical nodes have children; leaves name what the index must answer."""

    op: str
    kind: str = "logical"  # logical | value | null | length | refcount | geo | ref | nested
    prop: str = ""
    value: Any = None
    children: list[Node] = field(default_factory=list)
    target_class: str = ""
    sub_where: dict | None = None
    leaf: nested.Leaf | None = None
    # The object path this clause correlates at (nested.py); empty for a document-level clause.
    scope: list[nested.Segment] = field(default_factory=list)


def validate(where: dict, class_def: dict) -> None:
    """Raise ValueError if the filter cannot be run against this class."""
    parse(where, class_def)


def evaluate(
    where: dict,
    index: InvertedIndex,
    txn: Any,
    class_def: dict,
    resolve_ref: ResolveRef | None = None,
    scan: ScanDocs | None = None,
) -> BitMap:
    """The docids of the objects matching the where filter."""
    return _Evaluator(index, txn, resolve_ref, scan).run(parse(where, class_def))


def parse(where: dict, class_def: dict) -> Node:
    if not isinstance(where, dict):
        raise ValueError(f"invalid where filter: expected an object, got {type(where).__name__}")
    props = {p["name"]: p for p in class_def.get("properties") or []}
    return _Parser(class_def.get("class", ""), props, class_def.get("invertedIndexConfig") or {}).clause(where)


class _Parser:
    def __init__(self, class_name: str, props: dict[str, dict], inverted_config: dict) -> None:
        self.class_name = class_name
        self.props = props
        self.inverted_config = inverted_config
        self.depth = 0

    def clause(self, where: dict) -> Node:
        if not isinstance(where, dict):
            raise ValueError(f"invalid where filter: each operand must be an object, got {type(where).__name__}")
        op = where.get("operator")
        if op not in OPERATORS:
            raise ValueError(
                f"invalid where filter: unknown operator {op!r}; use one of {', '.join(OPERATORS)}"
            )
        if op in LOGICAL_OPS:
            return self._logical(op, where)
        path = where.get("path")
        if isinstance(path, str):
            path = [path]
        if not isinstance(path, list) or not path or not all(isinstance(p, str) and p for p in path):
            raise ValueError(
                f"invalid where filter: operator {op} needs a path, a list of names, got {path!r}"
            )
        try:
            return self._leaf(op, path, where)
        except ValueError as e:
            raise ValueError(f"invalid where filter on path {path}, operator {op}: {e}") from None

    def _logical(self, op: str, where: dict) -> Node:
        operands = where.get("operands")
        if not isinstance(operands, list) or not operands:
            raise ValueError(f"invalid where filter: operator {op} needs a non-empty list of operands")
        if op == "Not" and len(operands) != 1:
            raise ValueError(
                f"invalid where filter: operator Not takes exactly one operand, got {len(operands)}"
            )
        if self.depth >= MAX_FILTER_DEPTH:
            raise ValueError(
                f"invalid where filter: logical operators nest deeper than {MAX_FILTER_DEPTH} levels, "
                "the limit of this server"
            )
        self.depth += 1
        try:
            children = [self.clause(o) for o in operands]
        finally:
            self.depth -= 1
        scopes = [c.scope for c in children]
        return Node(op, children=children, scope=nested.common_prefix(scopes) if all(scopes) else [])

    def _leaf(self, op: str, path: list[str], where: dict) -> Node:
        value_type, value = _value_of(where)
        name = path[0]
        if len(path) > 1:
            return self._reference_path(op, path, where)
        if nested.is_nested_path(name):
            root = self._prop(nested.segments(name)[0][0])
            if (root.get("dataType") or [""])[0] in nested.NESTED_TYPES:
                segs, leaf_prop = nested.resolve(name, root, op)
                if op == "IsNull":
                    _expect(value_type, value, ("boolean",), op, scalar=True)
                else:
                    value = self._checked_value(op, name, leaf_prop.get("dataType") or ["text"], value_type, value)
                leaf = nested.make_leaf(segs, leaf_prop, op, value, self.inverted_config)
                return Node(op, "nested", name, leaf=leaf, scope=leaf.path)
        if name in _ID_PATHS:
            return self._id_leaf(op, value_type, value)
        if name in _TIMESTAMP_PATHS:
            return self._timestamp_leaf(op, _TIMESTAMP_PATHS[name], value_type, value)
        match = _LEN_PATH.match(name)
        if match:
            return self._length_leaf(op, match.group(1), value_type, value)
        prop = self._prop(name)
        data_type = prop.get("dataType") or ["text"]
        if op == "IsNull":
            _expect(value_type, value, ("boolean",), op, scalar=True)
            return Node(op, "null", name, value)
        if _is_ref(data_type):
            return self._ref_count_leaf(op, name, data_type, value_type, value)
        base, _is_array = _base_type(data_type[0])
        if base == "geoCoordinates":
            if op != "WithinGeoRange":
                raise ValueError(
                    f"prop {name!r} is of type geoCoordinates, it can only be used with WithinGeoRange"
                )
            if value_type != "geo":
                raise ValueError("WithinGeoRange needs valueGeoRange")
            return Node(op, "geo", name, _geo_range(value))
        if op == "WithinGeoRange":
            raise ValueError(f"WithinGeoRange needs a geoCoordinates property, {name!r} is {data_type[0]}")
        if base == "object":
            raise ValueError(
                f"property {name!r} is of type {data_type[0]!r}; use dot notation to filter on a sub-property"
            )
        return Node(op, "value", name, self._checked_value(op, name, data_type, value_type, value))

    def _checked_value(self, op: str, name: str, data_type: list[str], value_type: str, value: Any) -> Any:
        """The filter value(s) of a leaf on a property of this data type, checked against it."""
        base, _is_array = _base_type(data_type[0])
        if base in _UNFILTERABLE:
            raise ValueError(
                f"filtering on {base} properties is not supported; {name!r} is of type {data_type[0]}"
            )
        if op == "Like" and base not in ("text", "string"):
            raise ValueError(f"Like can only be used on text properties, {name!r} is of type {data_type[0]}")
        allowed = _FILTER_TYPES.get(base)
        if allowed is None:
            raise ValueError(f"property {name!r} has unsupported data type {data_type[0]!r}")
        if value_type not in allowed:
            raise ValueError(
                f'data type filter cannot use "{_VALUE_NAME.get(value_type, value_type)}" on type '
                f'"{data_type[0]}", use "{_VALUE_NAME[allowed[0]]}" instead'
            )
        values = _check_values(op, value_type, value)
        if base == "uuid":
            for v in values if isinstance(values, list) else [values]:
                _check_uuid(v)
        return values

    def _prop(self, name: str) -> dict:
        prop = self.props.get(name)
        if prop is None:
            raise ValueError(
                f"no such prop with name '{name}' found in class '{self.class_name}' in the schema. "
                "Check your schema files for which properties in this class are available"
            )
        return prop

    def _id_leaf(self, op: str, value_type: str, value: Any) -> Node:
        if value_type != "text":
            raise ValueError('using ["_id"] to filter by uuid: must use "valueText" to specify the id')
        if op in ("IsNull", "WithinGeoRange"):
            raise ValueError(f"operator {op} cannot be used on the id")
        return Node(op, "value", ID_PROP, _check_values(op, value_type, value))

    def _timestamp_leaf(self, op: str, prop: str, value_type: str, value: Any) -> Node:
        if value_type not in ("text", "date", "int"):
            raise ValueError(f'using ["{prop}"] to filter by timestamp: must use "valueText" or "valueDate"')
        if op not in COMPARE_OPS and op not in CONTAINS_OPS:
            raise ValueError(f"operator {op} cannot be used on {prop}")
        values = _check_values(op, value_type, value)

        def ms(v: Any) -> int:
            if value_type == "date":
                return rfc3339_micros(v) // 1000
            if value_type == "text":
                try:
                    return int(v.strip())
                except ValueError:
                    raise ValueError(f"expected value to be timestamp, got '{v}'") from None
            return int(v)

        return Node(op, "value", prop, [ms(v) for v in values] if isinstance(values, list) else ms(values))

    def _length_leaf(self, op: str, name: str, value_type: str, value: Any) -> Node:
        if (self._prop(name).get("dataType") or [""])[0] in nested.NESTED_TYPES:
            raise ValueError("property length filtering is not supported for nested properties")
        if value_type != "int":
            raise ValueError(
                "Filtering for property length requires IntValue, "
                f'got "{_VALUE_NAME.get(value_type)}" instead'
            )
        if op not in COMPARE_OPS:
            raise ValueError(
                "Filtering for property length supports operators (not) equal and greater/less than (equal), "
                f"got {op} instead"
            )
        length = _check_values(op, value_type, value)
        if length < 0:
            raise ValueError(f"Can only filter for positive property length got {length} instead")
        return Node(op, "length", name, length)

    def _ref_count_leaf(self, op: str, name: str, data_type: list[str], value_type: str, value: Any) -> Node:
        if value_type != "int" or op not in COMPARE_OPS:
            raise ValueError(
                f'Property "{name}" is a ref prop to the class "{data_type[0]}". Only "valueInt" can be '
                "used on a ref prop directly to count the number of refs. Or did you mean to filter on a "
                "primitive prop of the referenced class? In this case make sure your path contains 3 "
                "elements in the form of [<propName>, <ClassNameOfReferencedClass>, <primitvePropOnClass>]"
            )
        count = _check_values(op, value_type, value)
        if count < 0:
            raise ValueError(f"a reference count cannot be negative, got {count}")
        return Node(op, "refcount", name, count)

    def _reference_path(self, op: str, path: list[str], where: dict) -> Node:
        if len(path) % 2 == 0:
            raise ValueError(
                "a reference path has the form [<refProp>, <TargetClass>, <prop>, ...] with an odd number "
                f"of elements, got {len(path)}"
            )
        name, target = path[0], path[1]
        prop = self._prop(name)
        data_type = prop.get("dataType") or []
        if not _is_ref(data_type):
            raise ValueError(f"property {name!r} is of type {data_type[0]}, not a cross-reference")
        if target not in data_type:
            upper = target[:1].upper() + target[1:]
            if upper not in data_type:
                raise ValueError(f"property {name!r} references {', '.join(data_type)}, not {target!r}")
            target = upper
        sub = {k: v for k, v in where.items() if k not in ("path", "operands")}
        sub["path"] = path[2:]
        return Node(op, "ref", name, target_class=target, sub_where=sub)


class _Evaluator:
    def __init__(self, index: InvertedIndex, txn: Any, resolve_ref: ResolveRef | None, scan: ScanDocs | None) -> None:
        self.index = index
        self.txn = txn
        self.resolve_ref = resolve_ref
        self.scan = scan

    def run(self, node: Node) -> BitMap:
        check_deadline()
        if node.scope:
            if self.scan is None:
                raise ValueError("filters on nested properties are not available here: no object scan")
            return self.scan(lambda props: nested.exists(node, props, 0))
        if node.kind == "logical":
            # Every operand is evaluated, so an error in any of them surfaces whatever the others match.
            results = [self.run(c) for c in node.children]
            if node.op == "And":
                return BitMap.intersection(*results) if len(results) > 1 else results[0]
            if node.op == "Or":
                return BitMap.union(*results)
            return self.index.all_docs(self.txn) - results[0]
        index, txn = self.index, self.txn
        if node.kind == "null":
            return index.is_null(txn, node.prop, node.value)
        if node.kind == "length":
            return index.length(txn, node.prop, node.op, node.value)
        if node.kind == "refcount":
            return index.ref_count(txn, node.prop, node.op, node.value)
        if node.kind == "geo":
            lat, lon, max_m = node.value
            return index.geo_within(txn, node.prop, lat, lon, max_m)
        if node.kind == "ref":
            if self.resolve_ref is None:
                raise ValueError("reference filters are not available here: no resolver for other classes")
            targets = self.resolve_ref(node.target_class, node.sub_where or {})
            return index.contains(txn, node.prop, sorted(targets), "any") if targets else BitMap()
        if node.op == "Equal":
            return index.equal(txn, node.prop, node.value)
        if node.op == "NotEqual":
            return index.not_equal(txn, node.prop, node.value)
        if node.op in RANGE_OPS:
            return index.range(txn, node.prop, node.op, node.value)
        if node.op == "Like":
            return index.like(txn, node.prop, node.value, interrupt=check_deadline)
        return index.contains(txn, node.prop, node.value, CONTAINS_OPS[node.op])


def _value_of(where: dict) -> tuple[str, Any]:
    """(value type, value) of a leaf; a list under a scalar key (GraphQL's list scalars) stays a list."""
    given = [(k, v) for k, v in where.items() if k in VALUE_KEYS and v is not None]
    if not given:
        raise ValueError(f"no value given: set one of {', '.join(VALUE_KEYS)}")
    if len(given) > 1:
        raise ValueError(f"several values given ({', '.join(k for k, _ in given)}); set exactly one")
    key, value = given[0]
    value_type, is_list = VALUE_KEYS[key]
    if is_list and not isinstance(value, list):
        raise ValueError(f"{key} must be a list")
    return value_type, value


def _check_values(op: str, value_type: str, value: Any) -> Any:
    """The value(s) checked against the value type: a list for Contains operators, a scalar otherwise."""
    if op in CONTAINS_OPS:
        values = value if isinstance(value, list) else [value]
        if not values:
            raise ValueError(f"{op} needs at least one value")
        return [_check_scalar(value_type, v) for v in values]
    if isinstance(value, list):
        raise ValueError(
            f"operator {op} takes a single value, got a list; use ContainsAny/ContainsAll for lists"
        )
    return _check_scalar(value_type, value)


def _check_scalar(value_type: str, value: Any) -> Any:
    if value_type == "text":
        if not isinstance(value, str):
            raise ValueError(f"expected a string value, got {value!r}")
        return value
    if value_type == "int":
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"expected an integer value, got {value!r}")
        return value
    if value_type == "number":
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise ValueError(f"expected a number value, got {value!r}")
        return value
    if value_type == "boolean":
        if not isinstance(value, bool):
            raise ValueError(f"expected a boolean value, got {value!r}")
        return value
    if value_type == "date":
        if not isinstance(value, str):
            raise ValueError(f"expected an RFC3339 date string, got {value!r}")
        rfc3339_micros(value)
        return value
    raise ValueError(f"a {value_type} value cannot be used here")


def _check_uuid(value: str) -> None:
    try:
        uuidlib.UUID(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a valid uuid") from None


def _expect(value_type: str, value: Any, allowed: tuple[str, ...], op: str, scalar: bool) -> None:
    if value_type not in allowed:
        raise ValueError(
            f"operator {op} requires {_VALUE_NAME[allowed[0]]}, got {_VALUE_NAME.get(value_type)} instead"
        )
    if scalar and isinstance(value, list):
        raise ValueError(f"operator {op} takes a single value, got a list")


def _geo_range(value: Any) -> tuple[float, float, float]:
    try:
        coords = value["geoCoordinates"]
        lat, lon = float(coords["latitude"]), float(coords["longitude"])
        max_m = float(value["distance"]["max"])
    except (KeyError, TypeError, ValueError):
        raise ValueError(
            "valueGeoRange must be {geoCoordinates: {latitude, longitude}, distance: {max: metres}}"
        ) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"geoCoordinates out of range: latitude {lat}, longitude {lon}")
    if not math.isfinite(max_m) or max_m < 0:
        raise ValueError(f"distance.max must be a non-negative number of metres, got {max_m}")
    return lat, lon, max_m


def _base_type(data_type: str) -> tuple[str, bool]:
    if data_type.endswith("[]"):
        return data_type[:-2], True
    return data_type, False


def _is_ref(data_type: list[str]) -> bool:
    return bool(data_type) and data_type[0][:1].isupper()
