"""groupBy for Get: hand-worked examples and invariants over random hit lists."""

from __future__ import annotations

import random

import pytest

from vectordb.query.groupby import go_json_number, group_hits, group_values

CLASS = {
    "class": "Doc",
    "properties": [
        {"name": "topic", "dataType": ["text"]},
        {"name": "tags", "dataType": ["text[]"]},
        {"name": "year", "dataType": ["int"]},
        {"name": "score", "dataType": ["number"]},
        {"name": "ok", "dataType": ["boolean"]},
        {"name": "owner", "dataType": ["Person"]},
    ],
}


def _items(rows: list[tuple[str, dict, float]]) -> list[tuple[dict, float, str]]:
    return [(props, distance, key) for key, props, distance in rows]


def test_groups_follow_best_hit_and_cap_members() -> None:
    rows = [
        ("a", {"topic": "cats"}, 0.1),
        ("b", {"topic": "dogs"}, 0.2),
        ("c", {"topic": "cats"}, 0.3),
        ("d", {"topic": "cats"}, 0.4),  # cats is full with 2 members
        ("e", {"topic": "birds"}, 0.5),  # a third group: over the limit of 2, dropped
        ("f", {"topic": "dogs"}, 0.6),
    ]
    groups = group_hits(_items(rows), ["topic"], groups=2, objects_per_group=2, class_def=CLASS)
    assert groups == [
        {
            "id": 0,
            "groupedBy": {"path": ["topic"], "value": "cats"},
            "count": 2,
            "maxDistance": 0.3,
            "minDistance": 0.1,
            "hits": ["a", "c"],
        },
        {
            "id": 1,
            "groupedBy": {"path": ["topic"], "value": "dogs"},
            "count": 2,
            "maxDistance": 0.6,
            "minDistance": 0.2,
            "hits": ["b", "f"],
        },
    ]


def test_array_values_join_several_groups() -> None:
    rows = [
        ("a", {"tags": ["x", "y"]}, 0.1),
        ("b", {"tags": ["y", "z"]}, 0.2),  # z would open a third group: b still joins y, then stops
        ("c", {"tags": ["z", "x"]}, 0.3),  # z cannot open, so c is dropped entirely (x is never reached)
        ("d", {"tags": ["x"]}, 0.4),
    ]
    groups = group_hits(_items(rows), "tags", groups=2, objects_per_group=5, class_def=CLASS)
    assert [(g["groupedBy"]["value"], g["hits"]) for g in groups] == [("x", ["a", "d"]), ("y", ["a", "b"])]


def test_missing_property_groups_under_empty_value() -> None:
    rows = [("a", {}, 0.1), ("b", {"topic": "t"}, 0.2), ("c", {"tags": []}, 0.3)]
    groups = group_hits(_items(rows), ["topic"], groups=5, objects_per_group=5, class_def=CLASS)
    assert [(g["groupedBy"]["value"], g["hits"]) for g in groups] == [("", ["a", "c"]), ("t", ["b"])]
    groups = group_hits(_items(rows), ["tags"], groups=5, objects_per_group=5)
    assert [(g["groupedBy"]["value"], g["hits"]) for g in groups] == [("", ["a", "b", "c"])]


def test_values_print_as_weaviate_stores_them() -> None:
    assert group_values(2021) == ["2021"]
    assert group_values(2021.0) == ["2021"]
    assert group_values(1.5) == ["1.5"]
    assert group_values(True) == ["true"]
    assert group_values([False, True]) == ["false", "true"]
    assert group_values([{"beacon": "weaviate://localhost/Person/1"}]) == ["weaviate://localhost/Person/1"]
    assert group_values(None) == [""]
    assert [go_json_number(x) for x in (1e21, 1e-7, 0.000001, -2.5)] == ["1e+21", "1e-7", "0.000001", "-2.5"]


def test_unknown_property_and_bad_path() -> None:
    with pytest.raises(ValueError, match="no such prop with name 'colour' found in class 'Doc'"):
        group_hits([], ["colour"], 1, 1, CLASS)
    with pytest.raises(ValueError, match="exactly one property"):
        group_hits([], ["owner", "Person", "name"], 1, 1, CLASS)


@pytest.mark.parametrize("seed", range(5))
def test_invariants_on_random_hits(seed: int) -> None:
    rng = random.Random(seed)
    rows = []
    distance = 0.0
    for i in range(50):
        distance += rng.random() / 10
        rows.append((f"k{i}", {"tags": rng.sample("abcdefg", rng.randint(1, 3))}, distance))
    rank = {key: i for i, (key, _, _) in enumerate(rows)}
    groups_wanted, per_group = rng.randint(1, 6), rng.randint(1, 4)
    groups = group_hits(_items(rows), ["tags"], groups_wanted, per_group, CLASS)

    assert 1 <= len(groups) <= groups_wanted
    assert [g["id"] for g in groups] == list(range(len(groups)))
    firsts = [rank[g["hits"][0]] for g in groups]
    assert firsts == sorted(firsts)  # groups in order of their best hit
    by_key = {key: props for key, props, _ in rows}
    dist = {key: d for key, _, d in rows}
    for g in groups:
        hits = g["hits"]
        assert g["count"] == len(hits) <= per_group
        assert [rank[h] for h in hits] == sorted(rank[h] for h in hits)
        assert all(g["groupedBy"]["value"] in by_key[h]["tags"] for h in hits)
        assert g["minDistance"] == dist[hits[0]] and g["maxDistance"] == dist[hits[-1]]
