"""generative-friendliai: FriendliAI's OpenAI-style chat (`POST {baseURL}/v1/chat/completions`);
`Authorization: Bearer` from X-Friendli-Token, else FRIENDLI_TOKEN; X-Friendli-Baseurl overrides the base URL.
`max_tokens` (2048) and `temperature` (0) are always sent; a 404 says the model name is wrong."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from modules.kit import Field, ProviderClient
from modules.kit.openai_chat import OpenAICompatibleGenerative

if TYPE_CHECKING:
    import httpx  # annotations only: httpx loads when a request is first sent (modules/http.py)


class FriendliClient(ProviderClient):
    provider = "FriendliAI"
    key_header, key_env = "X-Friendli-Token", "FRIENDLI_TOKEN"
    baseurl_header = "X-Friendli-Baseurl"

    def error_message(self, response: httpx.Response, detail: str | None, settings: Mapping[str, Any]) -> str:
        if response.status_code == 404:
            return ("Wrong model name, you can check available FriendliAI models from "
                    "https://friendli.ai/docs/guides/serverless_endpoints/text_generation")
        return super().error_message(response, detail, settings)


class FriendliGenerative(OpenAICompatibleGenerative):
    name = "generative-friendliai"
    option_name = "friendliai"
    client = FriendliClient
    meta_name = "Generative Search - FriendliAI"
    documentation = "https://friendli.ai/docs/openapi/serverless/chat-completions"
    fields = {
        "model": Field("meta-llama-3.1-70b-instruct"),
        "maxTokens": Field(2048, type=int),
        "temperature": Field(0.0, type=float),
        "n": Field(type=int, stored=False),
        "topP": Field(type=float, stored=False),
        "baseURL": Field("https://inference.friendli.ai", url=True),
    }
    options = ("baseURL", "model", "maxTokens", "temperature", "n", "topP")

    def parameters(self, settings: Mapping[str, Any]) -> dict[str, Any]:
        return {"max_tokens": settings["maxTokens"], "temperature": settings["temperature"], "n": settings.get("n"),
                "top_p": settings.get("topP")}
