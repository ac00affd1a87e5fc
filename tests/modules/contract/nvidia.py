"""The fake NVIDIA: OpenAI-shaped embeddings and the retrieval reranking API (rankings by logit)."""

from __future__ import annotations

from typing import Any

from tests.modules.contract.case import RerankerCase
from tests.modules.contract.openai import openai_compatible
from tests.modules.fake_upstream import Recorded


def error(status: int, message: str) -> dict[str, Any]:
    return {"status": status, "title": message, "detail": message}


def rerank_answer(request: Recorded, scores: list[float]) -> dict[str, Any]:
    ranked = sorted(range(len(scores)), key=lambda i: -scores[i])
    return {"rankings": [{"index": i, "logit": scores[i]} for i in ranked]}


VECTORIZER = openai_compatible(
    "text2vec-nvidia", "X-Nvidia-Api-Key", "NVIDIA_APIKEY", "X-Nvidia-Baseurl", error=error,
    bad_settings=[({"truncate": "MIDDLE"}, "wrong truncate type, available types are: [NONE START END]")],
)

RERANKER = RerankerCase(
    module="reranker-nvidia", config=lambda url: {"baseURL": url},
    documents=lambda r: (r.body["query"]["text"], [p["text"] for p in r.body["passages"]]),
    answer=rerank_answer, error=error, key_header="X-Nvidia-Api-Key", key_env="NVIDIA_APIKEY",
    baseurl_header="X-Nvidia-Baseurl",
)
