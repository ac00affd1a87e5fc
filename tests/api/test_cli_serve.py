"""`python -m vectordb serve` with Weaviate's environment names; a clean stop saves the vector indexes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from tests.conftest import free_port, wait_ready

ROOT = Path(__file__).resolve().parents[2]


def test_serve_reads_environment_and_saves_on_clean_stop(tmp_path):
    port = free_port()
    data = tmp_path / "data"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PERSISTENCE_DATA_PATH": str(data),
           "QUERY_DEFAULTS_LIMIT": "3", "AUTOSCHEMA_ENABLED": "false", "GRPC_PORT": str(free_port())}
    proc = subprocess.Popen([sys.executable, "-m", "vectordb", "serve", "--port", str(port), "--log-level",
                             "warning"], env=env, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, proc)
        with httpx.Client(base_url=url) as http:
            resp = http.post("/v1/objects", json={"class": "Nope"})
            assert resp.status_code == 422  # AUTOSCHEMA_ENABLED=false
            http.post("/v1/schema", json={"class": "A", "vectorizer": "none"}).raise_for_status()
            objs = [{"class": "A", "vector": [float(i), 1.0]} for i in range(5)]
            http.post("/v1/batch/objects", json={"objects": objs}).raise_for_status()
            assert http.get("/v1/objects", params={"class": "A"}).json()["totalResults"] == 3  # QUERY_DEFAULTS_LIMIT
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    # uvicorn shuts down gracefully, then re-raises the signal it caught
    assert proc.returncode in (0, -signal.SIGTERM), proc.stderr.read()
    assert any((data / "collections" / "A" / "hnsw").glob("*.json")), "no snapshot written at shutdown"
    # --data-dir overrides PERSISTENCE_DATA_PATH
    other = tmp_path / "other"
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "vectordb", "serve", "--port", str(port), "--data-dir",
                             str(other), "--log-level", "warning"], env=env, stderr=subprocess.PIPE, text=True)
    try:
        wait_ready(f"http://127.0.0.1:{port}", proc)
        assert (other / "collections").is_dir()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
