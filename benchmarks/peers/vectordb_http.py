"""The vectordb server (`python -m vectordb serve`) over HTTP: REST batch import, GraphQL nearVector."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import numpy as np

from benchmarks.peers.base import Adapter, BuildParams, package_version
from benchmarks.peers.vectordb_common import CLASS, bodies, bucket_filter, class_def, row_of
from benchmarks.serving import free_port, wait_ready

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 120


def graphql_where(where: dict) -> str:
    return (
        f"{{operator: {where['operator']}, path: {json.dumps(where['path'])}, valueInt: {where['valueInt']}}}"
    )


def peak_rss_of(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class VectordbHttp(Adapter):
    name = "vectordb-http"
    index_kind = "vectordb server: REST batch (JSON) import, GraphQL Get/nearVector"

    def __init__(self, workdir: Path) -> None:
        super().__init__(workdir)
        self.server: subprocess.Popen | None = None
        self.url = ""
        self.local = threading.local()
        self.ef: int | None = None
        self.server_peak_rss = 0

    # server lifecycle ------------------------------------------------------------------------------
    def _start(self) -> None:
        port = free_port()
        self.grpc_port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "ENABLE_MODULES": "",
            "DEFAULT_VECTORIZER_MODULE": "none",
        }
        self.server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "vectordb",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--data-dir",
                str(self.workdir / "vectordb"),
                "--log-level",
                "warning",
                "--grpc-port",
                str(self.grpc_port),
            ],
            env=env,
            cwd=ROOT,
        )
        wait_ready(self.server, self.http, START_TIMEOUT_S, poll_s=0.02)

    def http(self) -> httpx.Client:
        # one connection per thread, as eight separate clients would have
        client = getattr(self.local, "client", None)
        if client is None or getattr(self.local, "url", None) != self.url:
            client = httpx.Client(base_url=self.url, timeout=120)
            self.local.client, self.local.url = client, self.url
        return client

    def _stop(self) -> None:
        if self.server is None:
            return
        self.server_peak_rss = max(self.server_peak_rss, peak_rss_of(self.server.pid))
        self.server.terminate()
        try:
            self.server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            log.warning("vectordb server ignored SIGTERM for 60 s; killing it")
            self.server.kill()
            self.server.wait()
        self.server = None

    # adapter ---------------------------------------------------------------------------------------
    def build(self, vectors: np.ndarray, buckets: np.ndarray, params: BuildParams) -> None:
        self._start()
        self.http().post("/v1/schema", json=class_def(params)).raise_for_status()
        for lo in range(0, len(vectors), params.batch):
            objs = bodies(vectors[lo : lo + params.batch], buckets[lo : lo + params.batch], lo)
            for o in objs:
                o["vector"] = o["vector"].tolist()
            resp = self.http().post("/v1/batch/objects", json={"objects": objs})
            resp.raise_for_status()
            errors = [r for r in resp.json() if r.get("result", {}).get("errors")]
            if errors:
                raise RuntimeError(
                    f"server refused {len(errors)} objects, first: {errors[0]['result']['errors']}"
                )

    def _set_ef(self, ef: int) -> None:
        if ef != self.ef:
            body = self.http().get(f"/v1/schema/{CLASS}").raise_for_status().json()
            body["vectorIndexConfig"]["ef"] = ef
            self.http().put(f"/v1/schema/{CLASS}", json=body).raise_for_status()
            self.ef = ef

    def _search(self, q: np.ndarray, k: int, ef: int, where: dict | None) -> np.ndarray:
        self._set_ef(ef)
        args = f"nearVector: {{vector: {json.dumps(q.tolist())}}}, limit: {k}"
        if where is not None:
            args += f", where: {graphql_where(where)}"
        resp = self.http().post(
            "/v1/graphql", json={"query": f"{{Get {{{CLASS}({args}) {{_additional {{id}}}}}}}}"}
        )
        resp.raise_for_status()
        body = resp.json()
        if body.get("errors"):
            raise RuntimeError(f"GraphQL error: {body['errors'][0].get('message')}")
        return np.array([row_of(h["_additional"]["id"]) for h in body["data"]["Get"][CLASS]], dtype=np.int64)

    def query(self, q: np.ndarray, k: int, ef: int) -> np.ndarray:
        return self._search(q, k, ef, None)

    def query_filtered(self, q: np.ndarray, k: int, ef: int, max_bucket: int) -> np.ndarray:
        return self._search(q, k, ef, bucket_filter(max_bucket))

    def close(self) -> None:
        self._stop()

    def reopen(self) -> None:
        # the server keeps ef in its stored schema, so a restart does not reset it
        self._start()

    def versions(self) -> dict[str, str]:
        return {
            "vectordb": package_version("vectordb"),
            "uvicorn": package_version("uvicorn"),
            "httpx": package_version("httpx"),
        }

    def peak_rss_extra(self) -> dict[str, int]:
        if self.server is not None:
            self.server_peak_rss = max(self.server_peak_rss, peak_rss_of(self.server.pid))
        return {"server": self.server_peak_rss}
