"""Multi-tenancy over REST and GraphQL, checked against Weaviate's answers (test/acceptance/multi_tenancy)."""

from __future__ import annotations

import httpx

UUID1 = "00000000-0000-0000-0000-000000000001"
UUID2 = "00000000-0000-0000-0000-000000000002"
NO_TENANT = "class Pizza has multi-tenancy enabled, but request was without tenant"


def message(resp: httpx.Response) -> str:
    body = resp.json()
    assert set(body) == {"error"}, body
    return body["error"][0]["message"]


def make_pizza(http: httpx.Client, **mt: bool) -> None:
    http.post("/v1/schema", json={
        "class": "Pizza", "vectorizer": "none", "multiTenancyConfig": {"enabled": True, **mt},
        "properties": [{"name": "name", "dataType": ["text"]}],
    }).raise_for_status()


def add(http: httpx.Client, *names: str, status: str | None = None) -> httpx.Response:
    body = [{"name": n, **({"activityStatus": status} if status else {})} for n in names]
    return http.post("/v1/schema/Pizza/tenants", json=body)


def test_the_class_shows_its_multi_tenancy_config_and_no_shards(http):
    make_pizza(http, autoTenantCreation=True)
    got = http.get("/v1/schema/Pizza").json()
    assert got["multiTenancyConfig"] == {"enabled": True, "autoTenantCreation": True, "autoTenantActivation": False}
    assert got["shardingConfig"]["desiredCount"] == 0 and got["shardingConfig"]["key"] == ""
    assert http.get("/v1/schema").json()["classes"][0]["class"] == "Pizza"
    resp = http.put("/v1/schema/Pizza", json={**got, "multiTenancyConfig": {"enabled": False}})
    assert resp.status_code == 422 and "disabling multi-tenancy for an existing class" in message(resp)
    resp = http.put("/v1/schema/Pizza", json={**got, "multiTenancyConfig": {"enabled": True,
                                                                           "autoTenantActivation": True}})
    assert resp.status_code == 200 and resp.json()["multiTenancyConfig"]["autoTenantActivation"] is True
    resp = http.post("/v1/schema", json={"class": "Both", "multiTenancyConfig": {"enabled": True},
                                         "shardingConfig": {"desiredCount": 1}})
    assert resp.status_code == 422 and "cannot have both shardingConfig and multiTenancyConfig" in message(resp)


def test_tenants_are_added_listed_updated_and_deleted(http):
    make_pizza(http)
    resp = add(http, "t1", "t2")
    assert resp.status_code == 200 and resp.json() == [{"name": "t1", "activityStatus": "HOT"},
                                                       {"name": "t2", "activityStatus": "HOT"}]
    assert add(http, "t3", status="INACTIVE").json() == [{"name": "t3", "activityStatus": "COLD"}]
    assert add(http, "t1").status_code == 200  # again: idempotent
    listed = {t["name"]: t["activityStatus"] for t in http.get("/v1/schema/Pizza/tenants").json()}
    assert listed == {"t1": "HOT", "t2": "HOT", "t3": "COLD"}
    assert http.get("/v1/schema/Pizza/tenants/t3").json() == {"name": "t3", "activityStatus": "COLD"}
    assert http.get("/v1/schema/Pizza/tenants/nope").status_code == 404
    assert http.head("/v1/schema/Pizza/tenants/t1").status_code == 200
    assert http.head("/v1/schema/Pizza/tenants/nope").status_code == 404
    resp = http.put("/v1/schema/Pizza/tenants", json=[{"name": "t1", "activityStatus": "COLD"},
                                                      {"name": "t3", "activityStatus": "ACTIVE"}])
    assert resp.status_code == 200 and resp.json() == [{"name": "t1", "activityStatus": "COLD"},
                                                       {"name": "t3", "activityStatus": "HOT"}]
    assert http.request("DELETE", "/v1/schema/Pizza/tenants", json=["t1", "t2", "never"]).status_code == 200
    assert http.request("DELETE", "/v1/schema/Pizza/tenants", json=["t1"]).status_code == 200
    assert http.get("/v1/schema/Pizza/tenants").json() == [{"name": "t3", "activityStatus": "HOT"}]


