"""text2vec-digitalocean: OpenAI's embeddings API at DigitalOcean's serverless inference
(`POST {baseURL}/v1/embeddings`); `model` has no default and must be set. Every `data[].index` must come back
exactly once (the shared OpenAI reader checks it)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from modules.kit import BatchLimits, Field, OpenAICompatibleVectorizer, ProviderClient


class DigitalOceanClient(ProviderClient):
    provider = "DigitalOcean API"
    key_header, key_env = "X-Digitalocean-Api-Key", "DIGITALOCEAN_APIKEY"
    baseurl_header = "X-Digitalocean-Baseurl"
    static_headers = {"User-Agent": "vector-db/weaviate"}


class DigitalOceanVectorizer(OpenAICompatibleVectorizer):
    name = "text2vec-digitalocean"
    client = DigitalOceanClient
    limits = BatchLimits(texts=96, tokens=300_000)
    meta_name = "DigitalOcean Module"
    documentation = "https://docs.digitalocean.com/products/gradient-ai-platform/how-to/use-serverless-inference/"
    fields = {
        "model": Field(),
        "baseURL": Field("https://inference.do-ai.run", url=True),
        "dimensions": Field(type=int),
    }

    def check(self, settings: Mapping[str, Any]) -> None:
        if not settings.get("model"):
            raise ValueError("model is required: set the DigitalOcean embedding model's id")
