"""Jina AI's wire: `Authorization: Bearer` from X-Jinaai-Api-Key, else JINAAI_APIKEY (the reranker reads the
variable first, as Weaviate's does); no base-URL header; errors are `{"detail"}`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from modules.kit import ProviderClient

DEFAULT_BASE_URL = "https://api.jina.ai"


class JinaClient(ProviderClient):
    provider = "JinaAI API"
    key_header, key_env = "X-Jinaai-Api-Key", "JINAAI_APIKEY"
    static_headers = {"x-header-vectordb-source": "Weaviate"}

    def error_message(self, response: httpx.Response, detail: str | None, settings: Mapping[str, Any]) -> str:
        return f"connection to: JinaAI API failed with status: {response.status_code} error: {detail}"


class JinaRerankClient(JinaClient):
    env_first = True
    static_headers = {"Request-Source": "unspecified:weaviate"}

    def error_message(self, response: httpx.Response, detail: str | None, settings: Mapping[str, Any]) -> str:
        return f"connection to Jinaai API failed with status {response.status_code}: {detail}"
