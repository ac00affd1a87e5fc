"""Jina AI's wire: `Authorization: Bearer` from X-Jinaai-Api-Key, else JINAAI_APIKEY (the reranker reads the
variable first, as Weaviate's does); no base-URL header; errors are `{"detail"}`."""

from __future__ import annotations

from modules.kit import ProviderClient

DEFAULT_BASE_URL = "https://api.jina.ai"


class JinaClient(ProviderClient):
    provider = "JinaAI API"
    key_header, key_env = "X-Jinaai-Api-Key", "JINAAI_APIKEY"
    static_headers = {"x-header-vectordb-source": "Weaviate"}
    error_template = "connection to: JinaAI API failed with status: {status} error: {detail}"


class JinaRerankClient(JinaClient):
    env_first = True
    static_headers = {"Request-Source": "unspecified:weaviate"}
    error_template = "connection to Jinaai API failed with status {status}: {detail}"
