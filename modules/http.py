"""The one upstream HTTP layer every API-based module talks through.

- One `httpx.AsyncClient` per event loop, reused, so connections to a provider stay open across calls
  (a client is bound to the loop it was created on, hence one per loop rather than one per process).
- Each attempt is bounded by `MODULES_CLIENT_TIMEOUT` (a Go duration such as `50s` or `1m30s`, as Weaviate
  reads it; a bare number means seconds; default 50s).
- 429 and 5xx answers and connection failures are retried with exponential backoff and jitter; a
  `Retry-After` header (seconds or an HTTP date) sets the wait instead. Attempts are bounded. The knobs:
  `VECTORDB_MODULES_RETRY_ATTEMPTS` (total attempts, default 4), `VECTORDB_MODULES_RETRY_BASE_DELAY`
  (seconds, default 0.5) and `VECTORDB_MODULES_RETRY_MAX_DELAY` (seconds, default 30: a longer
  `Retry-After` is not waited for; the last answer goes back to the module, which reports it).
- API keys never reach a log line or an error message: callers pass the secrets of a request and every
  message built here is scrubbed of them; URLs are logged without their query string.

A module builds its request (URL, headers, body) and maps the provider's answer; everything about getting
the bytes there and back lives here.
"""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import logging
import random
import re
import threading
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from modules.base import ModuleContext, ModuleError

if TYPE_CHECKING:
    import httpx

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT_SECONDS = 50.0
REDACTED = "***"

_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = (
    weakref.WeakKeyDictionary()
)
_clients_lock = threading.Lock()

_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")
_DURATION_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_duration(value: str) -> float:
    """Seconds in a Go duration string (`50s`, `1m30s`, `500ms`); a bare number is taken as seconds."""
    text = value.strip()
    try:
        return float(text)
    except ValueError:
        pass
    pos, total = 0, 0.0
    for match in _DURATION_PART.finditer(text):
        if match.start() != pos:
            break
        total += float(match.group(1)) * _DURATION_UNITS[match.group(2)]
        pos = match.end()
    if pos != len(text) or not text:
        raise ValueError(f"{value!r} is not a duration such as 50s, 1m30s or 500ms")
    return total


def client_timeout(env: Mapping[str, str]) -> float:
    raw = env.get("MODULES_CLIENT_TIMEOUT", "")
    if not raw.strip():
        return DEFAULT_TIMEOUT_SECONDS
    try:
        seconds = parse_duration(raw)
    except ValueError as exc:
        raise ModuleError(f"environment variable MODULES_CLIENT_TIMEOUT: {exc}", 500) from exc
    if seconds <= 0:
        raise ModuleError("environment variable MODULES_CLIENT_TIMEOUT must be positive", 500)
    return seconds


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 30.0

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> RetryPolicy:
        def number(name: str, default: float) -> float:
            raw = env.get(name, "").strip()
            if not raw:
                return default
            try:
                value = float(raw)
            except ValueError as exc:
                raise ModuleError(f"environment variable {name} must be a number, got {raw!r}", 500) from exc
            if value < 0:
                raise ModuleError(f"environment variable {name} must not be negative", 500)
            return value

        return cls(
            attempts=max(1, int(number("VECTORDB_MODULES_RETRY_ATTEMPTS", cls.attempts))),
            base_delay=number("VECTORDB_MODULES_RETRY_BASE_DELAY", cls.base_delay),
            max_delay=number("VECTORDB_MODULES_RETRY_MAX_DELAY", cls.max_delay),
        )

    def backoff(self, retry: int) -> float:
        """Wait before retry number `retry` (0-based): exponential, with jitter so callers do not stampede."""
        ceiling = min(self.max_delay, self.base_delay * (2**retry))
        return ceiling * random.uniform(0.5, 1.0)


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """`text` with every secret value replaced; short values are skipped so ordinary words survive."""
    for secret in sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text


def safe_url(url: str) -> str:
    """The URL as it may be logged: no query string, no user info."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return f"{parts.scheme}://{host}{parts.path}"


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """`Retry-After` as seconds to wait (delta-seconds or an HTTP date); None when absent or unreadable."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = datetime.now(UTC).timestamp() if now is None else now
    return max(0.0, when.timestamp() - current)


def resolve_key(ctx: ModuleContext, header: str, env_var: str) -> str:
    """The API key of a request: the header wins over the environment variable."""
    key = ctx.secret(header, env_var)
    if not key:
        raise ModuleError(
            f"no api key found neither in request header: {header} "
            f"nor in environment variable under {env_var}",
            401,
        )
    return key


