"""Aggregate metrics compared with the statistics module and plain counting written here."""

from __future__ import annotations

import random
import statistics
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from vectordb.query.aggregate import aggregate, property_aggregation
from vectordb.query.timeparse import ns_to_rfc3339, rfc3339_to_ns

CLASS = {
    "class": "Item",
    "properties": [
        {"name": "name", "dataType": ["text"]},
        {"name": "labels", "dataType": ["text[]"]},
        {"name": "price", "dataType": ["number"]},
        {"name": "qty", "dataType": ["int"]},
        {"name": "sizes", "dataType": ["int[]"]},
        {"name": "inStock", "dataType": ["boolean"]},
        {"name": "flags", "dataType": ["boolean[]"]},
        {"name": "released", "dataType": ["date"]},
        {"name": "hasMaker", "dataType": ["Maker", "Brand"]},
        {"name": "where", "dataType": ["geoCoordinates"]},
    ],
}
NUMERIC = ["count", "sum", "mean", "median", "mode", "minimum", "maximum", "type"]
BOOLEAN = ["count", "totalTrue", "totalFalse", "percentageTrue", "percentageFalse", "type"]
DATE = ["count", "minimum", "maximum", "median", "mode"]
BASE = datetime(2021, 6, 1, tzinfo=UTC)
CLASS_TYPES = {p["name"]: p["dataType"][0] for p in CLASS["properties"]}


def _objects(seed: int, n: int = 80) -> list[dict]:
    rng = random.Random(seed)
    words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf"]
    out = []
    for _ in range(n):
        props: dict = {}
        if rng.random() < 0.85:
            props["name"] = rng.choice(words[: rng.randint(1, len(words))])
        if rng.random() < 0.85:
            props["labels"] = [rng.choice(words) for _ in range(rng.randint(0, 3))]
        if rng.random() < 0.85:
            props["price"] = round(rng.uniform(-5, 50), 2)
        if rng.random() < 0.85:
            props["qty"] = rng.randint(0, 6)
        if rng.random() < 0.85:
            props["sizes"] = [rng.randint(1, 4) for _ in range(rng.randint(0, 3))]
        if rng.random() < 0.85:
            props["inStock"] = rng.random() < 0.3
        if rng.random() < 0.85:
            props["flags"] = [rng.random() < 0.5 for _ in range(rng.randint(0, 2))]
        if rng.random() < 0.85:
            props["released"] = (BASE + timedelta(days=rng.randint(0, 9))).strftime("%Y-%m-%dT%H:%M:%SZ")
        out.append(props)
    return out


def _flat(objects: list[dict], name: str) -> list:
    values = []
    for props in objects:
        v = props.get(name)
        if isinstance(v, list):
            values.extend(v)
        elif v is not None:
            values.append(v)
    return values


