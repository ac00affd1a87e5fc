"""Keys in a query string never reach uvicorn's access log; the harmless parameters stay readable."""

from __future__ import annotations

import logging
import threading
import time

import httpx
import pytest
import uvicorn

from tests.conftest import free_port
from vectordb.api.access_log import redact_target
from vectordb.api.app import create_app

SECRET = "sk-proj-Zq8secret0123456789"


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def logged_server(db):
    """A real uvicorn with its access log on (the shared test server runs at warning level)."""
    port = free_port()
    config = uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="info", access_log=True)
    lines = Lines()
    access = logging.getLogger("uvicorn.access")
    access.addHandler(lines)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}", lines
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        access.removeHandler(lines)


def test_query_string_keys_are_redacted_in_the_access_log(logged_server):
    url, lines = logged_server
    with httpx.Client(base_url=url, timeout=20) as http:
        http.get(f"/v1/objects?api_key={SECRET}&limit=5")
        http.get(f"/v1/meta?X-Openai-Api-Key={SECRET}", headers={"X-Openai-Api-Key": SECRET})
        http.get(f"/v1/.well-known/live?{SECRET}")
        http.get("/v1/objects", params={"class": "Article", "token": SECRET, "include": "vector"})
    deadline = time.monotonic() + 10
    while len(lines.lines) < 4 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(lines.lines) == 4, lines.lines
    assert not [line for line in lines.lines if SECRET in line], lines.lines
    assert "limit=5" in lines.lines[0] and "api_key=[redacted]" in lines.lines[0]
    assert "class=Article" in lines.lines[3] and "include=vector" in lines.lines[3]


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/v1/objects", "/v1/objects"),
        ("/v1/objects?limit=3&offset=2", "/v1/objects?limit=3&offset=2"),
        ("/v1/objects?apikey=abc&class=A", "/v1/objects?apikey=[redacted]&class=A"),
        ("/v1/meta?X%2DCohere%2DApi%2DKey=abc", "/v1/meta?X%2DCohere%2DApi%2DKey=[redacted]"),
        ("/v1/meta?abc", "/v1/meta?[redacted]"),
        ("/v1/meta?include&&", "/v1/meta?include&&"),
        ("/v1/meta?password=a=b", "/v1/meta?password=[redacted]"),
    ],
)
def test_redact_target(target: str, expected: str) -> None:
    assert redact_target(target) == expected
