"""A base URL taken from a request header never receives the server's own key (hardening issue, item 12).

Two fake OpenAI servers: the one the collection names, and "elsewhere", which a read-only query names in
X-Openai-Baseurl. The server's OPENAI_APIKEY must reach only the first.
"""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import Server, make_settings
from tests.modules.fake_upstream import FakeUpstream, Recorded, Reply
from vectordb.api.app import create_app
from vectordb.database import Database

ENV_KEY = "sk-server-OWNKEY-0123456789abcdef"
REQUEST_KEY = "sk-request-KEY-fedcba9876543210"
QUERY = '{ Get { Doc(nearText: {concepts: ["hello"]}) { t } } }'


def reply(request: Recorded) -> Reply:
    data = [{"object": "embedding", "index": i, "embedding": [1.0, 0.5]} for i in range(len(request.body["input"]))]
    return Reply(200, {"object": "list", "data": data, "model": "m", "usage": {"prompt_tokens": 1, "total_tokens": 1}})


@pytest.fixture
def served(tmp_path):
    with FakeUpstream(reply) as configured, FakeUpstream(reply) as elsewhere:
        db = Database(make_settings(tmp_path / "data", ENABLE_MODULES="text2vec-openai", OPENAI_APIKEY=ENV_KEY))
        with Server(create_app(db)) as server:
            http = httpx.Client(base_url=server.url, timeout=30)
            http.post("/v1/schema", json={
                "class": "Doc", "vectorizer": "text2vec-openai",
                "moduleConfig": {"text2vec-openai": {"baseURL": configured.url, "model": "m"}},
            }).raise_for_status()
            http.post("/v1/objects", json={"class": "Doc", "properties": {"t": "x"}}).raise_for_status()
            yield http, configured, elsewhere
        db.close()


def test_header_base_url_without_its_own_key_is_refused_and_nothing_is_sent(served) -> None:
    http, configured, elsewhere = served
    assert configured.requests[-1].headers["authorization"] == f"Bearer {ENV_KEY}"
    out = http.post("/v1/graphql", json={"query": QUERY}, headers={"X-Openai-Baseurl": elsewhere.url}).json()
    message = out["errors"][0]["message"]
    assert "X-Openai-Baseurl is set, but the request carries no X-Openai-Api-Key" in message
    assert ENV_KEY not in message
    assert elsewhere.requests == []
    resp = http.post("/v1/objects", json={"class": "Doc", "properties": {"t": "y"}},
                     headers={"X-Openai-Baseurl": elsewhere.url})
    assert 400 <= resp.status_code < 500 and "OPENAI_APIKEY" in resp.text and ENV_KEY not in resp.text
    assert elsewhere.requests == []


def test_header_base_url_with_the_request_key_gets_only_that_key(served) -> None:
    http, configured, elsewhere = served
    headers = {"X-Openai-Baseurl": elsewhere.url, "X-Openai-Api-Key": REQUEST_KEY}
    out = http.post("/v1/graphql", json={"query": QUERY}, headers=headers).json()
    assert out["data"]["Get"]["Doc"][0]["t"] == "x"
    (request,) = elsewhere.requests
    assert request.headers["authorization"] == f"Bearer {REQUEST_KEY}"
