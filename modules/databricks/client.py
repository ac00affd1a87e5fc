"""Databricks' wire, shared by text2vec-databricks and generative-databricks: a serving endpoint's whole URL
(`endpoint`; the endpoint decides the model), `Authorization: Bearer` from X-Databricks-Token, else
DATABRICKS_TOKEN. X-Databricks-Endpoint replaces the endpoint for one request (and then needs the request's own
token); X-Databricks-User-Agent is sent as the User-Agent, as Weaviate forwards it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from modules.base import ModuleContext
from modules.kit import ProviderClient


class DatabricksClient(ProviderClient):
    provider = "Databricks"
    key_header, key_env = "X-Databricks-Token", "DATABRICKS_TOKEN"
    setting_headers = {"endpoint": "X-Databricks-Endpoint"}
    host_headers = ("X-Databricks-Endpoint",)
    error_template = "connection to: {base} failed with status: {status} message: {detail}"

    def base_url(self, settings: Mapping[str, Any]) -> str:
        return str(settings.get("endpoint") or settings.get("baseURL") or "")

    def extra_headers(self, ctx: ModuleContext, settings: Mapping[str, Any]) -> dict[str, str]:
        agent = ctx.header("X-Databricks-User-Agent")
        return {"User-Agent": agent} if agent else {}
