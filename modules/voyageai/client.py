"""Voyage AI's wire: `Authorization: Bearer` from X-Voyageai-Api-Key, else VOYAGEAI_APIKEY (the reranker reads
the variable first, as Weaviate's does); X-Voyageai-Baseurl overrides baseURL, which ends in /v1; errors are
`{"detail"}` (embed) or `{"message"}` (rerank)."""

from __future__ import annotations

from modules.kit import ProviderClient

DEFAULT_BASE_URL = "https://api.voyageai.com/v1"


class VoyageClient(ProviderClient):
    provider = "VoyageAI"
    key_header, key_env = "X-Voyageai-Api-Key", "VOYAGEAI_APIKEY"
    baseurl_header: str | None = "X-Voyageai-Baseurl"


class VoyageRerankClient(VoyageClient):
    env_first = True
    baseurl_header = None
    static_headers = {"Request-Source": "unspecified:weaviate"}
