"""generative-openai: OpenAI's chat completions (`POST {baseURL}/v1/chat/completions`), Azure OpenAI
(`.../openai/deployments/{deploymentId}/chat/completions?api-version=`, no `model` in the body), and every
OpenAI-compatible server through `baseURL` (which excludes `/v1`). Keys, headers and hosts:
modules/openai/client.py.

The body always carries the penalties and `top_p`; `maxTokens` has no default and goes out as
`max_completion_tokens` (`max_tokens` for gpt-4o models), as in Weaviate. Not ported: the legacy
`text-davinci` completions route and the tiktoken-computed token cap Weaviate applies to known models on
third-party servers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from modules.base import GenerativeRequest
from modules.kit import Field
from modules.kit.openai_chat import OpenAICompatibleGenerative
from modules.openai.client import DEFAULT_BASE_URL, OpenAIClient, is_azure

API_VERSIONS = (
    "2022-12-01", "2023-03-15-preview", "2023-05-15", "2023-06-01-preview", "2023-07-01-preview",
    "2023-08-01-preview", "2023-09-01-preview", "2023-12-01-preview", "2024-02-15-preview",
    "2024-03-01-preview", "2024-02-01", "2024-06-01",
)


class OpenAIGenerative(OpenAICompatibleGenerative):
    name = "generative-openai"
    option_name = "openai"
    client = OpenAIClient
    takes_images = True
    meta_name = "Generative Search - OpenAI"
    documentation = "https://platform.openai.com/docs/api-reference/chat"
    fields = {
        "model": Field("gpt-5-mini"),
        "maxTokens": Field(type=int),
        "temperature": Field(type=float),
        "topP": Field(1.0, type=float),
        "frequencyPenalty": Field(0.0, type=float),
        "presencePenalty": Field(0.0, type=float),
        "n": Field(type=int, stored=False),
        "stop": Field(type=list, stored=False),
        "reasoningEffort": Field(choices=("minimal", "low", "medium", "high"), stored=False),
        "verbosity": Field(choices=("low", "medium", "high"), stored=False),
        "baseURL": Field(DEFAULT_BASE_URL, url=True),
        "isAzure": Field(type=bool),
        "resourceName": Field(),
        "deploymentId": Field(),
        "apiVersion": Field("2024-06-01", choices=API_VERSIONS,
                            choices_message="wrong Azure OpenAI apiVersion setting, available api versions are: "
                                            "{choices}"),
    }
    options = ("baseURL", "apiVersion", "resourceName", "deploymentId", "isAzure", "model", "frequencyPenalty",
               "maxTokens", "n", "presencePenalty", "stop", "temperature", "topP", "reasoningEffort", "verbosity")

    def check(self, settings: Mapping[str, Any]) -> None:
        for key in ("temperature", "frequencyPenalty", "presencePenalty"):
            value = settings.get(key)
            if value is not None and not 0 <= value <= 1:
                raise ValueError(f"Wrong {key} configuration, values are between 0.0 and 1.0")
        top_p = settings.get("topP")
        if top_p is not None and not 0 <= top_p <= 5:
            raise ValueError("Wrong topP configuration, values are should have a minimal value of 0 and max of 5")

    def request(self, request: GenerativeRequest, settings: Mapping[str, Any]) -> tuple[str, Any]:
        path, body = super().request(request, settings)
        if is_azure(settings):
            body.pop("model", None)
        return path, body

    def parameters(self, settings: Mapping[str, Any]) -> dict[str, Any]:
        max_key = "max_tokens" if str(settings["model"]).startswith("gpt-4o") else "max_completion_tokens"
        return {
            "frequency_penalty": settings["frequencyPenalty"], "presence_penalty": settings["presencePenalty"],
            "top_p": settings["topP"], max_key: settings.get("maxTokens"), "temperature": settings.get("temperature"),
            "n": settings.get("n"), "stop": settings.get("stop") or None,
            "reasoning_effort": settings.get("reasoningEffort"), "verbosity": settings.get("verbosity"),
        }
