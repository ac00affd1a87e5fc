"""text2vec-ollama: `POST {apiEndpoint}/api/embed` with `{"model", "input": [...]}`; Ollama answers L2-normalised
vectors under `embeddings`.

Weaviate sends no key: a local Ollama takes none. Beyond Weaviate, Ollama's cloud (https://ollama.com) works
with a key (X-Ollama-Api-Key, else OLLAMA_API_KEY, Ollama's own variable) as a Bearer token; `baseURL`, when
set, wins over `apiEndpoint`; X-Ollama-Baseurl (the header Weaviate's generative-ollama reads) overrides both.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from modules.kit import ApiVectorizer, BatchLimits, Field, ProviderClient


class OllamaClient(ProviderClient):
    provider = "Ollama API"
    key_header, key_env, key_optional = "X-Ollama-Api-Key", "OLLAMA_API_KEY", True
    baseurl_header = "X-Ollama-Baseurl"

    def base_url(self, settings: Mapping[str, Any]) -> str:
        return str(settings.get("baseURL") or settings["apiEndpoint"])


class OllamaVectorizer(ApiVectorizer):
    name = "text2vec-ollama"
    client = OllamaClient
    # A local server, as in Weaviate: ENABLE_MODULES turns it on, not the API-based switch.
    api_based = False
    vectorize_class_name = False
    limits = BatchLimits(texts=10)
    meta_name = "Ollama Module"
    documentation = "https://github.com/ollama/ollama/blob/main/docs/api.md#generate-embeddings"
    fields = {
        "apiEndpoint": Field("http://localhost:11434", url=True),
        "model": Field("nomic-embed-text"),
        "baseURL": Field(url=True),
    }

    def request(self, texts: list[str], settings: Mapping[str, Any], flavour: str) -> tuple[str, Any]:
        return "/api/embed", {"model": settings["model"], "input": texts}

    def vectors(self, answer: Any, count: int) -> list[Any]:
        return answer["embeddings"]
