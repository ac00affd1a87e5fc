"""generative-ollama: a local model through Ollama's `POST {apiEndpoint}/api/chat` with `stream: false`, no key.

Weaviate posts to `/api/generate`; `/api/chat` is used here because chat models (and vision models, whose
images ride on the message) are what Ollama serves today. `temperature` reaches `options` only when a query
gives it, as in Weaviate (the class has no temperature key). A thinking model's `message.thinking` is kept
apart from the answer, in the metadata. Ollama's cloud (https://ollama.com) takes a key (X-Ollama-Api-Key,
else OLLAMA_API_KEY) as a Bearer token; X-Ollama-Baseurl overrides the endpoint (modules/ollama/text2vec.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from modules.base import GenerativeRequest
from modules.kit import Field
from modules.kit.generative import ApiGenerative
from modules.ollama.text2vec import OllamaClient


class OllamaGenerative(ApiGenerative):
    name = "generative-ollama"
    option_name = "ollama"
    client = OllamaClient
    # A local server, as in Weaviate: ENABLE_MODULES turns it on, not the API-based switch.
    api_based = False
    takes_images = True
    meta_name = "Generative Search - Ollama"
    documentation = "https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion"
    fields = {
        "apiEndpoint": Field("http://localhost:11434", url=True),
        "model": Field("llama3"),
        "baseURL": Field(url=True),
        "temperature": Field(type=float, stored=False),
    }
    options = ("apiEndpoint", "model", "temperature")
    # Beyond Weaviate (which shows no Ollama metadata): a thinking model's thinking and Ollama's counts.
    metadata_fields = {"thinking": str, "prompt_eval_count": int, "eval_count": int, "total_duration": int}

    def request(self, request: GenerativeRequest, settings: Mapping[str, Any]) -> tuple[str, Any]:
        message: dict[str, Any] = {"role": "user", "content": request.prompt}
        if request.images:
            message["images"] = list(request.images)
        body: dict[str, Any] = {"model": settings["model"], "messages": [message], "stream": False}
        if request.options.get("temperature") is not None:
            body["options"] = {"temperature": request.options["temperature"]}
        return "/api/chat", body

    def answer(self, answer: Any, settings: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        message = answer["message"]
        metadata = {key: answer[key] for key in ("prompt_eval_count", "eval_count", "total_duration")
                    if key in answer}
        if message.get("thinking"):
            metadata["thinking"] = message["thinking"]
        return message["content"], metadata
