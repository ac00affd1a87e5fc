"""chromadb PersistentClient (embedded, on disk): HNSW with the same M / ef_construction, ef_search swept."""

from __future__ import annotations

import chromadb
import numpy as np

from benchmarks.peers.base import Adapter, BuildParams, package_version

SPACES = {"cosine": "cosine", "dot": "ip", "l2-squared": "l2"}


class ChromaLocal(Adapter):
    name = "chromadb"
    index_kind = "chromadb PersistentClient: hnswlib-derived HNSW + SQLite metadata"

    def __init__(self, workdir) -> None:
        super().__init__(workdir)
        self.client = None
        self.coll = None
        self.ef: int | None = None

    def _open(self) -> None:
        self.client = chromadb.PersistentClient(
            path=str(self.workdir / "chroma"), settings=chromadb.Settings(anonymized_telemetry=False)
        )
        self.ef = None

    def build(self, vectors: np.ndarray, buckets: np.ndarray, params: BuildParams) -> None:
        self._open()
        self.coll = self.client.create_collection(
            "bench",
            embedding_function=None,
            configuration={
                "hnsw": {
                    "space": SPACES[params.distance],
                    "max_neighbors": params.M,
                    "ef_construction": params.ef_construction,
                }
            },
        )
        batch = min(params.batch, self.client.get_max_batch_size())
        for lo in range(0, len(vectors), batch):
            hi = min(lo + batch, len(vectors))
            self.coll.add(
                ids=[str(i) for i in range(lo, hi)],
                embeddings=vectors[lo:hi],
                metadatas=[{"bucket": int(b)} for b in buckets[lo:hi]],
            )

    def _set_ef(self, ef: int) -> None:
        if ef != self.ef:
            # chromadb stores the new ef_search but a loaded index keeps the one it was opened with
            # (checked: recall stays put across an ef sweep until the client is reopened), so reopen
            self.coll.modify(configuration={"hnsw": {"ef_search": ef}})
            self.close()
            self.reopen()
            self.ef = ef

    def _search(self, q: np.ndarray, k: int, ef: int, where: dict | None) -> np.ndarray:
        self._set_ef(ef)
        res = self.coll.query(query_embeddings=q.reshape(1, -1), n_results=k, where=where, include=[])
        return np.array([int(i) for i in res["ids"][0]], dtype=np.int64)

    def query(self, q: np.ndarray, k: int, ef: int) -> np.ndarray:
        return self._search(q, k, ef, None)

    def query_filtered(self, q: np.ndarray, k: int, ef: int, max_bucket: int) -> np.ndarray:
        return self._search(q, k, ef, {"bucket": {"$lt": int(max_bucket)}})

    def close(self) -> None:
        if self.client is not None:
            self.coll = None
            self.client.clear_system_cache()  # drops the cached system so the next client starts cold
            self.client = None

    def reopen(self) -> None:
        self._open()
        self.coll = self.client.get_collection("bench", embedding_function=None)
        self.ef = (self.coll.configuration_json.get("hnsw") or {}).get("ef_search")

    def versions(self) -> dict[str, str]:
        return {"chromadb": package_version("chromadb")}
