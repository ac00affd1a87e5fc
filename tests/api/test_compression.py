"""vectorIndexConfig pq, sq and bq over REST: Weaviate's defaults in GET /v1/schema, its validation messages
(422), enabling on an existing class with PUT, and refusing to disable."""

from __future__ import annotations

import numpy as np
import pytest

PQ_DEFAULTS = {
    "enabled": True, "bitCompression": False, "segments": 0, "centroids": 256, "trainingLimit": 100000,
    "encoder": {"type": "kmeans", "distribution": "log-normal"},
}


def create(http, name: str, config: dict, index_type: str | None = None):
    body = {"class": name, "vectorizer": "none", "vectorIndexConfig": config}
    if index_type:
        body["vectorIndexType"] = index_type
    return http.post("/v1/schema", json=body)


def test_schema_shows_each_compression_as_weaviate(http):
    assert create(http, "P", {"pq": {"enabled": True}}).status_code == 200
    assert create(http, "S", {"sq": {"enabled": True}}).status_code == 200
    assert create(http, "B", {"bq": {"enabled": True}}).status_code == 200
    assert create(http, "F", {"bq": {"enabled": True}}, "flat").status_code == 200
    configs = {c["class"]: c["vectorIndexConfig"] for c in http.get("/v1/schema").json()["classes"]}
    assert configs["P"]["pq"] == PQ_DEFAULTS
    assert configs["P"]["sq"] == {"enabled": False, "trainingLimit": 100000, "rescoreLimit": 20}
    assert configs["S"]["sq"] == {"enabled": True, "trainingLimit": 100000, "rescoreLimit": 20}
    assert configs["B"]["bq"] == {"enabled": True}
    assert configs["F"]["bq"] == {"enabled": True, "rescoreLimit": -1, "cache": False}
    assert http.get("/v1/schema/P").json()["vectorIndexConfig"]["pq"] == PQ_DEFAULTS


@pytest.mark.parametrize(
    ("config", "index_type", "message"),
    [
        ({"pq": {"enabled": True}, "sq": {"enabled": True}}, None,
         "invalid hnsw config: more than a single compression methods enabled"),
        ({"pq": {"enabled": True, "segments": -1}}, None, "pq segments must be non-negative"),
        ({"pq": {"enabled": True, "encoder": {"type": "nope"}}}, None, "invalid encoder type nope"),
        ({"pq": {"enabled": True, "encoder": {"distribution": "flat"}}}, None, "invalid encoder distribution flat"),
        ({"pq": {"enabled": True, "centroids": 512}}, None,
         "centroids should not be higher than 256. Attempting to use 512"),
        ({"pq": {"enabled": True, "centroids": 100}}, None, "pq.centroids must be a power of two"),
        ({"pq": {"enabled": True, "encoder": {"type": "tile"}}}, None, "'tile' is not supported"),
        ({"bq": {"enabled": True}, "distance": "manhattan"}, None, "compressed vectors support the distances"),
        ({"pq": {"enabled": True}}, "flat", "PQ is not currently supported for flat indices"),
        ({"sq": {"enabled": True}}, "flat", "SQ is not currently supported for flat indices"),
        ({"rq": {"enabled": True}}, None, "RQ compression is not supported"),
        ({"sq": {"enabled": "yes"}}, None, "sq"),
    ],
)
def test_invalid_configs_are_refused_with_422(http, config, index_type, message):
    response = create(http, "Bad", config, index_type)
    assert response.status_code == 422, response.text
    assert message in response.json()["error"][0]["message"]
    assert http.get("/v1/schema/Bad").status_code == 404  # a refused request changes nothing


def test_enable_with_put_then_refuse_to_disable(http):
    assert create(http, "Grow", {}).status_code == 200
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((300, 16)).astype(np.float32)
    objects = [{"class": "Grow", "vector": v.tolist()} for v in vectors]
    assert http.post("/v1/batch/objects", json={"objects": objects}).status_code == 200
    cls = http.get("/v1/schema/Grow").json()
    cls["vectorIndexConfig"]["pq"] = {"enabled": True, "trainingLimit": 256, "centroids": 16}
    response = http.put("/v1/schema/Grow", json=cls)
    assert response.status_code == 200, response.text
    assert response.json()["vectorIndexConfig"]["pq"]["enabled"] is True
    shard = http.get("/v1/nodes", params={"output": "verbose"}).json()["nodes"][0]["shards"][0]
    assert shard["compressed"] is True
    query = "{Get{Grow(nearVector:{vector:" + str(vectors[3].tolist()) + "}, limit:1){_additional{distance}}}}"
    found = http.post("/v1/graphql", json={"query": query})
    assert found.json()["data"]["Get"]["Grow"][0]["_additional"]["distance"] == pytest.approx(0, abs=1e-5)

    cls["vectorIndexConfig"]["pq"]["enabled"] = False
    response = http.put("/v1/schema/Grow", json=cls)
    assert response.status_code == 422
    assert "pq compression cannot be disabled once enabled" in response.json()["error"][0]["message"]
    cls["vectorIndexConfig"]["pq"] = {"enabled": True, "trainingLimit": 256, "centroids": 32}
    response = http.put("/v1/schema/Grow", json=cls)
    assert response.status_code == 422 and "pq.centroids is immutable" in response.json()["error"][0]["message"]
    cls["vectorIndexConfig"]["pq"] = {"enabled": False}
    cls["vectorIndexConfig"]["sq"] = {"enabled": True}
    response = http.put("/v1/schema/Grow", json=cls)
    assert response.status_code == 422 and "cannot be disabled" in response.json()["error"][0]["message"]
    assert http.get("/v1/schema/Grow").json()["vectorIndexConfig"]["pq"]["centroids"] == 16
