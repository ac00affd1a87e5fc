"""Sorting objects by properties, with Weaviate's comparison rules.

Facts carried over from Weaviate's sorter: a missing or null value (and an empty array) sorts before every
value in ascending order and after every value in descending order; text compares case-insensitively;
booleans put false before true; arrays compare element by element, then the shorter first; phone numbers
compare as (countryCode, national) and geo coordinates as (longitude, latitude); the internal paths `_id`/`id`
(text), `_creationTimeUnix` and `_lastUpdateTimeUnix` (numbers) are always sortable. Sorting is stable, so
objects that compare equal keep their incoming order.

An object is a stored object mapping (`id`, `properties`, `creationTimeUnix`, `lastUpdateTimeUnix`) or
anything with those as attributes (`SearchResult`: `id`, `properties`, `creation_time_unix`, ...).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import cmp_to_key
from typing import Any

from vectordb.query.props import class_property, no_such_property
from vectordb.query.timeparse import rfc3339_to_ns

ID_PATHS = ("_id", "id")
TIME_PATHS = ("_creationTimeUnix", "_lastUpdateTimeUnix")
_UUID_TYPES = ("uuid", "uuid[]")

Comparator = Callable[[Any, Any], int]


def _is_ref(data_type: Sequence[str]) -> bool:
    return bool(data_type) and data_type[0][:1].isupper()


def _clause_error(class_def: Mapping[str, Any], clause: Mapping[str, Any]) -> str | None:
    order = clause.get("order") or ""
    if order and order not in ("asc", "desc"):
        return f'invalid order parameter, possible values are: ["asc", "desc"] not: "{order}"'
    path = clause.get("path") or []
    if isinstance(path, str):
        path = [path]
    if len(path) == 0:
        return "path parameter cannot be empty"
    if len(path) > 1:
        return "sorting by reference not supported, path must have exactly one argument"
    name = path[0]
    if name in ID_PATHS or name in TIME_PATHS:
        return None
    prop = class_property(class_def, name)
    if prop is None:
        return no_such_property(class_def, name)
    data_type = prop.get("dataType") or []
    if data_type and data_type[0] in _UUID_TYPES:
        return (
            f'prop "{name}" is of type uuid/uuid[]: sorting by uuid is currently not supported - if you '
            "believe it should be, please open a feature request on github.com/weaviate/weaviate"
        )
    if _is_ref(data_type):
        return (
            f'sorting by reference not supported, property "{name}" '
            f'is a ref prop to the class "{data_type[0]}"'
        )
    return None


def validate_sort(sort: Sequence[Mapping[str, Any]], class_def: Mapping[str, Any]) -> None:
    """ValueError naming every bad clause, worded as Weaviate words it."""
    errors = []
    for i, clause in enumerate(sort):
        message = _clause_error(class_def, clause)
        if message:
            errors.append(f"sort parameter at position {i}: {message}")
    if errors:
        raise ValueError("invalid 'sort' parameter: " + ", ".join(errors))


# --- value extraction: every value becomes a comparable scalar or tuple, or None -------------------------


def _text(v: Any) -> str:
    return str(v).lower()


def _number(v: Any) -> float:
    return float(v)


def _date(v: Any) -> int:
    return rfc3339_to_ns(str(v))


def _phone(v: Any) -> tuple[float, float]:
    return (float(v.get("countryCode") or 0), float(v.get("national") or 0))


def _geo(v: Any) -> tuple[float, float]:
    return (float(v.get("longitude") or 0), float(v.get("latitude") or 0))


_SCALARS: dict[str, Callable[[Any], Any]] = {
    "text": _text,
    "string": _text,
    "blob": _text,
    "int": _number,
    "number": _number,
    "date": _date,
    "boolean": bool,
    "phoneNumber": _phone,
    "geoCoordinates": _geo,
}


def _extractor(data_type: str) -> Callable[[Any], Any] | None:
    """How to turn a stored value of this type into a comparable; None: the type is not comparable."""
    if data_type in _SCALARS:
        return _SCALARS[data_type]
    if data_type.endswith("[]") and data_type[:-2] in _SCALARS:
        element = _SCALARS[data_type[:-2]]

        def array(v: Any) -> tuple | None:
            items = [element(x) for x in v if x is not None]
            # an empty array is stored as nothing at all in Weaviate, so it sorts as null
            return tuple(items) if items else None

        return array
    return None


def _fields(obj: Any) -> tuple[Any, Mapping[str, Any], Any, Any]:
    if isinstance(obj, Mapping):
        return (
            obj.get("id"),
            obj.get("properties") or {},
            obj.get("creationTimeUnix"),
            obj.get("lastUpdateTimeUnix"),
        )
    return (
        obj.id,
        getattr(obj, "properties", None) or {},
        getattr(obj, "creation_time_unix", None),
        getattr(obj, "last_update_time_unix", None),
    )


def _value_getter(name: str, class_def: Mapping[str, Any]) -> Callable[[Any], Any]:
    if name in ID_PATHS:
        return lambda obj: None if _fields(obj)[0] is None else _text(_fields(obj)[0])
    if name in TIME_PATHS:
        def time_of(obj: Any) -> float | None:
            _, _, created, updated = _fields(obj)
            value = created if name == "_creationTimeUnix" else updated
            return None if value is None else float(value)

        return time_of
    prop = class_property(class_def, name) or {}
    data_type = (prop.get("dataType") or [""])[0]
    extract = _extractor(data_type)

    def get(obj: Any) -> Any:
        raw = _fields(obj)[1].get(name)
        if raw is None:
            return None
        if extract is None:
            # a type Weaviate cannot order (nested objects): all present values compare equal
            return ()
        return extract(raw)

    return get


def _level(order: str) -> Comparator:
    sign = -1 if order == "desc" else 1

    def compare(a: Any, b: Any) -> int:
        if a is None or b is None:
            # null is the smallest value: first ascending, last descending
            return sign * ((a is not None) - (b is not None))
        return sign * ((a > b) - (a < b))

    return compare


def sort_key(sort: Sequence[Mapping[str, Any]], class_def: Mapping[str, Any]) -> Callable[[Any], Any]:
    """A key function for `sorted`/`list.sort` implementing the sort clauses (validated first)."""
    validate_sort(sort, class_def)
    getters = []
    comparators = []
    for clause in sort:
        path = clause["path"]
        name = path if isinstance(path, str) else path[0]
        getters.append(_value_getter(name, class_def))
        comparators.append(_level(clause.get("order") or "asc"))

    def compare(a: tuple, b: tuple) -> int:
        for cmp, x, y in zip(comparators, a, b, strict=True):
            result = cmp(x, y)
            if result:
                return result
        return 0

    wrap = cmp_to_key(compare)
    return lambda obj: wrap(tuple(get(obj) for get in getters))


def sort_objects(
    objects: Sequence[Any], sort: Sequence[Mapping[str, Any]], class_def: Mapping[str, Any]
) -> list:
    """The objects ordered by the sort clauses `[{"path": [prop], "order": "asc"|"desc"}, ...]`."""
    if not sort:
        return list(objects)
    return sorted(objects, key=sort_key(sort, class_def))
