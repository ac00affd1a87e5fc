"""Google's wire, shared by text2vec-google and generative-google: AI Studio when `apiEndpoint` is
generativelanguage.googleapis.com, Vertex AI otherwise.

Keys, first found: AI Studio's or Vertex's own header (X-Goog-Studio-Api-Key / X-Goog-Vertex-Api-Key, also
spelt X-Google-…), then X-Goog-Api-Key, X-Palm-Api-Key, X-Google-Api-Key, then GOOGLE_APIKEY, PALM_APIKEY.
Vertex takes the key as `Authorization: Bearer`, AI Studio as `x-goog-api-key`. Errors are
`{"error": {"code", "message", "status"}}`, read by the kit as `connection to Google failed with status: S error: M`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from modules.base import ModuleContext, ModuleError
from modules.kit import ProviderClient

STUDIO_HOST = "generativelanguage.googleapis.com"
GENERIC_HEADERS = ("X-Goog-Api-Key", "X-Palm-Api-Key", "X-Google-Api-Key")
ENV_VARS = ("GOOGLE_APIKEY", "PALM_APIKEY")


def studio(settings: Mapping[str, Any]) -> bool:
    return settings.get("apiEndpoint") == STUDIO_HOST


class GoogleClient(ProviderClient):
    provider = "Google"

    def key_names(self, settings: Mapping[str, Any]) -> tuple[str | None, str | None]:
        return ("X-Goog-Studio-Api-Key" if studio(settings) else "X-Goog-Vertex-Api-Key"), ENV_VARS[0]

    def key(self, ctx: ModuleContext, settings: Mapping[str, Any]) -> tuple[str | None, bool]:
        own = "Studio" if studio(settings) else "Vertex"
        headers = (f"X-Goog-{own}-Api-Key", f"X-Google-{own}-Api-Key", *GENERIC_HEADERS)
        for header in headers:
            if ctx.header(header):
                return ctx.header(header), False
        for env_var in ENV_VARS:
            if ctx.env.get(env_var):
                return ctx.env[env_var], True
        raise ModuleError(
            f"no api key found neither in request header: {' or '.join(headers)} "
            f"nor in environment variable under {' or '.join(ENV_VARS)}",
            401,
        )

    def auth(self, key: str, settings: Mapping[str, Any]) -> dict[str, str]:
        return {"x-goog-api-key": key} if studio(settings) else {"Authorization": f"Bearer {key}"}

    def base_url(self, settings: Mapping[str, Any]) -> str:
        return str(settings.get("baseURL") or f"https://{settings['apiEndpoint']}")
