"""Drive one system through every measurement, in this process alone, and write its results as JSON.

    python -m benchmarks.peers.worker --system hnswlib --data DIR --workdir DIR --out FILE

The runner starts one worker per system so that the peak RSS read here belongs to that system only. The JSON
is rewritten after every phase: a worker stopped by its time limit still leaves what it measured.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.peers.base import Adapter, BuildParams, adapter_class
from benchmarks.peers.data import SELECTIVITIES, Dataset, K, recall

log = logging.getLogger("benchmarks.peers.worker")
WARMUP = 10


def proc_status_bytes(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024  # reported in kB
    return 0


def peak_rss_bytes() -> int:
    # VmHWM belongs to this process image alone. ru_maxrss does not: Linux carries the parent's high-water
    # mark across fork and exec, so every worker would report at least the runner's peak.
    return proc_status_bytes("VmHWM")


def current_rss_bytes() -> int:
    return proc_status_bytes("VmRSS")


MIN_QUERIES = 20


def timed_pass(
    search: Callable[[np.ndarray], np.ndarray], queries: np.ndarray, max_seconds: float
) -> tuple[list[np.ndarray], float]:
    """Run the queries in order; a slow system stops after max_seconds (past MIN_QUERIES) so that every phase
    still gets measured inside the budget. Recall is then taken over the queries that ran."""
    for q in queries[:WARMUP]:
        search(q)
    found = []
    start = time.perf_counter()
    for q in queries:
        found.append(search(q))
        if len(found) >= MIN_QUERIES and time.perf_counter() - start > max_seconds:
            break
    return found, time.perf_counter() - start


def latency(
    search: Callable[[np.ndarray], np.ndarray], queries: np.ndarray, clients: int, total: int, max_seconds: float
) -> dict[str, float]:
    """`clients` threads share `total` queries; each call is timed on its own. A client stops early once
    max_seconds have passed (after a few queries), so a slow system still fits its budget."""
    per_client = max(1, total // clients)
    samples: list[list[float]] = [[] for _ in range(clients)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(clients)

    def client(c: int) -> None:
        try:
            barrier.wait()
            begin = time.perf_counter()
            for j in range(per_client):
                q = queries[(c * per_client + j) % len(queries)]
                t0 = time.perf_counter()
                search(q)
                samples[c].append(time.perf_counter() - t0)
                if j >= 3 and time.perf_counter() - begin > max_seconds:
                    break
        except BaseException as exc:  # surfaced below: one failing client fails the measurement
            errors.append(exc)

    threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    if errors:
        raise errors[0]
    lat = np.concatenate([np.asarray(s) for s in samples]) * 1000
    return {
        "clients": clients,
        "queries": int(lat.size),
        "p50_ms": float(np.percentile(lat, 50)),
        "p99_ms": float(np.percentile(lat, 99)),
        "mean_ms": float(lat.mean()),
        "qps": float(lat.size / wall),
    }


class Run:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.out: dict[str, Any] = {"system": args.system, "status": "running", "phases": {}}
        self.deadline = time.monotonic() + args.budget

    def save(self) -> None:
        self.out["peak_rss_bytes"] = peak_rss_bytes()
        tmp = self.args.out.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.out, indent=2))
        tmp.replace(self.args.out)

    def over_budget(self) -> bool:
        return time.monotonic() > self.deadline

    def phase(self, name: str, fn: Callable[[], Any]) -> None:
        if self.over_budget():
            self.out["phases"][name] = {"skipped": f"time budget of {self.args.budget} s used up"}
        else:
            start = time.perf_counter()
            try:
                self.out["phases"][name] = fn()
            except Exception as exc:
                log.exception("%s: phase %s failed", self.args.system, name)
                self.out["phases"][name] = {
                    "error": f"{type(exc).__name__}: {exc}",
                    "trace": traceback.format_exc(limit=4),
                }
            log.info("%s: %s took %.1f s", self.args.system, name, time.perf_counter() - start)
        self.save()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--system", required=True)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--efs", default="10,20,40,100,200,400")
    parser.add_argument("--ef", type=int, default=100, help="ef for the filtered, latency and reopen phases")
    parser.add_argument("--params", default="{}", help="BuildParams fields as JSON")
    parser.add_argument("--latency-queries", type=int, default=400)
    parser.add_argument("--budget", type=float, default=600, help="seconds; later phases are skipped past it")
    parser.add_argument("--pass-seconds", type=float, default=None, help="cap on one timed pass (budget / 15)")
    args = parser.parse_args()
    args.pass_seconds = args.pass_seconds or args.budget / 15
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stderr)

    run = Run(args)
    data = Dataset.load(args.data)
    params = BuildParams(**json.loads(args.params))
    args.workdir.mkdir(parents=True, exist_ok=True)
    # memory the data set itself takes in this process: the same for every system, subtracted in the report
    run.out["rss_baseline_bytes"] = current_rss_bytes()
    try:
        cls = adapter_class(args.system)
    except ImportError as exc:
        run.out.update(status="unavailable", error=f"{type(exc).__name__}: {exc}")
        run.save()
        return
    workdir = args.workdir
    if cls.on_tmpfs and Path("/dev/shm").is_dir():
        workdir = Path(tempfile.mkdtemp(prefix="vdb-peers-", dir="/dev/shm"))
    run.out.update(storage="tmpfs" if workdir != args.workdir else "disk")
    try:
        adapter = cls(workdir)
        run.out.update(
            versions=adapter.versions(),
            index_kind=adapter.index_kind,
            tunes_ef=adapter.tunes_ef,
            params=params.to_json(),
        )
        run.save()
        measure(run, adapter, data, params, [int(e) for e in args.efs.split(",")])
        if workdir != args.workdir:
            # the same import on the real disk, on a sample, so the tmpfs figure is not the only one
            run.phase(
                "disk_sample",
                lambda: adapter.measure_disk_rate(data.vectors, data.buckets, params, args.workdir),
            )
        phases = run.out["phases"]
        run.out["status"] = "failed" if "error" in phases.get("build", {}) else "ok"
        run.out["peak_rss_extra_bytes"] = adapter.peak_rss_extra()
        run.out["notes"] = adapter.notes()
        run.save()
    finally:
        if workdir != args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)


def measure(run: Run, adapter: Adapter, data: Dataset, params: BuildParams, efs: list[int]) -> None:
    args = run.args
    n = len(data.vectors)

    def build() -> dict[str, Any]:
        start = time.perf_counter()
        adapter.build(data.vectors, data.buckets, params)
        seconds = time.perf_counter() - start
        return {"seconds": seconds, "per_s": n / seconds, "rss_after_build_bytes": current_rss_bytes()}

    run.phase("build", build)
    if "error" in run.out["phases"]["build"]:
        return

    def sweep() -> list[dict[str, Any]]:
        points = []
        for ef in efs if adapter.tunes_ef else [args.ef]:
            if run.over_budget():
                break
            found, seconds = timed_pass(lambda q, ef=ef: adapter.query(q, K, ef), data.queries, args.pass_seconds)
            points.append(
                {
                    "ef": ef,
                    "recall": recall(found, data.truth[: len(found)]),
                    "qps": len(found) / seconds,
                    "queries": len(found),
                }
            )
        return points

    run.phase("sweep", sweep)

    def filtered() -> list[dict[str, Any]]:
        points = []
        for s in SELECTIVITIES:
            found, seconds = timed_pass(
                lambda q, s=s: adapter.query_filtered(q, K, args.ef, s), data.queries, args.pass_seconds
            )
            points.append(
                {
                    "selectivity_pct": s,
                    "ef": args.ef,
                    "recall": recall(found, data.filtered_truth[s][: len(found)]),
                    "qps": len(found) / seconds,
                    "queries": len(found),
                }
            )
        return points

    run.phase("filtered", filtered)

    def lat() -> list[dict[str, float]]:
        def search(q: np.ndarray) -> np.ndarray:
            return adapter.query(q, K, args.ef)

        search(data.queries[0])  # ef is set before threads start: changing it is not thread-safe everywhere
        levels = [latency(search, data.queries, 1, args.latency_queries, args.pass_seconds)]
        if adapter.thread_safe:
            levels.append(latency(search, data.queries, 8, args.latency_queries, args.pass_seconds))
        return levels

    run.phase("latency", lat)

    def reopen() -> dict[str, Any]:
        adapter.close()
        start = time.perf_counter()
        adapter.reopen()
        adapter.query(data.queries[0], K, args.ef)
        seconds = time.perf_counter() - start
        probe = data.queries[:100]
        found = [adapter.query(q, K, args.ef) for q in probe]
        return {"seconds": seconds, "recall_after_reopen": recall(found, data.truth[: len(probe)])}

    run.phase("reopen", reopen)
    try:
        adapter.close()
    except Exception:
        log.exception("%s: close after the run failed", args.system)


if __name__ == "__main__":
    main()