def _numeric_reference(values: list[float]) -> dict:
    modes = statistics.multimode(values)
    return {
        "count": len(values),
        "sum": pytest.approx(sum(values)),
        "mean": pytest.approx(statistics.fmean(values)),
        "median": pytest.approx(statistics.median(values)),
        "mode": min(modes),
        "minimum": min(values),
        "maximum": max(values),
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize(("prop", "schema_type"), [("price", "number"), ("qty", "int"), ("sizes", "int[]")])
def test_numeric_metrics(seed: int, prop: str, schema_type: str) -> None:
    objects = _objects(seed)
    [group] = aggregate(objects, CLASS, {prop: NUMERIC})
    expected = _numeric_reference([float(v) for v in _flat(objects, prop)])
    assert group[prop] == {**expected, "type": schema_type}
    assert group["meta"] == {"count": len(objects)}


def test_median_of_even_count_is_mean_of_middle_pair() -> None:
    objects = [{"qty": v} for v in (4, 1, 3, 2)]
    assert property_aggregation(objects, CLASS["properties"][3], ["median", "mode"]) == {
        "median": 2.5,
        "mode": 1.0,  # all tie at one occurrence: the smallest value wins
    }


def test_empty_numeric_has_only_count() -> None:
    [group] = aggregate([{"name": "x"}, {}], CLASS, {"price": NUMERIC})
    assert group["price"] == {
        "count": 0,
        "sum": None,
        "mean": None,
        "median": None,
        "mode": None,
        "minimum": None,
        "maximum": None,
        "type": "number",
    }


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("prop", ["name", "labels"])
def test_text_top_occurrences(seed: int, prop: str) -> None:
    objects = _objects(seed)
    values = _flat(objects, prop)
    counts = Counter(values)
    ranked = sorted(counts, key=lambda v: (-counts[v], v))
    fields = {prop: ["count", "type", "topOccurrences"]}
    [group] = aggregate(objects, CLASS, fields, top_occurrences_limit={prop: 3})
    assert group[prop]["count"] == len(values)
    assert group[prop]["type"] == CLASS_TYPES[prop]
    assert group[prop]["topOccurrences"] == [{"value": v, "occurs": counts[v]} for v in ranked[:3]]
    [group] = aggregate(objects, CLASS, {prop: ["topOccurrences"]})
    assert len(group[prop]["topOccurrences"]) == min(5, len(counts))  # default limit 5


def test_text_ties_order_by_value_and_empty_text() -> None:
    objects = [{"name": n} for n in ("b", "a", "c", "a", "b")]
    [group] = aggregate(objects, CLASS, {"name": ["topOccurrences"]})
    assert group["name"]["topOccurrences"] == [
        {"value": "a", "occurs": 2},
        {"value": "b", "occurs": 2},
        {"value": "c", "occurs": 1},
    ]
    [group] = aggregate([], CLASS, {"name": ["count", "topOccurrences"]})
    assert group["name"] == {"count": 0, "topOccurrences": []}


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("prop", ["inStock", "flags"])
def test_boolean_metrics(seed: int, prop: str) -> None:
    objects = _objects(seed)
    values = _flat(objects, prop)
    true = values.count(True)
    [group] = aggregate(objects, CLASS, {prop: BOOLEAN})
    assert group[prop] == {
        "count": len(values),
        "totalTrue": true,
        "totalFalse": len(values) - true,
        "percentageTrue": pytest.approx(true / len(values)),
        "percentageFalse": pytest.approx(1 - true / len(values)),
        "type": CLASS_TYPES[prop],
    }


def test_empty_boolean() -> None:
    [group] = aggregate([{}], CLASS, {"inStock": BOOLEAN[:5]})
    assert group["inStock"] == {
        "count": 0,
        "totalTrue": 0,
        "totalFalse": 0,
        "percentageTrue": None,
        "percentageFalse": None,
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_date_metrics(seed: int) -> None:
    objects = _objects(seed)
    values = _flat(objects, "released")
    instants = sorted(rfc3339_to_ns(v) for v in values)
    counts = Counter(instants)
    best = max(counts.values())
    lo, hi = instants[(len(instants) - 1) // 2], instants[len(instants) // 2]
    [group] = aggregate(objects, CLASS, {"released": DATE})
    assert group["released"] == {
        "count": len(values),
        "minimum": min(values),
        "maximum": max(values),
        "median": ns_to_rfc3339((lo + hi) // 2),
        "mode": ns_to_rfc3339(min(v for v, c in counts.items() if c == best)),
    }


def test_date_median_between_two_instants_and_stored_strings() -> None:
    objects = [
        {"released": "2022-01-01T00:00:00Z"},
        {"released": "2022-01-02T00:00:00.5+01:00"},
    ]
    [group] = aggregate(objects, CLASS, {"released": DATE})
    # the midpoint of 2022-01-01T00:00:00Z and 2022-01-01T23:00:00.5Z, printed in UTC
    assert group["released"]["median"] == "2022-01-01T11:30:00.25Z"
    assert group["released"]["maximum"] == "2022-01-02T00:00:00.5+01:00"  # as stored
    [group] = aggregate([{}], CLASS, {"released": DATE})
    assert group["released"] == {"count": 0, "minimum": None, "maximum": None, "median": None, "mode": None}


def test_reference_type_and_pointing_to() -> None:
    objects = [
        {"hasMaker": [{"beacon": "weaviate://localhost/Maker/1"}]},
        {"hasMaker": [{"beacon": "weaviate://localhost/Brand/2"}, {"beacon": "weaviate://localhost/Maker/1"}]},
    ]
    [group] = aggregate(objects, CLASS, {"hasMaker": ["type", "pointingTo"]})
    assert group["hasMaker"] == {"type": "cref", "pointingTo": ["Maker", "Brand"]}
    [group] = aggregate(objects, CLASS, {"hasMaker": ["pointingTo"]})
    assert group["hasMaker"] == {"pointingTo": ["weaviate://localhost/Maker/1", "weaviate://localhost/Brand/2"]}


@pytest.mark.parametrize("seed", [1, 2])
def test_group_by_text_array(seed: int) -> None:
    objects = _objects(seed)
    group_all = aggregate(objects, CLASS, {"qty": ["count"]}, group_by=["labels"])
    members: dict[str, list[int]] = {}
    for i, props in enumerate(objects):
        for label in set(props.get("labels") or []):
            members.setdefault(label, []).append(i)
    expected = sorted(members, key=lambda v: (-len(members[v]), v))
    assert [g["groupedBy"] for g in group_all] == [{"path": ["labels"], "value": v} for v in expected]
    for g in group_all:
        docs = [objects[i] for i in members[g["groupedBy"]["value"]]]
        assert g["meta"] == {"count": len(docs)}
        assert g["qty"] == {"count": len(_flat(docs, "qty"))}


def test_group_by_values_limit_and_missing() -> None:
    objects = [{"qty": 3}, {"qty": 3}, {"qty": 1}, {"inStock": True}, {"qty": 2}, {"qty": 2}, {"qty": 2}]
    groups = aggregate(objects, CLASS, {"qty": ["sum"]}, group_by=["qty"], limit=2, meta_count=True)
    assert [(g["groupedBy"]["value"], g["meta"]["count"], g["qty"]["sum"]) for g in groups] == [
        ("2", 3, 6.0),
        ("3", 2, 6.0),
    ]
    groups = aggregate(objects, CLASS, {}, group_by=["inStock"], meta_count=False)
    assert groups == [{"groupedBy": {"path": ["inStock"], "value": "true"}}]


def test_errors() -> None:
    with pytest.raises(ValueError, match="no such prop with name 'nope' found in class 'Item'"):
        aggregate([], CLASS, {"nope": ["count"]})
    with pytest.raises(ValueError, match="dataType geoCoordinates can't be aggregated"):
        aggregate([], CLASS, {"where": ["count"]})
    with pytest.raises(ValueError, match="topOccurrences not available for property 'price' of type number"):
        aggregate([], CLASS, {"price": ["topOccurrences"]})
    with pytest.raises(ValueError, match="grouping by cross-refs not supported"):
        aggregate([], CLASS, {}, group_by=["hasMaker", "Maker", "name"])
