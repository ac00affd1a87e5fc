"""text2vec-mistral: OpenAI's embeddings shape, posted to `baseURL`, which is the whole embeddings URL (Weaviate's
meaning); `Authorization: Bearer` from X-Mistral-Api-Key, else MISTRAL_APIKEY; no base-URL header."""

from __future__ import annotations

from modules.kit import BatchLimits, Field, OpenAICompatibleVectorizer, ProviderClient


class MistralClient(ProviderClient):
    provider = "Mistral"
    key_header, key_env = "X-Mistral-Api-Key", "MISTRAL_APIKEY"


class MistralVectorizer(OpenAICompatibleVectorizer):
    name = "text2vec-mistral"
    client = MistralClient
    endpoint = ""
    limits = BatchLimits(texts=512, tokens=8192)
    meta_name = "Mistral Module"
    documentation = "https://docs.mistral.ai/capabilities/embeddings/"
    fields = {"model": Field("mistral-embed"), "baseURL": Field("https://api.mistral.ai/v1/embeddings", url=True)}
