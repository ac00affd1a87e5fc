"""Import throughput (embedded, HTTP+JSON, HTTP+msgpack, interleaved batch by batch) and top-10 query time
beside raw hnswlib.

    .venv/bin/python benchmarks/import_query.py            # 100k x 128 random vectors
    .venv/bin/python benchmarks/import_query.py --n 20000  # quicker

Prints a table and writes benchmarks/results/import_query.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import hnswlib
import httpx
import msgpack
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.serving import free_port, wait_ready  # noqa: E402
from vectordb.config import Settings  # noqa: E402
from vectordb.database import Database  # noqa: E402
from vectordb.query.request import SearchRequest  # noqa: E402

BATCH = 1000
M, EF_CONSTRUCTION = 32, 128
# Weaviate's dynamic ef for k=10: clamp(10 * dynamicEfFactor 8, dynamicEfMin 100, dynamicEfMax 500)
EF_SEARCH = 100


def objects(vectors: np.ndarray, start: int = 0) -> list[dict]:
    return [
        {"class": "Bench", "id": str(uuid.UUID(int=start + i + 1)), "properties": {"i": start + i},
         "vector": v}
        for i, v in enumerate(vectors)
    ]


class Server:
    """`python -m vectordb serve` in its own process, with one class per body format."""

    def __init__(self, data: str) -> None:
        port = free_port()
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "vectordb", "serve", "--port", str(port), "--grpc-port", str(free_port()),
             "--data-dir", data, "--log-level", "warning"],
            env=env,
        )
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=300)
        wait_ready(self.proc, lambda: self.http, timeout_s=60)
        for cls in ("BenchJson", "BenchMsgpack"):
            self.http.post("/v1/schema", json={"class": cls, "vectorizer": "none"}).raise_for_status()

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime

    def json_batch(self, chunk: np.ndarray, lo: int) -> None:
        body = [{**o, "class": "BenchJson", "vector": o["vector"].tolist()} for o in objects(chunk, lo)]
        self.http.post("/v1/batch/objects", json={"objects": body}).raise_for_status()

    def msgpack_batch(self, chunk: np.ndarray, lo: int) -> None:
        # vectors as little-endian float32 bytes: the msgpack body's fast path (vectordb/api/body.py)
        body = [{**o, "class": "BenchMsgpack", "vector": o["vector"].astype("<f4").tobytes()}
                for o in objects(chunk, lo)]
        resp = self.http.post("/v1/batch/objects", content=msgpack.packb({"objects": body}),
                              headers={"Content-Type": "application/msgpack"})
        resp.raise_for_status()

    def close(self) -> None:
        self.http.close()
        self.proc.terminate()
        self.proc.wait(timeout=60)


def interleaved_import(path: Path, vectors: np.ndarray) -> tuple[dict[str, float], Database]:
    """Import the same batches embedded, over HTTP+JSON and over HTTP+msgpack, batch by batch in rotating
    order, so that a load change on a shared machine hits the three alike. Wall time per path (the client's
    encoding included, as a user pays it) and CPU time (this process for embedded; client + server for HTTP)."""
    db = Database(Settings.from_env({"PERSISTENCE_DATA_PATH": str(path / "embedded")}))
    db.create_collection({"class": "Bench", "vectorizer": "none"})

    def embedded(chunk: np.ndarray, lo: int) -> None:
        results = db.batch_objects(objects(chunk, lo))
        assert not any(r.get("error") for r in results)

    server = Server(str(path / "server"))
    paths = {"embedded": embedded, "http_json": server.json_batch, "http_msgpack": server.msgpack_batch}
    wall = dict.fromkeys(paths, 0.0)
    cpu = dict.fromkeys(paths, 0.0)
    try:
        for i, lo in enumerate(range(0, len(vectors), BATCH)):
            chunk = vectors[lo : lo + BATCH]
            names = list(paths)
            for name in names[i % 3:] + names[: i % 3]:
                cpu0, server0, start = time.process_time(), server.cpu_seconds(), time.perf_counter()
                paths[name](chunk, lo)
                wall[name] += time.perf_counter() - start
                cpu[name] += time.process_time() - cpu0 + server.cpu_seconds() - server0
    finally:
        server.close()
    n = len(vectors)
    out = {f"{name}_import_per_s": n / wall[name] for name in paths}
    out |= {f"{name}_import_cpu_us_per_object": cpu[name] / n * 1e6 for name in paths}
    out["http_msgpack_over_embedded"] = out["http_msgpack_import_per_s"] / out["embedded_import_per_s"]
    out["http_json_over_embedded"] = out["http_json_import_per_s"] / out["embedded_import_per_s"]
    return out, db


def recall(found: list[np.ndarray], truth: np.ndarray) -> float:
    return float(np.mean([len(set(f.tolist()) & set(t.tolist())) / len(t) for f, t in zip(found, truth, strict=True)]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--dim", type=int, default=128)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "import_query.json")
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((args.n, args.dim)).astype(np.float32)
    queries = rng.standard_normal((args.queries, args.dim)).astype(np.float32)
    normed = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    qn = queries / np.linalg.norm(queries, axis=1, keepdims=True)
    truth = np.argsort(-(qn @ normed.T), axis=1)[:, :10]

    results: dict[str, object] = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "params": {"n": args.n, "dim": args.dim, "queries": args.queries, "batch": BATCH, "M": M,
                   "efConstruction": EF_CONSTRUCTION, "ef": EF_SEARCH, "distance": "cosine"},
    }

    start = time.perf_counter()
    raw = hnswlib.Index(space="cosine", dim=args.dim)
    raw.init_index(max_elements=args.n, ef_construction=EF_CONSTRUCTION, M=M)
    raw.add_items(vectors, np.arange(args.n))
    results["raw_hnswlib_import_per_s"] = args.n / (time.perf_counter() - start)
    raw.set_ef(EF_SEARCH)
    start = time.perf_counter()
    raw_found = [raw.knn_query(q, k=10)[0][0] for q in queries]
    raw_time = (time.perf_counter() - start) / args.queries
    results["raw_hnswlib_query_ms"] = raw_time * 1000
    results["raw_hnswlib_recall_at_10"] = recall(raw_found, truth)

    with tempfile.TemporaryDirectory() as tmp:
        rates, db = interleaved_import(Path(tmp), vectors)
        results |= rates
        results["load_average_1m"] = os.getloadavg()[0]
        coll = db.collection("Bench")
        index = coll.indexes[""]
        start = time.perf_counter()
        index_found = [index.search(q, 10)[0].astype(np.int64) - 1 for q in queries]
        results["vectordb_index_query_ms"] = (time.perf_counter() - start) / args.queries * 1000
        results["vectordb_index_recall_at_10"] = recall(index_found, truth)
        start = time.perf_counter()
        db_found = []
        for q in queries:
            hits = db.search(SearchRequest(collection="Bench", near_vector={"vector": q}, limit=10))
            db_found.append(np.array([h.properties["i"] for h in hits]))
        results["embedded_query_ms"] = (time.perf_counter() - start) / args.queries * 1000
        results["embedded_recall_at_10"] = recall(db_found, truth)
        db.close()

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    width = max(len(k) for k in results)
    for key, value in results.items():
        shown = f"{value:,.3f}" if isinstance(value, float) else value
        print(f"{key:<{width}}  {shown}")


if __name__ == "__main__":
    main()
