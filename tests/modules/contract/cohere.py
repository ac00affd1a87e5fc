"""The fake Cohere: v2 embed and rerank, answers parsed with the cohere SDK's types."""

from __future__ import annotations

from typing import Any

import cohere

from tests.modules.contract.case import RerankerCase, VectorizerCase
from tests.modules.fake_upstream import Recorded


def embed_answer(request: Recorded, vectors: list[Any]) -> dict[str, Any]:
    body = {
        "response_type": "embeddings_by_type", "id": "emb-1", "embeddings": {"float": vectors},
        "texts": request.body["texts"], "meta": {"api_version": {"version": "2"}, "billed_units": {"input_tokens": 3}},
    }
    cohere.EmbedByTypeResponse.model_validate(body)
    return body


def rerank_answer(request: Recorded, scores: list[float]) -> dict[str, Any]:
    ranked = sorted(range(len(scores)), key=lambda i: -scores[i])  # Cohere answers best first
    body = {
        "id": "rr-1", "results": [{"index": i, "relevance_score": scores[i]} for i in ranked],
        "meta": {"api_version": {"version": "2"}, "billed_units": {"search_units": 1}},
    }
    cohere.V2RerankResponse.model_validate(body)
    return body


def error(status: int, message: str) -> dict[str, Any]:
    return {"id": "err-1", "message": message}


VECTORIZER = VectorizerCase(
    module="text2vec-cohere",
    config=lambda url: {"baseURL": url},
    texts=lambda r: r.body["texts"],
    answer=embed_answer,
    error=error,
    key_header="X-Cohere-Api-Key",
    key_env="COHERE_APIKEY",
    baseurl_header="X-Cohere-Baseurl",
    bad_settings=[({"truncate": "MIDDLE"}, "wrong truncate type, available types are: [NONE START END LEFT RIGHT]"),
                  ({"dimensions": "big"}, "dimensions must be a positive integer")],
)

RERANKER = RerankerCase(
    module="reranker-cohere",
    config=lambda url: {"baseURL": url},
    documents=lambda r: (r.body["query"], r.body["documents"]),
    answer=rerank_answer,
    error=error,
    key_header="X-Cohere-Api-Key",
    key_env="COHERE_APIKEY",
    baseurl_header="X-Cohere-Baseurl",
    bad_settings=[({"model": 3}, "model must be a string")],
)
