"""REST /v1/objects, /v1/schema, /v1/batch, meta and nodes over a real uvicorn server."""

from __future__ import annotations

import uuid

import msgpack
import numpy as np
import pytest

UUID1 = "00000000-0000-0000-0000-000000000001"
UUID2 = "00000000-0000-0000-0000-000000000002"


def make_class(http, name="Article", **extra):
    body = {
        "class": name,
        "vectorizer": "none",
        "properties": [
            {"name": "title", "dataType": ["text"]},
            {"name": "wordCount", "dataType": ["int"]},
            {"name": "price", "dataType": ["number"]},
            {"name": "published", "dataType": ["date"]},
            {"name": "tags", "dataType": ["text[]"]},
        ],
        **extra,
    }
    resp = http.post("/v1/schema", json=body)
    assert resp.status_code == 200, resp.text
    return resp.json()


def message(resp) -> str:
    body = resp.json()
    assert set(body) == {"error"} and isinstance(body["error"], list), body
    return body["error"][0]["message"]


def test_meta_ready_live_openid_nodes(http):
    assert http.get("/v1/.well-known/live").status_code == 200
    assert http.get("/v1/.well-known/ready").status_code == 200
    assert http.get("/v1/.well-known/openid-configuration").status_code == 404
    meta = http.get("/v1/meta").json()
    assert meta["version"].count(".") == 2 and "modules" in meta
    nodes = http.get("/v1/nodes").json()["nodes"]
    assert nodes[0]["status"] == "HEALTHY" and nodes[0]["stats"]["objectCount"] == 0
    assert "shards" not in nodes[0]
    assert "ratePerSecond" in nodes[0]["batchStats"]


def test_schema_crud_and_defaults(http):
    created = make_class(http, "article")
    assert created["class"] == "Article"
    got = http.get("/v1/schema/Article").json()
    for key in ("invertedIndexConfig", "vectorIndexConfig", "shardingConfig", "replicationConfig",
                "multiTenancyConfig", "vectorizer", "vectorIndexType"):
        assert key in got, key
    for key in ("skip", "cleanupIntervalSeconds", "maxConnections", "efConstruction", "ef", "dynamicEfMin",
                "dynamicEfMax", "dynamicEfFactor", "vectorCacheMaxObjects", "flatSearchCutoff", "distance"):
        assert key in got["vectorIndexConfig"], key
    title = next(p for p in got["properties"] if p["name"] == "title")
    assert title["tokenization"] == "word" and title["indexFilterable"] and title["indexSearchable"]
    assert [c["class"] for c in http.get("/v1/schema").json()["classes"]] == ["Article"]
    dup = http.post("/v1/schema", json={"class": "Article"})
    assert dup.status_code == 422 and "already exists" in message(dup)
    added = http.post("/v1/schema/Article/properties", json={"name": "body", "dataType": ["text"]})
    assert added.status_code == 200 and added.json()["name"] == "body"
    bad = http.post("/v1/schema/Article/properties", json={"name": "bad name", "dataType": ["text"]})
    assert bad.status_code == 422 and "bad name" in message(bad)
    badtype = http.post("/v1/schema", json={"class": "X", "properties": [{"name": "a", "dataType": ["nope"]}]})
    assert badtype.status_code == 422 and "nope" in message(badtype)
    got = http.get("/v1/schema/Article").json()
    updated = http.put("/v1/schema/Article", json={**got, "description": "news"})
    assert updated.status_code == 200 and updated.json()["description"] == "news"
    changed = dict(got, vectorIndexConfig={**got["vectorIndexConfig"], "distance": "dot"})
    refused = http.put("/v1/schema/Article", json=changed)
    assert refused.status_code == 422 and "distance" in message(refused)
    assert http.delete("/v1/schema/Article").status_code == 200
    assert http.get("/v1/schema/Article").status_code == 404


