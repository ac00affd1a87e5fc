"""text2vec-nvidia: `POST {baseURL}/v1/embeddings`, OpenAI's shape plus `input_type` (passage | query) and
`truncate`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from modules.kit import BatchLimits, Field, OpenAICompatibleVectorizer
from modules.nvidia.client import NvidiaClient

INPUT_TYPES = {"document": "passage", "query": "query"}


class NvidiaVectorizer(OpenAICompatibleVectorizer):
    name = "text2vec-nvidia"
    client = NvidiaClient
    vectorize_class_name = False
    limits = BatchLimits(texts=10)
    meta_name = "NVIDIA Module"
    documentation = "https://docs.api.nvidia.com/nim/reference/retrieval-apis"
    fields = {
        "model": Field("nvidia/nv-embed-v1"),
        "baseURL": Field("https://integrate.api.nvidia.com", url=True),
        "truncate": Field("NONE", choices=("NONE", "START", "END"),
                          choices_message="wrong truncate type, available types are: {choices}"),
    }

    def body(self, texts: list[str], settings: Mapping[str, Any], flavour: str) -> dict[str, Any]:
        return {"input": texts, "model": settings["model"], "encoding_format": "float",
                "input_type": INPUT_TYPES[flavour], "truncate": settings["truncate"]}
