"""text2vec-huggingface: the feature-extraction pipeline of Hugging Face's inference router
(`{baseURL}/hf-inference/models/{model}/pipeline/feature-extraction`), or `endpointURL` (also spelt
`endpointUrl`) posted verbatim, for Inference Endpoints and Text Embeddings Inference (`http://tei:8080/embed`).

Body `{"inputs": [...], "options": {...}}` with the options that are on; the key (X-Huggingface-Api-Key, else
HUGGINGFACE_APIKEY) is optional, as a self-hosted TEI takes none. The answer is one vector per input, or
`{"embeddings": [...]}`, or per-token vectors, which are mean-pooled. As in Weaviate, queries use the passage
model: `queryModel` is accepted but not used.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from modules.kit import ApiVectorizer, BatchLimits, Field, ProviderClient

if TYPE_CHECKING:
    import httpx  # annotations only: httpx loads when a request is first sent (modules/http.py)

OPTIONS = {"waitForModel": "wait_for_model", "useGPU": "use_gpu", "useCache": "use_cache"}


def endpoint_url(settings: Mapping[str, Any]) -> str:
    return str(settings.get("endpointURL") or settings.get("endpointUrl") or "")


class HuggingFaceClient(ProviderClient):
    provider = "HuggingFace"
    key_header, key_env, key_optional = "X-Huggingface-Api-Key", "HUGGINGFACE_APIKEY", True

    def base_url(self, settings: Mapping[str, Any]) -> str:
        return endpoint_url(settings) or str(settings["baseURL"])

    def error_detail(self, body: Any) -> str | None:
        detail = super().error_detail(body)
        if isinstance(body, Mapping) and body.get("estimated_time") is not None:
            return f"{detail} estimated time: {body['estimated_time']}"
        return detail

    def error_message(self, response: httpx.Response, detail: str | None, settings: Mapping[str, Any]) -> str:
        prefix = "connection to HuggingFace " if response.status_code == 500 else ""
        return f"{prefix}failed with status: {response.status_code} error: {detail}"


class HuggingFaceVectorizer(ApiVectorizer):
    name = "text2vec-huggingface"
    client = HuggingFaceClient
    limits = BatchLimits(texts=100)
    meta_name = "Hugging Face Module"
    documentation = "https://huggingface.co/docs/api-inference/detailed_parameters#feature-extraction-task"
    fields = {
        "model": Field("sentence-transformers/msmarco-bert-base-dot-v5"),
        "passageModel": Field(stored=False),
        "queryModel": Field(stored=False),
        "endpointURL": Field(url=True),
        "endpointUrl": Field(url=True, stored=False),
        "baseURL": Field("https://router.huggingface.co", url=True, stored=False),
        "options": Field(type=dict, stored=False),
    }

    def request(self, texts: list[str], settings: Mapping[str, Any], flavour: str) -> tuple[str, Any]:
        given = {"useCache": True, **(settings.get("options") or {})}
        options = {wire: True for key, wire in OPTIONS.items() if given.get(key)}
        body = {"inputs": texts, "options": options}
        if endpoint_url(settings):
            return "", body
        model = settings.get("passageModel") or settings["model"]
        return f"/hf-inference/models/{model}/pipeline/feature-extraction", body

    def vectors(self, answer: Any, count: int) -> list[Any]:
        rows = answer["embeddings"] if isinstance(answer, Mapping) else answer
        # token-level output (one vector per token) is mean-pooled into one, as the pipeline would
        return [np.mean(row, axis=0).tolist() if row and isinstance(row[0], list) else row for row in rows]
