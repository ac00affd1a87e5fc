"""generative-contextualai: Contextual AI's grounded generation, `POST {baseURL}/v1/generate` (X-ContextualAI-Baseurl
overrides the base URL, as in Weaviate).

The body is `{"model", "messages": [{"role": "user", "content": P}], "knowledge": [...], "temperature", "top_p",
"max_new_tokens", "avoid_commentary", "system_prompt"?}` with Weaviate's defaults (v2, 0, 0.9, 1024, false).
`knowledge` is every non-empty text value of the result(s) the prompt was built from, unless the query or the
collection gives its own list. The answer is `response`; Contextual AI returns no usage.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from modules.base import GenerativeRequest
from modules.contextualai.client import ContextualAIClient
from modules.kit import Field
from modules.kit.generative import ApiGenerative


class ContextualAIGenerativeClient(ContextualAIClient):
    baseurl_header = "X-ContextualAI-Baseurl"


class ContextualAIGenerative(ApiGenerative):
    name = "generative-contextualai"
    option_name = "contextualai"
    client = ContextualAIGenerativeClient
    meta_name = "Generative Search - Contextual AI"
    documentation = "https://docs.contextual.ai/api-reference/generate/generate"
    fields = {
        "model": Field("v2", stored=False),
        "temperature": Field(0.0, type=float, stored=False),
        "topP": Field(0.9, type=float, stored=False),
        "maxNewTokens": Field(1024, type=int, stored=False),
        "systemPrompt": Field(stored=False),
        "avoidCommentary": Field(False, type=bool, stored=False),
        "knowledge": Field(type=list, stored=False),
        "baseURL": Field("https://api.contextual.ai", url=True, stored=False),
    }
    options = ("model", "temperature", "topP", "maxNewTokens", "systemPrompt", "avoidCommentary", "knowledge",
               "baseURL")

    def request(self, request: GenerativeRequest, settings: Mapping[str, Any]) -> tuple[str, Any]:
        body: dict[str, Any] = {
            "model": settings["model"], "messages": [{"role": "user", "content": request.prompt}],
            "knowledge": list(settings.get("knowledge") or request.texts),
            "avoid_commentary": settings["avoidCommentary"], "temperature": settings["temperature"],
            "top_p": settings["topP"], "max_new_tokens": settings["maxNewTokens"],
        }
        if settings.get("systemPrompt"):
            body["system_prompt"] = settings["systemPrompt"]
        return "/v1/generate", body

    def answer(self, answer: Any, settings: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        return answer["response"], {}
