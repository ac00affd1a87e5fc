"""generative-nvidia: NVIDIA's OpenAI-style chat (`POST {baseURL}/v1/chat/completions`); no class defaults are
sent, as in Weaviate (temperature, top_p and max_tokens only when set). Keys: modules/nvidia/client.py."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from modules.kit import Field
from modules.kit.openai_chat import OpenAICompatibleGenerative
from modules.nvidia.client import NvidiaClient


class NvidiaGenerative(OpenAICompatibleGenerative):
    name = "generative-nvidia"
    option_name = "nvidia"
    client = NvidiaClient
    meta_name = "Generative Search - NVIDIA"
    documentation = "https://docs.api.nvidia.com/nim/reference/llm-apis"
    fields = {
        "model": Field("nvidia/llama-3.1-nemotron-51b-instruct"),
        "temperature": Field(type=float),
        "topP": Field(type=float),
        "maxTokens": Field(type=int),
        "baseURL": Field("https://integrate.api.nvidia.com", url=True),
    }
    options = ("baseURL", "model", "temperature", "topP", "maxTokens")

    def parameters(self, settings: Mapping[str, Any]) -> dict[str, Any]:
        return {"temperature": settings.get("temperature"), "top_p": settings.get("topP"),
                "max_tokens": settings.get("maxTokens")}
