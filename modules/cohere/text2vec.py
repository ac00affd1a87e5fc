"""text2vec-cohere: Cohere's v2 embed API (`POST {baseURL}/v2/embed`), 96 texts per request."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from modules.cohere.client import DEFAULT_BASE_URL, CohereClient
from modules.kit import ApiVectorizer, BatchLimits, Field

TRUNCATE = ("NONE", "START", "END", "LEFT", "RIGHT")
INPUT_TYPES = {"document": "search_document", "query": "search_query"}


class CohereVectorizer(ApiVectorizer):
    name = "text2vec-cohere"
    client = CohereClient
    limits = BatchLimits(texts=96)
    meta_name = "Cohere Module"
    documentation = "https://docs.cohere.com/v2/reference/embed"
    fields = {
        "model": Field("embed-multilingual-v3.0"),
        "baseURL": Field(DEFAULT_BASE_URL, url=True),
        "truncate": Field("END", choices=TRUNCATE,
                          choices_message="wrong truncate type, available types are: {choices}"),
        "dimensions": Field(type=int),
    }

    def request(self, texts: list[str], settings: Mapping[str, Any], flavour: str) -> tuple[str, Any]:
        body = {
            "texts": texts, "model": settings["model"], "input_type": INPUT_TYPES[flavour],
            "embedding_types": ["float"], "truncate": settings["truncate"],
        }
        if settings.get("dimensions"):
            body["output_dimension"] = settings["dimensions"]
        return "/v2/embed", body

    def vectors(self, answer: Any, count: int) -> list[Any]:
        return answer["embeddings"]["float"]
