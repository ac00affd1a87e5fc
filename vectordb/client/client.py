"""Client: one API over either transport (HTTP to a server, or a Database embedded in this process)."""

from __future__ import annotations

from typing import Any

from vectordb.client.collections import Collections
from vectordb.client.transport import Transport


class Client:
    """Made by `vectordb.connect(url)` or `vectordb.open(path)`; use as a context manager or call close()."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport
        self.collections = Collections(transport)

    @property
    def transport(self) -> Transport:
        return self._transport

    def is_ready(self) -> bool:
        return self._transport.is_ready()

    def get_meta(self) -> dict[str, Any]:
        return self._transport.meta()

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Client({type(self._transport).__name__})"
