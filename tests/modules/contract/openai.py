"""The fake OpenAI for the contract suite: answers parsed with the openai SDK's types."""

from __future__ import annotations

from typing import Any

import openai.types
from openai.types.shared import ErrorObject

from tests.modules.contract.case import VectorizerCase
from tests.modules.fake_upstream import Recorded


def embeddings_answer(request: Recorded, vectors: list[Any]) -> dict[str, Any]:
    data = [{"object": "embedding", "index": i, "embedding": v} for i, v in enumerate(vectors)]
    body = {"object": "list", "data": data, "model": request.body.get("model", "m"),
            "usage": {"prompt_tokens": 3, "total_tokens": 3}}
    openai.types.CreateEmbeddingResponse.model_validate(body)
    return body


def error(status: int, message: str) -> dict[str, Any]:
    body = {"error": {"message": message, "type": "server_error", "param": None, "code": None}}
    ErrorObject.model_validate(body["error"])
    return body


def reversed_data(body: dict[str, Any]) -> dict[str, Any]:
    return {**body, "data": list(reversed(body["data"]))}


def openai_compatible(module: str, key_header: str, key_env: str | None, baseurl_header: str | None,
                      **extra: Any) -> VectorizerCase:
    """A case for any provider on OpenAI's embeddings wire format (`extra` replaces any of its parts)."""
    parts: dict[str, Any] = {
        "config": lambda url: {"baseURL": url}, "texts": lambda r: r.body["input"], "answer": embeddings_answer,
        "error": error, "shuffle": reversed_data, **extra,
    }
    return VectorizerCase(module=module, key_header=key_header, key_env=key_env, baseurl_header=baseurl_header,
                          **parts)


VECTORIZER = openai_compatible(
    "text2vec-openai", "X-Openai-Api-Key", "OPENAI_APIKEY", "X-Openai-Baseurl",
    config=lambda url: {"baseURL": url, "model": "compatible-model"},
    bad_settings=[({"type": "image"}, "wrong OpenAI type name"), ({"dimensions": 0}, "dimensions must be")],
)
