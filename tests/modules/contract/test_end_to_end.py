"""Every API-based module end to end through the real server: create a collection over REST, import, then
nearText and hybrid (vectorizers) or rerank (rerankers) over GraphQL, against the provider's fake."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import Server, make_settings
from tests.modules.contract.case import RerankerCase, VectorizerCase, expected_score, expected_vector
from tests.modules.contract.cases import RERANKERS, VECTORIZERS
from tests.modules.fake_upstream import FakeUpstream, Recorded, Reply
from vectordb.api.app import create_app
from vectordb.database import Database

ENV_KEY = "sk-e2e-SERVERKEY-0123456789"
TEXTS = ["a cat", "stock markets fell sharply", "bread"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    env = {c.key_env: ENV_KEY for c in [*VECTORIZERS, *RERANKERS] if c.key_env}
    local = ",".join(c.module for c in [*VECTORIZERS, *RERANKERS] if not c.api_based)
    db = Database(make_settings(tmp_path_factory.mktemp("e2e"), ENABLE_API_BASED_MODULES="true", ENABLE_MODULES=local,
                                **env))
    with Server(create_app(db)) as running:
        yield httpx.Client(base_url=running.url, timeout=30)
    db.close()


def class_name(module: str) -> str:
    return "E2e" + "".join(part.capitalize() for part in module.split("-"))


def graphql(http: httpx.Client, query: str, headers: dict[str, str] | None = None) -> dict:
    out = http.post("/v1/graphql", json={"query": query}, headers=headers).json()
    assert "errors" not in out, out
    return out["data"]


@pytest.mark.parametrize("case", VECTORIZERS, ids=str)
def test_vectorizer_end_to_end(server: httpx.Client, case: VectorizerCase) -> None:
    def respond(request: Recorded) -> Reply:
        return Reply(200, case.answer(request, [expected_vector(t) for t in case.texts(request)]))

    name = class_name(case.module)
    # a provider without an environment variable takes the key from every request
    headers = {**case.headers, **({case.key_header: ENV_KEY} if case.key_header and not case.key_env else {})}
    with FakeUpstream(respond) as fake:
        config = {**case.config(fake.url), "vectorizeClassName": False}
        resp = server.post("/v1/schema", json={
            "class": name, "vectorizer": case.module, "moduleConfig": {case.module: config},
            "properties": [{"name": "body", "dataType": ["text"]}],
        })
        assert resp.status_code == 200, resp.text
        objects = [{"class": name, "properties": {"body": t}} for t in TEXTS]
        results = server.post("/v1/batch/objects", json={"objects": objects}, headers=headers).json()
        assert [r["result"].get("status") for r in results] == ["SUCCESS"] * 3, results
        stored = server.get(f"/v1/objects?class={name}&include=vector").json()["objects"]
        assert sorted(o["vector"] for o in stored) == sorted(expected_vector(t) for t in TEXTS)
        # "breaf" vectorizes to [5, 98, .5]: nearest to "bread" ([5, 98, .5]) of the three
        near = f'{{ Get {{ {name}(nearText: {{concepts: ["breaf"]}}, limit: 1) {{ body }} }} }}'
        hits = graphql(server, near, headers)
        assert hits["Get"][name] == [{"body": "bread"}]
        hybrid = f'{{ Get {{ {name}(hybrid: {{query: "cat", alpha: 0.5}}, limit: 1) {{ body }} }} }}'
        hits = graphql(server, hybrid, headers)
        assert hits["Get"][name] == [{"body": "a cat"}]
    server.delete(f"/v1/schema/{name}")


@pytest.mark.parametrize("case", RERANKERS, ids=str)
def test_reranker_end_to_end(server: httpx.Client, case: RerankerCase) -> None:
    def respond(request: Recorded) -> Reply:
        _, documents = case.documents(request)
        return Reply(200, case.answer(request, [expected_score(d) for d in documents]))

    name = class_name(case.module)
    with FakeUpstream(respond) as fake:
        resp = server.post("/v1/schema", json={
            "class": name, "vectorizer": "none", "moduleConfig": {case.module: case.config(fake.url)},
            "properties": [{"name": "body", "dataType": ["text"]}],
        })
        assert resp.status_code == 200, resp.text
        bodies = ["the cat", "the cat sat on the long mat", "the cat sat"]
        objects = [{"class": name, "properties": {"body": b}, "vector": [1.0, float(i)]} for i, b in enumerate(bodies)]
        server.post("/v1/batch/objects", json={"objects": objects}).raise_for_status()
        query = (f'{{ Get {{ {name}(bm25: {{query: "cat"}}) {{ body '
                 f'_additional {{ rerank(property: "body", query: "longest") {{ score }} }} }} }} }}')
        hits = graphql(server, query)["Get"][name]
        assert [h["body"] for h in hits] == sorted(bodies, key=len, reverse=True)
        assert [h["_additional"]["rerank"][0]["score"] for h in hits] == sorted(
            (expected_score(b) for b in bodies), reverse=True
        )
        assert case.sent_key(fake.requests[0]) == ENV_KEY
    server.delete(f"/v1/schema/{name}")
