"""The fake Mistral: OpenAI-shaped embeddings at the URL the collection names."""

from __future__ import annotations

from tests.modules.contract.openai import openai_compatible

VECTORIZER = openai_compatible(
    "text2vec-mistral", "X-Mistral-Api-Key", "MISTRAL_APIKEY", None,
    config=lambda url: {"baseURL": url + "/v1/embeddings"},
    error=lambda status, message: {"object": "error", "message": message, "type": "invalid_request", "code": None},
)
