"""Contextual AI's wire, shared by reranker-contextualai and generative-contextualai: `Authorization: Bearer`
from X-ContextualAI-Api-Key, else CONTEXTUALAI_APIKEY; errors are `{"message"}` or `{"detail"}`, worded
`connection to Contextual AI API failed with status S: M` as Weaviate words them."""

from __future__ import annotations

from modules.kit import ProviderClient


class ContextualAIClient(ProviderClient):
    provider = "Contextual AI API"
    key_header, key_env = "X-ContextualAI-Api-Key", "CONTEXTUALAI_APIKEY"
    error_template = "connection to {provider} failed with status {status}: {detail}"
    error_detail_part = ": {detail}"
