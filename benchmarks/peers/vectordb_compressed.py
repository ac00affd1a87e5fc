"""vectordb in process with a compressed vector index: `vectorIndexConfig` pq, sq or bq, as a Weaviate user
enables them. trainingLimit is Weaviate's default (100,000) or the row count when there are fewer rows, so the
codes are trained once the import reaches it, as in Weaviate; the notes report the bytes the vectors take in
memory beside their float32 size."""

from __future__ import annotations

from typing import Any

import numpy as np

from benchmarks.peers.base import BuildParams, package_version
from benchmarks.peers.vectordb_common import CLASS, class_def
from benchmarks.peers.vectordb_embedded import VectordbEmbedded

DEFAULT_TRAINING_LIMIT = 100_000


class _Compressed(VectordbEmbedded):
    kind = ""  # the vectorIndexConfig key: pq, sq or bq
    trains = True  # False for bq, which has no trainingLimit

    def __init__(self, workdir) -> None:
        super().__init__(workdir)
        self._notes: dict[str, Any] = {}

    def quantizer(self, n: int) -> dict[str, Any]:
        return {"enabled": True, **({"trainingLimit": min(n, DEFAULT_TRAINING_LIMIT)} if self.trains else {})}

    def class_body(self, params: BuildParams, n: int) -> dict:
        body = class_def(params)
        body["vectorIndexConfig"][self.kind] = self.quantizer(n)
        return body

    def build(self, vectors: np.ndarray, buckets: np.ndarray, params: BuildParams) -> None:
        super().build(vectors, buckets, params)
        # training runs beside the import on a background thread: the import time includes waiting for it
        self.db.collection(CLASS).indexes[""].wait()
        if not self.db.collection(CLASS).compressed:
            raise RuntimeError(f"{self.kind} did not compress the index")

    def close(self) -> None:
        # measured here: the worker asks for notes after its last close
        if self.db is not None:
            index = self.db.collection(CLASS).indexes[""]
            memory = index.memory()
            floats = len(index) * (index.dim or 0) * 4
            self._notes = {
                "compressed": index.compressed,
                "vector_bytes_in_memory": memory["codes"] + memory["vectors"],
                "float32_vector_bytes": floats,
                "footprint_ratio": round((memory["codes"] + memory["vectors"]) / floats, 4) if floats else None,
            }
        super().close()

    def notes(self) -> dict[str, Any]:
        return self._notes

    def versions(self) -> dict[str, str]:
        return {**super().versions(), "faiss-cpu": package_version("faiss-cpu")}


class VectordbEmbeddedPQ(_Compressed):
    name, kind = "vectordb-embedded-pq", "pq"
    index_kind = "faiss HNSW over PQ codes (segments = dim/2, 256 centroids), rescored from LMDB"


class VectordbEmbeddedSQ(_Compressed):
    name, kind = "vectordb-embedded-sq", "sq"
    index_kind = "faiss HNSW over 8-bit scalar codes, top rescoreLimit=20 rescored from LMDB"


class VectordbEmbeddedBQ(_Compressed):
    name, kind = "vectordb-embedded-bq", "bq"
    index_kind = "faiss binary HNSW over sign bits, every ef candidate rescored from LMDB"
    trains = False
