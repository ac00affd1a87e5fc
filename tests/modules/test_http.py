"""The shared upstream HTTP layer, against a real server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import email.utils
import logging
import socket
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import pytest

from modules import http
from modules.base import ModuleContext, ModuleError
from tests.modules.fake_upstream import FakeUpstream, Reply

T = TypeVar("T")
KEY = "sk-http-layer-SECRET-0123456789"
FAST = {"VECTORDB_MODULES_RETRY_BASE_DELAY": "0.01", "VECTORDB_MODULES_RETRY_ATTEMPTS": "3"}


def run(make: Callable[[], Awaitable[T]]) -> T:
    async def main() -> T:
        try:
            return await make()
        finally:
            await http.aclose()

    return asyncio.run(main())


def post(url: str, env: dict[str, str] | None = None):
    return http.post_json(
        url, {"x": 1}, provider="Test API", env={**FAST, **(env or {})},
        headers={"Authorization": f"Bearer {KEY}"}, secrets=[KEY],
    )


@pytest.fixture
def upstream():
    with FakeUpstream(Reply(200, {"ok": True})) as fake:
        yield fake


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("50s", 50.0), ("1m30s", 90.0), ("500ms", 0.5), ("1h", 3600.0), ("2.5s", 2.5), ("7", 7.0)],
)
def test_parse_duration(text: str, seconds: float) -> None:
    assert http.parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "abc", "5 s", "10x", "s"])
def test_parse_duration_rejects_garbage(text: str) -> None:
    with pytest.raises(ValueError):
        http.parse_duration(text)


def test_client_timeout_default_and_override() -> None:
    assert http.client_timeout({}) == 50.0
    assert http.client_timeout({"MODULES_CLIENT_TIMEOUT": "2m"}) == 120.0
    with pytest.raises(ModuleError, match="MODULES_CLIENT_TIMEOUT"):
        http.client_timeout({"MODULES_CLIENT_TIMEOUT": "soon"})


def test_retry_after_parsing() -> None:
    now = time.time()
    assert http.retry_after_seconds("3") == 3.0
    assert http.retry_after_seconds("0") == 0.0
    date = email.utils.formatdate(now + 120, usegmt=True)
    assert http.retry_after_seconds(date, now=now) == pytest.approx(120, abs=1)
    past = email.utils.formatdate(now - 120, usegmt=True)
    assert http.retry_after_seconds(past, now=now) == 0.0
    assert http.retry_after_seconds("whenever") is None
    assert http.retry_after_seconds(None) is None


def test_backoff_grows_exponentially_and_is_capped() -> None:
    policy = http.RetryPolicy(attempts=10, base_delay=1.0, max_delay=5.0)
    for retry, ceiling in [(0, 1.0), (1, 2.0), (2, 4.0), (3, 5.0), (8, 5.0)]:
        delay = policy.backoff(retry)
        assert ceiling / 2 <= delay <= ceiling


def test_redact_replaces_every_secret() -> None:
    message = f"upstream said: Incorrect API key provided: {KEY} (header Bearer {KEY})"
    assert KEY not in http.redact(message, [KEY, None, ""])
    assert http.redact("a short word", ["a"]) == "a short word"


def test_safe_url_drops_query_and_credentials() -> None:
    assert http.safe_url("https://user:pw@host:8443/v1/x?key=abc") == "https://host:8443/v1/x"


def test_resolve_key_header_wins_over_env_and_is_case_insensitive() -> None:
    ctx = ModuleContext(headers={"x-openai-api-key": "from-header"}, env={"OPENAI_APIKEY": "from-env"})
    assert http.resolve_key(ctx, "X-Openai-Api-Key", "OPENAI_APIKEY") == "from-header"
    ctx = ModuleContext(headers={}, env={"OPENAI_APIKEY": "from-env"})
    assert http.resolve_key(ctx, "X-Openai-Api-Key", "OPENAI_APIKEY") == "from-env"


def test_resolve_key_missing_says_where_it_looked() -> None:
    with pytest.raises(ModuleError) as caught:
        http.resolve_key(ModuleContext(), "X-Openai-Api-Key", "OPENAI_APIKEY")
    assert caught.value.status == 401
    assert caught.value.message == (
        "no api key found neither in request header: X-Openai-Api-Key "
        "nor in environment variable under OPENAI_APIKEY"
    )


def test_base_url_header_override_and_validation() -> None:
    async def case(headers: dict[str, str], env: dict[str, str] | None = None) -> str:
        return await http.base_url(ModuleContext(headers=headers, env=env or {}), "X-Openai-Baseurl", "https://a")

    assert asyncio.run(case({})) == "https://a"
    assert asyncio.run(case({"X-OpenAI-BaseURL": "http://127.0.0.1:9"})) == "http://127.0.0.1:9"
    with pytest.raises(ModuleError, match="X-Openai-Baseurl"):
        asyncio.run(case({"X-Openai-Baseurl": "ftp://x"}))
    strict = {"MODULES_VALIDATE_BASE_URL": "true"}
    for bad, reason in [("http://example.com", "HTTPS"), ("https://127.0.0.1", "internal"),
                        ("https://localhost:8080", "internal"), ("https://db.internal", "internal"),
                        ("https://10.1.2.3", "internal")]:
        with pytest.raises(ModuleError, match=reason):
            asyncio.run(case({"X-Openai-Baseurl": bad}, strict))


def test_success_needs_one_request(upstream: FakeUpstream) -> None:
    response = run(lambda: post(upstream.url + "/v1/x"))
    assert response.status_code == 200 and response.json() == {"ok": True}
    assert len(upstream.requests) == 1
    assert upstream.requests[0].headers["content-type"] == "application/json"
    assert upstream.requests[0].body == {"x": 1}


def test_5xx_is_retried_until_success(upstream: FakeUpstream) -> None:
    upstream.queue(Reply(503, {"error": "busy"}), Reply(502, {"error": "gateway"}))
    response = run(lambda: post(upstream.url))
    assert response.status_code == 200
    assert len(upstream.requests) == 3


def test_retries_are_bounded_and_the_last_answer_is_returned(upstream: FakeUpstream) -> None:
    upstream.queue(*[Reply(500, {"n": i}) for i in range(10)])
    response = run(lambda: post(upstream.url))
    assert response.status_code == 500 and response.json() == {"n": 2}
    assert len(upstream.requests) == 3


def test_client_errors_are_not_retried(upstream: FakeUpstream) -> None:
    upstream.queue(Reply(400, {"error": "bad"}), Reply(501, {"error": "never"}))
    assert run(lambda: post(upstream.url)).status_code == 400
    assert run(lambda: post(upstream.url)).status_code == 501
    assert len(upstream.requests) == 2


def test_retry_after_seconds_is_honoured(upstream: FakeUpstream) -> None:
    upstream.queue(Reply(429, {"error": "slow down"}, headers={"Retry-After": "1"}))
    started = time.monotonic()
    response = run(lambda: post(upstream.url))
    assert response.status_code == 200
    assert time.monotonic() - started >= 1.0
    assert len(upstream.requests) == 2


def test_retry_after_longer_than_the_cap_is_not_waited_for(upstream: FakeUpstream) -> None:
    later = email.utils.formatdate(time.time() + 3600, usegmt=True)
    upstream.queue(Reply(429, {"error": "tomorrow"}, headers={"Retry-After": later}))
    started = time.monotonic()
    response = run(lambda: post(upstream.url, {"VECTORDB_MODULES_RETRY_MAX_DELAY": "5"}))
    assert response.status_code == 429
    assert time.monotonic() - started < 2
    assert len(upstream.requests) == 1


def test_connection_refused_is_retried_then_a_clear_error(caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ModuleError) as caught:
        run(lambda: post(f"http://127.0.0.1:{port}/v1/x?key={KEY}"))
    assert "connection to: Test API failed after 3 attempts" in caught.value.message
    assert KEY not in caught.value.message
    assert KEY not in caplog.text
    assert "retry 1 of 2" in caplog.text


def test_timeout_is_a_clear_error_and_not_retried(upstream: FakeUpstream) -> None:
    upstream.queue(Reply(200, {"late": True}, delay=1.5))
    started = time.monotonic()
    with pytest.raises(ModuleError, match="timed out after 0.2s"):
        run(lambda: post(upstream.url, {"MODULES_CLIENT_TIMEOUT": "200ms"}))
    assert time.monotonic() - started < 1.4
    assert len(upstream.requests) == 1


def test_one_client_per_loop_reuses_its_connection(upstream: FakeUpstream) -> None:
    async def twice():
        first = http._client()
        await post(upstream.url)
        await post(upstream.url)
        return first, http._client()

    first, second = run(twice)
    assert first is second
    ports = {r.client_port for r in upstream.requests}
    assert len(upstream.requests) == 2 and len(ports) == 1

    other_loop_client = run(lambda: asyncio.sleep(0, result=http._client()))
    assert other_loop_client is not first


def test_urls_are_logged_without_their_query(
    upstream: FakeUpstream, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    upstream.queue(Reply(503, {"error": "busy"}))
    response = run(lambda: post(f"{upstream.url}/v1/x?key={KEY}"))
    assert response.status_code == 200
    assert upstream.requests[0].query == {"key": [KEY]}  # the key did travel...
    assert f"{upstream.url}/v1/x" in caplog.text  # ...the request and the retry were logged...
    assert KEY not in caplog.text  # ...without it
