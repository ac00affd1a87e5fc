"""text2vec-databricks: a Databricks serving endpoint, OpenAI's embeddings shape posted to `endpoint` (the
whole URL; the endpoint decides the model, so none is sent). Keys and headers: modules/databricks/client.py.
`baseURL` is accepted as another name for `endpoint`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from modules.databricks.client import DatabricksClient
from modules.kit import BatchLimits, Field, OpenAICompatibleVectorizer


class DatabricksVectorizer(OpenAICompatibleVectorizer):
    name = "text2vec-databricks"
    client = DatabricksClient
    endpoint = ""
    limits = BatchLimits(texts=2000)
    meta_name = "Databricks Module"
    documentation = "https://docs.databricks.com/en/machine-learning/foundation-models/api-reference.html"
    fields = {"endpoint": Field(url=True), "baseURL": Field(url=True), "instruction": Field()}

    def check(self, settings: Mapping[str, Any]) -> None:
        if not (settings.get("endpoint") or settings.get("baseURL")):
            raise ValueError("endpoint cannot be empty")

    def body(self, texts: list[str], settings: Mapping[str, Any], flavour: str) -> dict[str, Any]:
        body: dict[str, Any] = {"input": texts}
        if settings.get("instruction"):
            body["instruction"] = settings["instruction"]
        return body
