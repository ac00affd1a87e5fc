"""generative-deepseek: DeepSeek's OpenAI-style chat at `{baseURL}/chat/completions` (no `/v1`, as Weaviate
posts it); `Authorization: Bearer` from X-Deepseek-Api-Key, else DEEPSEEK_APIKEY; X-Deepseek-Baseurl overrides
the base URL. `top_p` (default 1) is always sent, the penalties only when non-zero; the answer is trimmed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from modules.kit import Field, ProviderClient
from modules.kit.openai_chat import OpenAICompatibleGenerative


class DeepseekClient(ProviderClient):
    provider = "DeepSeek API"
    key_header, key_env = "X-Deepseek-Api-Key", "DEEPSEEK_APIKEY"
    baseurl_header = "X-Deepseek-Baseurl"
    error_template = "DeepSeek API error (status {status}): {detail}"


class DeepseekGenerative(OpenAICompatibleGenerative):
    name = "generative-deepseek"
    option_name = "deepseek"
    client = DeepseekClient
    endpoint = "/chat/completions"
    meta_name = "Generative Search - DeepSeek"
    documentation = "https://api-docs.deepseek.com/api/create-chat-completion"
    fields = {
        "model": Field("deepseek-chat"),
        "temperature": Field(type=float),
        "maxTokens": Field(type=int),
        "frequencyPenalty": Field(type=float),
        "presencePenalty": Field(type=float),
        "topP": Field(1.0, type=float),
        "stop": Field(type=list, stored=False),
        "baseURL": Field("https://api.deepseek.com", url=True),
    }
    options = ("baseURL", "model", "temperature", "maxTokens", "frequencyPenalty", "presencePenalty", "topP", "stop")

    def parameters(self, settings: Mapping[str, Any]) -> dict[str, Any]:
        return {"max_tokens": settings.get("maxTokens"), "temperature": settings.get("temperature"),
                "top_p": settings["topP"], "frequency_penalty": settings.get("frequencyPenalty") or None,
                "presence_penalty": settings.get("presencePenalty") or None, "stop": settings.get("stop") or None}

    def answer(self, answer: Any, settings: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        text, metadata = super().answer(answer, settings)
        return text.strip(), metadata
