"""Talking to a Weaviate-style inference container (t2v-transformers, reranker-transformers) over HTTP.

Transport, timeouts and retries are modules/http.py's; this file knows the containers' conventions: JSON in
and out, any status other than 200 is a failure, and an answer may carry an `error` field.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from modules import http
from modules.base import ModuleError

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

#: /v1/meta should not hang for the whole MODULES_CLIENT_TIMEOUT when a container is down.
META_TIMEOUT_SECONDS = 10.0


def check_url(setting: str, value: Any) -> str:
    """A configured inference URL: an http(s) URL with a host. ValueError names the setting."""
    if not isinstance(value, str):
        raise ValueError(f"{setting} must be a string URL, got {value!r}")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{setting} must be an http(s) URL with a host, got {value!r}")
    return value


def endpoint(base: str, path: str) -> str:
    return base.rstrip("/") + path


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:300]
    if isinstance(body, dict):
        for key in ("error", "detail", "message"):
            if body.get(key):
                value = body[key]
                return value if isinstance(value, str) else json.dumps(value)[:300]
    return json.dumps(body)[:300]


async def post(url: str, body: Mapping[str, Any], *, module: str, env: Mapping[str, str]) -> dict[str, Any]:
    """POST JSON to a container and return its JSON answer; ModuleError for anything but a clean 200."""
    provider = f"{module} inference container at {http.safe_url(url)}"
    response = await http.post_json(url, dict(body), provider=provider, env=env)
    if response.status_code != 200:
        detail = _detail(response)
        raise ModuleError(
            f"{provider} failed with status {response.status_code}" + (f": {detail}" if detail else ""), 500
        )
    try:
        answer = response.json()
    except ValueError:
        raise ModuleError(f"{provider} answered with something that is not JSON", 500) from None
    if not isinstance(answer, dict):
        raise ModuleError(f"{provider} answered with {type(answer).__name__}, expected a JSON object", 500)
    if answer.get("error"):
        raise ModuleError(f"{provider} failed: {answer['error']}", 500)
    return answer


def get_meta(base: str, *, module: str, env: Mapping[str, str]) -> dict[str, Any]:
    """GET {base}/meta, synchronously: /v1/meta is rare and Module.meta() is a plain method."""
    import httpx  # loaded on first use (see modules/http.py)

    url = endpoint(base, "/meta")
    where = http.safe_url(url)
    timeout = min(http.client_timeout(env), META_TIMEOUT_SECONDS)
    try:
        response = httpx.get(url, timeout=timeout)
    except httpx.HTTPError as exc:
        raise ModuleError(
            f"{module} inference container at {where} could not be reached: {type(exc).__name__}: {exc}", 500
        ) from None
    if response.status_code != 200:
        raise ModuleError(
            f"{module} inference container at {where} failed with status {response.status_code}: "
            f"{_detail(response)}",
            500,
        )
    try:
        answer = response.json()
    except ValueError:
        raise ModuleError(f"{module} inference container at {where} answered with non-JSON", 500) from None
    return answer if isinstance(answer, dict) else {"meta": answer}
