"""Filter and Sort builders, and the GraphQL text built from a SearchRequest, checked by parsing it back."""

from __future__ import annotations

import datetime as dt
import socket
import uuid

import numpy as np
import pytest
from graphql import parse

import vectordb
from vectordb.client import (
    DataType,
    Filter,
    NamedVector,
    Property,
    ReferenceProperty,
    Sort,
    VectordbConnectionError,
)
from vectordb.client.graphql_builder import build_aggregate, build_get, literal, parse_get, where_input
from vectordb.query.request import AggregateRequest, SearchRequest

CLASS = {
    "class": "Doc",
    "vectorIndexConfig": {"distance": "cosine"},
    "properties": [
        {"name": "title", "dataType": ["text"]},
        {"name": "where", "dataType": ["geoCoordinates"]},
        {"name": "meta", "dataType": ["object"], "nestedProperties": [{"name": "k", "dataType": ["int"]}]},
        {"name": "author", "dataType": ["Author"]},
    ],
}


def test_filter_operators_and_value_types() -> None:
    day = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    oid = uuid.UUID(int=1)
    assert Filter.by_property("a").equal(1).to_dict() == {"operator": "Equal", "path": ["a"], "valueInt": 1}
    assert Filter.by_property("a").not_equal(1.5).to_dict()["valueNumber"] == 1.5
    assert Filter.by_property("a").greater_than(True).to_dict()["valueBoolean"] is True
    assert Filter.by_property("a").less_or_equal(day).to_dict()["valueDate"] == "2024-01-02T03:04:05Z"
    assert Filter.by_property("a").less_than_equal(2).to_dict()["operator"] == "LessThanEqual"
    assert Filter.by_property("a").greater_or_equal(2).to_dict()["operator"] == "GreaterThanEqual"
    assert Filter.by_id().equal(oid).to_dict() == {"operator": "Equal", "path": ["id"], "valueText": str(oid)}
    assert Filter.by_property("t", length=True).equal(0).to_dict()["path"] == ["len(t)"]
    assert Filter.by_creation_time().greater_than(1700000000000).to_dict() == {
        "operator": "GreaterThan",
        "path": ["_creationTimeUnix"],
        "valueText": "1700000000000",
    }
    assert Filter.by_property("tags").contains_all(["a", "b"]).to_dict()["valueTextArray"] == ["a", "b"]
    assert Filter.by_property("n").contains_none([1, 2.5]).to_dict()["valueNumberArray"] == [1.0, 2.5]
    assert Filter.by_property("n").contains_any([1, 2]).to_dict()["valueIntArray"] == [1, 2]
    assert Filter.by_property("n").is_null().to_dict() == {
        "operator": "IsNull",
        "path": ["n"],
        "valueBoolean": True,
    }
    geo = Filter.by_property("where").within_geo_range(52.3, 4.9, 2000).to_dict()
    assert geo["valueGeoRange"] == {
        "geoCoordinates": {"latitude": 52.3, "longitude": 4.9},
        "distance": {"max": 2000.0},
    }
    ref = Filter.by_ref("author", "author").by_property("name").like("A*").to_dict()
    assert ref["path"] == ["author", "Author", "name"]
    with pytest.raises(TypeError):
        Filter.by_property("a").equal(object())
    with pytest.raises(TypeError):
        Filter.by_property("a").contains_any([1, "x"])


def test_filter_combinators_flatten() -> None:
    a, b, c = (Filter.by_property(p).equal(1) for p in "abc")
    combined = (a & b) & c
    assert combined.to_dict()["operator"] == "And"
    assert [o["path"] for o in combined.to_dict()["operands"]] == [["a"], ["b"], ["c"]]
    either = a | {"operator": "Equal", "path": ["z"], "valueInt": 2}
    assert either.to_dict()["operands"][1]["path"] == ["z"]
    assert (~a).to_dict() == {"operator": "Not", "operands": [a.to_dict()]}
    assert Filter.all_of([a]) == a


def test_sort_builder() -> None:
    assert Sort.by_property("a").by_property("b", ascending=False).to_list() == [
        {"path": ["a"], "order": "asc"},
        {"path": ["b"], "order": "desc"},
    ]
    assert Sort.by_update_time(ascending=False).to_list() == [
        {"path": ["_lastUpdateTimeUnix"], "order": "desc"}
    ]


def test_literals() -> None:
    assert literal('a "quoted"\nline ü') == '"a \\"quoted\\"\\nline ü"'
    assert literal(np.array([0.1, 1e-5], dtype=np.float32)) == "[0.1, 1e-05]"
    assert literal([1, 2.5, None, True]) == "[1, 2.5, null, true]"
    with pytest.raises(ValueError):
        literal(float("nan"))


