"""text2vec-voyageai: `POST {baseURL}/embeddings`; models named `*context*` go to `/contextualizedembeddings`
with one single-chunk document per text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from modules.kit import ApiVectorizer, BatchLimits, Field
from modules.kit.openai_compat import openai_vectors
from modules.voyageai.client import DEFAULT_BASE_URL, VoyageClient


def contextual(settings: Mapping[str, Any]) -> bool:
    return "context" in settings["model"]


class VoyageVectorizer(ApiVectorizer):
    name = "text2vec-voyageai"
    client = VoyageClient
    limits = BatchLimits(texts=128, tokens=120_000)
    meta_name = "VoyageAI Module"
    documentation = "https://docs.voyageai.com/docs/embeddings"
    fields = {
        "model": Field("voyage-3"),
        "baseURL": Field(DEFAULT_BASE_URL, url=True),
        "truncate": Field(True, type=bool),
        "dimensions": Field(type=int),
    }

    def request(self, texts: list[str], settings: Mapping[str, Any], flavour: str) -> tuple[str, Any]:
        body: dict[str, Any] = {"model": settings["model"], "input_type": flavour}
        if settings.get("dimensions"):
            body["output_dimension"] = settings["dimensions"]
        if contextual(settings):
            return "/contextualizedembeddings", {**body, "inputs": [[t] for t in texts]}
        if settings["truncate"]:
            body["truncation"] = True
        return "/embeddings", {**body, "input": texts}

    def vectors(self, answer: Any, count: int) -> list[Any]:
        if answer.get("data") and "data" in answer["data"][0]:
            return [document["data"][0]["embedding"] for document in answer["data"]]
        return openai_vectors(answer, count, VoyageClient.provider)
