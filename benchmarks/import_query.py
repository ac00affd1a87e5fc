"""Import throughput (embedded, HTTP+JSON, HTTP+msgpack) and top-10 query time beside raw hnswlib.

    .venv/bin/python benchmarks/import_query.py            # 100k x 128 random vectors
    .venv/bin/python benchmarks/import_query.py --n 20000  # quicker

Prints a table and writes benchmarks/results/import_query.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
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

from vectordb.config import Settings  # noqa: E402
from vectordb.database import Database  # noqa: E402
from vectordb.query.request import SearchRequest  # noqa: E402

BATCH = 1000
M, EF_CONSTRUCTION = 32, 128
# Weaviate's dynamic ef for k=10: clamp(10 * dynamicEfFactor 8, dynamicEfMin 100, dynamicEfMax 500)
EF_SEARCH = 100


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def objects(vectors: np.ndarray, start: int = 0) -> list[dict]:
    return [
        {"class": "Bench", "id": str(uuid.UUID(int=start + i + 1)), "properties": {"i": start + i},
         "vector": v}
        for i, v in enumerate(vectors)
    ]


def embedded_import(path: Path, vectors: np.ndarray) -> tuple[float, Database]:
    db = Database(Settings.from_env({"PERSISTENCE_DATA_PATH": str(path)}))
    db.create_collection({"class": "Bench", "vectorizer": "none"})
    start = time.perf_counter()
    for lo in range(0, len(vectors), BATCH):
        chunk = vectors[lo : lo + BATCH]
        results = db.batch_objects([{**o, "vector": o["vector"]} for o in objects(chunk, lo)])
        assert not any(r.get("error") for r in results)
    return len(vectors) / (time.perf_counter() - start), db


def http_import(vectors: np.ndarray, use_msgpack: bool) -> float:
    port = free_port()
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        server = subprocess.Popen(
            [sys.executable, "-m", "vectordb", "serve", "--port", str(port), "--data-dir", data,
             "--log-level", "warning"],
            env=env,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            with httpx.Client(base_url=url, timeout=120) as http:
                for _ in range(200):
                    try:
                        if http.get("/v1/.well-known/ready").status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    time.sleep(0.1)
                http.post("/v1/schema", json={"class": "Bench", "vectorizer": "none"}).raise_for_status()
                start = time.perf_counter()
                for lo in range(0, len(vectors), BATCH):
                    chunk = vectors[lo : lo + BATCH]
                    if use_msgpack:
                        body = [{**o, "vector": o["vector"].astype("<f4").tobytes()} for o in objects(chunk, lo)]
                        resp = http.post(
                            "/v1/batch/objects",
                            content=msgpack.packb({"objects": body}),
                            headers={"Content-Type": "application/msgpack"},
                        )
                    else:
                        body = [{**o, "vector": o["vector"].tolist()} for o in objects(chunk, lo)]
                        resp = http.post("/v1/batch/objects", json={"objects": body})
                    resp.raise_for_status()
                return len(vectors) / (time.perf_counter() - start)
        finally:
            server.terminate()
            server.wait(timeout=60)


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
        rate, db = embedded_import(Path(tmp), vectors)
        results["embedded_import_per_s"] = rate
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

    results["http_json_import_per_s"] = http_import(vectors, use_msgpack=False)
    results["http_msgpack_import_per_s"] = http_import(vectors, use_msgpack=True)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    width = max(len(k) for k in results)
    for key, value in results.items():
        shown = f"{value:,.3f}" if isinstance(value, float) else value
        print(f"{key:<{width}}  {shown}")


if __name__ == "__main__":
    main()
