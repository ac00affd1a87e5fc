"""Raw hnswlib with the same M / efConstruction: the floor under vectordb's own index."""

from __future__ import annotations

import hnswlib
import numpy as np

from benchmarks.peers.base import Adapter, BuildParams, package_version

SPACES = {"cosine": "cosine", "dot": "ip", "l2-squared": "l2"}


class RawHnswlib(Adapter):
    name = "hnswlib"
    index_kind = "hnswlib HNSW in memory, saved to one file"

    def __init__(self, workdir) -> None:
        super().__init__(workdir)
        self.index: hnswlib.Index | None = None
        self.buckets: np.ndarray | None = None
        self.dim = 0
        self.space = "cosine"
        self.ef: int | None = None
        self.retries = 0

    def build(self, vectors: np.ndarray, buckets: np.ndarray, params: BuildParams) -> None:
        self.dim, self.space = vectors.shape[1], SPACES[params.distance]
        self.index = hnswlib.Index(space=self.space, dim=self.dim)
        self.index.init_index(max_elements=len(vectors), ef_construction=params.ef_construction, M=params.M)
        for lo in range(0, len(vectors), params.batch):
            self.index.add_items(
                vectors[lo : lo + params.batch], np.arange(lo, lo + len(vectors[lo : lo + params.batch]))
            )
        # the payload lives beside the index: hnswlib stores labels only
        self.buckets = np.asarray(buckets)
        np.save(self.workdir / "buckets.npy", self.buckets)

    def _set_ef(self, ef: int) -> None:
        if ef != self.ef:
            self.index.set_ef(ef)
            self.ef = ef

    def query(self, q: np.ndarray, k: int, ef: int) -> np.ndarray:
        self._set_ef(ef)
        return self.index.knn_query(q, k=k, num_threads=1)[0][0].astype(np.int64)

    def query_filtered(self, q: np.ndarray, k: int, ef: int, max_bucket: int) -> np.ndarray:
        buckets = self.buckets
        allowed = lambda label: buckets[label] < max_bucket  # noqa: E731
        # hnswlib raises when the filtered walk finds fewer than k rows; what a user would do is retry with a
        # wider search (counted in the notes), and ask for fewer rows once the whole graph was searched
        while k > 0:
            self._set_ef(ef)
            try:
                labels, _ = self.index.knn_query(q, k=k, num_threads=1, filter=allowed)
                return labels[0].astype(np.int64)
            except RuntimeError:
                self.retries += 1
                if ef >= self.index.get_current_count():
                    k -= 1
                else:
                    ef *= 4
        return np.zeros(0, dtype=np.int64)

    def close(self) -> None:
        if self.index is not None:
            self.index.save_index(str(self.workdir / "index.bin"))
            self.index = None

    def reopen(self) -> None:
        self.index = hnswlib.Index(space=self.space, dim=self.dim)
        self.index.load_index(str(self.workdir / "index.bin"))
        self.buckets = np.load(self.workdir / "buckets.npy")
        self.ef = None

    def notes(self) -> dict[str, int]:
        return {"filtered_query_retries": self.retries} if self.retries else {}

    def versions(self) -> dict[str, str]:
        return {"hnswlib": package_version("hnswlib")}
