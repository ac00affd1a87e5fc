"""text2vec-openai against a fake OpenAI on 127.0.0.1 that speaks OpenAI's wire format.

Every body the fake sends is validated with the openai SDK's own types, and every request body the module
sends is validated against the SDK's EmbeddingCreateParams, so neither side of the fake can drift from the
real API.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from typing import Any

import numpy as np
import openai.types
import pytest
from openai.types.shared import ErrorObject
from pydantic import TypeAdapter

from modules import http
from modules.base import ModuleContext, ModuleError
from modules.openai.client import OpenAIClient
from modules.openai.text2vec import MAX_INPUTS_PER_REQUEST, OpenAISettings, OpenAIVectorizer
from modules.registry import Registry
from tests.modules.fake_upstream import FakeUpstream, Recorded, Reply

KEY = "sk-proj-TESTKEY-abcdefghijklmnopqrstuvwxyz0123"
ENV_KEY = "sk-env-ONLYKEY-9876543210zyxwvutsrqponm"
AZURE_KEY = "azure-KEY-00112233445566778899aabbccdd"
FAST = {"VECTORDB_MODULES_RETRY_BASE_DELAY": "0.01", "VECTORDB_MODULES_RETRY_ATTEMPTS": "3"}
DEFAULTS = OpenAIVectorizer().class_defaults()
REQUEST_PARAMS = TypeAdapter(openai.types.EmbeddingCreateParams)


def expected_vector(text: str, dims: int) -> list[float]:
    """What the fake answers for a text: a function of the text, so order mistakes show."""
    return [float(len(text)), float(ord(text[0]))] + [0.25 * j for j in range(dims - 2)]


def embeddings_reply(request: Recorded, *, reverse: bool = False, drop: int = 0) -> Reply:
    body = request.body
    if "model" in body:  # Azure bodies carry no model: the deployment decides
        assert REQUEST_PARAMS.validate_python(body) == body, "the module sent a field OpenAI does not know"
    dims = body.get("dimensions") or 3
    data = [
        {"object": "embedding", "index": i, "embedding": expected_vector(text, dims)}
        for i, text in enumerate(body["input"])
    ]
    if reverse:
        data.reverse()
    data = data[: len(data) - drop]
    payload = {
        "object": "list",
        "data": data,
        "model": body.get("model", "azure-deployment"),
        "usage": {"prompt_tokens": 5, "total_tokens": 5},
    }
    openai.types.CreateEmbeddingResponse.model_validate(payload)
    return Reply(200, payload, headers={"x-request-id": "req_ok"})


def error_reply(status: int, message: str, kind: str, code: str | None, **headers: str) -> Reply:
    payload = {"error": {"message": message, "type": kind, "param": None, "code": code}}
    ErrorObject.model_validate(payload["error"])
    return Reply(status, payload, headers={"x-request-id": "req_abc123", **headers})


@pytest.fixture
def fake():
    with FakeUpstream(embeddings_reply) as upstream:
        yield upstream


def embed(
    texts: list[str],
    config: Mapping[str, Any],
    headers: Mapping[str, str] | None = None,
    env: Mapping[str, str] | None = None,
    query: bool = False,
) -> list[np.ndarray]:
    module = OpenAIVectorizer()
    ctx = ModuleContext(headers=dict(headers or {}), env={**FAST, **(env or {})})
    merged = {**DEFAULTS, **config}

    async def main() -> list[np.ndarray]:
        try:
            call = module.vectorize_query if query else module.vectorize
            return await call(texts, merged, ctx)
        finally:
            await http.aclose()

    return asyncio.run(main())


def via(fake: FakeUpstream) -> dict[str, str]:
    """Headers that point the module at the fake while the collection still names api.openai.com."""
    return {"X-Openai-Api-Key": KEY, "X-Openai-Baseurl": fake.url}


# -- the request on the wire


def test_default_request_is_openai_v3_with_bearer_key_and_dimensions(fake: FakeUpstream) -> None:
    vectors = embed(["hello world", "Dune"], {}, via(fake))
    (request,) = fake.requests
    assert request.method == "POST" and request.path == "/v1/embeddings"
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.headers["content-type"] == "application/json"
    assert "openai-organization" not in request.headers
    assert request.body == {
        "input": ["hello world", "Dune"], "model": "text-embedding-3-small", "dimensions": 1536,
    }
    assert [v.dtype for v in vectors] == [np.float32, np.float32]
    np.testing.assert_array_equal(vectors[0], np.asarray(expected_vector("hello world", 1536), np.float32))
    np.testing.assert_array_equal(vectors[1], np.asarray(expected_vector("Dune", 1536), np.float32))


@pytest.mark.parametrize(
    ("config", "model", "dimensions"),
    [
        ({"dimensions": 512}, "text-embedding-3-small", 512),
        ({"model": "text-embedding-3-large"}, "text-embedding-3-large", 3072),
        ({"model": "text-embedding-3-large", "dimensions": 256}, "text-embedding-3-large", 256),
    ],
)
def test_dimensions_are_sent_for_v3_models(
    fake: FakeUpstream, config: dict, model: str, dimensions: int
) -> None:
    (vector,) = embed(["x"], config, via(fake))
    assert fake.requests[0].body == {"input": ["x"], "model": model, "dimensions": dimensions}
    assert vector.shape == (dimensions,)


@pytest.mark.parametrize(
    ("config", "document_model", "query_model"),
    [
        ({"model": "ada"}, "text-embedding-ada-002", "text-embedding-ada-002"),
        ({"model": "babbage"}, "text-search-babbage-doc-001", "text-search-babbage-query-001"),
        ({"model": "curie", "type": "code"}, "code-search-curie-code-001", "code-search-curie-text-001"),
        ({"model": "ada", "modelVersion": "001"}, "text-search-ada-doc-001", "text-search-ada-query-001"),
    ],
)
def test_legacy_model_names_and_no_dimensions(
    fake: FakeUpstream, config: dict, document_model: str, query_model: str
) -> None:
    embed(["x"], config, via(fake))
    embed(["x"], config, via(fake), query=True)
    assert [r.body for r in fake.requests] == [
        {"input": ["x"], "model": document_model},
        {"input": ["x"], "model": query_model},
    ]


def test_base_url_setting_targets_an_openai_compatible_server(fake: FakeUpstream) -> None:
    config = {"baseURL": fake.url + "/compat/", "model": "nomic-embed-text"}
    (vector,) = embed(["abc"], config, {"X-Openai-Api-Key": KEY})
    (request,) = fake.requests
    assert request.path == "/compat/v1/embeddings"
    assert request.body == {"input": ["abc"], "model": "nomic-embed-text"}
    assert vector.shape == (3,)
    embed(["abc"], {**config, "dimensions": 64, "endpoint": "/embed"}, {"X-Openai-Api-Key": KEY})
    assert fake.requests[1].path == "/compat/embed"
    assert fake.requests[1].body == {"input": ["abc"], "model": "nomic-embed-text", "dimensions": 64}


def test_header_key_beats_env_key_and_env_key_is_the_fallback(fake: FakeUpstream) -> None:
    env = {"OPENAI_APIKEY": ENV_KEY}
    embed(["x"], {}, via(fake), env)
    # the server's own key goes only to the base URL the collection names, never to a request-supplied one
    embed(["x"], {"baseURL": fake.url}, {}, env)
    assert [r.headers["authorization"] for r in fake.requests] == [f"Bearer {KEY}", f"Bearer {ENV_KEY}"]


def test_organization_from_header_then_env(fake: FakeUpstream) -> None:
    env = {"OPENAI_ORGANIZATION": "org-env"}
    embed(["x"], {}, {**via(fake), "X-Openai-Organization": "org-header"}, env)
    embed(["x"], {}, via(fake), env)
    assert [r.headers["openai-organization"] for r in fake.requests] == ["org-header", "org-env"]


def test_azure_url_api_key_header_and_body(fake: FakeUpstream) -> None:
    config = {"isAzure": True, "resourceName": "myres", "deploymentId": "embed-dep", "baseURL": fake.url}
    (vector,) = embed(["hi"], config, {"X-Azure-Api-Key": AZURE_KEY})
    (request,) = fake.requests
    assert request.path == "/openai/deployments/embed-dep/embeddings"
    assert request.query == {"api-version": ["2024-02-01"]}
    assert request.headers["api-key"] == AZURE_KEY
    assert "authorization" not in request.headers
    assert request.body == {"input": ["hi"]}
    assert vector.shape == (3,)
    env = {"AZURE_APIKEY": AZURE_KEY}
    embed(["hi"], {**config, "dimensions": 512}, {"X-Azure-Deployment-Id": "other"}, env)
    assert fake.requests[1].path == "/openai/deployments/other/embeddings"
    assert fake.requests[1].headers["api-key"] == AZURE_KEY
    assert fake.requests[1].body == {"input": ["hi"], "dimensions": 512}


def test_azure_default_host_is_built_from_the_resource_name() -> None:
    client = OpenAIClient()
    settings = {**DEFAULTS, "resourceName": "myres", "deploymentId": "dep", "apiVersion": "2024-02-01"}
    assert OpenAISettings.from_config(settings).is_azure  # both names set implies Azure, as in Weaviate
    url = client.url(client.base_url(settings), "/v1/embeddings", settings)
    assert url == "https://myres.openai.azure.com/openai/deployments/dep/embeddings?api-version=2024-02-01"
    resourced = client.for_request(ModuleContext(headers={"X-Azure-Resource-Name": "otherres"}), settings)
    assert client.base_url(resourced) == "https://otherres.openai.azure.com"


def test_answers_are_put_back_in_input_order_by_index(fake: FakeUpstream) -> None:
    fake.queue(lambda request: embeddings_reply(request, reverse=True))
    texts = ["a", "bb", "ccc"]
    vectors = embed(texts, {}, via(fake))
    assert [v[0] for v in vectors] == [1.0, 2.0, 3.0]


def test_large_batches_are_split_at_the_provider_limit(fake: FakeUpstream) -> None:
    texts = [f"t{i}" for i in range(MAX_INPUTS_PER_REQUEST + 5)]
    vectors = embed(texts, {"baseURL": fake.url, "model": "local-embedder"}, {"X-Openai-Api-Key": KEY})
    assert [len(r.body["input"]) for r in fake.requests] == [MAX_INPUTS_PER_REQUEST, 5]
    assert len(vectors) == len(texts)
    assert [v[0] for v in vectors] == [float(len(t)) for t in texts]


def test_batches_are_split_to_stay_under_the_token_budget(fake: FakeUpstream) -> None:
    texts = ["a" * 150_000, "b" * 150_000, "c" * 150_000]
    vectors = embed(texts, {"baseURL": fake.url, "model": "local-embedder"}, {"X-Openai-Api-Key": KEY})
    assert [len(r.body["input"]) for r in fake.requests] == [2, 1]
    assert [v[1] for v in vectors] == [97.0, 98.0, 99.0]


# -- settings checked at class creation


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"model": "gpt-embedder-9000"}, "wrong OpenAI model name 'gpt-embedder-9000'"),
        ({"dimensions": 1024}, "wrong dimensions setting for text-embedding-3-small model, "
                               "available dimensions are: [512 1536]"),
        ({"model": "text-embedding-3-large", "dimensions": 1536},
         "wrong dimensions setting for text-embedding-3-large model, "
         "available dimensions are: [256 1024 3072]"),
        ({"model": "ada", "dimensions": 512}, "dimensions setting can only be used with V3"),
        ({"dimensions": -4}, "dimensions must be a positive integer"),
        ({"type": "image"}, "wrong OpenAI type name"),
        ({"model": "babbage", "modelVersion": "002"}, "unsupported modelVersion 002"),
        ({"isAzure": True}, "deploymentId is missing"),
        ({"isAzure": True, "deploymentId": "d"}, "both resourceName and deploymentId must be provided"),
        ({"resourceName": "r", "deploymentId": "d", "apiVersion": "1999-01-01"},
         "wrong Azure OpenAI apiVersion"),
        ({"baseURL": "not a url"}, "baseURL 'not a url' is not an http(s) URL"),
        ({"model": 7}, "model must be a string"),
        ({"properties": []}, "properties field needs to have at least 1 property defined"),
    ],
)
def test_bad_settings_fail_at_class_creation(config: dict, message: str) -> None:
    registry = Registry.from_env({})
    with pytest.raises(ValueError) as caught:
        registry.validate_class_config("text2vec-openai", config, {"class": "Doc", "properties": []})
    assert caught.value.args[0].startswith("module 'text2vec-openai': ")
    assert message in caught.value.args[0]


@pytest.mark.parametrize(
    "config",
    [
        {},
        {"model": "text-embedding-3-large", "dimensions": 1024},
        {"model": "ada"},
        {"baseURL": "http://127.0.0.1:11434", "model": "anything-goes", "dimensions": 77},
        {"isAzure": True, "resourceName": "r", "deploymentId": "d"},
        {"isAzure": True, "deploymentId": "d", "resourceName": "r", "baseURL": "https://gw.example.com"},
    ],
)
def test_good_settings_pass(config: dict) -> None:
    Registry.from_env({}).validate_class_config("text2vec-openai", config, {"class": "Doc"})


def test_defaults_and_meta() -> None:
    module = OpenAIVectorizer()
    assert module.class_defaults() == {
        "vectorizeClassName": True, "baseURL": "https://api.openai.com", "model": "text-embedding-3-small",
    }
    assert module.meta()["name"] == "OpenAI Module"
    assert module.vectorize_class_name is True and module.api_based is True


# -- errors


def test_missing_key_names_header_and_variable(fake: FakeUpstream) -> None:
    with pytest.raises(ModuleError) as caught:
        embed(["x"], {}, {"X-Openai-Baseurl": fake.url})
    assert caught.value.status == 401
    assert caught.value.message == (
        "no api key found neither in request header: X-Openai-Api-Key "
        "nor in environment variable under OPENAI_APIKEY"
    )
    with pytest.raises(ModuleError, match="X-Azure-Api-Key nor in environment variable under AZURE_APIKEY"):
        embed(["x"], {"resourceName": "r", "deploymentId": "d", "baseURL": fake.url})
    assert fake.requests == []


def test_401_is_reported_with_request_id_and_without_the_key(fake: FakeUpstream) -> None:
    fake.queue(
        error_reply(401, f"Incorrect API key provided: {KEY}.", "invalid_request_error", "invalid_api_key")
    )
    with pytest.raises(ModuleError) as caught:
        embed(["x"], {}, via(fake))
    assert caught.value.message == (
        "connection to: OpenAI API failed with status: 401 request-id: req_abc123 "
        "error: Incorrect API key provided: ***."
    )
    assert len(fake.requests) == 1  # not retried


def test_429_with_retry_after_is_retried_then_succeeds(fake: FakeUpstream) -> None:
    wait = {"Retry-After": "1"}
    fake.queue(error_reply(429, "Rate limit reached", "requests", "rate_limit_exceeded", **wait))
    started = time.monotonic()
    (vector,) = embed(["hello"], {}, via(fake))
    assert time.monotonic() - started >= 1.0
    assert len(fake.requests) == 2
    assert vector[0] == 5.0


def test_429_exhausted_is_a_clear_error(fake: FakeUpstream) -> None:
    reply = error_reply(429, "Rate limit reached for requests", "requests", "rate_limit_exceeded",
                        **{"Retry-After": "0"})
    fake.queue(reply, reply, reply)
    with pytest.raises(ModuleError) as caught:
        embed(["x"], {}, via(fake))
    assert caught.value.message == (
        "connection to: OpenAI API failed with status: 429 request-id: req_abc123 "
        "error: Rate limit reached for requests"
    )
    assert len(fake.requests) == 3


def test_500_is_retried_and_then_reported(fake: FakeUpstream) -> None:
    reply = error_reply(500, "The server had an error", "server_error", None)
    fake.queue(reply, reply, reply)
    with pytest.raises(ModuleError, match="failed with status: 500 request-id: req_abc123 error: The server"):
        embed(["x"], {}, via(fake))
    assert len(fake.requests) == 3


def test_azure_errors_name_azure(fake: FakeUpstream) -> None:
    message = "The API deployment for this resource does not exist."
    fake.queue(error_reply(404, message, "invalid_request_error", "DeploymentNotFound"))
    config = {"resourceName": "r", "deploymentId": "missing", "baseURL": fake.url}
    with pytest.raises(ModuleError, match="connection to: Azure OpenAI API failed with status: 404"):
        embed(["x"], config, {"X-Azure-Api-Key": AZURE_KEY})


def test_non_json_error_page_is_reported_with_its_status(fake: FakeUpstream) -> None:
    page = Reply(502, b"<html>bad gateway</html>", headers={"Content-Type": "text/html"})
    fake.queue(page, page, page)
    with pytest.raises(ModuleError, match="status: 502 error: <html>bad gateway</html>"):
        embed(["x"], {}, via(fake))


def test_timeout_is_a_clear_error(fake: FakeUpstream) -> None:
    fake.queue(lambda request: Reply(200, embeddings_reply(request).body, delay=1.5))
    with pytest.raises(ModuleError, match="connection to: OpenAI API timed out after 0.3s"):
        embed(["x"], {}, via(fake), {"MODULES_CLIENT_TIMEOUT": "300ms"})


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (Reply(200, b"this is not json"), "failed to parse vectorization response from OpenAI API"),
        (Reply(200, {"object": "list"}), "no 'data' list"),
        (Reply(200, {"data": [{"index": 0, "embedding": "abc"}, {"index": 1, "embedding": [1.0]}]}),
         "no embedding list"),
        (Reply(200, {"data": [{"index": 0, "embedding": [1.0]}, {"index": 0, "embedding": [1.0]}]}),
         "has index 0"),
        (Reply(200, {"data": [{"index": 0, "embedding": [1.0, 2.0]}, {"index": 1, "embedding": [1.0]}]}),
         "embeddings of different lengths"),
    ],
)
def test_malformed_answers_are_clear_errors(fake: FakeUpstream, reply: Reply, message: str) -> None:
    fake.queue(reply)
    with pytest.raises(ModuleError, match=message):
        embed(["x", "y"], {}, via(fake))


def test_wrong_number_of_vectors_is_an_error(fake: FakeUpstream) -> None:
    fake.queue(lambda request: embeddings_reply(request, drop=1))
    with pytest.raises(ModuleError, match="OpenAI API returned 2 embeddings for 3 inputs"):
        embed(["a", "b", "c"], {}, via(fake))


def test_empty_text_is_refused_before_any_call(fake: FakeUpstream) -> None:
    with pytest.raises(ModuleError, match="text 1 of the batch is empty"):
        embed(["a", ""], {}, via(fake))
    assert fake.requests == []


def test_keys_never_reach_logs_or_messages(fake: FakeUpstream, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    fake.queue(
        error_reply(429, f"slow down {KEY}", "requests", "rate_limit_exceeded", **{"Retry-After": "0"}),
        error_reply(500, f"oops {KEY}", "server_error", None),
    )
    embed(["x"], {}, via(fake))
    fake.queue(error_reply(401, f"Incorrect API key provided: {KEY}", "invalid_request_error", None))
    with pytest.raises(ModuleError) as caught:
        embed(["x"], {}, via(fake))
    config = {"resourceName": "r", "deploymentId": "d", "baseURL": fake.url}
    fake.queue(*[error_reply(503, f"busy {AZURE_KEY}", "server_error", None)] * 3)
    with pytest.raises(ModuleError) as azure_caught:
        embed(["x"], config, {"X-Azure-Api-Key": AZURE_KEY})
    assert len(fake.requests) == 3 + 1 + 3
    assert "retry 1 of 2" in caplog.text  # the retries were logged...
    for secret in (KEY, AZURE_KEY):  # ...and nothing logged or raised carries a key
        assert secret not in caplog.text
        assert secret not in caught.value.message and secret not in azure_caught.value.message
