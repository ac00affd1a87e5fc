"""The provider client: one per provider, shared by its capabilities.

It knows where the key comes from (the per-request header, then the environment variable), the shape of the
auth header, the base URL (the collection's setting, overridden by the provider's `X-<Provider>-Baseurl`
header), and how the provider words its errors. Connections, timeouts, retries and redaction are
modules/http.py's job.

The rule for request-supplied base URLs (hardening issue, item 12): a base URL taken from a request header
never receives a key from the server's environment. Such a request must bring its own key header, or the
override is refused (400) before anything is sent.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from modules import http
from modules.base import ModuleContext, ModuleError

if TYPE_CHECKING:
    import httpx  # annotations only: httpx loads when a request is first sent (modules/http.py)


@dataclass(frozen=True)
class Target:
    """Where one call goes and what it carries."""

    base: str
    headers: dict[str, str]
    secrets: tuple[str, ...]


def parse_json(raw: bytes) -> Any:
    """orjson first: a batch answer is megabytes of floats, and the stdlib parser takes five times as long.
    It refuses NaN, which the stdlib reads, so the vector checks can name it; None when it is not JSON."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        pass
    try:
        return json.loads(raw)
    except ValueError:
        return None


class ProviderClient:
    #: The upstream as messages name it ("Cohere", "OpenAI API").
    provider: str = ""
    #: Per-request key header and environment variable; None for providers that take no key.
    key_header: str | None = None
    key_env: str | None = None
    #: Whether a call may go out without any key (self-hosted servers, Hugging Face's anonymous tier).
    key_optional: bool = False
    #: Weaviate's reranker-jinaai and -voyageai read the environment before the header.
    env_first: bool = False
    #: The per-request base-URL override header, where the provider has one.
    baseurl_header: str | None = None
    #: Headers every request carries.
    static_headers: Mapping[str, str] = {}
    #: Request headers that replace a setting for that request ({setting: header}), as Weaviate's
    #: X-Azure-Deployment-Id replaces deploymentId.
    setting_headers: Mapping[str, str] = {}
    #: Those of them that move the request to another host: like the base-URL header, they never get a key
    #: from the server's environment.
    host_headers: tuple[str, ...] = ()
    #: How an error answer reads, in the provider's Weaviate wording: {provider}, {status}, {detail} and {base}
    #: (the base URL) are filled in.
    error_template: str = "connection to {provider} failed with status: {status} error: {detail}"
    #: The template's tail that is left out when the answer carried no message.
    error_detail_part: str = " error: {detail}"

    # -- what a provider may override

    def key_names(self, settings: Mapping[str, Any]) -> tuple[str | None, str | None]:
        return self.key_header, self.key_env

    def auth(self, key: str, settings: Mapping[str, Any]) -> dict[str, str]:
        return {"Authorization": f"Bearer {key}"}

    def base_url(self, settings: Mapping[str, Any]) -> str:
        return str(settings.get("baseURL") or "")

    def url(self, base: str, path: str, settings: Mapping[str, Any]) -> str:
        """String concatenation, never urljoin, so a base URL's own path prefix is kept."""
        return base.rstrip("/") + path

    def name(self, settings: Mapping[str, Any]) -> str:
        return self.provider

    def error_detail(self, body: Any) -> str | None:
        """The provider's message in an error answer (a parsed JSON body)."""
        if isinstance(body, Mapping):
            for key in ("message", "detail", "title", "error"):
                value = body.get(key)
                if isinstance(value, Mapping):
                    value = value.get("message") or value
                elif isinstance(value, list) and value and isinstance(value[0], Mapping):
                    value = value[0].get("msg") or value  # FastAPI-style validation errors
                if value:
                    return str(value)
        return None

    def error_message(self, response: httpx.Response, detail: str | None, settings: Mapping[str, Any]) -> str:
        template = self.error_template
        if not detail and template.endswith(self.error_detail_part):
            template = template.removesuffix(self.error_detail_part)
        return template.format(provider=self.name(settings), status=response.status_code, detail=detail,
                               base=self.base_url(settings))

    def extra_headers(self, ctx: ModuleContext, settings: Mapping[str, Any]) -> dict[str, str]:
        """Further per-request headers (OpenAI's organization)."""
        return {}

    # -- the machinery

    def for_request(self, ctx: ModuleContext, settings: Mapping[str, Any]) -> dict[str, Any]:
        """The settings of one request: the collection's, with the request's setting headers applied."""
        overrides = {key: ctx.header(header) for key, header in self.setting_headers.items()}
        return {**settings, **{key: value for key, value in overrides.items() if value}}

    def key(self, ctx: ModuleContext, settings: Mapping[str, Any]) -> tuple[str | None, bool]:
        """The key and whether it came from the environment."""
        header, env_var = self.key_names(settings)
        from_header = ctx.header(header) if header else None
        from_env = ctx.env.get(env_var) or None if env_var else None
        if self.env_first and from_env:
            return from_env, True
        if from_header:
            return from_header, False
        if from_env:
            return from_env, True
        if self.key_optional or header is None:
            return None, False
        if env_var is None:
            raise ModuleError(f"no api key found in request header: {header}", 401)
        raise ModuleError(
            f"no api key found neither in request header: {header} nor in environment variable under {env_var}",
            401,
        )

    async def target(self, ctx: ModuleContext, settings: Mapping[str, Any]) -> Target:
        override = await http.base_url(ctx, self.baseurl_header, "") if self.baseurl_header else ""
        movers = [h for h in (self.baseurl_header, *self.host_headers) if h and ctx.header(h)]
        key, from_env = self.key(ctx, settings)
        if movers and from_env:
            header, env_var = self.key_names(settings)
            raise ModuleError(
                f"{movers[0]} is set, but the request carries no {header}: a host taken from a request header "
                f"never receives the server's key ({env_var}); send {header} with the request",
                400,
            )
        headers = {**self.static_headers, **self.extra_headers(ctx, settings)}
        if key:
            headers.update(self.auth(key, settings))
        return Target(override or self.base_url(settings), headers, (key,) if key else ())

    async def post(self, ctx: ModuleContext, settings: Mapping[str, Any], path: str, body: Any, what: str) -> Any:
        """POST `body` to base + `path`; the parsed JSON answer, or ModuleError worded as the provider words it.

        `what` names the answer in parse errors ("vectorization", "rerank").
        """
        target = await self.target(ctx, settings)
        response = await http.post_json(
            self.url(target.base, path, settings), body, provider=self.name(settings), env=ctx.env,
            headers=target.headers, secrets=target.secrets,
        )
        return self.read(response, settings, target.secrets, what)

    def read(self, response: httpx.Response, settings: Mapping[str, Any], secrets: tuple[str, ...], what: str) -> Any:
        body = parse_json(response.content)
        ok = 200 <= response.status_code < 300
        if not ok or (isinstance(body, Mapping) and body.get("error")):
            detail = self.error_detail(body) if body is not None else (response.text[:200].strip() or None)
            raise ModuleError(http.redact(self.error_message(response, detail, settings), secrets), 500)
        if body is None:
            raise ModuleError(
                f"failed to parse {what} response from {self.name(settings)} "
                f"(status {response.status_code}): not JSON",
                500,
            )
        return body
