"""The `client` fixture: every client test runs once embedded and once over HTTP against a real server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import vectordb
from vectordb.client import Client


@pytest.fixture(params=["embedded", "http"])
def client(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Client]:
    if request.param == "embedded":
        c = vectordb.open(tmp_path / "embedded")
    else:
        server = request.getfixturevalue("server")
        c = vectordb.connect(server.url)
    try:
        yield c
    finally:
        c.close()
