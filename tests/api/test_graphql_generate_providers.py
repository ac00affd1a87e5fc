"""`_additional { generate }` through the real server for the providers with their own wire (Google, AWS,
Databricks, Contextual AI): each collection names its provider, a fake on 127.0.0.1 answers in the provider's
format, and a per-query option of that provider overrides the collection's setting."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import Server, make_settings
from tests.modules.contract import generative_more as fakes
from tests.modules.fake_upstream import FakeUpstream, Recorded, Reply
from vectordb.api.app import create_app
from vectordb.database import Database

ENV = {"GOOGLE_APIKEY": "g-SERVERKEY"}


def answering(build):
    def respond(request: Recorded) -> Reply:
        return Reply(200, build(request, "generated"))

    return respond


@pytest.fixture(scope="module")
def google():
    with FakeUpstream(answering(fakes.gemini_answer)) as fake:
        yield fake


@pytest.fixture(scope="module")
def server(tmp_path_factory, google: FakeUpstream):
    db = Database(make_settings(tmp_path_factory.mktemp("gen"), ENABLE_API_BASED_MODULES="true", **ENV))
    configs = {
        "GoogleDoc": {"generative-google": {"baseURL": google.url, "model": "gemini-2.5-flash", "temperature": 0.1}},
    }
    with Server(create_app(db)) as running:
        http = httpx.Client(base_url=running.url, timeout=30)
        for name, module_config in configs.items():
            http.post("/v1/schema", json={"class": name, "vectorizer": "none", "moduleConfig": module_config,
                                          "properties": [{"name": "title", "dataType": ["text"]}]}).raise_for_status()
            http.post("/v1/objects", json={"class": name, "properties": {"title": "Dune"},
                                           "vector": [1.0, 0.0]}).raise_for_status()
        yield http
    db.close()


def generate(http: httpx.Client, collection: str, arguments: str) -> dict:
    query = (f"{{ Get {{ {collection} {{ title _additional {{ generate({arguments}) "
             "{ singleResult groupedResult error } } } } }")
    out = http.post("/v1/graphql", json={"query": query}).json()
    assert "errors" not in out, out
    return out["data"]["Get"][collection][0]["_additional"]["generate"]


def test_google(server: httpx.Client, google: FakeUpstream) -> None:
    got = generate(server, "GoogleDoc", 'singleResult: {prompt: "About {title}", google: {temperature: 0.7}}')
    assert got == {"singleResult": "generated", "groupedResult": None, "error": None}
    sent = google.requests[-1]
    assert sent.body["contents"][0]["parts"][0]["text"] == "About Dune"
    assert sent.body["generationConfig"]["temperature"] == 0.7 and sent.headers["x-goog-api-key"] == "g-SERVERKEY"