def test_bad_tenant_requests_are_422s_that_change_nothing(http):
    make_pizza(http)
    cases = [
        ([{"name": "a"}, {"name": "a"}], "tenant name a existed multiple times"),
        ([{"name": "a", "activityStatus": "FROZEN"}], "offload-s3 module is not enabled"),
        ([{"name": "a", "activityStatus": "OFFLOADED"}], "offload-s3 module is not enabled"),
        ([{"name": "a", "activityStatus": "WARM"}], "invalid activity status 'WARM' for tenant \"a\""),
        ([{"name": "a b"}], "tenant name at index 0:  'a b' is not a valid tenant name"),
        ([{"name": ""}], "tenant name at index 0: empty tenant name"),
        ({"name": "a"}, "JSON array"),
    ]
    for body, expected in cases:
        resp = http.post("/v1/schema/Pizza/tenants", json=body)
        assert resp.status_code == 422 and expected in message(resp), (body, resp.text)
    assert http.get("/v1/schema/Pizza/tenants").json() == []
    add(http, "a")
    resp = http.put("/v1/schema/Pizza/tenants", json=[{"name": "a", "activityStatus": "COLD"},
                                                      {"name": "zz", "activityStatus": "COLD"}])
    assert resp.status_code == 422 and "shard not found: zz" in message(resp)
    assert http.get("/v1/schema/Pizza/tenants/a").json()["activityStatus"] == "HOT"
    resp = http.put("/v1/schema/Pizza/tenants", json=[{"name": f"n{i}", "activityStatus": "COLD"}
                                                      for i in range(101)])
    assert resp.status_code == 422 and "maximum number of tenants allowed to be updated" in message(resp)
    resp = http.request("DELETE", "/v1/schema/Pizza/tenants", json=["a", ""])
    assert resp.status_code == 422 and message(resp) == "empty tenant name at index 1"
    assert add(http, *[f"many{i}" for i in range(150)]).status_code == 200  # no cap on adding
    http.post("/v1/schema", json={"class": "Plain", "vectorizer": "none"}).raise_for_status()
    resp = http.post("/v1/schema/Plain/tenants", json=[{"name": "a"}])
    assert resp.status_code == 422 and message(resp) == 'multi-tenancy is not enabled for class "Plain"'
    assert http.get("/v1/schema/Nope/tenants").status_code == 404


def test_objects_live_in_their_tenant(http):
    make_pizza(http)
    add(http, "t1", "t2")
    for tenant, name in (("t1", "margherita"), ("t2", "funghi")):
        resp = http.post("/v1/objects", json={"class": "Pizza", "id": UUID1, "tenant": tenant,
                                              "properties": {"name": name}, "vector": [1, 0]})
        assert resp.status_code == 200 and resp.json()["tenant"] == tenant
    got = http.get(f"/v1/objects/Pizza/{UUID1}", params={"tenant": "t2"}).json()
    assert got["properties"]["name"] == "funghi" and got["tenant"] == "t2"
    assert http.head(f"/v1/objects/Pizza/{UUID1}", params={"tenant": "t1"}).status_code == 204
    listed = http.get("/v1/objects", params={"class": "Pizza", "tenant": "t1"}).json()["objects"]
    assert [(o["properties"]["name"], o["tenant"]) for o in listed] == [("margherita", "t1")]
    resp = http.patch(f"/v1/objects/Pizza/{UUID1}", json={"class": "Pizza", "tenant": "t1",
                                                          "properties": {"name": "marinara"}})
    assert resp.status_code == 204
    resp = http.put(f"/v1/objects/Pizza/{UUID1}", json={"class": "Pizza", "tenant": "t2",
                                                        "properties": {"name": "diavola"}, "vector": [0, 1]})
    assert resp.status_code == 200 and resp.json()["tenant"] == "t2"
    names = {t: http.get(f"/v1/objects/Pizza/{UUID1}", params={"tenant": t}).json()["properties"]["name"]
             for t in ("t1", "t2")}
    assert names == {"t1": "marinara", "t2": "diavola"}
    assert http.delete(f"/v1/objects/Pizza/{UUID1}", params={"tenant": "t1"}).status_code == 204
    assert http.get(f"/v1/objects/Pizza/{UUID1}", params={"tenant": "t1"}).status_code == 404
    assert http.get(f"/v1/objects/Pizza/{UUID1}", params={"tenant": "t2"}).status_code == 200


