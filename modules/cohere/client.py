"""Cohere's wire: `Authorization: Bearer` from X-Cohere-Api-Key, else COHERE_APIKEY; X-Cohere-Baseurl overrides
the collection's baseURL; errors are `{"message"}`, reported as `connection to Cohere failed with status: S error: M`.
"""

from __future__ import annotations

from modules.kit import ProviderClient

DEFAULT_BASE_URL = "https://api.cohere.ai"


class CohereClient(ProviderClient):
    provider = "Cohere"
    key_header, key_env = "X-Cohere-Api-Key", "COHERE_APIKEY"
    baseurl_header = "X-Cohere-Baseurl"
    static_headers = {"Request-Source": "unspecified:weaviate", "Accept": "application/json"}