def test_object_lifecycle(http):
    make_class(http)
    body = {"class": "Article", "id": UUID1, "properties": {"title": "Hello", "wordCount": 3,
                                                            "published": "2024-01-02T03:04:05Z"},
            "vector": [1.0, 0.0, 0.0]}
    created = http.post("/v1/objects", json=body)
    assert created.status_code == 200, created.text
    assert created.json()["id"] == UUID1 and created.json()["creationTimeUnix"] > 1e12
    dup = http.post("/v1/objects", json=body)
    assert dup.status_code == 422 and message(dup) == f"id '{UUID1}' already exists"
    got = http.get(f"/v1/objects/Article/{UUID1}", params={"include": "vector"}).json()
    assert got["vector"] == [1.0, 0.0, 0.0] and got["properties"]["wordCount"] == 3
    assert "vector" not in http.get(f"/v1/objects/Article/{UUID1}").json()
    assert http.head(f"/v1/objects/Article/{UUID1}").status_code == 204
    assert http.head(f"/v1/objects/Article/{UUID2}").status_code == 404
    missing = http.get(f"/v1/objects/Article/{UUID2}")
    assert missing.status_code == 404 and missing.content == b""
    patched = http.patch(f"/v1/objects/Article/{UUID1}", json={"class": "Article", "properties": {"wordCount": 5}})
    assert patched.status_code == 204
    got = http.get(f"/v1/objects/Article/{UUID1}", params={"include": "vector"}).json()
    assert got["properties"] == {"title": "Hello", "wordCount": 5, "published": "2024-01-02T03:04:05Z"}
    assert got["vector"] == [1.0, 0.0, 0.0]
    put = http.put(f"/v1/objects/Article/{UUID1}", json={"class": "Article", "id": UUID1,
                                                          "properties": {"title": "New"}, "vector": [0.0, 1.0, 0.0]})
    assert put.status_code == 200
    got = http.get(f"/v1/objects/{UUID1}", params={"include": "vector"}).json()
    assert got["properties"] == {"title": "New"} and got["vector"] == [0.0, 1.0, 0.0]
    assert http.delete(f"/v1/objects/Article/{UUID1}").status_code == 204
    assert http.delete(f"/v1/objects/Article/{UUID1}").status_code == 404
    assert http.get(f"/v1/objects/Article/{UUID1}").status_code == 404


