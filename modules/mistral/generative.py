"""generative-mistral: Mistral's chat completions (`POST {baseURL}/v1/chat/completions`); `Authorization: Bearer`
from X-Mistral-Api-Key, else MISTRAL_APIKEY; X-Mistral-Baseurl overrides the base URL (the embeddings module has
no such header). `temperature` 0 and `max_tokens` 2048 unless set, as in Weaviate."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from modules.kit import Field
from modules.kit.openai_chat import OpenAICompatibleGenerative
from modules.mistral.text2vec import MistralClient


class MistralChatClient(MistralClient):
    baseurl_header = "X-Mistral-Baseurl"


class MistralGenerative(OpenAICompatibleGenerative):
    name = "generative-mistral"
    option_name = "mistral"
    client = MistralChatClient
    meta_name = "Generative Search - Mistral"
    documentation = "https://docs.mistral.ai/api/#tag/chat"
    fields = {
        "model": Field("open-mistral-7b"),
        "temperature": Field(0.0, type=float),
        "topP": Field(type=float, stored=False),
        "maxTokens": Field(2048, type=int),
        "baseURL": Field("https://api.mistral.ai", url=True),
    }
    options = ("baseURL", "model", "temperature", "topP", "maxTokens")

    def parameters(self, settings: Mapping[str, Any]) -> dict[str, Any]:
        return {"temperature": settings["temperature"], "top_p": settings.get("topP"),
                "max_tokens": settings["maxTokens"]}
