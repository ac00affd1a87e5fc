"""generative-cohere: Cohere's v2 chat (`POST {baseURL}/v2/chat`).

As in Weaviate: `max_tokens` is 2048 unless a query gives it (the class `maxTokens` is ignored), the
`Authorization` scheme is spelt `BEARER`, a `finish_reason` of `ERROR` fails the call, and images go as
`image_url` parts (`data:image/png`) after the text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from modules.base import GenerativeRequest, ModuleError
from modules.cohere.client import DEFAULT_BASE_URL, CohereClient
from modules.kit import Field
from modules.kit.generative import ApiGenerative

DEFAULT_MAX_TOKENS = 2048


class CohereChatClient(CohereClient):
    def auth(self, key: str, settings: Mapping[str, Any]) -> dict[str, str]:
        return {"Authorization": f"BEARER {key}"}


class CohereGenerative(ApiGenerative):
    name = "generative-cohere"
    option_name = "cohere"
    client = CohereChatClient
    takes_images = True
    meta_name = "Generative Search - Cohere"
    documentation = "https://docs.cohere.com/v2/reference/chat"
    fields = {
        "model": Field("command-a-03-2025"),
        "temperature": Field(0.0, type=float),
        "maxTokens": Field(DEFAULT_MAX_TOKENS, type=int),
        "k": Field(0, type=float),
        "p": Field(type=float, stored=False),
        "stopSequences": Field([], type=list),
        "frequencyPenalty": Field(type=float, stored=False),
        "presencePenalty": Field(type=float, stored=False),
        "baseURL": Field(DEFAULT_BASE_URL, url=True),
    }
    options = ("baseURL", "model", "temperature", "maxTokens", "k", "p", "stopSequences", "frequencyPenalty",
               "presencePenalty")
    # Weaviate puts the answer's `usage` under `meta`.
    metadata_fields = {"meta": {
        "api_version": {"version": str, "is_deprecated": bool, "is_experimental": bool},
        "billed_units": {"input_tokens": float, "output_tokens": float, "search_units": float,
                         "classifications": float},
        "tokens": {"input_tokens": float, "output_tokens": float},
        "warnings": [str],
    }}

    def request(self, request: GenerativeRequest, settings: Mapping[str, Any]) -> tuple[str, Any]:
        content: list[dict[str, Any]] = [{"type": "text", "text": request.prompt}]
        content += [{"type": "image_url", "image_url": {"url": f"data:image/png;base64,{image}"}}
                    for image in request.images]
        body: dict[str, Any] = {
            "model": settings["model"], "messages": [{"role": "user", "content": content}],
            "max_tokens": request.options.get("maxTokens") or DEFAULT_MAX_TOKENS,
            "temperature": settings["temperature"], "k": int(settings["k"]),
        }
        optional = {"stop_sequences": settings.get("stopSequences") or None, "p": settings.get("p"),
                    "frequency_penalty": settings.get("frequencyPenalty"),
                    "presence_penalty": settings.get("presencePenalty")}
        body.update({k: v for k, v in optional.items() if v is not None})
        return "/v2/chat", body

    def answer(self, answer: Any, settings: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        if answer.get("finish_reason") == "ERROR":
            raise ModuleError(f"connection to Cohere failed: finish_reason ERROR ({answer.get('message')})", 500)
        text = "".join(part.get("text", "") for part in answer["message"]["content"] if part.get("type") == "text")
        usage = answer.get("usage")
        return text, ({"meta": usage} if usage else {})
