"""milvus-lite through pymilvus' MilvusClient on a local file, HNSW index with the same M / efConstruction."""

from __future__ import annotations

import time

import numpy as np
from pymilvus import DataType, MilvusClient

from benchmarks.peers.base import Adapter, BuildParams, package_version

METRICS = {"cosine": "COSINE", "dot": "IP", "l2-squared": "L2"}


class MilvusLite(Adapter):
    name = "milvus-lite"
    index_kind = "milvus-lite: faiss HNSW per segment"

    def __init__(self, workdir) -> None:
        super().__init__(workdir)
        self.client: MilvusClient | None = None
        self.metric = "COSINE"

    def _open(self) -> None:
        self.client = MilvusClient(str(self.workdir / "milvus.db"))

    def build(self, vectors: np.ndarray, buckets: np.ndarray, params: BuildParams) -> None:
        self.metric = METRICS[params.distance]
        self._open()
        schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("bucket", DataType.INT32)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=vectors.shape[1])
        index = self.client.prepare_index_params()
        index.add_index(
            field_name="vector",
            index_type="HNSW",
            metric_type=self.metric,
            params={"M": params.M, "efConstruction": params.ef_construction},
        )
        self.client.create_collection("bench", schema=schema, index_params=index)
        for lo in range(0, len(vectors), params.batch):
            hi = min(lo + params.batch, len(vectors))
            self.client.insert(
                "bench",
                [{"id": i, "bucket": int(buckets[i]), "vector": vectors[i].tolist()} for i in range(lo, hi)],
            )
        self.client.flush("bench")
        self.client.load_collection("bench")
        self._settle(vectors[: self.PROBES])

    PROBES = 20
    SETTLE_LIMIT_S = 300.0

    def _settle(self, probes: np.ndarray) -> None:
        """milvus-lite merges segments and builds their HNSW in a background thread after flush, with no public
        call to wait for it; until then searches scan. Wait (inside the import time) until probe queries stop
        getting faster, so the measured searches hit the finished index."""
        deadline = time.monotonic() + self.SETTLE_LIMIT_S
        previous = float("inf")
        while time.monotonic() < deadline:
            start = time.perf_counter()
            for q in probes:
                self._search(q, 10, 100, "")
            took = time.perf_counter() - start
            if took > 0.8 * previous:
                return
            previous = took
            time.sleep(1.0)

    def _search(self, q: np.ndarray, k: int, ef: int, expr: str) -> np.ndarray:
        res = self.client.search(
            "bench",
            data=[q.tolist()],
            limit=k,
            filter=expr,
            output_fields=[],
            search_params={"metric_type": self.metric, "params": {"ef": max(ef, k)}},
        )
        return np.array([hit["id"] for hit in res[0]], dtype=np.int64)

    def query(self, q: np.ndarray, k: int, ef: int) -> np.ndarray:
        return self._search(q, k, ef, "")

    def query_filtered(self, q: np.ndarray, k: int, ef: int, max_bucket: int) -> np.ndarray:
        return self._search(q, k, ef, f"bucket < {int(max_bucket)}")

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None

    def reopen(self) -> None:
        self._open()
        self.client.load_collection("bench")

    def versions(self) -> dict[str, str]:
        return {"milvus-lite": package_version("milvus-lite"), "pymilvus": package_version("pymilvus")}
