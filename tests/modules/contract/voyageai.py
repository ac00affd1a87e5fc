"""The fake Voyage AI: embeddings and rerank, answers parsed with the voyageai SDK's objects."""

from __future__ import annotations

from typing import Any

from voyageai.api_resources.response import convert_to_voyage_response
from voyageai.object import EmbeddingsObject, RerankingObject

from tests.modules.contract.case import RerankerCase
from tests.modules.contract.openai import openai_compatible
from tests.modules.fake_upstream import Recorded


def embed_answer(request: Recorded, vectors: list[Any]) -> dict[str, Any]:
    data = [{"object": "embedding", "embedding": v, "index": i} for i, v in enumerate(vectors)]
    body = {"object": "list", "data": data, "model": request.body["model"], "usage": {"total_tokens": 3}}
    assert EmbeddingsObject(convert_to_voyage_response(body)).embeddings == vectors
    return body


def rerank_answer(request: Recorded, scores: list[float]) -> dict[str, Any]:
    ranked = sorted(range(len(scores)), key=lambda i: -scores[i])
    body = {"object": "list", "data": [{"index": i, "relevance_score": scores[i]} for i in ranked],
            "model": request.body["model"], "usage": {"total_tokens": 3}}
    RerankingObject(request.body["documents"], convert_to_voyage_response(body))
    return body


VECTORIZER = openai_compatible(
    "text2vec-voyageai", "X-Voyageai-Api-Key", "VOYAGEAI_APIKEY", "X-Voyageai-Baseurl",
    error=lambda status, message: {"detail": message}, answer=embed_answer,
    bad_settings=[({"truncate": "yes"}, "truncate must be a boolean")],
)

RERANKER = RerankerCase(
    module="reranker-voyageai", config=lambda url: {"baseURL": url},
    documents=lambda r: (r.body["query"], r.body["documents"]), answer=rerank_answer,
    error=lambda status, message: {"message": message},
    key_header="X-Voyageai-Api-Key", key_env="VOYAGEAI_APIKEY",
)
