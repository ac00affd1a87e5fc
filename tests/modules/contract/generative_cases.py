"""The generative modules the contract suite runs against, each with a fake speaking its provider's wire format;
every success body is parsed with the provider's SDK type (openai ChatCompletion, anthropic Message, ollama
GenerateResponse, cohere V2ChatResponse, mistralai ChatCompletionResponse)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import anthropic.types
import cohere
import ollama
import openai.types.chat
from mistralai.client import models as mistral_models

from tests.modules.contract.case import bearer
from tests.modules.fake_upstream import Recorded


@dataclass
class GenerativeCase:
    module: str
    config: Callable[[str], dict[str, Any]]
    #: The prompt text a request carries.
    prompt: Callable[[Recorded], str]
    #: A success body answering with this text.
    answer: Callable[[Recorded, str], Any]
    error: Callable[[int, str], Any]
    key_header: str | None
    key_env: str | None
    baseurl_header: str | None = None
    key_optional: bool = False
    api_based: bool = True
    sent_key: Callable[[Recorded], str | None] = bearer
    #: (per-query option, value, what the body carries for it) shown overriding the collection's setting.
    option: tuple[str, Any, Callable[[Any], Any]] | None = None
    #: The base64 images a request carries; None when the provider takes none.
    images: Callable[[Recorded], list[str]] | None = None
    #: The path the request goes to (after the base URL).
    path: str = "/v1/chat/completions"
    #: The setting (and per-query option) that names the host.
    host_option: str = "baseURL"
    #: Whether the provider's answer carries metadata (token usage).
    metadata: bool = True
    #: Further headers every call sends (AWS's secret key beside the access key the tests vary).
    request_headers: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.module


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    return [part["text"] for part in content if part.get("type") == "text"][-1]


def _image_urls(request: Recorded) -> list[str]:
    content = request.body["messages"][0]["content"]
    if isinstance(content, str):
        return []
    return [part["image_url"]["url"].split("base64,", 1)[1] for part in content if part.get("type") == "image_url"]


def chat_completion(request: Recorded, text: str) -> dict[str, Any]:
    body = {
        "id": "chatcmpl-1", "object": "chat.completion", "created": 1700000000,
        "model": request.body.get("model", "served-model"),
        "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                     "message": {"role": "assistant", "content": text}}],
        "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
    }
    openai.types.chat.ChatCompletion.model_validate(body)
    return body


def mistral_completion(request: Recorded, text: str) -> dict[str, Any]:
    body = chat_completion(request, text)
    mistral_models.ChatCompletionResponse.model_validate(body)
    return body


def openai_error(status: int, message: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": None}}


def anthropic_message(request: Recorded, text: str) -> dict[str, Any]:
    body = {"id": "msg_1", "type": "message", "role": "assistant", "model": request.body["model"],
            "content": [{"type": "text", "text": text}], "stop_reason": "end_turn", "stop_sequence": None,
            "usage": {"input_tokens": 12, "output_tokens": 6}}
    anthropic.types.Message.model_validate(body)
    return body


def ollama_generate(request: Recorded, text: str) -> dict[str, Any]:
    body = {"model": request.body["model"], "created_at": "2026-12-02T00:00:00Z", "response": text,
            "thinking": "Let me think about it.", "done": True, "done_reason": "stop", "total_duration": 5000,
            "load_duration": 100, "prompt_eval_count": 9, "prompt_eval_duration": 300, "eval_count": 4,
            "eval_duration": 400}
    ollama.GenerateResponse.model_validate(body)
    return body


def cohere_chat(request: Recorded, text: str) -> dict[str, Any]:
    body = {"id": "c-1", "finish_reason": "COMPLETE",
            "message": {"role": "assistant", "content": [{"type": "text", "text": text}]},
            "usage": {"billed_units": {"input_tokens": 5, "output_tokens": 3}, "tokens": {"input_tokens": 70,
                                                                                       "output_tokens": 3}}}
    cohere.V2ChatResponse.model_validate(body)
    return body


def _openai_like(module: str, key_header: str, key_env: str, baseurl_header: str, path: str = "/v1/chat/completions",
                 images: bool = False, error: Callable[[int, str], Any] = openai_error) -> GenerativeCase:
    return GenerativeCase(
        module=module, config=lambda url: {"baseURL": url},
        prompt=lambda r: _text_of(r.body["messages"][0]["content"]), answer=chat_completion, error=error,
        key_header=key_header, key_env=key_env, baseurl_header=baseurl_header,
        option=("model", "runtime-model", lambda body: body["model"]), path=path,
        images=_image_urls if images else None,
    )


GENERATIVES = [
    _openai_like("generative-openai", "X-Openai-Api-Key", "OPENAI_APIKEY", "X-Openai-Baseurl", images=True),
    GenerativeCase(
        module="generative-ollama", config=lambda url: {"apiEndpoint": url},
        prompt=lambda r: r.body["prompt"], answer=ollama_generate,
        error=lambda status, message: {"error": message},
        key_header="X-Ollama-Api-Key", key_env="OLLAMA_API_KEY", baseurl_header="X-Ollama-Baseurl",
        key_optional=True, api_based=False, path="/api/generate", host_option="apiEndpoint",
        option=("temperature", 0.25, lambda body: body["options"]["temperature"]),
        images=lambda r: r.body.get("images", []),
    ),
    GenerativeCase(
        module="generative-cohere", config=lambda url: {"baseURL": url},
        prompt=lambda r: _text_of(r.body["messages"][0]["content"]), answer=cohere_chat,
        error=lambda status, message: {"message": message},
        key_header="X-Cohere-Api-Key", key_env="COHERE_APIKEY", baseurl_header="X-Cohere-Baseurl",
        sent_key=lambda r: r.headers.get("authorization", "").removeprefix("BEARER ") or None,
        option=("maxTokens", 77, lambda body: body["max_tokens"]), path="/v2/chat", images=_image_urls,
    ),
    GenerativeCase(
        module="generative-anthropic", config=lambda url: {"baseURL": url},
        prompt=lambda r: _text_of(r.body["messages"][0]["content"]), answer=anthropic_message,
        error=lambda status, message: {"type": "error", "error": {"type": "api_error", "message": message}},
        key_header="X-Anthropic-Api-Key", key_env="ANTHROPIC_APIKEY", baseurl_header="X-Anthropic-Baseurl",
        sent_key=lambda r: r.headers.get("x-api-key"), headers={"anthropic-version": "2023-06-01"},
        option=("topK", 5, lambda body: body["top_k"]), path="/v1/messages",
        images=lambda r: [] if isinstance(r.body["messages"][0]["content"], str) else [
            p["source"]["data"] for p in r.body["messages"][0]["content"] if p["type"] == "image"],
    ),
    GenerativeCase(
        module="generative-mistral", config=lambda url: {"baseURL": url},
        prompt=lambda r: r.body["messages"][0]["content"], answer=mistral_completion,
        error=lambda status, message: {"error": {"message": message}},
        key_header="X-Mistral-Api-Key", key_env="MISTRAL_APIKEY", baseurl_header="X-Mistral-Baseurl",
        option=("maxTokens", 99, lambda body: body["max_tokens"]),
    ),
    _openai_like("generative-nvidia", "X-Nvidia-Api-Key", "NVIDIA_APIKEY", "X-Nvidia-Baseurl"),
    _openai_like("generative-xai", "X-Xai-Api-Key", "XAI_APIKEY", "X-Xai-Baseurl", images=True),
    _openai_like("generative-deepseek", "X-Deepseek-Api-Key", "DEEPSEEK_APIKEY", "X-Deepseek-Baseurl",
                 path="/chat/completions"),
    _openai_like("generative-friendliai", "X-Friendli-Token", "FRIENDLI_TOKEN", "X-Friendli-Baseurl"),
    _openai_like("generative-anyscale", "X-Anyscale-Api-Key", "ANYSCALE_APIKEY", "X-Anyscale-Baseurl"),
]
