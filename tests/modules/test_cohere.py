"""text2vec-cohere and reranker-cohere: what goes on the wire (the contract suite covers the rest)."""

from __future__ import annotations

from tests.modules.contract import cohere as fake_cohere
from tests.modules.contract.calls import RERANK_QUERY, embed, rerank
from tests.modules.contract.case import expected_score, expected_vector
from tests.modules.fake_upstream import FakeUpstream, Recorded, Reply

HEADERS = {"X-Cohere-Api-Key": "co-key-123456"}


def embed_reply(request: Recorded) -> Reply:
    return Reply(200, fake_cohere.embed_answer(request, [expected_vector(t) for t in request.body["texts"]]))


def test_embed_request_documents_and_queries() -> None:
    case = fake_cohere.VECTORIZER
    with FakeUpstream(embed_reply) as fake:
        embed(case.module, ["doc one"], {"baseURL": fake.url}, HEADERS)
        embed(case.module, ["a query"], {"baseURL": fake.url, "truncate": "NONE", "dimensions": 256,
                                  "model": "embed-v4.0"}, HEADERS, query=True)
    document, query = fake.requests
    assert document.path == "/v2/embed" and document.headers["authorization"] == "Bearer co-key-123456"
    assert document.headers["request-source"] == "unspecified:weaviate"
    assert document.body == {"texts": ["doc one"], "model": "embed-multilingual-v3.0",
                             "input_type": "search_document", "embedding_types": ["float"], "truncate": "END"}
    assert query.body == {"texts": ["a query"], "model": "embed-v4.0", "input_type": "search_query",
                          "embedding_types": ["float"], "truncate": "NONE", "output_dimension": 256}


def test_embed_limit_is_96_texts_per_request() -> None:
    with FakeUpstream(embed_reply) as fake:
        vectors = embed("text2vec-cohere", [f"t{i}" for i in range(100)], {"baseURL": fake.url}, HEADERS)
    assert [len(r.body["texts"]) for r in fake.requests] == [96, 4] and len(vectors) == 100


def test_rerank_request() -> None:
    def reply(request: Recorded) -> Reply:
        scores = [expected_score(d) for d in request.body["documents"]]
        return Reply(200, fake_cohere.rerank_answer(request, scores))

    with FakeUpstream(reply) as fake:
        rerank("reranker-cohere", ["x", "yy"], {"baseURL": fake.url}, HEADERS)
    (request,) = fake.requests
    assert request.path == "/v2/rerank"
    assert request.body == {"model": "rerank-v3.5", "query": RERANK_QUERY, "documents": ["x", "yy"],
                            "return_documents": False}


def test_defaults_written_into_the_schema() -> None:
    from modules.registry import Registry

    registry = Registry.from_env({})
    assert registry.class_defaults("text2vec-cohere") == {
        "vectorizeClassName": True, "model": "embed-multilingual-v3.0", "baseURL": "https://api.cohere.ai",
        "truncate": "END",
    }
    assert registry.class_defaults("reranker-cohere") == {"model": "rerank-v3.5", "baseURL": "https://api.cohere.ai"}
