"""The fake Jina AI: OpenAI-shaped embeddings (Jina has no Python API SDK; openai's type fits) and rerank."""

from __future__ import annotations

from typing import Any

from tests.modules.contract.case import RerankerCase
from tests.modules.contract.openai import openai_compatible
from tests.modules.fake_upstream import Recorded


def error(status: int, message: str) -> dict[str, Any]:
    return {"detail": message}


def rerank_answer(request: Recorded, scores: list[float]) -> dict[str, Any]:
    ranked = sorted(range(len(scores)), key=lambda i: -scores[i])
    documents = request.body["documents"]
    # Jina returns the document as an object, which Weaviate's client must ignore
    results = [{"index": i, "relevance_score": scores[i], "document": {"text": documents[i]}} for i in ranked]
    return {"model": request.body["model"], "results": results, "usage": {"total_tokens": 9, "prompt_tokens": 9}}


VECTORIZER = openai_compatible(
    "text2vec-jinaai", "X-Jinaai-Api-Key", "JINAAI_APIKEY", None, error=error,
    bad_settings=[({"dimensions": 1.5}, "dimensions must be a positive integer")],
)

RERANKER = RerankerCase(
    module="reranker-jinaai", config=lambda url: {"baseURL": url},
    documents=lambda r: (r.body["query"], r.body["documents"]), answer=rerank_answer, error=error,
    key_header="X-Jinaai-Api-Key", key_env="JINAAI_APIKEY",
)
