"""Modules through the REST API: validation at creation, /v1/meta, and document vs query flavour on the wire."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import Server, make_settings
from tests.modules.fake_upstream import FakeUpstream, Recorded, Reply
from vectordb.api.app import create_app
from vectordb.database import Database


@pytest.fixture
def served(tmp_path):
    def start(**env: str):
        db = Database(make_settings(tmp_path / f"d{len(opened)}", **env))
        server = Server(create_app(db)).__enter__()
        opened.append((db, server))
        return httpx.Client(base_url=server.url, timeout=30)

    opened: list = []
    yield start
    for db, server in opened:
        server.__exit__()
        db.close()


def message(resp) -> str:
    return resp.json()["error"][0]["message"]


def test_module_config_is_validated_at_creation(served):
    http = served(API_BASED_MODULES_DISABLED="true")
    resp = http.post("/v1/schema", json={"class": "A", "vectorizer": "text2vec-nope"})
    assert resp.status_code == 422 and "text2vec-nope" in message(resp)
    resp = http.post("/v1/schema", json={"class": "A", "vectorizer": "text2vec-openai"})
    assert resp.status_code == 422
    assert "text2vec-openai" in message(resp) and "API_BASED_MODULES_DISABLED" in message(resp)
    http = served(ENABLE_MODULES="text2vec-openai")
    resp = http.post("/v1/schema", json={"class": "A", "vectorizer": "text2vec-openai",
                                         "moduleConfig": {"text2vec-openai": {"model": "text-embedding-3-small",
                                                                              "dimensions": 77}}})
    assert resp.status_code == 422 and "dimensions" in message(resp)
    no_text = {"class": "A", "vectorizer": "text2vec-openai",
               "moduleConfig": {"text2vec-openai": {"vectorizeClassName": False}},
               "properties": [{"name": "n", "dataType": ["int"]}]}
    # with auto-schema on, a text property may still arrive with the first import (Weaviate skips the check)
    strict = served(ENABLE_MODULES="text2vec-openai", AUTOSCHEMA_ENABLED="false")
    resp = strict.post("/v1/schema", json=no_text)
    assert resp.status_code == 422 and "vectorizeClassName" in message(resp)
    resp = http.post("/v1/schema", json={"class": "A", "vectorizer": "text2vec-openai"})
    assert resp.status_code == 200
    config = resp.json()["moduleConfig"]["text2vec-openai"]
    assert config["model"] == "text-embedding-3-small" and config["vectorizeClassName"] is True
    assert "text2vec-openai" in http.get("/v1/meta").json()["modules"]


def test_documents_and_queries_use_their_flavours_and_header_keys(served):
    def reply(request: Recorded) -> Reply:
        text = request.body["text"]
        return Reply(200, {"text": text, "dims": 2, "vector": [float(len(text)), 1.0]})

    with FakeUpstream(reply) as fake:
        http = served(ENABLE_MODULES="text2vec-transformers", TRANSFORMERS_INFERENCE_API=fake.url)
        http.post("/v1/schema", json={"class": "Doc", "vectorizer": "text2vec-transformers",
                                      "properties": [{"name": "body", "dataType": ["text"]}]}).raise_for_status()
        resp = http.post("/v1/batch/objects", json={"objects": [{"class": "Doc", "properties": {"body": "hello"}}]})
        assert resp.json()[0]["result"]["status"] == "SUCCESS"
        sent = [r for r in fake.requests if r.path == "/vectors"]
        assert sent[-1].body["text"] == "Doc hello"  # class name first (vectorizeClassName defaults to true)
        assert sent[-1].body["config"]["task_type"] == "passage"
        query = '{ Get { Doc(nearText: {concepts: ["hi there"]}) { body _additional { distance } } } }'
        out = http.post("/v1/graphql", json={"query": query}).json()
        assert out["data"]["Get"]["Doc"][0]["body"] == "hello"
        last = [r for r in fake.requests if r.path == "/vectors"][-1]
        assert last.body["text"] == "hi there" and last.body["config"]["task_type"] == "query"


def test_openai_key_from_request_header(served):
    def reply(request: Recorded) -> Reply:
        count = len(request.body["input"])
        data = [{"object": "embedding", "index": i, "embedding": [1.0, 0.5]} for i in range(count)]
        return Reply(200, {"object": "list", "data": data, "model": "m",
                           "usage": {"prompt_tokens": 1, "total_tokens": 1}})

    with FakeUpstream(reply) as fake:
        http = served(ENABLE_MODULES="text2vec-openai", OPENAI_APIKEY="sk-from-env")
        http.post("/v1/schema", json={"class": "Doc", "vectorizer": "text2vec-openai",
                                      "moduleConfig": {"text2vec-openai": {"baseURL": fake.url}}}).raise_for_status()
        resp = http.post("/v1/objects", json={"class": "Doc", "properties": {"t": "x"}},
                         headers={"X-Openai-Api-Key": "sk-from-header"})
        assert resp.status_code == 200, resp.text
        assert fake.requests[-1].headers["authorization"] == "Bearer sk-from-header"
        http.post("/v1/objects", json={"class": "Doc", "properties": {"t": "y"}}).raise_for_status()
        assert fake.requests[-1].headers["authorization"] == "Bearer sk-from-env"


def test_module_config_of_modules_that_are_not_on_is_kept_and_refused_only_when_used(served):
    http = served(ENABLE_MODULES="generative-dummy", API_BASED_MODULES_DISABLED="true")
    kept = {"generative-octoai": {"model": "m"}, "qna-openai": {}, "reranker-dummy": {}}
    resp = http.post("/v1/schema", json={"class": "A", "vectorizer": "none", "moduleConfig": kept,
                                         "properties": [{"name": "t", "dataType": ["text"]}]})
    assert resp.status_code == 200, resp.text
    assert http.get("/v1/schema/A").json()["moduleConfig"] == kept
    http.post("/v1/objects", json={"class": "A", "properties": {"t": "x"}, "vector": [1.0, 0.0]}).raise_for_status()
    generate = '{ Get { A { t _additional { generate(singleResult: {prompt: "say {t}"}) { singleResult } } } } }'
    errors = http.post("/v1/graphql", json={"query": generate}).json()["errors"]
    assert "module 'generative-octoai' is a Weaviate module that this server does not implement yet" in (
        errors[0]["message"]
    )
    rerank = '{ Get { A { t _additional { rerank(property: "t", query: "x") { score } } } } }'
    errors = http.post("/v1/graphql", json={"query": rerank}).json()["errors"]
    assert "module 'reranker-dummy' is not enabled" in errors[0]["message"]
    assert "ENABLE_MODULES" in errors[0]["message"]
    resp = http.post("/v1/schema", json={"class": "B", "vectorizer": "text2vec-contextionary"})
    assert resp.status_code == 422
    assert "module 'text2vec-contextionary' is a Weaviate module that this server does not implement yet" in (
        message(resp)
    )
    resp = http.post("/v1/schema", json={"class": "B", "vectorizer": "text2vec-contextionnary"})
    assert resp.status_code == 422 and "check the spelling" in message(resp)


def test_a_query_uses_the_generative_and_reranker_modules_that_are_on(served):
    http = served(ENABLE_MODULES="generative-dummy,reranker-dummy", API_BASED_MODULES_DISABLED="true")
    config = {"generative-openai": {}, "generative-dummy": {}, "reranker-cohere": {}, "reranker-dummy": {}}
    http.post("/v1/schema", json={"class": "A", "vectorizer": "none", "moduleConfig": config,
                                  "properties": [{"name": "t", "dataType": ["text"]}]}).raise_for_status()
    http.post("/v1/objects", json={"class": "A", "properties": {"t": "x"}, "vector": [1.0, 0.0]}).raise_for_status()
    query = ('{ Get { A { t _additional { rerank(property: "t", query: "x") { score } '
             'generate(singleResult: {prompt: "say {t}"}) { singleResult error } } } } }')
    out = http.post("/v1/graphql", json={"query": query}).json()
    assert "errors" not in out, out
    extra = out["data"]["Get"]["A"][0]["_additional"]
    assert extra["generate"]["singleResult"] and extra["generate"]["error"] is None
    assert isinstance(extra["rerank"][0]["score"], float)
