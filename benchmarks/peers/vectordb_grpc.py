"""The vectordb server driven as a user drives it with the official weaviate-client 4: gRPC insert_many and
near_vector (one client per thread, as separate users would have)."""

from __future__ import annotations

import threading

import numpy as np
import weaviate
import weaviate.classes as wvc

from benchmarks.peers.base import BuildParams, package_version
from benchmarks.peers.vectordb_common import CLASS, class_def, object_id, row_of
from benchmarks.peers.vectordb_http import VectordbHttp


class VectordbGrpc(VectordbHttp):
    name = "vectordb-grpc"
    index_kind = "vectordb server: weaviate-client 4 over gRPC (insert_many, near_vector)"

    #: clients connected before the timed phases, so the 8-thread figure does not include connecting
    POOL = 8

    def __init__(self, workdir) -> None:
        super().__init__(workdir)
        self.clients: list[weaviate.WeaviateClient] = []
        self.idle: list[weaviate.WeaviateClient] = []
        self.lock = threading.Lock()
        self.local_v4 = threading.local()

    def _connect(self) -> weaviate.WeaviateClient:
        http_port = int(self.url.rsplit(":", 1)[1])
        # skip_init_checks: no pypi.org version probe from the benchmark
        client = weaviate.connect_to_custom(
            http_host="127.0.0.1", http_port=http_port, http_secure=False,
            grpc_host="127.0.0.1", grpc_port=self.grpc_port, grpc_secure=False, skip_init_checks=True)
        self.clients.append(client)
        return client

    def _start(self) -> None:
        super()._start()
        self.idle = [self._connect() for _ in range(self.POOL)]

    def collection(self):
        """This thread's own client and its collection handle, got once as a user keeps it: one per thread, as
        separate users would have. (`collections.get` builds a new handle each time, a thread pool included:
        per query that was a third of the client's CPU.)"""
        coll = getattr(self.local_v4, "collection", None)
        if coll is None or getattr(self.local_v4, "port", None) != self.grpc_port:
            with self.lock:
                client = self.idle.pop() if self.idle else self._connect()
            coll = client.collections.get(CLASS)
            self.local_v4.collection, self.local_v4.port = coll, self.grpc_port
        return coll

    def build(self, vectors: np.ndarray, buckets: np.ndarray, params: BuildParams) -> None:
        self._start()
        self.load(vectors, buckets, params)

    def load(self, vectors: np.ndarray, buckets: np.ndarray, params: BuildParams) -> None:
        """Into the started server: the class, then every row by insert_many."""
        self.http().post("/v1/schema", json=class_def(params)).raise_for_status()
        coll = self.collection()
        for lo in range(0, len(vectors), params.batch):
            # Vectors as lists, the form embedding APIs return: for a numpy row the client runs its type
            # checks on every element, which costs it more than the whole server side of the import.
            rows = vectors[lo : lo + params.batch].tolist()
            objects = [
                wvc.data.DataObject(properties={"bucket": int(b)}, uuid=object_id(lo + i), vector=v)
                for i, (v, b) in enumerate(zip(rows, buckets[lo : lo + params.batch].tolist(), strict=True))
            ]
            result = coll.data.insert_many(objects)
            if result.has_errors:
                first = next(iter(result.errors.values()))
                raise RuntimeError(f"server refused {len(result.errors)} objects, first: {first.message}")

    def _search(self, q: np.ndarray, k: int, ef: int, where: dict | None) -> np.ndarray:
        self._set_ef(ef)
        filters = None if where is None else wvc.query.Filter.by_property("bucket").less_than(where["valueInt"])
        found = self.collection().query.near_vector(q, limit=k, filters=filters, return_properties=[])
        return np.array([row_of(str(o.uuid)) for o in found.objects], dtype=np.int64)

    def _stop(self) -> None:
        with self.lock:
            for client in self.clients:
                client.close()
            self.clients.clear()
            self.idle.clear()
        super()._stop()

    def versions(self) -> dict[str, str]:
        return {"vectordb": package_version("vectordb"), "weaviate-client": package_version("weaviate-client"),
                "grpcio": package_version("grpcio")}



