"""lancedb (embedded, Lance files on disk) with an IVF_HNSW_FLAT index in one partition: plain HNSW, same M /
ef_construction; filters are applied before the vector search (prefilter)."""

from __future__ import annotations

import lancedb
import numpy as np
import pyarrow as pa

from benchmarks.peers.base import Adapter, BuildParams, package_version

METRICS = {"cosine": "cosine", "dot": "dot", "l2-squared": "l2"}


class LanceLocal(Adapter):
    name = "lancedb"
    index_kind = "lancedb IVF_HNSW_FLAT (1 partition), Lance columnar files"

    def __init__(self, workdir) -> None:
        super().__init__(workdir)
        self.db = None
        self.table = None
        self.metric = "cosine"

    def build(self, vectors: np.ndarray, buckets: np.ndarray, params: BuildParams) -> None:
        self.metric = METRICS[params.distance]
        self.db = lancedb.connect(str(self.workdir / "lance"))
        dim = vectors.shape[1]
        schema = pa.schema(
            [
                pa.field("id", pa.int64()),
                pa.field("bucket", pa.int32()),
                pa.field("vector", pa.list_(pa.float32(), dim)),
            ]
        )
        self.table = self.db.create_table("bench", schema=schema)
        for lo in range(0, len(vectors), params.batch):
            hi = min(lo + params.batch, len(vectors))
            flat = pa.array(np.ascontiguousarray(vectors[lo:hi]).reshape(-1), type=pa.float32())
            self.table.add(
                pa.table(
                    {
                        "id": pa.array(np.arange(lo, hi), pa.int64()),
                        "bucket": pa.array(buckets[lo:hi], pa.int32()),
                        "vector": pa.FixedSizeListArray.from_arrays(flat, dim),
                    }
                )
            )
        # lancedb searches unindexed rows by brute force; the index is built once the rows are in
        self.table.create_index(
            metric=self.metric,
            vector_column_name="vector",
            index_type="IVF_HNSW_FLAT",
            num_partitions=1,
            m=params.M,
            ef_construction=params.ef_construction,
        )
        self.table.create_scalar_index("bucket")

    def _search(self, q: np.ndarray, k: int, ef: int, where: str | None) -> np.ndarray:
        query = self.table.search(q).distance_type(self.metric).limit(k).ef(ef).select(["id"])
        if where is not None:
            query = query.where(where, prefilter=True)
        return query.to_arrow()["id"].to_numpy().astype(np.int64)

    def query(self, q: np.ndarray, k: int, ef: int) -> np.ndarray:
        return self._search(q, k, ef, None)

    def query_filtered(self, q: np.ndarray, k: int, ef: int, max_bucket: int) -> np.ndarray:
        return self._search(q, k, ef, f"bucket < {int(max_bucket)}")

    def close(self) -> None:
        self.table = None
        self.db = None

    def reopen(self) -> None:
        self.db = lancedb.connect(str(self.workdir / "lance"))
        self.table = self.db.open_table("bench")

    def versions(self) -> dict[str, str]:
        return {"lancedb": package_version("lancedb"), "pyarrow": package_version("pyarrow")}
