"""Each provider's own mapping: the path and body it sends (the contract suite covers everything shared)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.modules.contract.calls import RERANK_QUERY, embed, rerank
from tests.modules.contract.case import expected_score, expected_vector
from tests.modules.contract.cases import RERANKERS, VECTORIZERS
from tests.modules.fake_upstream import FakeUpstream, Recorded, Reply

CASES = {case.module: case for case in [*VECTORIZERS, *RERANKERS]}
KEY = {"X-Jinaai-Api-Key": "k-1234", "X-Voyageai-Api-Key": "k-1234", "X-Mistral-Api-Key": "k-1234",
       "X-Nvidia-Api-Key": "k-1234", "X-Cohere-Api-Key": "k-1234", "X-Goog-Studio-Api-Key": "k-1234"}


def sent(module: str, settings: dict[str, Any], query: bool = False) -> Recorded:
    case = CASES[module]

    def respond(request: Recorded) -> Reply:
        return Reply(200, case.answer(request, [expected_vector(t) for t in case.texts(request)]))

    with FakeUpstream(respond) as fake:
        embed(module, ["hello"], {**case.config(fake.url), **settings}, KEY, query=query)
    (request,) = fake.requests
    return request


@pytest.mark.parametrize(
    ("module", "settings", "query", "path", "body"),
    [
        ("text2vec-ollama", {}, False, "/api/embed", {"model": "nomic-embed-text", "input": ["hello"]}),
        ("text2vec-jinaai", {}, False, "/v1/embeddings",
         {"input": ["hello"], "model": "jina-embeddings-v4", "embedding_type": "float"}),
        ("text2vec-jinaai", {"model": "jina-embeddings-v3", "dimensions": 64}, True, "/v1/embeddings",
         {"input": ["hello"], "model": "jina-embeddings-v3", "embedding_type": "float", "dimensions": 64,
          "task": "retrieval.query", "normalized": False}),
        ("text2vec-voyageai", {}, False, "/embeddings",
         {"input": ["hello"], "model": "voyage-3", "truncation": True, "input_type": "document"}),
        ("text2vec-voyageai", {"truncate": False, "dimensions": 512}, True, "/embeddings",
         {"input": ["hello"], "model": "voyage-3", "input_type": "query", "output_dimension": 512}),
        ("text2vec-mistral", {}, False, "/v1/embeddings", {"input": ["hello"], "model": "mistral-embed"}),
        ("text2vec-nvidia", {}, True, "/v1/embeddings",
         {"input": ["hello"], "model": "nvidia/nv-embed-v1", "encoding_format": "float", "input_type": "query",
          "truncate": "NONE"}),
    ],
)
def test_embedding_requests(module: str, settings: dict, query: bool, path: str, body: dict) -> None:
    request = sent(module, settings, query)
    assert request.path == path and request.body == body


def test_jina_sends_its_source_header_and_voyage_contextual_models_use_their_endpoint() -> None:
    assert sent("text2vec-jinaai", {}).headers["x-header-vectordb-source"] == "Weaviate"

    def respond(request: Recorded) -> Reply:
        data = [{"object": "list", "data": [{"object": "embedding", "embedding": expected_vector(doc[0]),
                                             "index": 0}], "index": i} for i, doc in enumerate(request.body["inputs"])]
        return Reply(200, {"object": "list", "data": data, "model": "voyage-context-3", "usage": {"total_tokens": 2}})

    with FakeUpstream(respond) as fake:
        vectors = embed("text2vec-voyageai", ["a", "bb"], {"baseURL": fake.url, "model": "voyage-context-3"}, KEY)
    (request,) = fake.requests
    assert request.path == "/contextualizedembeddings"
    assert request.body == {"inputs": [["a"], ["bb"]], "model": "voyage-context-3", "input_type": "document"}
    assert [v.tolist() for v in vectors] == [expected_vector("a"), expected_vector("bb")]


@pytest.mark.parametrize(
    ("module", "path", "body"),
    [
        ("reranker-jinaai", "/v1/rerank",
         {"model": "jina-reranker-v2-base-multilingual", "query": RERANK_QUERY, "documents": ["x", "yy"]}),
        ("reranker-voyageai", "/rerank",
         {"model": "rerank-lite-1", "query": RERANK_QUERY, "documents": ["x", "yy"], "return_documents": False,
          "truncation": False}),
        ("reranker-nvidia", "/v1/retrieval/nvidia/reranking",
         {"model": "nvidia/rerank-qa-mistral-4b", "query": {"text": RERANK_QUERY},
          "passages": [{"text": "x"}, {"text": "yy"}]}),
    ],
)
def test_rerank_requests(module: str, path: str, body: dict) -> None:
    case = CASES[module]

    def respond(request: Recorded) -> Reply:
        _, documents = case.documents(request)
        return Reply(200, case.answer(request, [expected_score(d) for d in documents]))

    with FakeUpstream(respond) as fake:
        assert rerank(module, ["x", "yy"], case.config(fake.url), KEY) == [0.01, 0.02]
    (request,) = fake.requests
    assert request.path == path and request.body == body


def test_jina_and_voyage_rerankers_read_the_environment_first() -> None:
    for module, env_var in (("reranker-jinaai", "JINAAI_APIKEY"), ("reranker-voyageai", "VOYAGEAI_APIKEY")):
        case = CASES[module]

        def respond(request: Recorded, case: Any = case) -> Reply:
            _, documents = case.documents(request)
            return Reply(200, case.answer(request, [expected_score(d) for d in documents]))

        with FakeUpstream(respond) as fake:
            rerank(module, ["x"], case.config(fake.url), {case.key_header: "header-key"}, {env_var: "env-key-1"})
        assert fake.requests[0].headers["authorization"] == "Bearer env-key-1"


def test_google_vertex_request_one_text_per_call_with_bearer_key() -> None:
    def respond(request: Recorded) -> Reply:
        predictions = [{"embeddings": {"values": expected_vector(i["content"])}} for i in request.body["instances"]]
        return Reply(200, {"predictions": predictions})

    settings = {"projectId": "proj", "dimensions": 768}
    with FakeUpstream(respond) as fake:
        vectors = embed("text2vec-google", ["a", "bb"], {**settings, "baseURL": fake.url},
                        {"X-Goog-Vertex-Api-Key": "g-key-1"})
        embed("text2vec-google", ["q"], {**settings, "baseURL": fake.url, "taskType": "CLUSTERING"},
              {"X-Goog-Api-Key": "g-key-2"}, query=True)
    first, second, query = fake.requests
    path = "/v1/projects/proj/locations/us-central1/publishers/google/models/gemini-embedding-001:predict"
    assert first.path == path and first.headers["authorization"] == "Bearer g-key-1"
    assert first.body == {"instances": [{"content": "a", "task_type": "RETRIEVAL_DOCUMENT"}],
                          "parameters": {"outputDimensionality": 768}}
    assert second.body["instances"] == [{"content": "bb", "task_type": "RETRIEVAL_DOCUMENT"}]
    assert query.body["instances"] == [{"content": "q", "task_type": "CLUSTERING"}]
    assert query.headers["authorization"] == "Bearer g-key-2"
    assert [v.tolist() for v in vectors] == [expected_vector("a"), expected_vector("bb")]


def test_google_ai_studio_request() -> None:
    request = sent("text2vec-google", {"dimensions": 256}, query=True)
    assert request.path == "/v1beta/models/gemini-embedding-001:batchEmbedContents"
    assert request.body == {"requests": [{
        "model": "models/gemini-embedding-001", "content": {"parts": [{"text": "hello"}]},
        "taskType": "RETRIEVAL_QUERY", "outputDimensionality": 256,
    }]}


def test_aws_titan_one_text_per_signed_call_and_sagemaker_endpoint() -> None:
    from tests.modules.contract.more import AWS_SECRET, aws_verified

    def respond(request: Recorded) -> Reply:
        if request.path.startswith("/endpoints/"):
            return Reply(200, [expected_vector(t) for t in request.body["inputs"]])
        return Reply(200, {"embedding": expected_vector(request.body["inputText"]), "inputTextTokenCount": 1})

    headers = {"X-Aws-Access-Key": "AKIATEST", "X-Aws-Secret-Key": AWS_SECRET}
    with FakeUpstream(respond) as fake:
        config = {"region": "us-east-1", "model": "amazon.titan-embed-text-v2:0", "baseURL": fake.url}
        vectors = embed("text2vec-aws", ["a", "bb"], config, headers)
        sagemaker = {"service": "sagemaker", "region": "us-east-1", "endpoint": "my-ep", "baseURL": fake.url}
        embed("text2vec-aws", ["c"], sagemaker, headers)
    first, second, third = fake.requests
    assert first.path == "/model/amazon.titan-embed-text-v2%3A0/invoke" and first.body == {"inputText": "a"}
    assert second.body == {"inputText": "bb"} and aws_verified(first) == "AKIATEST"
    assert third.path == "/endpoints/my-ep/invocations" and third.body == {"inputs": ["c"]}
    assert [v.tolist() for v in vectors] == [expected_vector("a"), expected_vector("bb")]