def test_tenant_misuse_gets_weaviates_messages(http):
    make_pizza(http)
    add(http, "hot")
    add(http, "cold", status="COLD")
    expected = {None: NO_TENANT, "nope": 'tenant not found: "nope"', "cold": "tenant not active: 'cold'"}
    for tenant, text in expected.items():
        params = {"tenant": tenant} if tenant else {}
        resp = http.post("/v1/objects", json={"class": "Pizza", "properties": {"name": "x"},
                                              **({"tenant": tenant} if tenant else {})})
        assert resp.status_code == 422 and message(resp) == text, tenant
        for method in ("GET", "DELETE"):
            resp = http.request(method, f"/v1/objects/Pizza/{UUID1}", params=params)
            assert resp.status_code == 422 and message(resp) == text, (method, tenant)
        resp = http.head(f"/v1/objects/Pizza/{UUID1}", params=params)
        assert resp.status_code == 422 and resp.content == b""
        resp = http.get("/v1/objects", params={"class": "Pizza", **params})
        assert resp.status_code == 422 and message(resp) == text
        answer = http.post("/v1/batch/objects", json={"objects": [
            {"class": "Pizza", "properties": {"name": "x"}, **({"tenant": tenant} if tenant else {})}]})
        assert answer.status_code == 200
        assert answer.json()[0]["result"]["errors"]["error"][0]["message"] == text
        query = f'{{Get{{Pizza{"(tenant: " + chr(34) + tenant + chr(34) + ")" if tenant else ""}{{name}}}}}}'
        got = http.post("/v1/graphql", json={"query": query}).json()
        assert got["data"]["Get"]["Pizza"] is None and text in got["errors"][0]["message"], got
    assert http.get("/v1/objects", params={"class": "Pizza", "tenant": "hot"}).json()["objects"] == []


def test_batch_and_graphql_are_scoped_to_a_tenant(http):
    make_pizza(http)
    add(http, "a", "b")
    objects = [{"class": "Pizza", "tenant": t, "properties": {"name": f"{t}{i}"}, "vector": [1, i]}
               for t in ("a", "b") for i in range(3)]
    answer = http.post("/v1/batch/objects", json={"objects": objects}).json()
    assert all(r["result"]["status"] == "SUCCESS" for r in answer) and answer[0]["tenant"] == "a"
    got = http.post("/v1/graphql", json={"query": '{Get{Pizza(tenant: "b", nearVector: {vector: [1, 2]}) {name}}}'})
    assert sorted(p["name"] for p in got.json()["data"]["Get"]["Pizza"]) == ["b0", "b1", "b2"]
    got = http.post("/v1/graphql", json={"query": '{Aggregate{Pizza(tenant: "a") {meta {count}}}}'}).json()
    assert got["data"]["Aggregate"]["Pizza"][0]["meta"]["count"] == 3
    got = http.post("/v1/graphql", json={"query": '{Get{Pizza(tenant: "a", bm25: {query: "a1"}) {name}}}'}).json()
    assert [p["name"] for p in got["data"]["Get"]["Pizza"]] == ["a1"]
    resp = http.request("DELETE", "/v1/batch/objects", params={"tenant": "a"}, json={
        "match": {"class": "Pizza", "where": {"path": ["name"], "operator": "Like", "valueText": "*"}}})
    assert resp.status_code == 200 and resp.json()["results"]["successful"] == 3
    assert http.get("/v1/objects", params={"class": "Pizza", "tenant": "a"}).json()["objects"] == []
    assert len(http.get("/v1/objects", params={"class": "Pizza", "tenant": "b"}).json()["objects"]) == 3
    resp = http.request("DELETE", "/v1/batch/objects", json={
        "match": {"class": "Pizza", "where": {"path": ["name"], "operator": "Like", "valueText": "*"}}})
    assert resp.status_code == 422 and message(resp) == NO_TENANT


def test_auto_tenant_creation_and_activation(http):
    make_pizza(http, autoTenantCreation=True, autoTenantActivation=True)
    resp = http.post("/v1/objects", json={"class": "Pizza", "tenant": "new1", "properties": {"name": "x"}})
    assert resp.status_code == 200
    answer = http.post("/v1/batch/objects", json={"objects": [
        {"class": "Pizza", "tenant": "new2", "properties": {"name": "y"}}]}).json()
    assert answer[0]["result"]["status"] == "SUCCESS"
    assert {t["name"] for t in http.get("/v1/schema/Pizza/tenants").json()} == {"new1", "new2"}
    # reads do not create tenants
    resp = http.get("/v1/objects", params={"class": "Pizza", "tenant": "new3"})
    assert resp.status_code == 422 and message(resp) == 'tenant not found: "new3"'
    http.put("/v1/schema/Pizza/tenants", json=[{"name": "new1", "activityStatus": "COLD"}]).raise_for_status()
    listed = http.get("/v1/objects", params={"class": "Pizza", "tenant": "new1"}).json()["objects"]
    assert [o["properties"]["name"] for o in listed] == ["x"]
    assert http.get("/v1/schema/Pizza/tenants/new1").json()["activityStatus"] == "HOT"


