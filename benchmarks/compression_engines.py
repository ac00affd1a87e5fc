"""Which engine holds compressed codes best: faiss (HNSW-SQ8, HNSW-PQ, binary HNSW) against usearch (i8, b1).

Each engine builds its index over the same clustered unit vectors (M=32, efConstruction=128), answers the
queries with `--ef` candidates, and those are rescored with the exact float vectors (as vectordb rescores from
LMDB). Printed per engine: build seconds, code bytes per vector against 4 * dim, the index's serialized size,
QPS (engine search plus rescoring, one thread) and recall@10 after rescoring.

    .venv/bin/python -m benchmarks.compression_engines --n 100000 --dim 128 --ef 128
"""

from __future__ import annotations

import argparse
import json
import time

import faiss
import numpy as np

from benchmarks.peers.data import K, clustered, recall

M, EF_CONSTRUCTION = 32, 128


def rescore(vectors: np.ndarray, q: np.ndarray, ids: np.ndarray) -> np.ndarray:
    ids = ids[ids >= 0]
    scores = vectors[ids] @ q
    return ids[np.argsort(-scores, kind="stable")[:K]]


def faiss_sq(vectors: np.ndarray) -> faiss.Index:
    index = faiss.IndexHNSWSQ(vectors.shape[1], faiss.ScalarQuantizer.QT_8bit, M, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = EF_CONSTRUCTION
    index.train(vectors)
    index.add(vectors)
    return index


def faiss_pq(vectors: np.ndarray) -> faiss.Index:
    index = faiss.IndexHNSWPQ(vectors.shape[1], vectors.shape[1] // 2, M, 8, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = EF_CONSTRUCTION
    index.train(vectors)
    index.add(vectors)
    return index


def faiss_bq(vectors: np.ndarray) -> faiss.IndexBinary:
    index = faiss.IndexBinaryHNSW(vectors.shape[1], M)
    index.hnsw.efConstruction = EF_CONSTRUCTION
    index.add(np.packbits(vectors < 0, axis=1))
    return index


def run_faiss(name: str, build, vectors: np.ndarray, queries: np.ndarray, ef: int, code_bytes: int) -> dict:
    start = time.perf_counter()
    index = build(vectors)
    built = time.perf_counter() - start
    index.hnsw.efSearch = ef
    binary = isinstance(index, faiss.IndexBinary)
    size = len(faiss.serialize_index_binary(index) if binary else faiss.serialize_index(index))
    found = []
    start = time.perf_counter()
    for q in queries:
        probe = np.packbits(q[None, :] < 0, axis=1) if binary else q[None, :]
        _, ids = index.search(probe, ef)
        found.append(rescore(vectors, q, ids[0]))
    took = time.perf_counter() - start
    return {"engine": f"faiss {name}", "build_s": round(built, 1), "code_bytes": code_bytes,
            "serialized_mb": round(size / 1e6, 1), "qps": round(len(queries) / took),
            "recall@10": round(recall(found, TRUTH), 3)}


def run_usearch(dtype: str, vectors: np.ndarray, queries: np.ndarray, ef: int) -> dict:
    from usearch.index import Index

    index = Index(ndim=vectors.shape[1], metric="hamming" if dtype == "b1" else "ip", dtype=dtype,
                  connectivity=M, expansion_add=EF_CONSTRUCTION, expansion_search=ef)
    data = np.packbits(vectors < 0, axis=1) if dtype == "b1" else vectors
    start = time.perf_counter()
    index.add(np.arange(len(vectors)), data, threads=1)
    built = time.perf_counter() - start
    found = []
    start = time.perf_counter()
    for q in queries:
        probe = np.packbits(q < 0) if dtype == "b1" else q
        hits = index.search(probe, ef, threads=1)
        found.append(rescore(vectors, q, np.asarray(hits.keys, dtype=np.int64)))
    took = time.perf_counter() - start
    code = vectors.shape[1] // 8 if dtype == "b1" else vectors.shape[1]
    return {"engine": f"usearch {dtype}", "build_s": round(built, 1), "code_bytes": code,
            "serialized_mb": round(index.serialized_length / 1e6, 1), "qps": round(len(queries) / took),
            "recall@10": round(recall(found, TRUTH), 3)}


def main() -> None:
    global TRUTH
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--dim", type=int, default=128)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--ef", type=int, default=128)
    args = parser.parse_args()
    data = clustered(args.n, args.dim, args.queries)
    TRUTH = data.truth
    v, q, d = data.vectors, data.queries, args.dim
    faiss.omp_set_num_threads(1)
    rows = [
        run_faiss("HNSW-SQ8", faiss_sq, v, q, args.ef, d),
        run_faiss("HNSW-PQ m=d/2", faiss_pq, v, q, args.ef, d // 2),
        run_faiss("binary HNSW", faiss_bq, v, q, args.ef, d // 8),
        run_usearch("i8", v, q, args.ef),
        run_usearch("b1", v, q, args.ef),
    ]
    print(json.dumps({"n": args.n, "dim": d, "ef": args.ef, "float_bytes": 4 * d, "rows": rows}, indent=1))


TRUTH: np.ndarray = np.empty(0)

if __name__ == "__main__":
    main()
