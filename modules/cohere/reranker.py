"""reranker-cohere: Cohere's v2 rerank API (`POST {baseURL}/v2/rerank`), 1000 documents per request."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from modules.cohere.client import DEFAULT_BASE_URL, CohereClient
from modules.kit import ApiReranker, Field, indexed_scores


class CohereReranker(ApiReranker):
    name = "reranker-cohere"
    client = CohereClient
    max_documents = 1000
    meta_name = "Reranker - Cohere"
    documentation = "https://docs.cohere.com/v2/reference/rerank"
    fields = {"model": Field("rerank-v3.5"), "baseURL": Field(DEFAULT_BASE_URL, url=True)}

    def request(self, query: str, documents: list[str], settings: Mapping[str, Any]) -> tuple[str, Any]:
        body = {"model": settings["model"], "query": query, "documents": documents, "return_documents": False}
        return "/v2/rerank", body

    def scores(self, answer: Any) -> list[tuple[int, float]]:
        return indexed_scores(answer["results"])
