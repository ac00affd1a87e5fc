"""Peak RSS of an embedded import with and without compression, past trainingLimit.

Each variant runs in a fresh process: it imports `--n` clustered 128-d vectors into a new data directory (batches
of 1,000), answers 200 queries, and prints its peak RSS (ru_maxrss) with the data set's own size beside it.

    .venv/bin/python -m benchmarks.compression_memory --n 60000 --training-limit 10000
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time

VARIANTS = ("none", "sq", "pq", "bq")


def child(kind: str, n: int, training_limit: int, path: str) -> dict:
    from benchmarks.peers.base import BuildParams
    from benchmarks.peers.data import clustered
    from benchmarks.peers.vectordb_common import CLASS, bodies, class_def
    from vectordb.config import Settings
    from vectordb.database import Database
    from vectordb.query.request import SearchRequest

    data = clustered(n, 128, 200)
    data_mb = (data.vectors.nbytes + data.queries.nbytes) / 2**20
    db = Database(Settings.from_env({"PERSISTENCE_DATA_PATH": path}))
    body = class_def(BuildParams())
    if kind != "none":
        body["vectorIndexConfig"][kind] = {"enabled": True, **({} if kind == "bq" else
                                                                 {"trainingLimit": training_limit})}
    db.create_collection(body)
    start = time.perf_counter()
    for lo in range(0, n, 1000):
        db.batch_objects(bodies(data.vectors[lo:lo + 1000], data.buckets[lo:lo + 1000], lo))
    seconds = time.perf_counter() - start
    for q in data.queries:
        db.search(SearchRequest(collection=CLASS, near_vector={"vector": q}, limit=10))
    compressed = db.collection(CLASS).compressed
    db.close()
    return {"kind": kind, "n": n, "compressed": compressed, "import_s": round(seconds, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "data_set_mb": round(data_mb)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=60_000)
    parser.add_argument("--training-limit", type=int, default=10_000)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--path", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.n, args.training_limit, args.path)))
        return
    for kind in args.variants.split(","):
        with tempfile.TemporaryDirectory(prefix="vdb-mem-") as tmp:
            out = subprocess.run([sys.executable, "-m", "benchmarks.compression_memory", "--child", kind,
                                  "--n", str(args.n), "--training-limit", str(args.training_limit),
                                  "--path", tmp], capture_output=True, text=True, check=True)
            print(out.stdout.strip().splitlines()[-1], flush=True)


if __name__ == "__main__":
    main()
