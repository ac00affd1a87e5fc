"""grpc.md §11: the official v4 client's everyday session, each step checked against what was stored."""

from __future__ import annotations

import uuid

import numpy as np
import pytest
import weaviate.classes as wvc
from weaviate.classes.config import Configure, DataType, Property
from weaviate.classes.query import Filter, MetadataQuery, Sort
from weaviate.exceptions import WeaviateQueryError

DIM = 8


@pytest.fixture
def art(client):
    coll = client.collections.create(
        "Art",
        properties=[Property(name="title", data_type=DataType.TEXT), Property(name="n", data_type=DataType.INT)],
        vector_config=Configure.Vectors.self_provided(),
    )
    vectors = np.random.default_rng(0).standard_normal((20, DIM)).astype(np.float32)
    objects = [wvc.data.DataObject(properties={"title": f"title {i}", "n": i}, vector=vectors[i].tolist())
               for i in range(20)]
    result = coll.data.insert_many(objects)
    assert not result.has_errors, result.errors
    return coll, vectors, result.uuids


def test_connect_reports_a_grpc_aggregate_version(client):
    assert client.is_ready() and client.is_live()
    meta = client.get_meta()
    major, minor, _ = (int(p) for p in meta["version"].split("."))
    assert (1, 29) <= (major, minor) < (1, 36)
    assert meta["grpcMaxMessageSize"] == 104858000


def test_insert_many_stores_typed_properties_and_vectors(art, db):
    _coll, vectors, uuids = art
    stored = db.get_object("Art", str(uuids[5]), include_vector=True)
    assert stored["properties"] == {"title": "title 5", "n": 5}
    assert isinstance(stored["properties"]["n"], int)  # sent as a double, cast by the schema
    assert np.allclose(stored["vectors"]["default"], vectors[5])


def test_near_vector_with_filter_distance_and_vector(art):
    coll, vectors, uuids = art
    found = coll.query.near_vector(vectors[3].tolist(), limit=2, filters=Filter.by_property("n").greater_than(1),
                                   return_metadata=MetadataQuery(distance=True), include_vector=True)
    first = found.objects[0]
    assert first.uuid == uuids[3]
    assert first.properties == {"title": "title 3", "n": 3}
    assert first.metadata.distance == pytest.approx(0.0, abs=1e-5)
    assert np.allclose(first.vector["default"], vectors[3])
    assert first.collection == "Art"
    assert len(found.objects) == 2 and found.objects[1].properties["n"] > 1


def test_fetch_objects_sorted_descending_with_offset(art):
    coll, _, _ = art
    page = coll.query.fetch_objects(limit=5, offset=2, sort=Sort.by_property("n", ascending=False))
    assert [o.properties["n"] for o in page.objects] == [17, 16, 15, 14, 13]


def test_fetch_object_by_id_and_missing_id(art):
    coll, _, uuids = art
    obj = coll.query.fetch_object_by_id(uuids[7])
    assert obj.properties["n"] == 7 and obj.uuid == uuids[7]
    assert obj.metadata.creation_time is not None and obj.metadata.last_update_time is not None
    assert coll.query.fetch_object_by_id(uuid.uuid4()) is None


def test_total_count_and_len(art):
    coll, _, _ = art
    assert len(coll) == 20
    assert coll.aggregate.over_all(total_count=True).total_count == 20


def test_delete_many_verbose_and_dry_run(art):
    coll, _, uuids = art
    dry = coll.data.delete_many(where=Filter.by_property("n").greater_or_equal(15), dry_run=True)
    assert dry.matches == 5 and len(coll) == 20
    done = coll.data.delete_many(where=Filter.by_property("n").greater_or_equal(15), verbose=True)
    assert (done.matches, done.successful, done.failed) == (5, 5, 0)
    assert {o.uuid for o in done.objects} == {uuids[i] for i in range(15, 20)}
    assert all(o.successful for o in done.objects)
    assert len(coll) == 15


def test_iterator_visits_every_object_once(art):
    coll, vectors, uuids = art
    seen = [o for o in coll.iterator(cache_size=7, include_vector=True)]
    assert sorted(o.uuid for o in seen) == sorted(uuids.values())
    by_n = {o.properties["n"]: o for o in seen}
    assert np.allclose(by_n[4].vector["default"], vectors[4])


def test_unknown_collection_fails_at_once(client):
    with pytest.raises(WeaviateQueryError, match="Nope"):
        client.collections.get("Nope").query.fetch_objects()
