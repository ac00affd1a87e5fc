"""generative-anthropic: Anthropic's messages API (`POST {baseURL}/v1/messages`).

`x-api-key` from X-Anthropic-Api-Key, else ANTHROPIC_APIKEY, with `anthropic-version: 2023-06-01`;
X-Anthropic-Baseurl overrides the base URL. `max_tokens` is always sent: the setting, else Weaviate's
per-model table. Each image goes as `Image N:` text then a base64 image block, the prompt last. Errors read
`Anthropic API error: <type> - <message>`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from modules.base import GenerativeRequest
from modules.kit import Field, ProviderClient
from modules.kit.client import parse_json
from modules.kit.generative import ApiGenerative

if TYPE_CHECKING:
    import httpx  # annotations only: httpx loads when a request is first sent (modules/http.py)

DEFAULT_MAX_TOKENS = 4096


def max_tokens(model: str) -> int:
    if model.startswith("claude-3-5-") and model.endswith("-20241022"):
        return 8192
    return DEFAULT_MAX_TOKENS


def claude_content(request: GenerativeRequest) -> list[dict[str, Any]]:
    """Claude's message content (also Bedrock's Claude 3+): `Image N:` and a base64 block per image, the prompt
    last."""
    content: list[dict[str, Any]] = []
    for number, image in enumerate(request.images, 1):
        content += [{"type": "text", "text": f"Image {number}:"},
                    {"type": "image", "source": {"type": "base64", "media_type": "image/jpeg", "data": image}}]
    return [*content, {"type": "text", "text": request.prompt}]


class AnthropicClient(ProviderClient):
    provider = "Anthropic API"
    key_header, key_env = "X-Anthropic-Api-Key", "ANTHROPIC_APIKEY"
    baseurl_header = "X-Anthropic-Baseurl"
    static_headers = {"anthropic-version": "2023-06-01", "Request-Source": "unspecified:weaviate"}

    def auth(self, key: str, settings: Mapping[str, Any]) -> dict[str, str]:
        return {"x-api-key": key}

    def error_message(self, response: httpx.Response, detail: str | None, settings: Mapping[str, Any]) -> str:
        body = parse_json(response.content)
        error = body.get("error") if isinstance(body, Mapping) else None
        if isinstance(error, Mapping):
            return f"Anthropic API error: {error.get('type')} - {error.get('message')}"
        return super().error_message(response, detail, settings)


class AnthropicGenerative(ApiGenerative):
    name = "generative-anthropic"
    option_name = "anthropic"
    client = AnthropicClient
    takes_images = True
    meta_name = "Generative Search - Anthropic"
    documentation = "https://docs.anthropic.com/en/api/messages"
    fields = {
        "model": Field("claude-haiku-4-5"),
        "maxTokens": Field(type=int),
        "temperature": Field(type=float),
        "topK": Field(type=int),
        "topP": Field(type=float),
        "stopSequences": Field(type=list),
        "baseURL": Field("https://api.anthropic.com", url=True),
    }
    options = ("baseURL", "model", "temperature", "maxTokens", "stopSequences", "topP", "topK")
    # Weaviate's GraphQL fields; it fills only usage, the answer's other fields are filled here too.
    metadata_fields = {
        "id": str, "type": str, "role": str, "model": str, "stopReason": str, "stopSequence": str,
        "content": [{"type": str, "text": str}], "error": {"type": str, "message": str},
        "usage": {"inputTokens": int, "outputTokens": int},
    }

    def request(self, request: GenerativeRequest, settings: Mapping[str, Any]) -> tuple[str, Any]:
        content = claude_content(request) if request.images else request.prompt
        body: dict[str, Any] = {
            "messages": [{"role": "user", "content": content}], "model": settings["model"],
            "max_tokens": settings.get("maxTokens") or max_tokens(str(settings["model"])),
        }
        optional = {"stop_sequences": settings.get("stopSequences") or None, "temperature": settings.get("temperature"),
                    "top_k": settings.get("topK"), "top_p": settings.get("topP")}
        body.update({k: v for k, v in optional.items() if v is not None})
        return "/v1/messages", body

    def answer(self, answer: Any, settings: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        usage = answer.get("usage") or {}
        metadata = {
            "id": answer.get("id"), "type": answer.get("type"), "role": answer.get("role"),
            "model": answer.get("model"),
            "stopReason": answer.get("stop_reason"), "stopSequence": answer.get("stop_sequence"),
            "content": [{"type": part.get("type"), "text": part.get("text")} for part in answer["content"]],
            "usage": {"inputTokens": usage.get("input_tokens"), "outputTokens": usage.get("output_tokens")},
        }
        return answer["content"][0]["text"], metadata
