"""aggregate.* over gRPC Aggregate (the server reports >= 1.29): over_all, metrics, filters, group_by, near_*."""

from __future__ import annotations

import pytest
import weaviate.classes as wvc
from weaviate.classes.aggregate import GroupByAggregate
from weaviate.classes.config import Configure, DataType, Property
from weaviate.classes.query import Filter, Metrics

ROWS = [("a", 1, 1.5, True), ("a", 2, 2.5, False), ("b", 3, 3.5, True), ("b", 4, 4.5, True), ("c", 5, 5.5, False)]


@pytest.fixture
def rows(client):
    coll = client.collections.create(
        "Row",
        properties=[Property(name="cat", data_type=DataType.TEXT), Property(name="n", data_type=DataType.INT),
                    Property(name="x", data_type=DataType.NUMBER), Property(name="ok", data_type=DataType.BOOL)],
        vector_config=Configure.Vectors.self_provided(),
    )
    coll.data.insert_many([wvc.data.DataObject(properties={"cat": c, "n": n, "x": x, "ok": ok}, vector=[float(n), 1.0])
                           for c, n, x, ok in ROWS])
    return coll


def test_over_all_metrics(rows):
    out = rows.aggregate.over_all(total_count=True, return_metrics=[
        Metrics("n").integer(count=True, sum_=True, mean=True, minimum=True, maximum=True, median=True, mode=True),
        Metrics("x").number(sum_=True, maximum=True),
        Metrics("cat").text(top_occurrences_count=True, top_occurrences_value=True, limit=2),
        Metrics("ok").boolean(total_true=True, percentage_true=True),
    ])
    assert out.total_count == 5
    n = out.properties["n"]
    assert (n.count, n.sum_, n.mean, n.minimum, n.maximum, n.median, n.mode) == (5, 15, 3.0, 1, 5, 3.0, 1)
    assert out.properties["x"].sum_ == pytest.approx(17.5) and out.properties["x"].maximum == 5.5
    top = out.properties["cat"].top_occurrences
    assert [(t.value, t.count) for t in top] == [("a", 2), ("b", 2)]
    assert out.properties["ok"].total_true == 3 and out.properties["ok"].percentage_true == pytest.approx(0.6)


def test_text_top_occurrences_come_back_whatever_flags_are_set(rows):
    out = rows.aggregate.over_all(return_metrics=Metrics("cat").text(top_occurrences_value=True))
    assert [t.value for t in out.properties["cat"].top_occurrences] == ["a", "b", "c"]


def test_filtered_and_grouped(rows):
    filtered = rows.aggregate.over_all(filters=Filter.by_property("n").greater_than(2), total_count=True,
                                       return_metrics=Metrics("n").integer(sum_=True))
    assert filtered.total_count == 3 and filtered.properties["n"].sum_ == 12
    grouped = rows.aggregate.over_all(group_by=GroupByAggregate(prop="cat"), total_count=True,
                                      return_metrics=Metrics("x").number(mean=True))
    by_value = {g.grouped_by.value: g for g in grouped.groups}
    assert {k: g.total_count for k, g in by_value.items()} == {"a": 2, "b": 2, "c": 1}
    assert by_value["b"].properties["x"].mean == pytest.approx(4.0)
    assert all(g.grouped_by.prop == "cat" for g in grouped.groups)
    by_int = rows.aggregate.over_all(group_by=GroupByAggregate(prop="n", limit=2), total_count=True)
    assert len(by_int.groups) == 2 and all(isinstance(g.grouped_by.value, int) for g in by_int.groups)


def test_near_vector_with_object_limit(rows):
    out = rows.aggregate.near_vector([5.0, 1.0], object_limit=2, total_count=True,
                                     return_metrics=Metrics("n").integer(minimum=True))
    assert out.total_count == 2 and out.properties["n"].minimum == 4
