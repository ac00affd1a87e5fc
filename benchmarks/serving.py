"""What the benchmark scripts share to run `vectordb serve` as a subprocess: a free port, and the wait for it."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Callable

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(process: subprocess.Popen, http: Callable[[], httpx.Client], timeout_s: float,
               poll_s: float = 0.1) -> None:
    """Return once the server answers /v1/.well-known/ready; raise if it exits or is not ready in time.
    `http` gives the client to ask with (an adapter may keep one per thread)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the vectordb server exited with code {process.returncode} at start")
        try:
            if http().get("/v1/.well-known/ready").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(poll_s)
    raise RuntimeError(f"the vectordb server was not ready within {timeout_s} s")