@pytest.mark.parametrize(
    ("props", "vector", "expected"),
    [
        ({"wordCount": "three"}, None, "wordCount"),
        ({"wordCount": 3.5}, None, "wordCount"),
        ({"title": 5}, None, "title"),
        ({"published": "yesterday"}, None, "published"),
        ({"tags": "not-a-list"}, None, "tags"),
        ({"title": "ok"}, [1.0, 2.0], "length"),
        ({"title": "ok"}, [1.0, "x", 2.0], "vector"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_writes_nothing(http, props, vector, expected):
    make_class(http)
    http.post("/v1/objects", json={"class": "Article", "id": UUID2, "vector": [0.0, 0.0, 1.0]})
    body = {"class": "Article", "id": UUID1, "properties": props}
    if vector is not None:
        body["vector"] = vector
    resp = http.post("/v1/objects", json=body)
    assert resp.status_code == 422, resp.text
    assert expected in message(resp)
    assert http.get(f"/v1/objects/Article/{UUID1}").status_code == 404
    assert http.get("/v1/objects", params={"class": "Article"}).json()["totalResults"] == 1


def test_malformed_inputs(http):
    make_class(http)
    resp = http.post("/v1/objects", content=b"{not json", headers={"Content-Type": "application/json"})
    assert resp.status_code == 400 and "JSON" in message(resp)
    resp = http.post("/v1/objects", json={"class": "Article", "id": "not-a-uuid"})
    assert resp.status_code == 422 and "not-a-uuid" in message(resp)
    resp = http.post("/v1/objects", json={"properties": {"title": "x"}})
    assert resp.status_code == 422 and "class is empty" in message(resp)


def test_unknown_property_with_autoschema_off(tmp_path):
    from tests.conftest import Server, make_settings
    from vectordb.api.app import create_app
    from vectordb.database import Database

    db = Database(make_settings(tmp_path / "d", AUTOSCHEMA_ENABLED="false"))
    try:
        with Server(create_app(db)) as srv:
            import httpx

            with httpx.Client(base_url=srv.url) as http:
                make_class(http)
                resp = http.post("/v1/objects", json={"class": "Article", "properties": {"nope": 1}})
                assert resp.status_code == 422 and "nope" in message(resp)
                resp = http.post("/v1/objects", json={"class": "Missing", "properties": {}})
                assert resp.status_code == 422 and "Missing" in message(resp)
    finally:
        db.close()


def test_autoschema_infers_class_and_properties(http):
    resp = http.post("/v1/objects", json={"class": "auto", "properties": {
        "name": "x", "count": 3, "ok": True, "when": "2024-01-01T00:00:00Z", "tags": ["a", "b"]}})
    assert resp.status_code == 200, resp.text
    props = {p["name"]: p["dataType"] for p in http.get("/v1/schema/Auto").json()["properties"]}
    assert props == {"name": ["text"], "count": ["number"], "ok": ["boolean"], "when": ["date"],
                     "tags": ["text[]"]}


def test_list_paging_sort_and_cursor(http):
    make_class(http)
    ids = [str(uuid.UUID(int=i + 1)) for i in range(25)]
    objs = [{"class": "Article", "id": ids[i], "properties": {"title": f"t{i:02d}", "wordCount": (i * 7) % 25}}
            for i in range(25)]
    assert http.post("/v1/batch/objects", json={"objects": objs}).status_code == 200
    first = http.get("/v1/objects", params={"class": "Article"}).json()
    assert first["totalResults"] == 10  # QUERY_DEFAULTS_LIMIT
    page = http.get("/v1/objects", params={"class": "Article", "limit": 5, "offset": 5}).json()["objects"]
    assert [o["id"] for o in page] == ids[5:10]
    walked, after = [], None
    while True:
        params = {"class": "Article", "limit": 7}
        if after:
            params["after"] = after
        chunk = http.get("/v1/objects", params=params).json()["objects"]
        if not chunk:
            break
        walked += [o["id"] for o in chunk]
        after = chunk[-1]["id"]
    assert walked == ids
    ordered = http.get("/v1/objects", params={"class": "Article", "sort": "wordCount", "order": "desc",
                                              "limit": 25}).json()["objects"]
    counts = [o["properties"]["wordCount"] for o in ordered]
    assert counts == sorted(counts, reverse=True)
    bad = http.get("/v1/objects", params={"class": "Article", "after": ids[0], "offset": 1})
    assert bad.status_code == 422


def test_batch_objects_results_in_order_with_per_object_errors(http):
    make_class(http)
    objs = [
        {"class": "Article", "id": UUID1, "properties": {"title": "a", "wordCount": 1}},
        {"class": "Article", "id": UUID2, "properties": {"wordCount": "bad"}},
        {"class": "Other", "properties": {"x": "auto"}},
    ]
    resp = http.post("/v1/batch/objects", json={"fields": ["ALL"], "objects": objs})
    assert resp.status_code == 200
    out = resp.json()
    assert [o["result"]["status"] for o in out] == ["SUCCESS", "FAILED", "SUCCESS"]
    assert out[0]["id"] == UUID1 and out[2]["class"] == "Other"
    assert "wordCount" in out[1]["result"]["errors"]["error"][0]["message"]
    assert http.get(f"/v1/objects/Article/{UUID2}").status_code == 404
    empty = http.post("/v1/batch/objects", json={"objects": []})
    assert empty.status_code == 422 and "cannot be empty" in message(empty)


def test_batch_msgpack_float32_vectors(http):
    make_class(http)
    vecs = np.random.default_rng(0).standard_normal((20, 4)).astype("<f4")
    body = {"objects": [{"class": "Article", "id": str(uuid.UUID(int=i + 1)), "properties": {"title": str(i)},
                         "vector": v.tobytes()} for i, v in enumerate(vecs)]}
    resp = http.post("/v1/batch/objects", content=msgpack.packb(body),
                     headers={"Content-Type": "application/msgpack"})
    assert resp.status_code == 200 and all(o["result"]["status"] == "SUCCESS" for o in resp.json())
    got = http.get(f"/v1/objects/Article/{uuid.UUID(int=3)}", params={"include": "vector"}).json()
    assert np.allclose(got["vector"], vecs[2])


def test_batch_delete_dry_run_and_verbose(http):
    make_class(http)
    objs = [{"class": "Article", "properties": {"title": "x", "wordCount": i}} for i in range(10)]
    http.post("/v1/batch/objects", json={"objects": objs})
    where = {"path": ["wordCount"], "operator": "GreaterThanEqual", "valueInt": 6}
    body = {"match": {"class": "Article", "where": where}, "dryRun": True, "output": "verbose"}
    dry = http.request("DELETE", "/v1/batch/objects", json=body).json()["results"]
    assert (dry["matches"], dry["successful"], dry["failed"]) == (4, 0, 0)
    assert {o["status"] for o in dry["objects"]} == {"DRYRUN"}
    assert http.get("/v1/objects", params={"class": "Article", "limit": 100}).json()["totalResults"] == 10
    real = http.request("DELETE", "/v1/batch/objects", json={"match": {"class": "Article", "where": where}})
    res = real.json()["results"]
    assert (res["matches"], res["successful"], res["failed"]) == (4, 4, 0)
    left = http.get("/v1/objects", params={"class": "Article", "limit": 100}).json()["objects"]
    assert sorted(o["properties"]["wordCount"] for o in left) == list(range(6))


def test_batch_delete_refuses_a_filter_nested_too_deep_and_deletes_nothing(http):
    """A 300-level filter used to delete the matches and then fail to render its echo: a 500 after the change."""
    make_class(http)
    http.post("/v1/batch/objects", json={"objects": [{"class": "Article", "properties": {"title": "x"}}]})
    where: dict = {"path": ["title"], "operator": "Equal", "valueText": "x"}
    for _ in range(300):
        where = {"operator": "And", "operands": [where]}
    resp = http.request("DELETE", "/v1/batch/objects", json={"match": {"class": "Article", "where": where}})
    assert resp.status_code == 422 and "nest deeper than 64 levels" in message(resp)
    assert http.get("/v1/objects", params={"class": "Article"}).json()["totalResults"] == 1


def test_references_endpoints_and_batch(http):
    http.post("/v1/schema", json={"class": "Author", "vectorizer": "none",
                                  "properties": [{"name": "name", "dataType": ["text"]}]})
    make_class(http)
    http.post("/v1/schema/Article/properties", json={"name": "hasAuthor", "dataType": ["Author"]})
    a1, a2, art = str(uuid.UUID(int=11)), str(uuid.UUID(int=12)), UUID1
    for a in (a1, a2):
        http.post("/v1/objects", json={"class": "Author", "id": a, "properties": {"name": a[-2:]}})
    http.post("/v1/objects", json={"class": "Article", "id": art, "properties": {"title": "x"}})
    resp = http.post(f"/v1/objects/Article/{art}/references/hasAuthor",
                     json={"beacon": f"weaviate://localhost/Author/{a1}"})
    assert resp.status_code == 200, resp.text
    resp = http.post("/v1/batch/references", json=[
        {"from": f"weaviate://localhost/Article/{art}/hasAuthor", "to": f"weaviate://localhost/{a2}"},
        {"from": f"weaviate://localhost/Article/{art}/hasAuthor",
         "to": f"weaviate://localhost/Author/{uuid.UUID(int=99)}"},
    ])
    assert [r["result"]["status"] for r in resp.json()] == ["SUCCESS", "FAILED"]
    refs = http.get(f"/v1/objects/Article/{art}").json()["properties"]["hasAuthor"]
    assert [r["beacon"] for r in refs] == [f"weaviate://localhost/Author/{a1}", f"weaviate://localhost/Author/{a2}"]
    resp = http.request("DELETE", f"/v1/objects/Article/{art}/references/hasAuthor",
                        json={"beacon": f"weaviate://localhost/Author/{a1}"})
    assert resp.status_code == 204
    refs = http.get(f"/v1/objects/Article/{art}").json()["properties"]["hasAuthor"]
    assert [r["beacon"] for r in refs] == [f"weaviate://localhost/Author/{a2}"]


def test_validate_endpoint(http):
    make_class(http)
    assert http.post("/v1/objects/validate", json={"class": "Article", "properties": {"title": "x"}}).status_code == 200
    bad = http.post("/v1/objects/validate", json={"class": "Article", "properties": {"wordCount": "x"}})
    assert bad.status_code == 422 and "wordCount" in message(bad)


def test_nodes_counts_and_verbose(http):
    make_class(http)
    http.post("/v1/batch/objects", json={"objects": [{"class": "Article"} for _ in range(3)]})
    node = http.get("/v1/nodes", params={"output": "verbose"}).json()["nodes"][0]
    assert node["stats"]["objectCount"] == 3
    assert node["shards"][0]["class"] == "Article" and node["shards"][0]["objectCount"] == 3


def test_oversized_body_is_413(tmp_path):
    import httpx

    from tests.conftest import Server, make_settings
    from vectordb.api.app import create_app
    from vectordb.database import Database

    db = Database(make_settings(tmp_path / "d", VECTORDB_MAX_REQUEST_BODY_BYTES="1000"))
    try:
        with Server(create_app(db)) as srv, httpx.Client(base_url=srv.url) as http:
            resp = http.post("/v1/objects", json={"class": "A", "properties": {"t": "x" * 2000}})
            assert resp.status_code == 413 and "limit" in message(resp)
            assert not db.has_collection("A")
    finally:
        db.close()


def test_api_key_auth(tmp_path):
    import httpx

    from tests.conftest import Server, make_settings
    from vectordb.api.app import create_app
    from vectordb.database import Database

    db = Database(make_settings(tmp_path / "d", AUTHENTICATION_APIKEY_ENABLED="true",
                                AUTHENTICATION_APIKEY_ALLOWED_KEYS="secret1,secret2",
                                AUTHENTICATION_APIKEY_USERS="admin"))
    try:
        with Server(create_app(db)) as srv, httpx.Client(base_url=srv.url) as http:
            assert http.get("/v1/.well-known/ready").status_code == 200
            assert http.get("/v1/schema").status_code == 401
            assert http.get("/v1/schema", headers={"Authorization": "Bearer wrong"}).status_code == 401
            assert http.get("/v1/schema", headers={"Authorization": "Bearer secret2"}).status_code == 200
    finally:
        db.close()
