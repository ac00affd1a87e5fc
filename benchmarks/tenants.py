"""Many tenants on one machine: peak RSS, open file descriptors, and the first query of a closed tenant store
beside a query of an open one.

    .venv/bin/python benchmarks/tenants.py                          # 10,000 tenants x 50 objects, 32 dims
    .venv/bin/python benchmarks/tenants.py --tenants 500 --per 50   # quicker
    VECTORDB_TENANT_STORES_OPEN=64 .venv/bin/python benchmarks/tenants.py   # another bound on open stores

Runs the database embedded (the REST and gRPC faces add their own cost, the same for one tenant or many).
Prints a table and writes benchmarks/results/tenants.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vectordb.config import Settings  # noqa: E402
from vectordb.database import Database  # noqa: E402
from vectordb.query.request import SearchRequest  # noqa: E402

CLASS = {"class": "Tenanted", "vectorizer": "none", "multiTenancyConfig": {"enabled": True},
         "properties": [{"name": "i", "dataType": ["int"]}, {"name": "text", "dataType": ["text"]}]}


def rss_mib() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def tenant_name(i: int) -> str:
    return f"tenant-{i:05d}"


def populate(db: Database, tenants: int, per: int, dim: int, rng: np.random.Generator) -> tuple[float, int]:
    db.create_collection(CLASS)
    start = time.perf_counter()
    most_fds = 0
    for lo in range(0, tenants, 1000):
        db.add_tenants("Tenanted", [{"name": tenant_name(i)} for i in range(lo, min(tenants, lo + 1000))])
    for t in range(tenants):
        vectors = rng.standard_normal((per, dim)).astype(np.float32)
        bodies = [{"class": "Tenanted", "tenant": tenant_name(t), "properties": {"i": i, "text": f"doc {i} of {t}"},
                   "vector": v.tolist()} for i, v in enumerate(vectors)]
        failed = [r["error"] for r in db.batch_objects(bodies) if r["error"]]
        if failed:
            raise SystemExit(f"tenant {t}: {failed[0]}")
        if t % 500 == 0:
            most_fds = max(most_fds, open_fds())
            print(f"  {t}/{tenants} tenants, {time.perf_counter() - start:.0f} s, RSS {rss_mib():.0f} MiB, "
                  f"{open_fds()} fds, {len(db.tenant_stores)} stores open", flush=True)
    return time.perf_counter() - start, most_fds


def query_ms(db: Database, tenant: str, vector: np.ndarray) -> float:
    start = time.perf_counter()
    results = db.search(SearchRequest(collection="Tenanted", tenant=tenant, limit=10,
                                      near_vector={"vector": vector.tolist()}))
    elapsed = (time.perf_counter() - start) * 1000
    if len(results) != 10:
        raise SystemExit(f"tenant {tenant}: {len(results)} results, expected 10")
    return elapsed


def measure_queries(db: Database, tenants: int, dim: int, samples: int, rng: np.random.Generator
                    ) -> dict[str, float]:
    open_now = {t for _c, t in db.tenant_stores.open_stores("Tenanted")}
    closed = [tenant_name(i) for i in rng.permutation(tenants) if tenant_name(i) not in open_now][:samples]
    cold_first = []
    for t in closed:
        cold_first.append(query_ms(db, t, rng.standard_normal(dim).astype(np.float32)))
    hot = []
    for t in closed[-min(len(closed), 20):]:  # just opened, so open now
        hot.append(query_ms(db, t, rng.standard_normal(dim).astype(np.float32)))
    return {
        "closed_store_first_query_ms_median": statistics.median(cold_first),
        "closed_store_first_query_ms_p95": sorted(cold_first)[int(len(cold_first) * 0.95) - 1],
        "open_store_query_ms_median": statistics.median(hot),
        "samples": len(cold_first),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tenants", type=int, default=10_000)
    parser.add_argument("--per", type=int, default=50, help="objects per tenant")
    parser.add_argument("--dim", type=int, default=32)
    parser.add_argument("--samples", type=int, default=200, help="closed tenants queried")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "tenants.json")
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    with tempfile.TemporaryDirectory(prefix="vectordb-tenants-") as tmp:
        settings = Settings.from_env({**os.environ, "PERSISTENCE_DATA_PATH": tmp})
        fds_before = open_fds()
        with Database(settings) as db:
            limit = db.tenant_stores.limit
            import_s, import_fds = populate(db, args.tenants, args.per, args.dim, rng)
            after_import = {"rss_mib": rss_mib(), "fds": open_fds(), "stores_open": len(db.tenant_stores)}
            queries = measure_queries(db, args.tenants, args.dim, args.samples, rng)
            after_queries = {"rss_mib": rss_mib(), "fds": open_fds(), "stores_open": len(db.tenant_stores)}
        start = time.perf_counter()
        with Database(settings) as db:
            reopen_s = time.perf_counter() - start
            first_after_restart = query_ms(db, tenant_name(0), rng.standard_normal(args.dim).astype(np.float32))
            listed = len(db.tenants("Tenanted"))
        disk_mib = sum(f.stat().st_size for f in Path(tmp).rglob("*") if f.is_file()) / 2**20
    result = {
        "tenants": args.tenants, "objects_per_tenant": args.per, "dim": args.dim, "stores_open_limit": limit,
        "file_limit": resource.getrlimit(resource.RLIMIT_NOFILE)[0],
        "import_s": round(import_s, 1), "objects_per_s": round(args.tenants * args.per / import_s),
        "fds_before": fds_before, "fds_most_during_import": import_fds, "after_import": after_import,
        "after_queries": after_queries, "peak_rss_mib": round(peak_rss_mib(), 1), **queries,
        "reopen_s": round(reopen_s, 2), "first_query_after_restart_ms": round(first_after_restart, 1),
        "tenants_after_restart": listed, "disk_mib": round(disk_mib, 1),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    for key, value in result.items():
        print(f"{key:40} {value}")


if __name__ == "__main__":
    main()
