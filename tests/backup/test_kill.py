"""kill -9 of a server in the middle of a backup or a restore leaves nothing a restore takes, and no half class."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np

from tests.conftest import free_port, make_settings, wait_ready
from vectordb.database import Database

ROOT = Path(__file__).resolve().parents[2]
CLASSES = ["Alpha", "Beta", "Gamma", "Delta"]
COUNT = 2500


def _populate(data: Path) -> None:
    db = Database(make_settings(data))
    rng = np.random.default_rng(0)
    try:
        for name in CLASSES:
            db.create_collection({"class": name, "vectorizer": "none",
                                  "properties": [{"name": "t", "dataType": ["text"]}]})
            vectors = rng.standard_normal((COUNT, 32)).astype(np.float32)
            db.batch_objects([{"class": name, "properties": {"t": f"text number {i} " * 8},
                               "vector": vectors[i].tolist()} for i in range(COUNT)])
    finally:
        db.close()


class Process:
    def __init__(self, data: Path, backups: Path) -> None:
        self.port = free_port()
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PERSISTENCE_DATA_PATH": str(data),
               "ENABLE_MODULES": "backup-filesystem", "BACKUP_FILESYSTEM_PATH": str(backups),
               "GRPC_PORT": str(free_port())}
        self.proc = subprocess.Popen([sys.executable, "-m", "vectordb", "serve", "--port", str(self.port),
                                      "--log-level", "warning"], env=env, stderr=subprocess.PIPE, text=True)
        self.url = f"http://127.0.0.1:{self.port}"
        wait_ready(self.url, self.proc)
        self.http = httpx.Client(base_url=self.url, timeout=60)

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        self.http.close()

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=60)
        self.http.close()


def _descriptor(backups: Path, backup_id: str) -> dict:
    return json.loads((backups / backup_id / "backup_config.json").read_text())


def _hidden(data: Path) -> list[str]:
    return [p.name for p in (data / "collections").iterdir() if p.name.startswith(".")]


def test_kill_9_during_a_backup_leaves_a_backup_that_is_never_restored(tmp_path):
    data, backups = tmp_path / "data", tmp_path / "backups"
    _populate(data)
    killed_mid_backup = []
    for attempt in range(3):
        backup_id = f"k{attempt}"
        server = Process(data, backups)
        answer = server.http.post("/v1/backups/filesystem",
                                  json={"id": backup_id, "config": {"CompressionLevel": "BestCompression"}})
        assert answer.status_code == 200, answer.text
        server.kill()
        if _descriptor(backups, backup_id)["status"] != "SUCCESS":
            killed_mid_backup.append(backup_id)
            break
    assert killed_mid_backup, "every backup finished before the kill: make the data bigger"
    backup_id = killed_mid_backup[0]

    server = Process(data, backups)
    try:
        for _ in range(200):
            status = server.http.get(f"/v1/backups/filesystem/{backup_id}").json()
            if status["status"] == "CANCELED":
                break
            time.sleep(0.05)
        assert status["status"] == "CANCELED" and status["error"] == "backup canceled due to node restart"
        assert not (data / "backup-staging").exists()
        assert not _hidden(data)
        for name in CLASSES:
            server.http.delete(f"/v1/schema/{name}")
        refused = server.http.post(f"/v1/backups/filesystem/{backup_id}/restore", json={})
        assert refused.status_code == 422
        assert refused.json()["error"][0]["message"].endswith("status: CANCELED")
        assert server.http.get("/v1/schema").json()["classes"] == []
    finally:
        server.stop()


def test_kill_9_during_a_restore_leaves_whole_classes_or_none(tmp_path):
    data, backups = tmp_path / "data", tmp_path / "backups"
    _populate(data)
    server = Process(data, backups)
    try:
        server.http.post("/v1/backups/filesystem", json={"id": "full"})
        for _ in range(1200):
            if server.http.get("/v1/backups/filesystem/full").json()["status"] == "SUCCESS":
                break
            time.sleep(0.05)
    finally:
        server.stop()
    empty = tmp_path / "empty"
    server = Process(empty, backups)
    assert server.http.post("/v1/backups/filesystem/full/restore", json={}).status_code == 200
    time.sleep(0.2)
    server.kill()
    server = Process(empty, backups)
    try:
        assert not _hidden(empty)
        classes = [c["class"] for c in server.http.get("/v1/schema").json()["classes"]]
        for name in classes:
            query = f"{{ Aggregate {{ {name} {{ meta {{ count }} }} }} }}"
            counted = server.http.post("/v1/graphql", json={"query": query})
            assert counted.json()["data"]["Aggregate"][name][0]["meta"]["count"] == COUNT
        if len(classes) < len(CLASSES):  # interrupted before the end: the restore can simply be run again
            for name in classes:
                server.http.delete(f"/v1/schema/{name}")
            assert server.http.post("/v1/backups/filesystem/full/restore", json={}).status_code == 200
            for _ in range(1200):
                if server.http.get("/v1/backups/filesystem/full/restore").json()["status"] == "SUCCESS":
                    break
                time.sleep(0.05)
            assert len(server.http.get("/v1/schema").json()["classes"]) == len(CLASSES)
    finally:
        server.stop()
