"""text2vec-databricks: a Databricks serving endpoint, OpenAI's embeddings shape posted to `endpoint` (the
whole URL; the endpoint decides the model, so none is sent). `Authorization: Bearer` from X-Databricks-Token,
else DATABRICKS_TOKEN; X-Databricks-Endpoint replaces the endpoint for one request (and then needs the
request's own token). `baseURL` is accepted as another name for `endpoint`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from modules.kit import BatchLimits, Field, OpenAICompatibleVectorizer, ProviderClient


class DatabricksClient(ProviderClient):
    provider = "Databricks"
    key_header, key_env = "X-Databricks-Token", "DATABRICKS_TOKEN"
    setting_headers = {"endpoint": "X-Databricks-Endpoint"}
    host_headers = ("X-Databricks-Endpoint",)

    def base_url(self, settings: Mapping[str, Any]) -> str:
        return str(settings.get("endpoint") or settings.get("baseURL") or "")
    error_template = "connection to: {base} failed with status: {status} message: {detail}"


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
