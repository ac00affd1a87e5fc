"""The fake Ollama: `/api/embed`, answers parsed with the ollama SDK's EmbedResponse."""

from __future__ import annotations

from typing import Any

import ollama

from tests.modules.contract.case import VectorizerCase
from tests.modules.fake_upstream import Recorded


def embed_answer(request: Recorded, vectors: list[Any]) -> dict[str, Any]:
    body = {"model": request.body["model"], "embeddings": vectors, "total_duration": 1200, "load_duration": 10,
            "prompt_eval_count": 3}
    ollama.EmbedResponse.model_validate(body)
    return body


VECTORIZER = VectorizerCase(
    module="text2vec-ollama",
    config=lambda url: {"apiEndpoint": url},
    texts=lambda r: r.body["input"],
    answer=embed_answer,
    error=lambda status, message: {"error": message},
    key_header="X-Ollama-Api-Key",
    key_env="OLLAMA_API_KEY",
    baseurl_header="X-Ollama-Baseurl",
    key_optional=True,
    api_based=False,
    bad_settings=[({"apiEndpoint": "localhost:11434"}, "apiEndpoint 'localhost:11434' is not an http(s) URL")],
)
