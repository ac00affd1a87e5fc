"""A full disk: a clear 507 naming the path and the free space, reads go on, writes resume once space is freed,
and the server neither crashes (SIGBUS) nor refuses to restart. Runs on a small tmpfs of its own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import numpy as np

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
DIM = 32


class Served:
    def __init__(self, data: Path) -> None:
        self.data = data
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PERSISTENCE_DATA_PATH": str(data),
               "DEFAULT_VECTORIZER_MODULE": "none", "ENABLE_MODULES": ""}
        self.proc = subprocess.Popen([sys.executable, "-m", "vectordb", "serve", "--port", str(self.port),
                                      "--grpc-port", str(free_port()), "--log-level", "warning"], env=env,
                                     stderr=subprocess.PIPE, text=True)
        self.http = httpx.Client(base_url=self.url, timeout=30)
        for _ in range(600):
            assert self.proc.poll() is None, self.proc.communicate()[1]
            try:
                if self.http.get("/v1/.well-known/ready").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise AssertionError("server did not become ready")

    def stop(self) -> None:
        self.http.close()
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=60)


def _objects(rng: np.random.Generator, n: int) -> list[dict]:
    return [{"class": "A", "properties": {"body": "x" * 3000}, "vector": rng.standard_normal(DIM).tolist()}
            for _ in range(n)]


def _fill(mnt: Path) -> Path:
    filler = mnt / "filler"
    with open(filler, "wb") as f:
        try:
            while True:
                f.write(b"\0" * (256 << 10))
                f.flush()
        except OSError:
            pass
    return filler


def _count(server: Served) -> int:
    query = "{ Aggregate { A { meta { count } } } }"
    resp = server.http.post("/v1/graphql", json={"query": query})
    assert resp.status_code == 200, resp.text
    return resp.json()["data"]["Aggregate"]["A"][0]["meta"]["count"]


def test_full_disk_gives_507_keeps_reads_and_recovers(small_tmpfs: Callable[[int], Path]) -> None:
    small_disk = small_tmpfs(24)
    rng = np.random.default_rng(0)
    data = small_disk / "data"
    server = Served(data)
    try:
        assert server.http.post("/v1/schema", json={"class": "A", "vectorizer": "none"}).status_code == 200
        resp = server.http.post("/v1/batch/objects", json={"objects": _objects(rng, 20)})
        assert resp.status_code == 200
        acked = 20
        filler = _fill(small_disk)
        for _ in range(50):  # LMDB may still place a batch or two in pages it had freed
            resp = server.http.post("/v1/batch/objects", json={"objects": _objects(rng, 50)})
            if resp.status_code != 200:
                break
            acked += 50
        assert resp.status_code == 507, resp.text
        message = resp.json()["error"][0]["message"]
        assert str(data) in message and "MiB free" in message
        resp = server.http.post("/v1/schema", json={"class": "B", "vectorizer": "none"})
        assert resp.status_code == 507, resp.text  # once a SIGBUS that killed the server
        assert server.proc.poll() is None
        assert _count(server) == acked  # reads keep working
        query = f"{{ Get {{ A(limit: 3, nearVector: {{vector: {[0.1] * DIM}}}) {{ _additional {{ id }} }} }} }}"
        hits = server.http.post("/v1/graphql", json={"query": query})
        assert hits.status_code == 200 and len(hits.json()["data"]["Get"]["A"]) == 3
    finally:
        server.stop()
    server = Served(data)  # restarts while the disk is still full
    try:
        assert _count(server) == acked
        filler.unlink()
        resp = server.http.post("/v1/batch/objects", json={"objects": _objects(rng, 10)})
        assert resp.status_code == 200 and not any(o["result"].get("errors") for o in resp.json())
        assert _count(server) == acked + 10
        assert server.http.post("/v1/schema", json={"class": "B", "vectorizer": "none"}).status_code == 200
    finally:
        server.stop()
