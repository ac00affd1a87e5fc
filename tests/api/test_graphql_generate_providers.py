"""`_additional { generate }` through the real server for the providers with their own wire (Google, AWS Bedrock,
Databricks, Contextual AI): each collection names its provider, a fake on 127.0.0.1 answers in the provider's
format, and a per-query option of that provider overrides the collection's setting."""

from __future__ import annotations

import contextlib

import httpx
import pytest

from tests.conftest import Server, make_settings
from tests.modules.contract import generative_more as fakes
from tests.modules.contract.more import AWS_SECRET, aws_verified
from tests.modules.fake_upstream import FakeUpstream, Recorded, Reply
from vectordb.api.app import create_app
from vectordb.database import Database

ENV = {"GOOGLE_APIKEY": "g-SERVERKEY", "DATABRICKS_TOKEN": "dapi-SERVERKEY", "CONTEXTUALAI_APIKEY": "ctx-SERVERKEY",
       "AWS_ACCESS_KEY_ID": "AKIDSERVER", "AWS_SECRET_ACCESS_KEY": AWS_SECRET}


def answering(build):
    def respond(request: Recorded) -> Reply:
        return Reply(200, build(request, "generated"))

    return respond


@pytest.fixture(scope="module")
def fakes_by_provider():
    answers = {"google": fakes.gemini_answer, "databricks": fakes.databricks_answer,
               "contextualai": fakes.contextual_answer, "aws": fakes.bedrock_claude}
    with contextlib.ExitStack() as stack:
        yield {name: stack.enter_context(FakeUpstream(answering(build))) for name, build in answers.items()}


@pytest.fixture(scope="module")
def google(fakes_by_provider: dict[str, FakeUpstream]) -> FakeUpstream:
    return fakes_by_provider["google"]


@pytest.fixture(scope="module")
def databricks(fakes_by_provider: dict[str, FakeUpstream]) -> FakeUpstream:
    return fakes_by_provider["databricks"]


@pytest.fixture(scope="module")
def contextualai(fakes_by_provider: dict[str, FakeUpstream]) -> FakeUpstream:
    return fakes_by_provider["contextualai"]


@pytest.fixture(scope="module")
def aws(fakes_by_provider: dict[str, FakeUpstream]) -> FakeUpstream:
    return fakes_by_provider["aws"]


@pytest.fixture(scope="module")
def server(tmp_path_factory, google: FakeUpstream, databricks: FakeUpstream, contextualai: FakeUpstream,
           aws: FakeUpstream):
    db = Database(make_settings(tmp_path_factory.mktemp("gen"), ENABLE_API_BASED_MODULES="true", **ENV))
    configs = {
        "GoogleDoc": {"generative-google": {"baseURL": google.url, "model": "gemini-2.5-flash", "temperature": 0.1}},
        "DatabricksDoc": {"generative-databricks": {"endpoint": databricks.url + "/serving-endpoints/llm/invocations",
                                                    "maxTokens": 50}},
        "ContextualDoc": {"generative-contextualai": {"baseURL": contextualai.url, "systemPrompt": "Be brief."}},
        "AwsDoc": {"generative-aws": {"region": "us-east-1", "model": fakes.CLAUDE, "baseURL": aws.url}},
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


def generate(http: httpx.Client, collection: str, arguments: str, metadata: str = "") -> dict:
    query = (f"{{ Get {{ {collection} {{ title _additional {{ generate({arguments}) "
             f"{{ singleResult groupedResult error {metadata} }} }} }} }} }}")
    out = http.post("/v1/graphql", json={"query": query}).json()
    assert "errors" not in out, out
    return out["data"]["Get"][collection][0]["_additional"]["generate"]


def test_google(server: httpx.Client, google: FakeUpstream) -> None:
    got = generate(server, "GoogleDoc", 'singleResult: {prompt: "About {title}", google: {temperature: 0.7}}',
                   "google { usageMetadata { promptTokenCount candidatesTokenCount totalTokenCount } }")
    assert got == {"singleResult": "generated", "groupedResult": None, "error": None, "google": {
        "usageMetadata": {"promptTokenCount": 8, "candidatesTokenCount": 5, "totalTokenCount": 13}}}
    sent = google.requests[-1]
    assert sent.body["contents"][0]["parts"][0]["text"] == "About Dune"
    assert sent.body["generationConfig"]["temperature"] == 0.7 and sent.headers["x-goog-api-key"] == "g-SERVERKEY"


def test_databricks(server: httpx.Client, databricks: FakeUpstream) -> None:
    got = generate(server, "DatabricksDoc", 'groupedResult: {task: "Sum up", databricks: {topP: 0.5}}')
    assert got == {"singleResult": None, "groupedResult": "generated", "error": None}
    sent = databricks.requests[-1]
    assert sent.body["messages"][0]["content"] == 'Sum up: [{"title":"Dune"}]'
    assert sent.body["top_p"] == 0.5 and sent.body["max_tokens"] == 50
    assert sent.headers["authorization"] == "Bearer dapi-SERVERKEY"


def test_contextualai_grounds_on_the_results(server: httpx.Client, contextualai: FakeUpstream) -> None:
    got = generate(server, "ContextualDoc", 'singleResult: {prompt: "Who wrote {title}?", contextualai: '
                                            '{temperature: 0.3}}')
    assert got == {"singleResult": "generated", "groupedResult": None, "error": None}
    sent = contextualai.requests[-1].body
    assert sent["messages"][0]["content"] == "Who wrote Dune?" and sent["knowledge"] == ["Dune"]
    assert sent["temperature"] == 0.3 and sent["system_prompt"] == "Be brief."


def test_aws(server: httpx.Client, aws: FakeUpstream) -> None:
    got = generate(server, "AwsDoc", 'singleResult: {prompt: "About {title}", aws: {temperature: 0.4, maxTokens: 64}}')
    assert got == {"singleResult": "generated", "groupedResult": None, "error": None}
    sent = aws.requests[-1]
    assert sent.body == {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 64, "temperature": 0.4,
                         "messages": [{"role": "user", "content": [{"type": "text", "text": "About Dune"}]}]}
    assert aws_verified(sent) == "AKIDSERVER"
