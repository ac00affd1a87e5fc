"""The OpenAI chat-completions wire format, shared by the providers that speak it (OpenAI and every compatible
server, Mistral, NVIDIA, xAI, DeepSeek, FriendliAI, Anyscale).

`{"messages": [{"role": "user", "content": P | [text part, image_url parts]}], "model": M, ...}` in;
`choices[0].message.content` (or `.text`) out, `Trim("\\n")`-ed as Weaviate does, with `usage` as metadata.
A provider adds its parameters in `parameters`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from modules.base import GenerativeRequest
from modules.kit.generative import ApiGenerative


def user_content(request: GenerativeRequest, mime: str = "image/jpeg") -> Any:
    """The prompt alone, or the prompt then one image_url part per image (OpenAI's vision shape)."""
    if not request.images:
        return request.prompt
    return [{"type": "text", "text": request.prompt},
            *({"type": "image_url", "image_url": {"url": f"data:{mime};base64,{image}"}} for image in request.images)]


#: Token usage as OpenAI's chat completions report it (and Weaviate's GraphQL shows it).
USAGE: Mapping[str, Any] = {"usage": {"prompt_tokens": int, "completion_tokens": int, "total_tokens": int}}


class OpenAICompatibleGenerative(ApiGenerative):
    #: The path after the base URL.
    endpoint: ClassVar[str] = "/v1/chat/completions"
    #: Whether `model` goes in the body (Databricks and Azure name the model by the URL).
    sends_model: ClassVar[bool] = True
    metadata_fields = USAGE

    def parameters(self, settings: Mapping[str, Any]) -> dict[str, Any]:
        """The provider's sampling fields; None values are left out."""
        return {}

    def request(self, request: GenerativeRequest, settings: Mapping[str, Any]) -> tuple[str, Any]:
        body: dict[str, Any] = {"messages": [{"role": "user", "content": user_content(request)}]}
        if self.sends_model:
            body["model"] = settings["model"]
        body.update({k: v for k, v in self.parameters(settings).items() if v is not None})
        return self.endpoint, body

    def answer(self, answer: Any, settings: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        choice = answer["choices"][0]
        text = choice.get("text") or choice["message"]["content"]
        usage = answer.get("usage")
        return text.strip("\n"), ({"usage": usage} if usage else {})
