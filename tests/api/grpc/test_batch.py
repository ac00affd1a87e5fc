"""insert_many and the batch contexts over gRPC BatchObjects: typed values, references, per-object errors."""

from __future__ import annotations

import datetime as dt
import uuid

import numpy as np
import pytest
import weaviate.classes as wvc
from weaviate.classes.config import Configure, DataType, Property, ReferenceProperty
from weaviate.exceptions import WeaviateInsertManyAllFailedError

DIM = 4


@pytest.fixture
def things(client):
    client.collections.create("Owner", properties=[Property(name="name", data_type=DataType.TEXT)],
                              vector_config=Configure.Vectors.self_provided())
    return client.collections.create(
        "Thing",
        properties=[
            Property(name="title", data_type=DataType.TEXT),
            Property(name="n", data_type=DataType.INT),
            Property(name="ints", data_type=DataType.INT_ARRAY),
            Property(name="nums", data_type=DataType.NUMBER_ARRAY),
            Property(name="texts", data_type=DataType.TEXT_ARRAY),
            Property(name="flags", data_type=DataType.BOOL_ARRAY),
            Property(name="days", data_type=DataType.DATE_ARRAY),
            Property(name="ids", data_type=DataType.UUID_ARRAY),
            Property(name="key", data_type=DataType.UUID),
            Property(name="where", data_type=DataType.GEO_COORDINATES),
            Property(name="phone", data_type=DataType.PHONE_NUMBER),
            Property(name="meta", data_type=DataType.OBJECT, nested_properties=[
                Property(name="a", data_type=DataType.INT), Property(name="b", data_type=DataType.TEXT)]),
            Property(name="parts", data_type=DataType.OBJECT_ARRAY, nested_properties=[
                Property(name="c", data_type=DataType.NUMBER)]),
        ],
        references=[ReferenceProperty(name="owner", target_collection="Owner")],
        vector_config=Configure.Vectors.self_provided(),
    )


def test_every_value_type_round_trips(client, things, db):
    owner = uuid.uuid4()
    client.collections.get("Owner").data.insert({"name": "Ann"}, uuid=owner, vector=[1.0, 0.0])
    day = dt.datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=dt.UTC)
    ref_id = uuid.uuid4()
    props = {
        "title": "a", "n": 48, "ints": [1, 2, 3], "nums": [1.5, 2.0], "texts": ["x", "y"], "flags": [True, False],
        "days": [day], "ids": [ref_id], "key": ref_id,
        "where": wvc.data.GeoCoordinate(latitude=52.5, longitude=13.4),
        "phone": wvc.data.PhoneNumber(number="030 1234567", default_country="DE"),
        "meta": {"a": 7, "b": "bee"}, "parts": [{"c": 1.25}, {"c": 2}],
    }
    result = things.data.insert_many([wvc.data.DataObject(properties=props, vector=[0.1, 0.2, 0.3, 0.4],
                                                          references={"owner": owner})])
    assert not result.has_errors, result.errors
    stored = db.get_object("Thing", str(result.uuids[0]))["properties"]
    assert stored["n"] == 48 and isinstance(stored["n"], int)
    assert stored["ints"] == [1, 2, 3] and stored["nums"] == [1.5, 2.0]
    assert stored["owner"][0]["beacon"] == f"weaviate://localhost/Owner/{owner}"
    back = things.query.fetch_object_by_id(result.uuids[0]).properties
    assert back["n"] == 48 and back["ints"] == [1, 2, 3] and back["nums"] == [1.5, 2.0]
    assert back["texts"] == ["x", "y"] and back["flags"] == [True, False]
    assert back["days"] == [day] and back["ids"] == [ref_id] and back["key"] == ref_id
    assert (back["where"].latitude, back["where"].longitude) == pytest.approx((52.5, 13.4))
    assert back["phone"].international_formatted.startswith("+49") and back["phone"].valid
    assert back["meta"] == {"a": 7, "b": "bee"} and back["parts"] == [{"c": 1.25}, {"c": 2.0}]


