"""Filter builder producing the REST WhereFilter JSON.

    Filter.by_property("year").greater_than(2000) & ~Filter.by_property("title").like("*draft*")

Raw WhereFilter dicts are accepted wherever a Filter is.
"""

from __future__ import annotations

import datetime as dt
import uuid as uuidlib
from collections.abc import Mapping, Sequence
from typing import Any

from vectordb.client.encode import rfc3339


class Filter:
    """A where filter. Combine with `&` (And), `|` (Or) and `~` (Not)."""

    def __init__(self, where: Mapping[str, Any]) -> None:
        self._where = dict(where)

    def to_dict(self) -> dict[str, Any]:
        return _copy(self._where)

    def __and__(self, other: FilterLike) -> Filter:
        return Filter.all_of([self, other])

    def __or__(self, other: FilterLike) -> Filter:
        return Filter.any_of([self, other])

    def __invert__(self) -> Filter:
        return Filter({"operator": "Not", "operands": [self.to_dict()]})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Filter) and other._where == self._where

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Filter({self._where!r})"

    @staticmethod
    def all_of(filters: Sequence[FilterLike]) -> Filter:
        return _combine("And", filters)

    @staticmethod
    def any_of(filters: Sequence[FilterLike]) -> Filter:
        return _combine("Or", filters)

    @staticmethod
    def by_property(name: str, length: bool = False) -> PropertyFilter:
        """Filter on a property's values, or on its length (`len(name)`) with length=True."""
        return PropertyFilter([f"len({name})" if length else name])

    @staticmethod
    def by_ref(link_on: str, target_collection: str) -> RefFilter:
        """Filter on a property of the objects a reference property points to."""
        return RefFilter([link_on, target_collection[:1].upper() + target_collection[1:]])

    @staticmethod
    def by_id() -> PropertyFilter:
        return PropertyFilter(["id"])

    @staticmethod
    def by_creation_time() -> PropertyFilter:
        return PropertyFilter(["_creationTimeUnix"])

    @staticmethod
    def by_update_time() -> PropertyFilter:
        return PropertyFilter(["_lastUpdateTimeUnix"])


FilterLike = Filter | Mapping[str, Any]


def where_dict(filters: FilterLike | None) -> dict[str, Any] | None:
    if filters is None:
        return None
    if isinstance(filters, Filter):
        return filters.to_dict()
    if isinstance(filters, Mapping):
        return _copy(filters)
    raise TypeError(f"filters must be a Filter or a WhereFilter dict, not {type(filters).__name__}")


def _copy(where: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(where)
    if "operands" in out:
        out["operands"] = [_copy(o) for o in out["operands"]]
    return out


def _combine(operator: str, filters: Sequence[FilterLike]) -> Filter:
    operands: list[dict[str, Any]] = []
    for f in filters:
        where = where_dict(f)
        if where is None:
            continue
        # (a & b) & c is one And with three operands, as a user would write it by hand.
        if where.get("operator") == operator and "operands" in where:
            operands.extend(where["operands"])
        else:
            operands.append(where)
    if not operands:
        raise ValueError(f"{operator} needs at least one filter")
    if len(operands) == 1:
        return Filter(operands[0])
    return Filter({"operator": operator, "operands": operands})


def _scalar_key(value: Any) -> tuple[str, Any]:
    if isinstance(value, bool):
        return "valueBoolean", value
    if isinstance(value, int):
        return "valueInt", value
    if isinstance(value, float):
        return "valueNumber", value
    if isinstance(value, dt.datetime | dt.date):
        return "valueDate", rfc3339(value)
    if isinstance(value, uuidlib.UUID):
        return "valueText", str(value)
    if isinstance(value, str):
        return "valueText", value
    if hasattr(value, "item"):  # numpy scalars
        return _scalar_key(value.item())
    raise TypeError(f"cannot filter by a value of type {type(value).__name__}: {value!r}")


def _array_key(values: Sequence[Any]) -> tuple[str, list[Any]]:
    if isinstance(values, str | bytes) or not isinstance(values, Sequence):
        raise TypeError(f"expected a list of values, got {values!r}")
    if not values:
        raise ValueError("the list of values must not be empty")
    keyed = [_scalar_key(v) for v in values]
    kinds = {k for k, _ in keyed}
    if kinds == {"valueInt", "valueNumber"}:
        return "valueNumberArray", [float(v) for _, v in keyed]
    if len(kinds) > 1:
        raise TypeError(f"all values must have the same type, got {values!r}")
    return kinds.pop() + "Array", [v for _, v in keyed]


class PropertyFilter:
    """The comparison half of a filter: `Filter.by_property("x")` waiting for `.equal(3)` etc."""

    def __init__(self, path: list[str]) -> None:
        self._path = path

    def _op(self, operator: str, value: Any) -> Filter:
        key, encoded = _scalar_key(value)
        if self._path == ["_creationTimeUnix"] or self._path == ["_lastUpdateTimeUnix"]:
            # timestamps compare as milliseconds given as text, or as dates
            if key in ("valueInt", "valueNumber"):
                key, encoded = "valueText", str(int(value))
        return Filter({"operator": operator, "path": list(self._path), key: encoded})

    def equal(self, value: Any) -> Filter:
        return self._op("Equal", value)

    def not_equal(self, value: Any) -> Filter:
        return self._op("NotEqual", value)

    def greater_than(self, value: Any) -> Filter:
        return self._op("GreaterThan", value)

    def greater_or_equal(self, value: Any) -> Filter:
        return self._op("GreaterThanEqual", value)

    def less_than(self, value: Any) -> Filter:
        return self._op("LessThan", value)

    def less_or_equal(self, value: Any) -> Filter:
        return self._op("LessThanEqual", value)

    greater_than_equal = greater_or_equal
    less_than_equal = less_or_equal

    def like(self, pattern: str) -> Filter:
        """`?` matches one character, `*` any run of characters."""
        return Filter({"operator": "Like", "path": list(self._path), "valueText": str(pattern)})

    def _contains(self, operator: str, values: Sequence[Any]) -> Filter:
        key, encoded = _array_key(values)
        return Filter({"operator": operator, "path": list(self._path), key: encoded})

    def contains_any(self, values: Sequence[Any]) -> Filter:
        return self._contains("ContainsAny", values)

    def contains_all(self, values: Sequence[Any]) -> Filter:
        return self._contains("ContainsAll", values)

    def contains_none(self, values: Sequence[Any]) -> Filter:
        return self._contains("ContainsNone", values)

    def is_null(self, value: bool = True) -> Filter:
        """Objects where the property is (or, with False, is not) missing. Needs indexNullState."""
        return Filter({"operator": "IsNull", "path": list(self._path), "valueBoolean": bool(value)})

    def within_geo_range(self, latitude: float, longitude: float, distance: float) -> Filter:
        """Objects whose geoCoordinates lie within `distance` metres of the point."""
        return Filter(
            {
                "operator": "WithinGeoRange",
                "path": list(self._path),
                "valueGeoRange": {
                    "geoCoordinates": {"latitude": float(latitude), "longitude": float(longitude)},
                    "distance": {"max": float(distance)},
                },
            }
        )


class RefFilter:
    """`Filter.by_ref("writtenBy", "Author").by_property("name").equal("Ann")`."""

    def __init__(self, path: list[str]) -> None:
        self._path = path

    def by_property(self, name: str) -> PropertyFilter:
        return PropertyFilter([*self._path, name])

    def by_ref(self, link_on: str, target_collection: str) -> RefFilter:
        return RefFilter([*self._path, link_on, target_collection[:1].upper() + target_collection[1:]])