def test_references_stay_in_the_tenant(http):
    make_pizza(http)
    http.post("/v1/schema/Pizza/properties", json={"name": "likes", "dataType": ["Pizza"]}).raise_for_status()
    add(http, "a", "b")
    for tenant in ("a", "b"):
        for uid in (UUID1, UUID2):
            http.post("/v1/objects", json={"class": "Pizza", "id": uid, "tenant": tenant,
                                           "properties": {"name": tenant}}).raise_for_status()
    beacon = {"beacon": f"weaviate://localhost/Pizza/{UUID2}"}
    resp = http.post(f"/v1/objects/Pizza/{UUID1}/references/likes", params={"tenant": "a"}, json=beacon)
    assert resp.status_code == 200
    got = {t: http.get(f"/v1/objects/Pizza/{UUID1}", params={"tenant": t}).json()["properties"].get("likes")
           for t in ("a", "b")}
    assert [r["beacon"] for r in got["a"]] == [f"weaviate://localhost/Pizza/{UUID2}"] and got["b"] is None
    answer = http.post("/v1/batch/references", json=[
        {"from": f"weaviate://localhost/Pizza/{UUID1}/likes", "to": f"weaviate://localhost/Pizza/{UUID2}",
         "tenant": "b"},
        {"from": f"weaviate://localhost/Pizza/{UUID1}/likes", "to": f"weaviate://localhost/Pizza/{UUID2}"}]).json()
    assert answer[0]["result"]["status"] == "SUCCESS"
    assert answer[1]["result"]["errors"]["error"][0]["message"] == NO_TENANT
    likes = http.get(f"/v1/objects/Pizza/{UUID1}", params={"tenant": "b"}).json()["properties"]["likes"]
    assert len(likes) == 1


def test_shards_nodes_and_explore_with_tenants(http):
    make_pizza(http)
    add(http, "a", "b")
    add(http, "c", status="COLD")
    http.post("/v1/objects", json={"class": "Pizza", "tenant": "a", "properties": {"name": "x"},
                                   "vector": [1, 0]}).raise_for_status()
    assert {s["name"] for s in http.get("/v1/schema/Pizza/shards").json()} == {"a", "b"}
    assert [s["name"] for s in http.get("/v1/schema/Pizza/shards", params={"tenant": "a"}).json()] == ["a"]
    [node] = http.get("/v1/nodes", params={"output": "verbose"}).json()["nodes"]
    # every active tenant is a loaded shard (as in Weaviate); the cold one is not listed
    assert {(s["class"], s["name"], s["objectCount"], s["loaded"]) for s in node["shards"]} == {
        ("Pizza", "a", 1, True), ("Pizza", "b", 0, True)}
    assert node["stats"]["objectCount"] == 1
    http.post("/v1/schema", json={"class": "Plain", "vectorizer": "none"}).raise_for_status()
    http.post("/v1/objects", json={"class": "Plain", "properties": {}, "vector": [1, 0]}).raise_for_status()
    got = http.post("/v1/graphql", json={"query": "{Explore(nearVector: {vector: [1, 0]}) {className}}"}).json()
    assert "errors" not in got and [r["className"] for r in got["data"]["Explore"]] == ["Plain"], got


def test_a_batch_without_tenant_for_auto_tenant_creation_fails_whole(http):
    make_pizza(http, autoTenantCreation=True)
    resp = http.post("/v1/batch/objects", json={"objects": [
        {"class": "Pizza", "tenant": "t1", "properties": {"name": "x"}},
        {"class": "Pizza", "properties": {"name": "y"}}]})
    assert resp.status_code == 422 and "empty tenant name" in message(resp)
    resp = http.post("/v1/objects", json={"class": "Pizza", "properties": {"name": "y"}})
    assert resp.status_code == 422 and message(resp) == "tenant name at index 0: empty tenant name"
    assert http.get("/v1/schema/Pizza/tenants").json() == []
    make_plain = {"class": "Pizza2", "vectorizer": "none", "multiTenancyConfig": {"enabled": True}}
    http.post("/v1/schema", json=make_plain).raise_for_status()
    answer = http.post("/v1/batch/objects", json={"objects": [{"class": "Pizza2", "properties": {}}]})
    assert answer.status_code == 200
    assert answer.json()[0]["result"]["errors"]["error"][0]["message"] == (
        "class Pizza2 has multi-tenancy enabled, but request was without tenant")
