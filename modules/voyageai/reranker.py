"""reranker-voyageai: `POST {baseURL}/rerank` (Weaviate fixes the host at https://api.voyageai.com/v1)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from modules.kit import ApiReranker, Field, indexed_scores
from modules.voyageai.client import DEFAULT_BASE_URL, VoyageRerankClient


class VoyageReranker(ApiReranker):
    name = "reranker-voyageai"
    client = VoyageRerankClient
    max_documents = 1000
    meta_name = "Reranker - VoyageAI"
    documentation = "https://docs.voyageai.com/reference/reranker-api"
    fields = {"model": Field("rerank-lite-1"), "baseURL": Field(DEFAULT_BASE_URL, url=True)}

    def request(self, query: str, documents: list[str], settings: Mapping[str, Any]) -> tuple[str, Any]:
        body = {"model": settings["model"], "query": query, "documents": documents, "return_documents": False,
                "truncation": False}
        return "/rerank", body

    def scores(self, answer: Any) -> list[tuple[int, float]]:
        return indexed_scores(answer["data"])
