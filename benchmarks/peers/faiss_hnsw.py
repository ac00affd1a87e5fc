"""faiss-cpu IndexHNSWFlat (inner product on unit vectors = cosine), filters through an id selector."""

from __future__ import annotations

import faiss
import numpy as np

from benchmarks.peers.base import Adapter, BuildParams, package_version


class FaissHnsw(Adapter):
    name = "faiss-hnsw"
    index_kind = "faiss IndexHNSWFlat, inner product, in memory, saved to one file"

    def __init__(self, workdir) -> None:
        super().__init__(workdir)
        self.index = None
        self.buckets: np.ndarray | None = None
        self.selectors: dict[int, object] = {}
        self.bitmaps: dict[int, np.ndarray] = {}

    def build(self, vectors: np.ndarray, buckets: np.ndarray, params: BuildParams) -> None:
        if params.distance not in ("cosine", "dot"):
            raise ValueError("the faiss adapter runs inner product only (cosine on unit vectors)")
        self.index = faiss.IndexHNSWFlat(vectors.shape[1], params.M, faiss.METRIC_INNER_PRODUCT)
        self.index.hnsw.efConstruction = params.ef_construction
        for lo in range(0, len(vectors), params.batch):
            self.index.add(np.ascontiguousarray(vectors[lo : lo + params.batch]))
        self.buckets = np.asarray(buckets)
        np.save(self.workdir / "buckets.npy", self.buckets)
        # one query at a time: OpenMP threads only add overhead there (ann-benchmarks does the same)
        faiss.omp_set_num_threads(1)

    def _search(self, q: np.ndarray, k: int, ef: int, sel=None) -> np.ndarray:
        search_params = faiss.SearchParametersHNSW(efSearch=ef)
        if sel is not None:
            search_params.sel = sel
        _, ids = self.index.search(q.reshape(1, -1), k, params=search_params)
        return ids[0][ids[0] >= 0].astype(np.int64)

    def query(self, q: np.ndarray, k: int, ef: int) -> np.ndarray:
        return self._search(q, k, ef)

    def query_filtered(self, q: np.ndarray, k: int, ef: int, max_bucket: int) -> np.ndarray:
        sel = self.selectors.get(max_bucket)
        if sel is None:
            # a bitmap over all rows: the selector faiss checks per visited node
            bits = np.packbits(self.buckets < max_bucket, bitorder="little")
            sel = faiss.IDSelectorBitmap(len(self.buckets), faiss.swig_ptr(bits))
            self.bitmaps[max_bucket] = bits  # the selector points into this buffer: keep it alive
            self.selectors[max_bucket] = sel
        return self._search(q, k, ef, sel)

    def close(self) -> None:
        if self.index is not None:
            faiss.write_index(self.index, str(self.workdir / "index.faiss"))
            self.index = None
            self.selectors.clear()

    def reopen(self) -> None:
        self.index = faiss.read_index(str(self.workdir / "index.faiss"))
        self.buckets = np.load(self.workdir / "buckets.npy")

    def versions(self) -> dict[str, str]:
        return {"faiss-cpu": package_version("faiss-cpu")}
