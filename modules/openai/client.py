"""OpenAI's and Azure OpenAI's wire: keys, auth headers, hosts, and how their errors read.

OpenAI: `Authorization: Bearer` from X-Openai-Api-Key, else OPENAI_APIKEY; X-Openai-Organization, else
OPENAI_ORGANIZATION; X-Openai-Baseurl overrides the base URL. Azure (isAzure, or both resourceName and
deploymentId): `api-key:` from X-Azure-Api-Key, else AZURE_APIKEY; the host is
`https://{resourceName}.openai.azure.com` unless baseURL names another; X-Azure-Resource-Name and
X-Azure-Deployment-Id override those settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from modules.base import ModuleContext
from modules.kit import ProviderClient

if TYPE_CHECKING:
    import httpx  # annotations only: httpx loads when a request is first sent (modules/http.py)

DEFAULT_BASE_URL = "https://api.openai.com"


def is_azure(settings: Mapping[str, Any]) -> bool:
    return bool(settings.get("isAzure")) or bool(settings.get("resourceName") and settings.get("deploymentId"))


class OpenAIClient(ProviderClient):
    provider = "OpenAI API"
    key_header, key_env = "X-Openai-Api-Key", "OPENAI_APIKEY"
    baseurl_header = "X-Openai-Baseurl"
    setting_headers = {"resourceName": "X-Azure-Resource-Name", "deploymentId": "X-Azure-Deployment-Id"}
    host_headers = ("X-Azure-Resource-Name",)

    def name(self, settings: Mapping[str, Any]) -> str:
        return "Azure OpenAI API" if is_azure(settings) else self.provider

    def key_names(self, settings: Mapping[str, Any]) -> tuple[str | None, str | None]:
        return ("X-Azure-Api-Key", "AZURE_APIKEY") if is_azure(settings) else (self.key_header, self.key_env)

    def auth(self, key: str, settings: Mapping[str, Any]) -> dict[str, str]:
        return {"api-key": key} if is_azure(settings) else {"Authorization": f"Bearer {key}"}

    def extra_headers(self, ctx: ModuleContext, settings: Mapping[str, Any]) -> dict[str, str]:
        # An organization id names the account but grants nothing, so the environment's may go anywhere.
        organization = ctx.secret("X-Openai-Organization", "OPENAI_ORGANIZATION")
        return {"OpenAI-Organization": organization} if organization else {}

    def base_url(self, settings: Mapping[str, Any]) -> str:
        base = str(settings.get("baseURL") or DEFAULT_BASE_URL)
        if is_azure(settings) and base == DEFAULT_BASE_URL:
            return f"https://{settings.get('resourceName')}.openai.azure.com"
        return base

    def url(self, base: str, path: str, settings: Mapping[str, Any]) -> str:
        if not is_azure(settings):
            return super().url(base, path, settings)
        deployment = quote(str(settings.get("deploymentId") or ""), safe="")
        version = quote(str(settings.get("apiVersion") or ""), safe="")
        operation = "/chat/completions" if path.endswith("/chat/completions") else "/embeddings"
        return f"{base.rstrip('/')}/openai/deployments/{deployment}{operation}?api-version={version}"

    def error_message(self, response: httpx.Response, detail: str | None, settings: Mapping[str, Any]) -> str:
        message = f"connection to: {self.name(settings)} failed with status: {response.status_code}"
        request_id = response.headers.get("x-request-id")
        if request_id:
            message += f" request-id: {request_id}"
        return f"{message} error: {detail}" if detail else message
