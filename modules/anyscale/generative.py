"""generative-anyscale: Anyscale Endpoints' OpenAI-style chat (`POST {baseURL}/v1/chat/completions`) with
`model` and `temperature` only; `Authorization: Bearer` from X-Anyscale-Api-Key, else ANYSCALE_APIKEY;
X-Anyscale-Baseurl overrides the base URL."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from modules.kit import Field, ProviderClient
from modules.kit.openai_chat import OpenAICompatibleGenerative


class AnyscaleClient(ProviderClient):
    provider = "Anyscale"
    key_header, key_env = "X-Anyscale-Api-Key", "ANYSCALE_APIKEY"
    baseurl_header = "X-Anyscale-Baseurl"


class AnyscaleGenerative(OpenAICompatibleGenerative):
    name = "generative-anyscale"
    option_name = "anyscale"
    client = AnyscaleClient
    meta_name = "Generative Search - Anyscale"
    documentation = "https://docs.anyscale.com/endpoints/text-generation/query-a-model"
    fields = {
        "model": Field("meta-llama/Llama-2-70b-chat-hf"),
        "temperature": Field(0.0, type=float),
        "baseURL": Field("https://api.endpoints.anyscale.com", url=True),
    }
    options = ("baseURL", "model", "temperature")
    # Weaviate shows no metadata for Anyscale (no GraphQL field, an empty gRPC message).
    metadata_fields = {}

    def parameters(self, settings: Mapping[str, Any]) -> dict[str, Any]:
        return {"temperature": settings["temperature"]}
