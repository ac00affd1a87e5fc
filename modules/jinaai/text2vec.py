"""text2vec-jinaai: `POST {baseURL}/v1/embeddings`, OpenAI's answer shape; `task` and `normalized` go only to
models whose name says v3 or clip, as Weaviate sends them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from modules.jinaai.client import DEFAULT_BASE_URL, JinaClient
from modules.kit import BatchLimits, Field, OpenAICompatibleVectorizer

TASKS = {"document": "retrieval.passage", "query": "retrieval.query"}


class JinaVectorizer(OpenAICompatibleVectorizer):
    name = "text2vec-jinaai"
    client = JinaClient
    vectorize_class_name = False
    limits = BatchLimits(texts=512, tokens=2500)
    meta_name = "JinaAI Module"
    documentation = "https://jina.ai/embeddings/"
    fields = {
        "model": Field("jina-embeddings-v4"),
        "baseURL": Field(DEFAULT_BASE_URL, url=True),
        "dimensions": Field(type=int),
    }

    def body(self, texts: list[str], settings: Mapping[str, Any], flavour: str) -> dict[str, Any]:
        body = {**super().body(texts, settings, flavour), "embedding_type": "float"}
        model = settings["model"]
        if "v3" in model or "clip" in model:
            body["task"] = TASKS[flavour]
            body["normalized"] = "clip" in model
        return body
