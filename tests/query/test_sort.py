"""Sorting objects: compared with a plain multi-pass stable sort written here, plus Weaviate's errors."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from vectordb.query.request import SearchResult
from vectordb.query.sort import sort_objects, validate_sort

CLASS = {
    "class": "Item",
    "properties": [
        {"name": "title", "dataType": ["text"]},
        {"name": "price", "dataType": ["number"]},
        {"name": "qty", "dataType": ["int"]},
        {"name": "inStock", "dataType": ["boolean"]},
        {"name": "released", "dataType": ["date"]},
        {"name": "tags", "dataType": ["text[]"]},
        {"name": "scores", "dataType": ["number[]"]},
        {"name": "ref", "dataType": ["uuid"]},
        {"name": "hasOwner", "dataType": ["Owner"]},
        {"name": "where", "dataType": ["geoCoordinates"]},
    ],
}

BASE = datetime(2020, 1, 1, tzinfo=UTC)


def _random_objects(seed: int, n: int = 60) -> list[dict]:
    rng = random.Random(seed)
    words = ["apple", "Apple", "banana", "Cherry", "cherry", "date", "Éclair"]
    objects = []
    for i in range(n):
        props: dict = {}
        if rng.random() < 0.8:
            props["title"] = rng.choice(words)
        if rng.random() < 0.8:
            props["price"] = rng.choice([1.5, 2.0, 2.0, 3.25, -1.0])
        if rng.random() < 0.8:
            props["qty"] = rng.randint(0, 3)
        if rng.random() < 0.8:
            props["inStock"] = rng.random() < 0.5
        if rng.random() < 0.8:
            props["released"] = (BASE + timedelta(hours=rng.randint(0, 5))).strftime("%Y-%m-%dT%H:%M:%SZ")
        if rng.random() < 0.8:
            props["tags"] = [rng.choice(words) for _ in range(rng.randint(0, 3))]
        if rng.random() < 0.8:
            props["scores"] = [float(rng.randint(0, 2)) for _ in range(rng.randint(0, 3))]
        objects.append(
            {
                "id": f"{i:08x}-0000-4000-8000-000000000000",
                "properties": props,
                "creationTimeUnix": 1_700_000_000_000 + rng.randint(0, 4),
                "lastUpdateTimeUnix": 1_700_000_000_000 + rng.randint(0, 4),
            }
        )
    return objects


def _value(obj: dict, name: str):
    """The comparable of the reference: None for missing/empty, lower-cased text, tuples for arrays."""
    if name in ("_id", "id"):
        return obj["id"].lower()
    if name == "_creationTimeUnix":
        return obj["creationTimeUnix"]
    if name == "_lastUpdateTimeUnix":
        return obj["lastUpdateTimeUnix"]
    v = obj["properties"].get(name)
    if v is None or v == []:
        return None
    if name == "title":
        return v.lower()
    if name == "tags":
        return tuple(x.lower() for x in v)
    if name == "scores":
        return tuple(v)
    if name == "released":
        return datetime.fromisoformat(v)
    return v


def _reference(objects: list[dict], sort: list[dict]) -> list[dict]:
    out = list(objects)
    for clause in reversed(sort):
        name = clause["path"][0]
        desc = clause.get("order") == "desc"
        # nulls are the smallest value: first ascending, last descending
        out.sort(key=lambda o, n=name: (_value(o, n) is not None, _value(o, n)), reverse=desc)
    return out


SORTS = [
    [{"path": ["title"], "order": "asc"}],
    [{"path": ["title"], "order": "desc"}],
    [{"path": ["price"]}],
    [{"path": ["price"], "order": "desc"}, {"path": ["qty"], "order": "asc"}],
    [{"path": ["inStock"], "order": "asc"}, {"path": ["title"], "order": "desc"}],
    [{"path": ["released"], "order": "desc"}, {"path": ["_id"], "order": "asc"}],
    [{"path": ["tags"], "order": "asc"}],
    [{"path": ["scores"], "order": "desc"}],
    [{"path": ["_creationTimeUnix"], "order": "asc"}, {"path": ["_lastUpdateTimeUnix"], "order": "desc"}],
    [{"path": ["id"], "order": "desc"}],
]


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_matches_reference(sort: list[dict], seed: int) -> None:
    objects = _random_objects(seed)
    got = [o["id"] for o in sort_objects(objects, sort, CLASS)]
    assert got == [o["id"] for o in _reference(objects, sort)]


def test_nulls_first_ascending_last_descending() -> None:
    objects = [
        {"id": "a", "properties": {"price": 2.0}},
        {"id": "b", "properties": {}},
        {"id": "c", "properties": {"price": None}},
        {"id": "d", "properties": {"price": 1.0}},
    ]
    asc = [o["id"] for o in sort_objects(objects, [{"path": ["price"], "order": "asc"}], CLASS)]
    desc = [o["id"] for o in sort_objects(objects, [{"path": ["price"], "order": "desc"}], CLASS)]
    assert asc == ["b", "c", "d", "a"]
    assert desc == ["a", "d", "b", "c"]


def test_text_is_case_insensitive_and_arrays_shorter_first() -> None:
    objects = [
        {"id": "1", "properties": {"title": "b", "tags": ["x", "y"]}},
        {"id": "2", "properties": {"title": "A", "tags": ["x"]}},
        {"id": "3", "properties": {"title": "a", "tags": ["X", "a"]}},
    ]
    assert [o["id"] for o in sort_objects(objects, [{"path": ["title"]}], CLASS)] == ["2", "3", "1"]
    assert [o["id"] for o in sort_objects(objects, [{"path": ["tags"]}], CLASS)] == ["2", "3", "1"]


def test_dates_compare_as_instants() -> None:
    objects = [
        {"id": "late", "properties": {"released": "2020-01-01T10:00:00+02:00"}},  # 08:00Z
        {"id": "early", "properties": {"released": "2020-01-01T09:00:00.5Z"}},
        {"id": "first", "properties": {"released": "2020-01-01T07:59:59.999999999Z"}},
    ]
    ids = [o["id"] for o in sort_objects(objects, [{"path": ["released"]}], CLASS)]
    assert ids == ["first", "late", "early"]


def test_geo_sorts_by_longitude_then_latitude() -> None:
    objects = [
        {"id": "a", "properties": {"where": {"latitude": 1.0, "longitude": 5.0}}},
        {"id": "b", "properties": {"where": {"latitude": 9.0, "longitude": 4.0}}},
        {"id": "c", "properties": {"where": {"latitude": 0.0, "longitude": 5.0}}},
    ]
    assert [o["id"] for o in sort_objects(objects, [{"path": ["where"]}], CLASS)] == ["b", "c", "a"]


def test_search_results_are_sortable() -> None:
    results = [
        SearchResult(id="b", collection="Item", properties={"qty": 2}, creation_time_unix=2,
                     last_update_time_unix=2),
        SearchResult(id="a", collection="Item", properties={"qty": 1}, creation_time_unix=3,
                     last_update_time_unix=3),
    ]
    assert [r.id for r in sort_objects(results, [{"path": ["qty"]}], CLASS)] == ["a", "b"]
    assert [r.id for r in sort_objects(results, [{"path": ["_creationTimeUnix"]}], CLASS)] == ["b", "a"]


def test_unknown_property_is_named() -> None:
    with pytest.raises(ValueError) as err:
        sort_objects([], [{"path": ["colour"], "order": "asc"}], CLASS)
    assert str(err.value) == (
        "invalid 'sort' parameter: sort parameter at position 0: no such prop with name 'colour' found in "
        "class 'Item' in the schema. Check your schema files for which properties in this class are available"
    )


@pytest.mark.parametrize(
    ("clause", "message"),
    [
        (
            {"path": ["title"], "order": "asce"},
            'invalid order parameter, possible values are: ["asc", "desc"] not: "asce"',
        ),
        ({"path": [], "order": "asc"}, "path parameter cannot be empty"),
        (
            {"path": ["hasOwner", "Owner", "name"]},
            "sorting by reference not supported, path must have exactly one argument",
        ),
        (
            {"path": ["hasOwner"]},
            'sorting by reference not supported, property "hasOwner" is a ref prop to the class "Owner"',
        ),
        ({"path": ["ref"]}, 'prop "ref" is of type uuid/uuid[]: sorting by uuid is currently not supported'),
    ],
)
def test_weaviate_errors(clause: dict, message: str) -> None:
    with pytest.raises(ValueError, match="sort parameter at position 0: ") as err:
        validate_sort([clause], CLASS)
    assert message in str(err.value)


def test_errors_are_reported_per_position() -> None:
    with pytest.raises(ValueError) as err:
        validate_sort([{"path": ["title"]}, {"path": ["nope"]}, {"path": []}], CLASS)
    text = str(err.value)
    assert "position 0" not in text
    assert "sort parameter at position 1: no such prop with name 'nope'" in text
    assert ", sort parameter at position 2: path parameter cannot be empty" in text