def test_insert_many_reports_errors_per_object_and_keeps_the_rest(things, db):
    objects = [wvc.data.DataObject(properties={"title": "ok", "n": 1}, vector=[1.0, 0, 0, 0]),
               wvc.data.DataObject(properties={"title": "bad", "n": 1.5}, vector=[1.0, 0, 0, 0]),
               wvc.data.DataObject(properties={"title": "short"}, vector=[1.0, 0]),
               wvc.data.DataObject(properties={"title": "ok too"}, vector=[0, 1.0, 0, 0])]
    result = things.data.insert_many(objects)
    assert set(result.errors) == {1, 2}
    assert "requires an integer" in result.errors[1].message
    assert "length" in result.errors[2].message
    assert len(things) == 2
    assert db.get_object("Thing", str(result.uuids[0])) is not None
    with pytest.raises(WeaviateInsertManyAllFailedError):
        things.data.insert_many([wvc.data.DataObject(properties={"n": "x"}, vector=[1.0, 0, 0, 0])])


def test_insert_many_upserts_an_existing_uuid(things):
    same = uuid.uuid4()
    things.data.insert_many([wvc.data.DataObject(properties={"title": "v1"}, uuid=same, vector=[1.0, 0, 0, 0])])
    things.data.insert_many([wvc.data.DataObject(properties={"title": "v2"}, uuid=same, vector=[1.0, 0, 0, 0])])
    assert len(things) == 1 and things.query.fetch_object_by_id(same).properties["title"] == "v2"


def test_a_request_above_four_mebibytes(client):
    big = client.collections.create("Big", vector_config=Configure.Vectors.self_provided(),
                                    properties=[Property(name="i", data_type=DataType.INT)])
    vectors = np.random.default_rng(1).standard_normal((2500, 512)).astype(np.float32)
    result = big.data.insert_many([wvc.data.DataObject(properties={"i": i}, vector=v) for i, v in enumerate(vectors)])
    assert not result.has_errors
    assert len(big) == 2500
    page = big.query.fetch_objects(limit=1000, include_vector=True)  # a reply above 4 MiB too
    assert len(page.objects) == 1000


def test_dynamic_and_fixed_size_batches_collect_failed_objects(client, things):
    with things.batch.dynamic() as batch:
        for i in range(30):
            batch.add_object(properties={"title": f"d{i}", "n": i if i != 7 else "seven"}, vector=[float(i), 1, 0, 0])
    failed = things.batch.failed_objects
    assert [f.object_.properties["title"] for f in failed] == ["d7"]
    assert len(things) == 29
    with client.batch.fixed_size(batch_size=8, concurrent_requests=2) as batch:
        for i in range(20):
            batch.add_object(collection="Thing", properties={"title": f"f{i}"},
                             vector=[1.0, 0, 0, 0] if i != 3 else [1.0])
    assert [f.object_.properties["title"] for f in client.batch.failed_objects] == ["f3"]
    assert len(things) == 29 + 19


def test_batch_references_and_delete_many_by_reference(client, things):
    owners = client.collections.get("Owner")
    ann, bob = uuid.uuid4(), uuid.uuid4()
    owners.data.insert_many([wvc.data.DataObject(properties={"name": "Ann"}, uuid=ann, vector=[1.0, 0]),
                             wvc.data.DataObject(properties={"name": "Bob"}, uuid=bob, vector=[0, 1.0])])
    with things.batch.dynamic() as batch:
        ids = [batch.add_object(properties={"title": f"t{i}"}, vector=[1.0, 0, 0, float(i)]) for i in range(6)]
        for i, uid in enumerate(ids):
            batch.add_reference(from_uuid=uid, from_property="owner", to=ann if i < 4 else bob)
    assert not things.batch.failed_objects and not things.batch.failed_references
    done = things.data.delete_many(where=wvc.query.Filter.by_ref("owner").by_property("name").equal("Ann"))
    assert (done.matches, done.successful) == (4, 4)
    assert sorted(o.properties["title"] for o in things.query.fetch_objects().objects) == ["t4", "t5"]


def test_delete_many_with_a_bad_filter_deletes_nothing(things):
    things.data.insert_many([wvc.data.DataObject(properties={"title": "keep"}, vector=[1.0, 0, 0, 0])])
    from weaviate.exceptions import WeaviateDeleteManyError

    with pytest.raises(WeaviateDeleteManyError, match="no such prop"):
        things.data.delete_many(where=wvc.query.Filter.by_property("nope").equal("x"))
    assert len(things) == 1
