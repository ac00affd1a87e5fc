"""Backup and restore through the REST API, and query latency while a backup runs.

    .venv/bin/python benchmarks/backup_restore.py                 # 20,000 objects x 64 dims, 2 classes
    .venv/bin/python benchmarks/backup_restore.py --n 100000 --dim 128

An in-process server (uvicorn on 127.0.0.1) on a fresh data directory with backup-filesystem. The script prints
objects per second of the backup and of the restore (to SUCCESS, as a client waiting for completion sees them),
and the p50 / p99 of nearVector queries while idle and while the backup runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import Server, make_settings  # noqa: E402
from vectordb.api.app import create_app  # noqa: E402
from vectordb.database import Database  # noqa: E402


def wait(http: httpx.Client, path: str) -> None:
    while http.get(path).json()["status"] not in ("SUCCESS", "FAILED", "CANCELED"):
        time.sleep(0.02)


def latencies(http: httpx.Client, dim: int, stop: threading.Event, out: list[float]) -> None:
    rng = np.random.default_rng(1)
    while not stop.is_set():
        vector = ", ".join(f"{x:.4f}" for x in rng.standard_normal(dim))
        started = time.perf_counter()
        http.post("/v1/graphql", json={"query": f"{{ Get {{ A(nearVector: {{vector: [{vector}]}}, limit: 10) "
                                                f"{{ n }} }} }}"}).raise_for_status()
        out.append((time.perf_counter() - started) * 1000)


def pct(values: list[float]) -> str:
    if not values:
        return "no queries"
    ordered = sorted(values)
    return f"p50 {statistics.median(ordered):.1f} ms, p99 {ordered[int(0.99 * (len(ordered) - 1))]:.1f} ms " \
           f"({len(ordered)} queries)"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--dim", type=int, default=64)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="vectordb-backup-bench-"))
    env = {"ENABLE_MODULES": "backup-filesystem", "BACKUP_FILESYSTEM_PATH": str(tmp / "backups")}
    source = Database(make_settings(tmp / "a", **env))
    rng = np.random.default_rng(0)
    for name in ("A", "B"):
        source.create_collection({"class": name, "vectorizer": "none",
                                  "properties": [{"name": "n", "dataType": ["int"]}]})
        vectors = rng.standard_normal((args.n // 2, args.dim)).astype(np.float32)
        for start in range(0, len(vectors), 1000):
            source.batch_objects([{"class": name, "properties": {"n": start + i}, "vector": v.tolist()}
                                  for i, v in enumerate(vectors[start:start + 1000])])
    with Server(create_app(source)) as server, httpx.Client(base_url=server.url, timeout=60) as http:
        idle: list[float] = []
        stop = threading.Event()
        timer = threading.Timer(3.0, stop.set)
        timer.start()
        latencies(http, args.dim, stop, idle)
        busy: list[float] = []
        stop = threading.Event()
        with httpx.Client(base_url=server.url, timeout=60) as other:
            querier = threading.Thread(target=latencies, args=(other, args.dim, stop, busy))
            querier.start()
            started = time.perf_counter()
            http.post("/v1/backups/filesystem", json={"id": "bench"}).raise_for_status()
            wait(http, "/v1/backups/filesystem/bench")
            backup_s = time.perf_counter() - started
            stop.set()
            querier.join()
    source.close()
    target = Database(make_settings(tmp / "b", **env))
    with Server(create_app(target)) as server, httpx.Client(base_url=server.url, timeout=60) as http:
        started = time.perf_counter()
        http.post("/v1/backups/filesystem/bench/restore", json={}).raise_for_status()
        wait(http, "/v1/backups/filesystem/bench/restore")
        restore_s = time.perf_counter() - started
    target.close()
    print(f"{args.n} objects x {args.dim} dims in 2 classes")
    print(f"backup:  {backup_s:.2f} s, {args.n / backup_s:,.0f} objects/s")
    print(f"restore: {restore_s:.2f} s, {args.n / restore_s:,.0f} objects/s")
    print(f"nearVector idle:          {pct(idle)}")
    print(f"nearVector during backup: {pct(busy)}")


if __name__ == "__main__":
    main()
