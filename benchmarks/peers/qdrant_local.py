"""qdrant-client in local mode (QdrantClient(path=...)): the pure-Python engine, which searches exactly and
has no HNSW graph, so ef means nothing to it and its recall is 1 by construction."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
from qdrant_client import QdrantClient, models

from benchmarks.peers.base import Adapter, BuildParams, package_version

DISTANCES = {
    "cosine": models.Distance.COSINE,
    "dot": models.Distance.DOT,
    "l2-squared": models.Distance.EUCLID,
}


class QdrantLocal(Adapter):
    name = "qdrant-local"
    tunes_ef = False
    index_kind = "qdrant-client local mode: exact numpy scan, points pickled into SQLite (on tmpfs)"
    # local mode commits SQLite once per point; on this machine's disk that is ~15 ms a point, so an on-disk
    # import of the quick data set alone would outlast the budget. The rate on disk is measured on a sample.
    on_tmpfs = True
    DISK_SAMPLE = 300

    def __init__(self, workdir) -> None:
        super().__init__(workdir)
        self.client: QdrantClient | None = None
        self.disk_rate: float | None = None

    @staticmethod
    def _fill(client: QdrantClient, vectors: np.ndarray, buckets: np.ndarray, params: BuildParams) -> None:
        client.create_collection(
            "bench",
            vectors_config=models.VectorParams(size=vectors.shape[1], distance=DISTANCES[params.distance]),
            hnsw_config=models.HnswConfigDiff(m=params.M, ef_construct=params.ef_construction),
        )
        for lo in range(0, len(vectors), params.batch):
            hi = min(lo + params.batch, len(vectors))
            client.upsert(
                "bench",
                points=models.Batch(
                    ids=list(range(lo, hi)),
                    vectors=vectors[lo:hi].tolist(),
                    payloads=[{"bucket": int(b)} for b in buckets[lo:hi]],
                ),
            )

    def build(self, vectors: np.ndarray, buckets: np.ndarray, params: BuildParams) -> None:
        self.client = QdrantClient(path=str(self.workdir / "qdrant"))
        self._fill(self.client, vectors, buckets, params)

    def measure_disk_rate(
        self, vectors: np.ndarray, buckets: np.ndarray, params: BuildParams, directory: Path
    ) -> None:
        sample = min(self.DISK_SAMPLE, len(vectors))
        client = QdrantClient(path=str(directory / "qdrant-disk-sample"))
        start = time.perf_counter()
        self._fill(client, vectors[:sample], buckets[:sample], params)
        self.disk_rate = sample / (time.perf_counter() - start)
        client.close()

    def _search(self, q: np.ndarray, k: int, ef: int, flt: models.Filter | None) -> np.ndarray:
        res = self.client.query_points(
            "bench",
            query=q.tolist(),
            limit=k,
            query_filter=flt,
            search_params=models.SearchParams(hnsw_ef=ef),
            with_payload=False,
        )
        return np.array([p.id for p in res.points], dtype=np.int64)

    def query(self, q: np.ndarray, k: int, ef: int) -> np.ndarray:
        return self._search(q, k, ef, None)

    def query_filtered(self, q: np.ndarray, k: int, ef: int, max_bucket: int) -> np.ndarray:
        flt = models.Filter(
            must=[models.FieldCondition(key="bucket", range=models.Range(lt=int(max_bucket)))]
        )
        return self._search(q, k, ef, flt)

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None

    def reopen(self) -> None:
        self.client = QdrantClient(path=str(self.workdir / "qdrant"))

    def notes(self) -> dict[str, Any]:
        return (
            {}
            if self.disk_rate is None
            else {"on_disk_import_per_s": self.disk_rate, "on_disk_sample_rows": self.DISK_SAMPLE}
        )

    def versions(self) -> dict[str, str]:
        return {"qdrant-client": package_version("qdrant-client")}
