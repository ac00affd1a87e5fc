"""reranker-jinaai: `POST {baseURL}/v1/rerank` (Weaviate fixes the host at https://api.jina.ai); the answer's
`document` field is ignored."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from modules.jinaai.client import DEFAULT_BASE_URL, JinaRerankClient
from modules.kit import ApiReranker, Field, indexed_scores


class JinaReranker(ApiReranker):
    name = "reranker-jinaai"
    client = JinaRerankClient
    max_documents = 1000
    meta_name = "Reranker - Jinaai"
    documentation = "https://jina.ai/reranker"
    fields = {"model": Field("jina-reranker-v2-base-multilingual"), "baseURL": Field(DEFAULT_BASE_URL, url=True)}

    def request(self, query: str, documents: list[str], settings: Mapping[str, Any]) -> tuple[str, Any]:
        return "/v1/rerank", {"model": settings["model"], "query": query, "documents": documents}

    def scores(self, answer: Any) -> list[tuple[int, float]]:
        return indexed_scores(answer["results"])
