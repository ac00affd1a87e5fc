"""Answers shaped as Weaviate shapes them, found by running the official v3 client's integration suite."""

from __future__ import annotations

UUID1 = "00000000-0000-0000-0000-000000000001"
TENANT_ERROR = "class Fruit has multi-tenancy disabled, but request was with tenant"


def message(resp) -> str:
    body = resp.json()
    assert set(body) == {"error"}, body
    return body["error"][0]["message"]


def make_fruit(http) -> None:
    http.post("/v1/schema", json={"class": "Fruit", "vectorizer": "none",
                                  "properties": [{"name": "name", "dataType": ["text"]}]}).raise_for_status()


def test_graphql_validation_errors_have_no_data(http):
    body = http.post("/v1/graphql", json={"query": "{Get{Nope{x}}}"}).json()
    assert "data" not in body and body["errors"]
    body = http.post("/v1/graphql", json={"query": "{Get{"}).json()
    assert "data" not in body and body["errors"]


def test_verbose_nodes_of_an_empty_database_have_null_shards(http):
    [node] = http.get("/v1/nodes", params={"output": "verbose"}).json()["nodes"]
    assert "shards" in node and node["shards"] is None
    make_fruit(http)
    [node] = http.get("/v1/nodes", params={"output": "verbose"}).json()["nodes"]
    assert [shard["class"] for shard in node["shards"]] == ["Fruit"]


def test_unknown_include_is_a_400(http):
    make_fruit(http)
    http.post("/v1/objects", json={"class": "Fruit", "id": UUID1, "properties": {"name": "fig"},
                                   "vector": [1, 0]}).raise_for_status()
    for path in ("/v1/objects", f"/v1/objects/Fruit/{UUID1}", f"/v1/objects/{UUID1}"):
        resp = http.get(path, params={"include": "foo"})
        assert resp.status_code == 400 and message(resp) == "unrecognized property 'foo' in ?include list", path
        assert http.get(path, params={"include": "classification,vector"}).status_code == 200, path
    got = http.get(f"/v1/objects/Fruit/{UUID1}", params={"include": "vector"}).json()
    assert got["vector"] == [1, 0]


def test_batch_results_carry_the_stored_times(http):
    make_fruit(http)
    answer = http.post("/v1/batch/objects", json={"objects": [
        {"class": "Fruit", "id": UUID1, "properties": {"name": "fig"}},
        {"class": "Fruit", "properties": {"name": 5}},
    ]}).json()
    stored = http.get(f"/v1/objects/Fruit/{UUID1}").json()
    assert answer[0]["creationTimeUnix"] == stored["creationTimeUnix"]
    assert answer[0]["lastUpdateTimeUnix"] == stored["lastUpdateTimeUnix"]
    assert answer[1]["result"]["status"] == "FAILED" and "creationTimeUnix" not in answer[1]


def test_hybrid_max_vector_distance_drops_keyword_hits_beyond_it(http):
    make_fruit(http)
    vectors = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 1, 0, 0], [1, 0, 0, 0]]
    objects = [{"class": "Fruit", "properties": {"name": "banana"}, "vector": v} for v in vectors]
    assert all(r["result"]["status"] == "SUCCESS"
               for r in http.post("/v1/batch/objects", json={"objects": objects}).json())
    hybrid = 'hybrid: {query: "banana", vector: [1, 0, 0, 0], maxVectorDistance: 0.5}'
    got = http.post("/v1/graphql", json={"query": f"{{Get{{Fruit({hybrid}){{name}}}}}}"}).json()
    assert len(got["data"]["Get"]["Fruit"]) == 2, got
    agg = http.post("/v1/graphql", json={"query": f"{{Aggregate{{Fruit({hybrid}){{meta{{count}}}}}}}}"}).json()
    assert agg["data"]["Aggregate"]["Fruit"][0]["meta"]["count"] == 2, agg
    keyword_only = 'hybrid: {query: "banana", vector: [1, 0, 0, 0], maxVectorDistance: 0.5, alpha: 0}'
    got = http.post("/v1/graphql", json={"query": f"{{Get{{Fruit({keyword_only}){{name}}}}}}"}).json()
    assert len(got["data"]["Get"]["Fruit"]) == 4, got  # no vector search, so no cutoff (as Weaviate)
    unbounded = 'hybrid: {query: "banana", vector: [1, 0, 0, 0]}'
    got = http.post("/v1/graphql", json={"query": f"{{Get{{Fruit({unbounded}){{name}}}}}}"}).json()
    assert len(got["data"]["Get"]["Fruit"]) == 4, got


def test_a_tenant_on_a_collection_without_multi_tenancy_is_a_422(http):
    make_fruit(http)
    resp = http.post("/v1/objects", json={"class": "Fruit", "id": UUID1, "tenant": "t1",
                                          "properties": {"name": "fig"}})
    assert resp.status_code == 422 and message(resp) == TENANT_ERROR
    assert http.get(f"/v1/objects/Fruit/{UUID1}").status_code == 404
    answer = http.post("/v1/batch/objects", json={"objects": [
        {"class": "Fruit", "id": UUID1, "tenant": "t1", "properties": {"name": "fig"}}]}).json()
    assert answer[0]["result"]["errors"]["error"][0]["message"] == TENANT_ERROR
    assert http.get(f"/v1/objects/Fruit/{UUID1}").status_code == 404
    http.post("/v1/objects", json={"class": "Fruit", "id": UUID1, "properties": {"name": "fig"}}).raise_for_status()
    for method, path, params in (("GET", f"/v1/objects/Fruit/{UUID1}", {}),
                                 ("DELETE", f"/v1/objects/Fruit/{UUID1}", {}),
                                 ("HEAD", f"/v1/objects/Fruit/{UUID1}", {}),
                                 ("GET", "/v1/objects", {"class": "Fruit"})):
        resp = http.request(method, path, params={**params, "tenant": "t1"})
        if method == "HEAD":
            assert resp.status_code == 422
            continue
        assert resp.status_code == 422 and message(resp) == TENANT_ERROR, (method, path)
    resp = http.patch(f"/v1/objects/Fruit/{UUID1}", params={"tenant": "t1"}, json={"properties": {"name": "x"}})
    assert resp.status_code == 422 and message(resp) == TENANT_ERROR
    resp = http.request("DELETE", "/v1/batch/objects", params={"tenant": "t1"},
                        json={"match": {"class": "Fruit", "where": {"path": ["id"], "operator": "Like",
                                                                    "valueText": "*"}}})
    assert resp.status_code == 422 and message(resp) == TENANT_ERROR
    resp = http.post("/v1/objects/validate", json={"class": "Fruit", "tenant": "t1", "properties": {}})
    assert resp.status_code == 422 and message(resp) == TENANT_ERROR
    assert http.get(f"/v1/objects/Fruit/{UUID1}").json()["properties"] == {"name": "fig"}
    query = '{Get{Fruit(tenant: "t1"){name}}}'
    assert http.post("/v1/graphql", json={"query": query}).json()["errors"][0]["message"] == TENANT_ERROR