def _enabled(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on", "enabled"}


def _internal_ip(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_unspecified


async def _check_public_host(header: str, host: str) -> None:
    """SSRF guard for header-supplied base URLs: the host must not be or resolve to an internal address."""
    refused = ModuleError(f"{header}: base URL cannot target internal addresses", 400)
    try:
        if _internal_ip(ipaddress.ip_address(host)):
            raise refused
        return
    except ValueError:
        pass
    lower = host.lower()
    if lower == "localhost" or lower.endswith((".local", ".internal", ".localdomain")):
        raise refused
    loop = asyncio.get_running_loop()
    try:
        infos = await asyncio.wait_for(loop.getaddrinfo(host, None), timeout=3)
    except (OSError, TimeoutError) as exc:
        raise ModuleError(f"{header}: base URL host {host!r} could not be resolved", 400) from exc
    for info in infos:
        if _internal_ip(ipaddress.ip_address(str(info[4][0]).split("%")[0])):  # IPv6 may carry a %zone
            raise refused


async def base_url(ctx: ModuleContext, header: str, configured: str) -> str:
    """The base URL of a request: a header such as X-Openai-Baseurl overrides the collection's setting.

    With MODULES_VALIDATE_BASE_URL=true (Weaviate's switch) a header URL must be https and public.
    """
    override = ctx.header(header)
    if not override:
        return configured
    parts = urlsplit(override)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ModuleError(f"{header}: {override!r} is not an http(s) URL with a host", 400)
    if _enabled(ctx.env.get("MODULES_VALIDATE_BASE_URL")):
        if parts.scheme != "https":
            raise ModuleError(f"{header}: base URL must use HTTPS", 400)
        await _check_public_host(header, parts.hostname)
    return override


class _HttpxUrlFilter(logging.Filter):
    """httpx logs every request's full URL at INFO; some providers take keys in the query string."""

    def filter(self, record: logging.LogRecord) -> bool:
        import httpx  # loaded already: only httpx logs through this logger

        if isinstance(record.args, tuple):
            record.args = tuple(
                safe_url(str(arg)) if isinstance(arg, httpx.URL) else arg for arg in record.args
            )
        return True


logging.getLogger("httpx").addFilter(_HttpxUrlFilter())


def _client() -> httpx.AsyncClient:
    import httpx  # here, not at the top: it costs a server that never calls a provider about 13 MB

    loop = asyncio.get_running_loop()
    with _clients_lock:
        client = _clients.get(loop)
        if client is None or client.is_closed:
            client = httpx.AsyncClient(
                limits=httpx.Limits(max_connections=64, max_keepalive_connections=16),
                follow_redirects=False,
            )
            _clients[loop] = client
        return client


async def aclose() -> None:
    """Close this event loop's client (at shutdown); the next call opens a new one."""
    loop = asyncio.get_running_loop()
    with _clients_lock:
        client = _clients.pop(loop, None)
    if client is not None:
        await client.aclose()


def _retryable_status(status: int) -> bool:
    # 501 and 505 say the request can never work; every other 5xx may be passing.
    return status == 429 or (500 <= status < 600 and status not in (501, 505))


async def request(
    method: str,
    url: str,
    *,
    provider: str,
    env: Mapping[str, str],
    json: Any = None,
    content: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    secrets: Iterable[str | None] = (),
) -> httpx.Response:
    """Send one request with retries; the response of the last attempt is returned whatever its status.

    `provider` names the upstream in messages ("OpenAI API"). Connection failures and timeouts that survive
    the retries raise ModuleError; reading a non-2xx answer is the caller's job, since each provider words
    its errors differently. `content` sends bytes as they are (a signed request's body must not be
    re-encoded).
    """
    import httpx

    secret_values = [s for s in secrets if s]
    timeout = client_timeout(env)
    policy = RetryPolicy.from_env(env)
    where = redact(safe_url(url), secret_values)
    last_problem = ""
    for attempt in range(policy.attempts):
        is_last = attempt == policy.attempts - 1
        try:
            response = await _client().request(
                method, url, json=json, content=content, headers=dict(headers or {}), timeout=timeout
            )
        except httpx.TimeoutException as exc:
            # A timed-out call already took the whole budget; retrying would multiply the caller's wait.
            raise ModuleError(
                f"connection to: {provider} timed out after {timeout:g}s ({type(exc).__name__})", 500
            ) from None
        except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
            last_problem = redact(f"{type(exc).__name__}: {exc}", secret_values)
            if is_last:
                break
            delay = policy.backoff(attempt)
            logger.warning(
                "%s at %s failed (%s); retry %d of %d in %.2fs",
                provider, where, last_problem, attempt + 1, policy.attempts - 1, delay,
            )
            await asyncio.sleep(delay)
            continue
        if not _retryable_status(response.status_code) or is_last:
            return response
        hinted = retry_after_seconds(response.headers.get("retry-after"))
        if hinted is not None and hinted > policy.max_delay:
            logger.warning(
                "%s at %s answered %d and asks to wait %.0fs, longer than the %.0fs allowed; giving up",
                provider, where, response.status_code, hinted, policy.max_delay,
            )
            return response
        delay = hinted if hinted is not None else policy.backoff(attempt)
        logger.warning(
            "%s at %s answered %d; retry %d of %d in %.2fs",
            provider, where, response.status_code, attempt + 1, policy.attempts - 1, delay,
        )
        await asyncio.sleep(delay)
    raise ModuleError(
        f"connection to: {provider} failed after {policy.attempts} attempts: {last_problem}", 500
    )


async def post_json(
    url: str,
    body: Any,
    *,
    provider: str,
    env: Mapping[str, str],
    headers: Mapping[str, str] | None = None,
    secrets: Iterable[str | None] = (),
) -> httpx.Response:
    merged = {"Content-Type": "application/json", **(headers or {})}
    return await request(
        "POST", url, provider=provider, env=env, json=body, headers=merged, secrets=secrets
    )
