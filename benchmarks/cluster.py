"""Scale-out costs: query fan-out overhead at 3 shards against one node, import throughput 3 shards against 1,
and the per-shard costs the projection for 100M and 1B vectors (docs/cluster.md) is computed from.

    .venv/bin/python -m benchmarks.cluster                       # 20k x 128, 300 queries, 3 loopback nodes
    .venv/bin/python -m benchmarks.cluster --n 50000 --queries 500

It starts its own 3-node Ray cluster on 127.0.0.2-4 (stopped by its process groups at the end) unless
--ray-address names one. Both sides run the same `Database` calls in this process: the one-node side a local
collection, the cluster side collections of 1, 3 and 6 shards (factor 1, so the fan-out itself is measured, not
replication; the 1-shard one has factor 2, or it would not be spread, so its import writes twice). Queries are
read at ONE: one replica per shard. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np

from vectordb.config import Settings
from vectordb.database import Database
from vectordb.query.request import SearchRequest

BATCH = 500
IPS = ["127.0.0.2", "127.0.0.3", "127.0.0.4"]


def _class(name: str, shards: int, factor: int) -> dict[str, Any]:
    return {"class": name, "vectorizer": "none", "shardingConfig": {"desiredCount": shards},
            "replicationConfig": {"factor": factor},
            "properties": [{"name": "bucket", "dataType": ["int"]}]}


def _import(db: Database, name: str, vectors: np.ndarray) -> float:
    """Objects per second through Database.batch_objects in batches of BATCH."""
    started = time.perf_counter()
    for start in range(0, len(vectors), BATCH):
        batch = [{"class": name, "id": str(uuid.UUID(int=i + 1)), "properties": {"bucket": i % 10},
                  "vector": vectors[i].tolist()} for i in range(start, min(start + BATCH, len(vectors)))]
        errors = [r["error"] for r in db.batch_objects(batch) if r.get("error")]
        if errors:
            raise RuntimeError(f"import failed: {errors[:3]}")
    return len(vectors) / (time.perf_counter() - started)


def _latencies(db: Database, name: str, queries: np.ndarray) -> list[float]:
    out = []
    for q in queries:
        started = time.perf_counter()
        db.search(SearchRequest(collection=name, limit=10, near_vector={"vector": q.tolist()},
                                consistency_level="ONE"))
        out.append((time.perf_counter() - started) * 1000)
    return out


def _summary(ms: list[float]) -> dict[str, float]:
    ordered = sorted(ms)
    return {"p50_ms": round(statistics.median(ordered), 3), "p95_ms": round(ordered[int(len(ordered) * 0.95)], 3)}


def _round_trip_ms(db: Database, name: str, rounds: int = 200) -> float:
    """One actor call (ping) from the coordinator, p50."""
    coll: Any = db.collection(name)
    handle = next(iter(coll.handles.values()))
    ray = coll.cluster.ray
    ray.get(handle.ping.remote())
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        ray.get(handle.ping.remote())
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 3)


def run(args: argparse.Namespace) -> dict[str, Any]:
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((args.n, args.dim)).astype(np.float32)
    queries = rng.standard_normal((args.queries, args.dim)).astype(np.float32)
    root = Path(tempfile.mkdtemp(prefix="vdb-bench-cluster-"))
    result: dict[str, Any] = {"n": args.n, "dim": args.dim, "queries": args.queries, "batch": BATCH}

    one = Database(Settings.from_env({"PERSISTENCE_DATA_PATH": str(root / "one")}))
    try:
        one.create_collection(_class("Bench", 1, 1))
        result["one_node"] = {"import_objects_per_s": round(_import(one, "Bench", vectors))}
        _latencies(one, "Bench", queries[:20])
        result["one_node"].update(_summary(_latencies(one, "Bench", queries)))
    finally:
        one.close()

    from vectordb.cluster.local import LocalCluster
    from vectordb.cluster.runtime import Cluster

    local = None if args.ray_address else LocalCluster(IPS).__enter__()
    result["cluster"] = {}
    try:
        address = args.ray_address or local.address  # type: ignore[union-attr]
        coord = root / "coordinator"
        db = Database(Settings.from_env({"PERSISTENCE_DATA_PATH": str(coord)}), cluster=Cluster(address, coord))
        try:
            for shards in args.shards:
                name = f"Bench{shards}"
                # desiredCount 1 needs factor 2 to be spread at all; factor 1 otherwise (the fan-out alone)
                db.create_collection(_class(name, shards, 1 if shards > 1 else 2))
                figures: dict[str, Any] = {"import_objects_per_s": round(_import(db, name, vectors))}
                _latencies(db, name, queries[:20])
                figures.update(_summary(_latencies(db, name, queries)))
                figures["actor_round_trip_p50_ms"] = _round_trip_ms(db, name)
                figures["objects_per_shard"] = sorted(db.collection(name).shard_counts().values())  # type: ignore
                result["cluster"][shards] = figures
                db.delete_collection(name)
        finally:
            db.close()
    finally:
        if local is not None:
            local.close()
        shutil.rmtree(root, ignore_errors=True)
    by = result["cluster"]
    if 3 in by:
        result["fanout_overhead_3_shards_p50_ms"] = round(by[3]["p50_ms"] - result["one_node"]["p50_ms"], 3)
        result["import_3_shards_over_one_node"] = round(
            by[3]["import_objects_per_s"] / result["one_node"]["import_objects_per_s"], 3)
    counts = sorted(by)
    if len(counts) >= 2:
        low, high = counts[0], counts[-1]
        result["p50_ms_per_extra_shard"] = round((by[high]["p50_ms"] - by[low]["p50_ms"]) / (high - low), 3)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--dim", type=int, default=128)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--shards", type=lambda v: [int(x) for x in v.split(",")], default=[1, 3, 6],
                        help="shard counts to measure on the cluster (default 1,3,6)")
    parser.add_argument("--ray-address", default=None, help="an existing Ray cluster (default: start 3 nodes)")
    print(json.dumps(run(parser.parse_args()), indent=2))


if __name__ == "__main__":
    main()
