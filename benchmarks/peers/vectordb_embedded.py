"""vectordb in process: `Database` and `SearchRequest`, as an embedded user drives it."""

from __future__ import annotations

import copy
import logging

import numpy as np

from benchmarks.peers.base import Adapter, BuildParams, package_version
from benchmarks.peers.vectordb_common import CLASS, bodies, bucket_filter, class_def, row_of
from vectordb.config import Settings
from vectordb.database import Database
from vectordb.query.request import SearchRequest

log = logging.getLogger(__name__)


class VectordbEmbedded(Adapter):
    name = "vectordb-embedded"
    index_kind = "hnswlib HNSW + LMDB (objects, vectors, inverted index)"

    def __init__(self, workdir) -> None:
        super().__init__(workdir)
        self.db: Database | None = None
        self.ef: int | None = None

    def _open(self) -> Database:
        self.ef = None
        return Database(Settings.from_env({"PERSISTENCE_DATA_PATH": str(self.workdir / "vectordb")}))

    def class_body(self, params: BuildParams, n: int) -> dict:
        """The class definition the import creates (the compressed variants add their quantizer)."""
        return class_def(params)

    def build(self, vectors: np.ndarray, buckets: np.ndarray, params: BuildParams) -> None:
        self.db = self._open()
        self.db.create_collection(self.class_body(params, len(vectors)))
        for lo in range(0, len(vectors), params.batch):
            results = self.db.batch_objects(
                bodies(vectors[lo : lo + params.batch], buckets[lo : lo + params.batch], lo)
            )
            failed = [r["error"] for r in results if r.get("error")]
            if failed:
                raise RuntimeError(f"vectordb refused {len(failed)} objects, first: {failed[0]}")

    def _set_ef(self, ef: int) -> None:
        # ef is a collection setting in Weaviate's model (no per-query knob): change it when the sweep moves
        if ef != self.ef:
            body = copy.deepcopy(self.db.collection(CLASS).class_def)
            body["vectorIndexConfig"]["ef"] = ef
            self.db.update_collection(CLASS, body)
            self.ef = ef

    def _search(self, q: np.ndarray, k: int, ef: int, where: dict | None) -> np.ndarray:
        self._set_ef(ef)
        hits = self.db.search(
            SearchRequest(collection=CLASS, near_vector={"vector": q}, limit=k, where=where)
        )
        return np.array([row_of(h.id) for h in hits], dtype=np.int64)

    def query(self, q: np.ndarray, k: int, ef: int) -> np.ndarray:
        return self._search(q, k, ef, None)

    def query_filtered(self, q: np.ndarray, k: int, ef: int, max_bucket: int) -> np.ndarray:
        return self._search(q, k, ef, bucket_filter(max_bucket))

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    def reopen(self) -> None:
        self.db = self._open()
        self.ef = self.db.collection(CLASS).class_def["vectorIndexConfig"]["ef"]  # stored with the schema

    def versions(self) -> dict[str, str]:
        return {
            "vectordb": package_version("vectordb"),
            "hnswlib": package_version("hnswlib"),
            "lmdb": package_version("lmdb"),
        }
