"""text2vec-weaviate: Weaviate Embeddings (`POST {baseURL}/v1/embeddings/embed`), authenticated with a Weaviate
Cloud key and the required `X-Weaviate-Cluster-Url`; there is no environment variable. Queries carry
`is_search_query: true`.

One deviation: Weaviate forwards the caller's own `Authorization` header. Here that header authenticates to
this server and never leaves it; the Weaviate Cloud key comes in `X-Weaviate-Api-Key` (the header Weaviate's
Python client sends alongside the cluster URL) and goes out as `Authorization: Bearer`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from modules.base import ModuleContext, ModuleError
from modules.kit import ApiVectorizer, BatchLimits, Field, ProviderClient

if TYPE_CHECKING:
    import httpx  # annotations only: httpx loads when a request is first sent (modules/http.py)

CLUSTER_HEADER = "X-Weaviate-Cluster-Url"


class WeaviateEmbeddingsClient(ProviderClient):
    provider = "Weaviate embed API"
    key_header, key_env = "X-Weaviate-Api-Key", None

    def extra_headers(self, ctx: ModuleContext, settings: Mapping[str, Any]) -> dict[str, str]:
        cluster = ctx.header(CLUSTER_HEADER)
        if not cluster:
            raise ModuleError(f"no cluster URL found in request header: {CLUSTER_HEADER}", 401)
        return {CLUSTER_HEADER: cluster}

    def error_message(self, response: httpx.Response, detail: str | None, settings: Mapping[str, Any]) -> str:
        return f"Weaviate embed API error: {response.status_code} {detail or response.text[:200]}"


class WeaviateVectorizer(ApiVectorizer):
    name = "text2vec-weaviate"
    client = WeaviateEmbeddingsClient
    limits = BatchLimits(texts=200)
    meta_name = "Weaviate Embeddings Module"
    documentation = "https://weaviate.io/developers/wcs/embeddings"
    fields = {
        "model": Field("Snowflake/snowflake-arctic-embed-l-v2.0"),
        "baseURL": Field("https://api.embedding.weaviate.io", url=True),
        "dimensions": Field(type=int),
    }

    def request(self, texts: list[str], settings: Mapping[str, Any], flavour: str) -> tuple[str, Any]:
        body: dict[str, Any] = {"input": texts, "model": settings["model"]}
        if flavour == "query":
            body["is_search_query"] = True
        if settings.get("dimensions"):
            body["dimensions"] = settings["dimensions"]
        return "/v1/embeddings/embed", body

    def vectors(self, answer: Any, count: int) -> list[Any]:
        return answer["embeddings"]
