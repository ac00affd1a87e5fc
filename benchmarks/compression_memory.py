"""Peak RSS of an embedded import with and without compression, past trainingLimit.

Each variant runs in a fresh process: it imports `--n` clustered 128-d vectors into a new data directory (batches
of 1,000, waiting for a background training at the end), answers 200 queries, closes, reopens and answers one,
and prints its peak RSS (ru_maxrss) with the data set's own size beside it, and after each phase the peak so far
and the current RSS as anonymous memory and mapped file pages (LMDB's).

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


def _status_mb(field: str) -> int:
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return round(int(line.split()[1]) / 1024)
    return 0


def _phase() -> dict:
    """Peak RSS so far, and the current RSS split into anonymous memory and mapped file pages (LMDB's)."""
    return {"peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "anon_mb": _status_mb("RssAnon"), "file_mb": _status_mb("RssFile")}


def child(kind: str, n: int, training_limit: int, path: str) -> dict:
    from benchmarks.peers.base import BuildParams
    from benchmarks.peers.data import clustered
    from benchmarks.peers.vectordb_common import CLASS, bodies, class_def
    from vectordb.config import Settings
    from vectordb.database import Database
    from vectordb.query.request import SearchRequest

    data = clustered(n, 128, 200)
    data_mb = (data.vectors.nbytes + data.queries.nbytes) / 2**20
    phases = {"data set": _phase()}
    settings = Settings.from_env({"PERSISTENCE_DATA_PATH": path})
    db = Database(settings)
    body = class_def(BuildParams())
    if kind != "none":
        body["vectorIndexConfig"][kind] = {"enabled": True, **({} if kind == "bq" else
                                                                 {"trainingLimit": training_limit})}
    db.create_collection(body)
    start = time.perf_counter()
    for lo in range(0, n, 1000):
        db.batch_objects(bodies(data.vectors[lo:lo + 1000], data.buckets[lo:lo + 1000], lo))
    if kind != "none":
        db.collection(CLASS).indexes[""].wait()  # training runs beside the import
    seconds = time.perf_counter() - start
    phases["import"] = _phase()
    index = db.collection(CLASS).indexes[""]
    memory = index.memory() if kind != "none" else {"vectors": len(index) * 128 * 4, "codes": 0}
    truth = data.truth
    found = []
    for q in data.queries:
        hits = db.search(SearchRequest(collection=CLASS, near_vector={"vector": q}, limit=10))
        found.append([int(h.id.replace("-", ""), 16) - 1 for h in hits])
    recall = sum(len(set(f) & set(t.tolist())) for f, t in zip(found, truth, strict=True)) / truth.size
    phases["queries"] = _phase()
    compressed = db.collection(CLASS).compressed
    db.close()
    phases["close"] = _phase()
    db = Database(settings)
    db.search(SearchRequest(collection=CLASS, near_vector={"vector": data.queries[0]}, limit=10))
    phases["reopen"] = _phase()
    db.close()
    return {"kind": kind, "n": n, "compressed": compressed, "import_s": round(seconds, 1),
            "recall_at_10": round(recall, 3), "vector_bytes_in_memory": memory["vectors"] + memory["codes"],
            "peak_rss_mb": phases["reopen"]["peak_mb"], "data_set_mb": round(data_mb), "phases": phases}


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
