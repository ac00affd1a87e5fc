"""generative-ollama: a local model through Ollama's `POST {apiEndpoint}/api/generate`, as Weaviate sends it.

The body is Weaviate's `{"model", "prompt", "stream": false, "options": {"temperature"}?, "images": [...]?}` for
every model, chat, vision and thinking alike (Ollama applies the model's own template): images (base64, no data:
prefix) ride at the top level, `temperature` only when a query gives it (the class has no temperature key), and
`think` is never sent, so a thinking model thinks as Ollama's default says. The answer is `response`; a thinking
model's `thinking` is kept apart from it, in the metadata. An `error` in a 200 answer fails the call with
Weaviate's message. Ollama's cloud (https://ollama.com) takes a key (X-Ollama-Api-Key, else OLLAMA_API_KEY) as a
Bearer token; X-Ollama-Baseurl overrides the endpoint (modules/ollama/text2vec.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from modules.base import GenerativeRequest
from modules.kit import Field
from modules.kit.client import parse_json
from modules.kit.generative import ApiGenerative
from modules.ollama.text2vec import OllamaClient

if TYPE_CHECKING:
    import httpx  # annotations only: httpx loads when a request is first sent (modules/http.py)


class OllamaGenerateClient(OllamaClient):
    def error_message(self, response: httpx.Response, detail: str | None, settings: Mapping[str, Any]) -> str:
        body = parse_json(response.content)
        if isinstance(body, Mapping) and body.get("error"):  # Weaviate names Ollama's error, whatever the status
            return f"connection to Ollama API failed with error: {body['error']}"
        return super().error_message(response, detail, settings)


class OllamaGenerative(ApiGenerative):
    name = "generative-ollama"
    option_name = "ollama"
    client = OllamaGenerateClient
    # A local server, as in Weaviate: ENABLE_MODULES turns it on, not the API-based switch.
    api_based = False
    takes_images = True
    meta_name = "Generative Search - Ollama"
    documentation = "https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-completion"
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
        body: dict[str, Any] = {"model": settings["model"], "prompt": request.prompt, "stream": False}
        if request.options.get("temperature") is not None:
            body["options"] = {"temperature": request.options["temperature"]}
        if request.images:
            body["images"] = list(request.images)
        return "/api/generate", body

    def answer(self, answer: Any, settings: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        metadata = {key: answer[key] for key in ("thinking", "prompt_eval_count", "eval_count", "total_duration")
                    if answer.get(key)}
        return answer["response"], metadata
