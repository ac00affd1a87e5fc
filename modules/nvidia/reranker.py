"""reranker-nvidia: `POST {baseURL}/v1/retrieval/nvidia/reranking`; the score is the raw `logit`, unnormalised, as
Weaviate reports it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from modules.kit import ApiReranker, Field, indexed_scores
from modules.nvidia.client import NvidiaClient


class NvidiaReranker(ApiReranker):
    name = "reranker-nvidia"
    client = NvidiaClient
    max_documents = 512
    meta_name = "Reranker - NVIDIA"
    documentation = "https://docs.api.nvidia.com/nim/reference/nvidia-rerank-qa-mistral-4b"
    fields = {"model": Field("nvidia/rerank-qa-mistral-4b"), "baseURL": Field("https://ai.api.nvidia.com", url=True)}

    def request(self, query: str, documents: list[str], settings: Mapping[str, Any]) -> tuple[str, Any]:
        body = {"model": settings["model"], "query": {"text": query}, "passages": [{"text": d} for d in documents]}
        return "/v1/retrieval/nvidia/reranking", body

    def scores(self, answer: Any) -> list[tuple[int, float]]:
        return indexed_scores(answer["rankings"], "logit")
