"""text2vec-morph: OpenAI's embeddings API at Morph. As in Weaviate it goes through the OpenAI client: the key
header is X-Openai-Api-Key and X-Openai-Baseurl overrides the base URL, but the variable is MORPH_APIKEY;
`dimensions` is never sent."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from modules.kit import BatchLimits, Field, OpenAICompatibleVectorizer, ProviderClient


class MorphClient(ProviderClient):
    provider = "Morph API"
    key_header, key_env = "X-Openai-Api-Key", "MORPH_APIKEY"
    baseurl_header = "X-Openai-Baseurl"


class MorphVectorizer(OpenAICompatibleVectorizer):
    name = "text2vec-morph"
    client = MorphClient
    vectorize_class_name = False
    limits = BatchLimits(texts=5000, tokens=300_000)
    meta_name = "Morph Module"
    documentation = "https://docs.morphllm.com/api-reference/endpoint/embeddings"
    fields = {
        "model": Field("morph-embedding-v3"),
        "baseURL": Field("https://api.morphllm.com", url=True),
        "endpoint": Field("/v1/embeddings", stored=False),
    }

    def request(self, texts: list[str], settings: Mapping[str, Any], flavour: str) -> tuple[str, Any]:
        return "/" + settings["endpoint"].lstrip("/"), {"input": texts, "model": settings["model"]}
