"""The OpenAI embeddings wire format, shared by the many providers that speak it.

`{"input": [...], "model": M}` in; `{"data": [{"index", "embedding"}]}` out, placed by `index`, a per-item
`error` failing the request. A provider on it is a name, its client (key header, env var, base URL) and its
settings; `body` adds the provider's extra fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from modules.base import ModuleError
from modules.kit.vectorizer import ApiVectorizer


def openai_vectors(answer: Any, count: int, provider: str) -> list[Any]:
    data = answer.get("data") if isinstance(answer, Mapping) else None
    if not isinstance(data, list):
        raise ModuleError(f"malformed response from {provider}: no 'data' list of embeddings", 500)
    if len(data) != count:
        raise ModuleError(f"{provider} returned {len(data)} embeddings for {count} inputs", 500)
    by_index: dict[int, Any] = {}
    for position, item in enumerate(data):
        if not isinstance(item, Mapping):
            raise ModuleError(f"malformed response from {provider}: data[{position}] is not an object", 500)
        if item.get("error"):
            detail = item["error"].get("message") if isinstance(item["error"], Mapping) else item["error"]
            raise ModuleError(f"{provider} could not embed input {item.get('index', position)}: {detail}", 500)
        index = item.get("index", position)
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < count or index in by_index:
            raise ModuleError(f"malformed response from {provider}: data[{position}] has index {index!r}", 500)
        embedding = item.get("embedding")
        if not isinstance(embedding, list) or not embedding:
            raise ModuleError(f"malformed response from {provider}: data[{position}] has no embedding list", 500)
        by_index[index] = embedding
    return [by_index[i] for i in range(count)]


class OpenAICompatibleVectorizer(ApiVectorizer):
    #: The path after the base URL.
    endpoint = "/v1/embeddings"

    def body(self, texts: list[str], settings: Mapping[str, Any], flavour: str) -> dict[str, Any]:
        body: dict[str, Any] = {"input": texts, "model": settings["model"]}
        if settings.get("dimensions"):
            body["dimensions"] = settings["dimensions"]
        return body

    def request(self, texts: list[str], settings: Mapping[str, Any], flavour: str) -> tuple[str, Any]:
        return self.endpoint, self.body(texts, settings, flavour)

    def vectors(self, answer: Any, count: int) -> list[Any]:
        return openai_vectors(answer, count, self._client.provider)
