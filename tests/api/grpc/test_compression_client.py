"""The v4 client's Configure.VectorIndex.Quantizer.pq() / sq() / bq() create compressed collections, read
their config back, and search them after training."""

from __future__ import annotations

import numpy as np
import pytest
import weaviate.classes as wvc
from weaviate.classes.config import Configure, Reconfigure
from weaviate.collections.classes.config import _BQConfig, _PQConfig, _SQConfig
from weaviate.exceptions import UnexpectedStatusCodeError


def make(client, name, quantizer, flat=False):
    index = Configure.VectorIndex.flat(quantizer=quantizer) if flat else Configure.VectorIndex.hnsw(
        quantizer=quantizer)
    return client.collections.create(name, vector_config=Configure.Vectors.self_provided(
        vector_index_config=index))


def test_quantizers_round_trip_through_the_client(client):
    make(client, "P", Configure.VectorIndex.Quantizer.pq(segments=8, centroids=64, training_limit=5000))
    make(client, "S", Configure.VectorIndex.Quantizer.sq(training_limit=300, rescore_limit=40))
    make(client, "B", Configure.VectorIndex.Quantizer.bq())
    make(client, "F", Configure.VectorIndex.Quantizer.bq(rescore_limit=50), flat=True)
    pq = client.collections.get("P").config.get().vector_config["default"].vector_index_config.quantizer
    assert isinstance(pq, _PQConfig) and (pq.segments, pq.centroids, pq.training_limit) == (8, 64, 5000)
    sq = client.collections.get("S").config.get().vector_config["default"].vector_index_config.quantizer
    assert isinstance(sq, _SQConfig) and (sq.training_limit, sq.rescore_limit) == (300, 40)
    bq = client.collections.get("B").config.get().vector_config["default"].vector_index_config.quantizer
    assert isinstance(bq, _BQConfig)
    flat = client.collections.get("F").config.get().vector_config["default"].vector_index_config
    assert isinstance(flat.quantizer, _BQConfig) and flat.quantizer.rescore_limit == 50


def test_a_compressed_collection_answers_after_training(client, db):
    coll = make(client, "Sq", Configure.VectorIndex.Quantizer.sq(training_limit=300))
    rng = np.random.default_rng(2)
    vectors = rng.standard_normal((400, 24)).astype(np.float32)
    result = coll.data.insert_many([wvc.data.DataObject(vector=v.tolist()) for v in vectors])
    assert not result.has_errors
    assert db.collection("Sq").indexes["default"].wait(timeout=120)  # trained on a background thread
    assert db.collection("Sq").compressed
    found = coll.query.near_vector(vectors[11].tolist(), limit=3,
                                   return_metadata=wvc.query.MetadataQuery(distance=True))
    assert found.objects[0].uuid == result.uuids[11]
    assert found.objects[0].metadata.distance == pytest.approx(0.0, abs=1e-5)


def test_enabling_with_reconfigure_and_refusing_to_disable(client, db):
    coll = client.collections.create("Later", vector_config=Configure.Vectors.self_provided())
    coll.data.insert_many([wvc.data.DataObject(vector=[float(i), 1.0, 0.5]) for i in range(20)])
    coll.config.update(vector_config=Reconfigure.Vectors.update(
        name="default", vector_index_config=Reconfigure.VectorIndex.hnsw(
            quantizer=Reconfigure.VectorIndex.Quantizer.bq())))
    assert db.collection("Later").compressed
    with pytest.raises(UnexpectedStatusCodeError, match="cannot be disabled"):
        coll.config.update(vector_config=Reconfigure.Vectors.update(
            name="default", vector_index_config=Reconfigure.VectorIndex.hnsw(
                quantizer=Reconfigure.VectorIndex.Quantizer.bq(enabled=False))))
