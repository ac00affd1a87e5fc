"""generative-xai: xAI's OpenAI-style chat (`POST {baseURL}/v1/chat/completions`); `Authorization: Bearer` from
X-Xai-Api-Key, else XAI_APIKEY; X-Xai-Baseurl overrides the base URL. Vision models take images as image_url
parts; as in Weaviate, only the query's literal `images` go (blob properties are not forwarded)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from modules.kit import Field, ProviderClient
from modules.kit.openai_chat import OpenAICompatibleGenerative


class XaiClient(ProviderClient):
    provider = "xAI API"
    key_header, key_env = "X-Xai-Api-Key", "XAI_APIKEY"
    baseurl_header = "X-Xai-Baseurl"


class XaiGenerative(OpenAICompatibleGenerative):
    name = "generative-xai"
    option_name = "xai"
    client = XaiClient
    takes_images = True
    #: Weaviate's xAI client reads only the literal images of a query.
    literal_images_only: ClassVar[bool] = True
    meta_name = "Generative Search - xAI"
    documentation = "https://docs.x.ai/docs/api-reference#chat-completions"
    fields = {
        "model": Field("grok-2-latest"),
        "temperature": Field(type=float),
        "topP": Field(type=float),
        "maxTokens": Field(type=int),
        "baseURL": Field("https://api.x.ai", url=True),
    }
    options = ("baseURL", "model", "temperature", "topP", "maxTokens")

    def parameters(self, settings: Mapping[str, Any]) -> dict[str, Any]:
        return {"max_tokens": settings.get("maxTokens"), "temperature": settings.get("temperature"),
                "top_p": settings.get("topP")}