def test_get_query_is_valid_graphql_with_everything() -> None:
    where = Filter.by_property("title").like("x*") & Filter.by_property("tags").contains_any(["a", "b"])
    request = SearchRequest(
        "Doc",
        limit=3,
        offset=1,
        autocut=2,
        where=where.to_dict(),
        near_vector={"vector": np.array([0.5, 0.25], dtype=np.float32), "distance": 0.4},
        group_by={"path": ["title"], "groups": 2, "objectsPerGroup": 3},
        include_vector=True,
    )
    text = build_get(request, CLASS, {"distance", "certainty", "creation_time"})
    parse(text)  # raises on invalid syntax
    assert "operator: And" in text and 'valueText: ["a", "b"]' in text
    assert "nearVector: {vector: [0.5, 0.25], distance: 0.4}" in text
    assert "where { latitude longitude }" in text and "meta { k }" in text
    assert "author" not in text  # references are not selected
    assert "certainty" in text and "creationTimeUnix" in text and "score" not in text


def test_hybrid_and_sort_arguments() -> None:
    request = SearchRequest(
        "Doc",
        hybrid={"query": "q", "alpha": 0.5, "fusionType": "rankedFusion", "maxVectorDistance": None},
        sort=[{"path": ["title"], "order": "desc"}],
    )
    printed = build_get(request, CLASS, {"score", "explain_score"})
    parse(printed)
    assert 'hybrid: {query: "q", alpha: 0.5, fusionType: rankedFusion}' in printed
    assert 'sort: [{path: ["title"], order: desc}]' in printed
    assert "explainScore" in printed and "distance" not in printed


def test_certainty_only_for_cosine() -> None:
    l2 = {**CLASS, "vectorIndexConfig": {"distance": "l2-squared"}}
    request = SearchRequest("Doc", near_vector={"vector": [1.0]})
    assert "certainty" not in build_get(request, l2, {"distance", "certainty"})
    assert "certainty" in build_get(request, CLASS, {"distance", "certainty"})


def test_where_input_turns_arrays_into_lists() -> None:
    where = {"operator": "ContainsAny", "path": ["n"], "valueIntArray": [1, 2]}
    assert where_input(where) == {"operator": "ContainsAny", "path": ["n"], "valueInt": [1, 2]}


def test_parse_get_answer() -> None:
    data = {
        "Get": {
            "Doc": [
                {
                    "title": "t",
                    "where": None,
                    "meta": {"k": None},
                    "_additional": {
                        "id": str(uuid.UUID(int=5)),
                        "score": "0.5",
                        "creationTimeUnix": "1700000000000",
                        "lastUpdateTimeUnix": "1700000000001",
                        "vector": [1.0],
                    },
                }
            ]
        }
    }
    [result] = parse_get(data, "Doc")
    assert result.properties == {"title": "t", "meta": {}}
    assert result.score == 0.5 and result.creation_time_unix == 1700000000000
    assert result.vector == [1.0]


def test_aggregate_query() -> None:
    request = AggregateRequest(
        "Doc",
        fields={"title": ["count", "topOccurrences"]},
        group_by=["title"],
        object_limit=5,
        near_vector={"vector": [1.0, 0.0]},
        top_occurrences_limit={"title": 3},
    )
    printed = build_aggregate(request)
    parse(printed)
    assert "topOccurrences(limit: 3)" in printed and "groupedBy" in printed and "objectLimit: 5" in printed
    with pytest.raises(ValueError):
        build_aggregate(AggregateRequest("Doc", fields={}, meta_count=False))


def test_property_definitions() -> None:
    prop = Property(
        "body", DataType.TEXT, tokenization="word", skip_vectorization=True, index_filterable=False
    )
    assert prop.to_dict(["text2vec-openai", "none"]) == {
        "name": "body",
        "dataType": ["text"],
        "tokenization": "word",
        "indexFilterable": False,
        "moduleConfig": {"text2vec-openai": {"skip": True}},
    }
    assert prop.to_dict() == {
        "name": "body",
        "dataType": ["text"],
        "tokenization": "word",
        "indexFilterable": False,
    }
    nested = Property("meta", DataType.OBJECT, nested_properties=[Property("k", DataType.INT)])
    assert nested.to_dict()["nestedProperties"] == [{"name": "k", "dataType": ["int"]}]
    assert ReferenceProperty("by", ["author", "Editor"]).to_dict() == {
        "name": "by",
        "dataType": ["Author", "Editor"],
    }
    assert NamedVector("title", "text2vec-openai", source_properties=["title"]).to_dict() == {
        "vectorizer": {"text2vec-openai": {"properties": ["title"]}},
        "vectorIndexType": "hnsw",
    }


def test_connect_to_nothing_fails_at_once() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # bound but not listening: connections are refused
        with pytest.raises(VectordbConnectionError) as err:
            vectordb.connect(f"http://127.0.0.1:{port}", timeout=5)
    assert f"127.0.0.1:{port}" in err.value.message
