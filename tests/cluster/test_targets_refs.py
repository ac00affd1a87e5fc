"""Queries on sharded classes with several targetVectors (every combination method) and with filters on reference
properties (resolved on the coordinator, where the target class is) give one node's answers on the same data."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import numpy as np
import pytest

from vectordb.query.request import AggregateRequest, SearchRequest

AUTHORS = ["ann", "bob", "cleo", "dan"]
BY_ANN = {"path": ["writtenBy", "Author", "name"], "operator": "Equal", "valueText": "ann"}
NOT_DAN = {"operator": "And", "operands": [
    {"path": ["writtenBy", "Author", "name"], "operator": "NotEqual", "valueText": "dan"},
    {"path": ["n"], "operator": "LessThan", "valueInt": 50}]}


def _author_id(i: int) -> str:
    return str(uuid.UUID(int=0xA0000 + i))


def _schema(author_shards: int, book_shards: int) -> list[dict]:
    author = {"class": "Author", "vectorizer": "none", "shardingConfig": {"desiredCount": author_shards},
              "properties": [{"name": "name", "dataType": ["text"], "tokenization": "field"}]}
    space = {"vectorizer": {"none": {}}, "vectorIndexType": "hnsw"}
    book = {"class": "Book", "shardingConfig": {"desiredCount": book_shards},
            "vectorConfig": {"title": space, "cover": space},
            "properties": [{"name": "n", "dataType": ["int"]}, {"name": "writtenBy", "dataType": ["Author"]}]}
    return [author, book]


def _data() -> tuple[list[dict], list[dict]]:
    authors = [{"class": "Author", "id": _author_id(i), "properties": {"name": name}, "vector": [float(i), 1.0]}
               for i, name in enumerate(AUTHORS)]
    books = []
    for i in range(120):
        rng = np.random.default_rng(1000 + i)
        books.append({"class": "Book", "id": str(uuid.UUID(int=(i * 40503) % (1 << 128) + 7)),
                      "properties": {"n": i, "writtenBy": [{"beacon": f"weaviate://localhost/Author/"
                                                                       f"{_author_id(i % 4)}"}]},
                      "vectors": {"title": rng.random(4).round(4).tolist(), "cover": rng.random(6).round(4).tolist()}})
    return authors, books


@pytest.fixture(scope="module")
def books(cluster_db, one_node) -> Iterator[None]:
    """Author on 2 shards, Book on 3 (factor 1: the fan-out and merge are under test, not replication)."""
    authors, books = _data()
    for db, shards in ((cluster_db, (2, 3)), (one_node, (1, 1))):
        for body in _schema(*shards):
            db.create_collection(body)
        for batch in (authors, books):
            assert not [r for r in db.batch_objects(batch) if r.get("error")]
    yield
    for db in (cluster_db, one_node):
        db.delete_collection("Book")
        db.delete_collection("Author")


QUERY = {"title": [0.3, 0.6, 0.1, 0.9], "cover": [0.5, 0.2, 0.8, 0.1, 0.4, 0.7]}
WEIGHTS = [{"target": "title", "weight": 0.7}, {"target": "cover", "weight": 1.8}]


@pytest.mark.parametrize("combination", [
    {"method": "sum"}, {"method": "average"}, {"method": "minimum"},
    {"method": "manualWeights", "weights": WEIGHTS}, {"method": "relativeScore", "weights": WEIGHTS},
], ids=lambda c: c["method"])
@pytest.mark.parametrize("where", [None, BY_ANN], ids=["all", "refFilter"])
def test_several_target_vectors_match_one_node(cluster_db, one_node, books, combination, where):
    near = {"vector": QUERY, "targetVectors": ["title", "cover"], "targetCombination": combination}
    many, one = (db.search(SearchRequest(collection="Book", limit=8, near_vector=near, where=where))
                 for db in (cluster_db, one_node))
    assert len(many) == 8
    assert [r.id for r in many] == [r.id for r in one]
    assert [r.distance for r in many] == pytest.approx([r.distance for r in one], abs=1e-6)  # float32 ulps
    if where is not None:
        assert all(r.properties["n"] % 4 == 0 for r in many)


def test_a_distance_bound_applies_to_the_combined_distance(cluster_db, one_node, books):
    near = {"vector": QUERY, "targetVectors": ["title", "cover"], "targetCombination": {"method": "average"},
            "distance": 0.12}
    many, one = (db.search(SearchRequest(collection="Book", limit=50, near_vector=near))
                 for db in (cluster_db, one_node))
    assert 0 < len(many) < 50 and [r.id for r in many] == [r.id for r in one]


@pytest.mark.parametrize("where", [BY_ANN, NOT_DAN], ids=["equal", "nested"])
def test_reference_filters_match_one_node(cluster_db, one_node, books, where):
    many, one = (db.search(SearchRequest(collection="Book", limit=200, where=where))
                 for db in (cluster_db, one_node))
    assert many and [r.id for r in many] == [r.id for r in one]
    near = {"vector": QUERY["title"], "targetVectors": ["title"]}
    many, one = (db.search(SearchRequest(collection="Book", limit=10, near_vector=near, where=where))
                 for db in (cluster_db, one_node))
    assert [r.id for r in many] == [r.id for r in one]
    agg = AggregateRequest(collection="Book", fields={"n": ["sum", "count"]}, where=where)
    assert cluster_db.aggregate(agg) == one_node.aggregate(agg)
    assert cluster_db.batch_delete("Book", where, dry_run=True) == one_node.batch_delete("Book", where, dry_run=True)
