"""The cluster through the REST and GraphQL faces: schema as Weaviate shows it, /v1/nodes, shards,
consistency_level, and answers equal to one node's."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.cluster.conftest import CLASS, IPS, objects
from tests.conftest import Server
from vectordb.api.app import create_app
from vectordb.query.request import SearchRequest


@pytest.fixture(scope="module")
def http(cluster_db, article) -> Iterator[httpx.Client]:
    with Server(create_app(cluster_db)) as server, httpx.Client(base_url=server.url, timeout=60) as client:
        yield client


def test_the_schema_shows_the_shards_and_the_factor_as_weaviate_does(http):
    body = http.get(f"/v1/schema/{CLASS}").json()
    assert body["shardingConfig"] == {
        "virtualPerPhysical": 128, "desiredCount": 3, "actualCount": 3, "desiredVirtualCount": 384,
        "actualVirtualCount": 384, "key": "_id", "strategy": "hash", "function": "murmur3",
    }
    assert body["replicationConfig"]["factor"] == 3


def test_nodes_lists_every_node_with_its_shards_and_counts(http, one_node):
    nodes = http.get("/v1/nodes", params={"output": "verbose"}).json()["nodes"]
    assert sorted(n["name"] for n in nodes) == IPS
    total = one_node.collection(CLASS).count()
    for node in nodes:
        assert node["status"] == "HEALTHY"
        articles = [s for s in node["shards"] if s["class"] == CLASS]
        assert len(articles) == 3  # factor 3 on 3 nodes: every node holds a replica of every shard
        assert sum(s["objectCount"] for s in articles) == total
    minimal = http.get("/v1/nodes").json()["nodes"]
    assert all("shards" not in n for n in minimal)
    shards = http.get(f"/v1/schema/{CLASS}/shards").json()
    assert len(shards) == 3 and all(s["status"] == "READY" for s in shards)


def test_writes_and_reads_take_a_consistency_level(http, one_node):
    obj = objects(5000, 1)[0]
    made = http.post("/v1/objects", params={"consistency_level": "ALL"}, json=obj)
    assert made.status_code == 200, made.text
    one_node.insert_object(obj)
    got = http.get(f"/v1/objects/{CLASS}/{obj['id']}", params={"consistency_level": "ALL", "include": "vector"})
    assert got.status_code == 200 and got.json()["properties"] == obj["properties"]
    assert got.json()["vector"] == pytest.approx(obj["vector"])
    bad = http.get(f"/v1/objects/{CLASS}/{obj['id']}", params={"consistency_level": "SOME"})
    assert bad.status_code == 422 and "consistency_level" in bad.json()["error"][0]["message"]


def test_graphql_get_with_a_consistency_level_answers_as_one_node(http, one_node):
    vector = objects(9, 1)[0]["vector"]
    query = ("{ Get { Article(nearVector: {vector: " + str(vector) + "}, limit: 5, consistencyLevel: ALL) "
             "{ n _additional { id distance } } } }")
    answer = http.post("/v1/graphql", json={"query": query}).json()
    assert "errors" not in answer, answer
    hits = answer["data"]["Get"]["Article"]
    one = one_node.search(SearchRequest(collection=CLASS, limit=5, near_vector={"vector": vector}))
    assert [h["_additional"]["id"] for h in hits] == [r.id for r in one]


def test_a_factor_above_the_node_count_is_refused(http):
    body = {"class": "TooMany", "vectorizer": "none", "replicationConfig": {"factor": 4}}
    answer = http.post("/v1/schema", json=body)
    assert answer.status_code == 422
    assert "could not find enough weaviate nodes for replication: 3 available, 4 requested" in answer.text


def test_auto_schema_and_references_work_on_a_sharded_class(http, one_node):
    obj = {**objects(6000, 1)[0]}
    obj["properties"] = {**obj["properties"], "extra": "grown by auto-schema"}
    assert http.post("/v1/objects", json=obj).status_code == 200
    one_node.insert_object(obj)
    props = {p["name"]: p["dataType"] for p in http.get(f"/v1/schema/{CLASS}").json()["properties"]}
    assert props["extra"] == ["text"]
    got = http.get(f"/v1/objects/{CLASS}/{obj['id']}", params={"consistency_level": "ALL"}).json()
    assert got["properties"]["extra"] == "grown by auto-schema"
    link = {"name": "related", "dataType": [CLASS]}
    assert http.post(f"/v1/schema/{CLASS}/properties", json=link).status_code == 200
    one_node.add_property(CLASS, link)
    target = objects(3, 1)[0]["id"]
    beacon = {"beacon": f"weaviate://localhost/{CLASS}/{target}"}
    assert http.post(f"/v1/objects/{CLASS}/{obj['id']}/references/related", json=beacon).status_code == 200
    one_node.reference_add(CLASS, obj["id"], "related", beacon)
    got = http.get(f"/v1/objects/{CLASS}/{obj['id']}").json()
    assert [r["beacon"] for r in got["properties"]["related"]] == [beacon["beacon"]]
