"""`vectordb serve` starts gRPC beside REST (GRPC_PORT / --grpc-port); writes acknowledged over gRPC survive kill -9,
and a clean stop drains gRPC before the database closes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import weaviate
import weaviate.classes as wvc
from weaviate.classes.config import Configure

from tests.conftest import free_port, wait_ready

ROOT = Path(__file__).resolve().parents[3]


def _serve(data: Path, log: Path, http_port: int, grpc_port: int, by_flag: bool) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PERSISTENCE_DATA_PATH": str(data)}
    command = [sys.executable, "-m", "vectordb", "serve", "--port", str(http_port), "--log-level", "warning"]
    if by_flag:
        command += ["--grpc-port", str(grpc_port)]
    else:
        env["GRPC_PORT"] = str(grpc_port)
    with log.open("a") as sink:
        proc = subprocess.Popen(command, env=env, stderr=sink, stdout=sink)
    wait_ready(f"http://127.0.0.1:{http_port}", proc)
    return proc


def _client(http_port: int, grpc_port: int) -> weaviate.WeaviateClient:
    return weaviate.connect_to_custom(http_host="127.0.0.1", http_port=http_port, http_secure=False,
                                      grpc_host="127.0.0.1", grpc_port=grpc_port, grpc_secure=False)


def test_serve_runs_grpc_and_keeps_acknowledged_writes(tmp_path):
    data, log = tmp_path / "data", tmp_path / "server.log"
    http_port, grpc_port = free_port(), free_port()
    proc = _serve(data, log, http_port, grpc_port, by_flag=False)
    try:
        with _client(http_port, grpc_port) as client:
            coll = client.collections.create("Kept", vector_config=Configure.Vectors.self_provided())
            result = coll.data.insert_many([wvc.data.DataObject(properties={"i": i}, vector=[float(i), 1.0])
                                            for i in range(50)])
            assert not result.has_errors
    finally:
        proc.kill()  # kill -9: no snapshot, no clean close
        proc.wait(timeout=60)
    http_port, grpc_port = free_port(), free_port()
    proc = _serve(data, log, http_port, grpc_port, by_flag=True)
    try:
        with _client(http_port, grpc_port) as client:
            coll = client.collections.get("Kept")
            assert len(coll) == 50
            assert coll.query.near_vector([7.0, 1.0], limit=1).objects[0].properties["i"] == 7
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    assert proc.returncode in (0, -signal.SIGTERM), log.read_text()
    assert "Traceback" not in log.read_text(), log.read_text()
