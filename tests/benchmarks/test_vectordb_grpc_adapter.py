"""The vectordb-grpc benchmark adapter on tiny data: import, exact answers, filter, reopen."""

from __future__ import annotations

import numpy as np

from benchmarks.peers.base import BuildParams
from benchmarks.peers.vectordb_grpc import VectordbGrpc


def test_adapter_imports_queries_filters_and_reopens(tmp_path, monkeypatch):
    # the client's connect asks pypi.org for its latest version: keep it on a closed loopback port
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((300, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    buckets = np.arange(300) % 100
    adapter = VectordbGrpc(tmp_path)
    adapter.POOL = 1  # one pre-connected client is enough here
    try:
        adapter.build(vectors, buckets, BuildParams(batch=128))
        assert adapter.query(vectors[42], 1, 64).tolist() == [42]
        found = adapter.query_filtered(vectors[42], 5, 64, 10)
        assert len(found) == 5 and all(buckets[row] < 10 for row in found)
        adapter.close()
        adapter.reopen()
        assert adapter.query(vectors[7], 1, 64).tolist() == [7]
    finally:
        adapter.close()
