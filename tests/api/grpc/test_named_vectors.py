"""Named vectors as the v4 client sends them: one target, several targets with a combination, per-target vectors."""

from __future__ import annotations

import pytest
import weaviate.classes as wvc
from weaviate.classes.config import Configure, DataType, Property
from weaviate.classes.query import MetadataQuery, TargetVectors
from weaviate.exceptions import WeaviateQueryError

A = {"x": [1.0, 0.0], "y": [0.0, 1.0], "z": [0.7, 0.7]}
B = {"x": [0.0, 0.0, 1.0], "y": [1.0, 0.0, 0.0], "z": [0.6, 0.0, 0.8]}


@pytest.fixture
def two(client):
    coll = client.collections.create(
        "Two", properties=[Property(name="name", data_type=DataType.TEXT)],
        vector_config=[Configure.Vectors.self_provided(name="a"), Configure.Vectors.self_provided(name="b")],
    )
    result = coll.data.insert_many([wvc.data.DataObject(properties={"name": k}, vector={"a": A[k], "b": B[k]})
                                    for k in A])
    assert not result.has_errors, result.errors
    return coll


def names(result) -> list[str]:
    return [o.properties["name"] for o in result.objects]


def test_one_target_and_the_vectors_it_returns(two):
    found = two.query.near_vector([1.0, 0.0], target_vector="a", limit=1, include_vector=["b"])
    assert names(found) == ["x"] and found.objects[0].vector == {"b": pytest.approx(B["x"])}
    found = two.query.near_vector([1.0, 0.0, 0.0], target_vector="b", limit=1, include_vector=True)
    assert names(found) == ["y"] and set(found.objects[0].vector) == {"a", "b"}


def test_several_targets_combined(two):
    query = {"a": [1.0, 0.0], "b": [0.0, 0.0, 1.0]}
    summed = two.query.near_vector(query, target_vector=TargetVectors.sum(["a", "b"]),
                                   return_metadata=MetadataQuery(distance=True))
    assert names(summed)[0] == "x" and summed.objects[0].metadata.distance == pytest.approx(0.0, abs=1e-5)
    assert len(summed.objects) == 3
    # weights decide: b weighs most, and "z" is nearer than "y" on b
    weighted = two.query.near_vector({"a": [0.0, 1.0], "b": [0.6, 0.0, 0.8]},
                                     target_vector=TargetVectors.manual_weights({"a": 0.1, "b": 10}), limit=1)
    assert names(weighted) == ["z"]
    minimum = two.query.near_vector({"a": [0.0, 1.0], "b": [0.0, 0.0, 1.0]}, target_vector=["a", "b"], limit=2)
    assert sorted(names(minimum)) == ["x", "y"]
    text_free = two.query.near_object(two.query.fetch_objects(limit=3).objects[0].uuid,
                                      target_vector=TargetVectors.average(["a", "b"]), limit=1)
    assert len(text_free.objects) == 1


def test_no_target_on_several_vectors_is_an_error(two):
    with pytest.raises(WeaviateQueryError, match="several named vectors"):
        two.query.near_vector([1.0, 0.0], limit=1)
    with pytest.raises(WeaviateQueryError, match="no vector named 'c'"):
        two.query.near_vector([1.0, 0.0], target_vector="c", limit=1)


def test_hybrid_on_several_targets(two):
    query = {"a": [1.0, 0.0], "b": [0.0, 0.0, 1.0]}
    summed = TargetVectors.sum(["a", "b"])
    found = two.query.hybrid("x", vector=query, target_vector=summed, alpha=1, limit=1)
    assert names(found) == ["x"]
    # the vector cutoff is on the combined distance, and keyword hits beyond it go too
    near = two.query.hybrid("y", vector=query, target_vector=summed, max_vector_distance=0.3)
    assert names(near) == ["x"]
    keyword = two.query.hybrid("y", target_vector=summed, alpha=0)
    assert names(keyword) == ["y"]


def test_an_object_lacking_a_target_counts_only_under_minimum(client):
    coll = client.collections.create(
        "Partial", vector_config=[Configure.Vectors.self_provided(name="a"), Configure.Vectors.self_provided(name="b")],
    )
    coll.data.insert({}, vector={"a": [1.0, 0.0], "b": [1.0, 0.0]})
    coll.data.insert({}, vector={"a": [0.0, 1.0]})
    query = {"a": [1.0, 0.0], "b": [1.0, 0.0]}
    assert len(coll.query.near_vector(query, target_vector=TargetVectors.minimum(["a", "b"])).objects) == 2
    assert len(coll.query.near_vector(query, target_vector=TargetVectors.sum(["a", "b"])).objects) == 1
