"""reranker-contextualai: `POST {baseURL}/v1/rerank` (Weaviate fixes the host at https://api.contextual.ai);
one empty metadata string goes with each document, and an `instruction` when set."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from modules.contextualai.client import ContextualAIClient
from modules.kit import ApiReranker, Field, indexed_scores


class ContextualAIReranker(ApiReranker):
    name = "reranker-contextualai"
    client = ContextualAIClient
    max_documents = 1000
    meta_name = "Reranker - Contextual AI"
    documentation = "https://docs.contextual.ai/api-reference/rerank/rerank"
    fields = {
        "model": Field("ctxl-rerank-v2-instruct-multilingual"),
        "baseURL": Field("https://api.contextual.ai", url=True),
        "instruction": Field(stored=False),
    }

    def request(self, query: str, documents: list[str], settings: Mapping[str, Any]) -> tuple[str, Any]:
        body = {"query": query, "documents": documents, "model": settings["model"], "metadata": [""] * len(documents)}
        if settings.get("instruction"):
            body["instruction"] = settings["instruction"]
        return "/v1/rerank", body

    def scores(self, answer: Any) -> list[tuple[int, float]]:
        return indexed_scores(answer["results"])
