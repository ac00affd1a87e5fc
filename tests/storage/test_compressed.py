"""The compressed vector index (storage/compressed.py): training threshold, recall after rescoring, filters,
deletes, compaction and snapshots, over real faiss codes; full vectors come from an array, as from LMDB."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from pyroaring import BitMap

from storage.compressed import CompressedIndex
from storage.hnsw import VectorIndex
from storage.vector_index import open_index

DIM = 96
N = 2000


def clustered(n: int, n_queries: int) -> tuple[np.ndarray, np.ndarray]:
    """Vectors and queries from the same clusters."""
    rng = np.random.default_rng(0)
    centers = rng.standard_normal((20, DIM)).astype(np.float32)
    rows = centers[rng.integers(0, 20, n + n_queries)] + 0.35 * rng.standard_normal((n + n_queries, DIM))
    rows = rows.astype(np.float32)
    return rows[:n], rows[n:]


VECTORS, QUERIES = clustered(N, 40)

CONFIGS = {
    "sq": {"sq": {"enabled": True, "trainingLimit": 500, "rescoreLimit": 20}},
    "pq": {"pq": {"enabled": True, "trainingLimit": 500, "segments": 0, "centroids": 64}},
    "bq": {"bq": {"enabled": True}},
    "flat-bq": {"vectorIndexType": "flat", "bq": {"enabled": True, "rescoreLimit": 100}},
}



class Store:
    """Full vectors by doc id, NaN rows for ids without one (the contract of the LMDB reader)."""

    def __init__(self) -> None:
        self.vectors: dict[int, np.ndarray] = {}
        self.reads = 0

    def put(self, ids, vectors) -> None:
        for i, v in zip(ids, vectors, strict=True):
            self.vectors[int(i)] = np.asarray(v, dtype=np.float32)

    def fetch(self, ids: np.ndarray, dim: int) -> np.ndarray:
        self.reads += len(ids)
        out = np.full((len(ids), dim), np.nan, dtype=np.float32)
        for row, i in enumerate(ids.tolist()):
            if i in self.vectors:
                out[row] = self.vectors[i]
        return out


def cosine_truth(vectors: np.ndarray, ids: np.ndarray, q: np.ndarray, k: int = 10) -> set[int]:
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return set(ids[np.argsort(-(unit @ (q / np.linalg.norm(q))))[:k]].tolist())


def build(tmp_path, kind: str, store: Store, n: int = N) -> CompressedIndex:
    index = open_index(tmp_path, "", {"distance": "cosine", **CONFIGS[kind]}, store.fetch)
    assert isinstance(index, CompressedIndex)
    for lo in range(0, n, 250):
        ids = np.arange(lo, min(lo + 250, n))
        store.put(ids, VECTORS[ids])
        index.upsert(ids, VECTORS[ids])
    assert index.wait(timeout=120)
    return index


def test_no_compression_opens_the_hnswlib_index(tmp_path):
    assert isinstance(open_index(tmp_path, "", {"distance": "cosine"}, Store().fetch), VectorIndex)


def test_a_stored_config_compression_cannot_serve_still_opens(tmp_path, caplog):
    # older versions accepted (and recorded) bq with manhattan
    config = {"distance": "manhattan", "bq": {"enabled": True}}
    assert isinstance(open_index(tmp_path, "", config, Store().fetch), VectorIndex)
    assert "keeps its vectors uncompressed" in caplog.text


@pytest.mark.parametrize("kind", ["sq", "pq"])
def test_trained_once_training_limit_vectors_exist(tmp_path, kind):
    store = Store()
    index = open_index(tmp_path, "", {"distance": "cosine", **CONFIGS[kind]}, store.fetch)
    ids = np.arange(499)
    store.put(ids, VECTORS[ids])
    index.upsert(ids, VECTORS[ids])
    assert not index.compressed and index.memory() == {"vectors": 499 * DIM * 4, "codes": 0}
    assert len(index.search(QUERIES[0], 10)[0]) == 10  # uncompressed meanwhile, and searchable
    store.put([499], VECTORS[499:500])
    index.upsert([499], VECTORS[499:500])  # trains on a background thread
    assert index.wait(timeout=120)
    assert index.compressed and len(index) == 500
    assert index.memory()["vectors"] == 0 and 0 < index.memory()["codes"] < 500 * DIM * 4 * 0.35


@pytest.mark.parametrize("kind", ["bq", "flat-bq"])
def test_bq_compresses_from_the_first_vector(tmp_path, kind):
    store = Store()
    index = build(tmp_path, kind, store, n=3)
    assert index.compressed and index.memory()["codes"] == 3 * DIM // 8


@pytest.mark.parametrize("kind", list(CONFIGS))
def test_recall_after_rescoring(tmp_path, kind):
    store = Store()
    index = build(tmp_path, kind, store)
    ids = np.arange(N)
    hits = [len(set(index.search(q, 10)[0].tolist()) & cosine_truth(VECTORS, ids, q))
            for q in QUERIES]
    assert np.mean(hits) / 10 >= 0.9
    found, dists = index.search(QUERIES[0], 10)
    unit_q = QUERIES[0] / np.linalg.norm(QUERIES[0])
    exact = 1 - (VECTORS[found.astype(int)] @ unit_q) / np.linalg.norm(VECTORS[found.astype(int)], axis=1)
    np.testing.assert_allclose(dists, exact, atol=1e-5)  # rescored: exact distances, ascending
    assert (np.diff(dists) >= 0).all()


def test_sq_without_rescoring_reads_no_full_vector(tmp_path):
    store = Store()
    config = {"distance": "cosine", "sq": {"enabled": True, "trainingLimit": 500, "rescoreLimit": 0}}
    index = open_index(tmp_path, "", config, store.fetch)
    store.put(range(N), VECTORS)
    index.upsert(np.arange(N), VECTORS)
    assert index.wait(timeout=120)
    store.reads = 0
    found, dists = index.search(QUERIES[0], 10)
    assert store.reads == 0 and len(found) == 10 and (np.diff(dists) >= -1e-6).all()


@pytest.mark.parametrize("kind", list(CONFIGS))
def test_filters_deletes_and_updates(tmp_path, kind):
    store = Store()
    index = build(tmp_path, kind, store)
    allow = BitMap(range(0, N, 7))
    for q in QUERIES[:5]:
        found = index.search(q, 10, allow=allow)[0]
        assert len(found) == 10 and all(int(i) % 7 == 0 for i in found)
        truth = cosine_truth(VECTORS[::7], np.arange(0, N, 7), q)
        assert len(set(found.tolist()) & truth) >= 8
    assert len(index.search(QUERIES[0], 10, allow=BitMap([3, 5]))[0]) == 2
    target = int(index.search(QUERIES[0], 1)[0][0])
    index.delete([target])
    assert target not in index.search(QUERIES[0], 10)[0] and len(index) == N - 1
    # an update moves the vector: the old position no longer answers for it
    store.put([target + 1], [-QUERIES[0]])
    index.upsert([target + 1], [-QUERIES[0]])
    assert target + 1 not in index.search(QUERIES[0], 50)[0].tolist()
    assert int(index.search(-QUERIES[0], 1)[0][0]) == target + 1
    assert index.distances(QUERIES[0], [target, target + 1])[0] == np.inf


def test_tombstones_are_compacted_from_the_store(tmp_path):
    store = Store()
    index = build(tmp_path, "sq", store)
    positions = index.capacity
    for _ in range(2):
        index.upsert(np.arange(N), VECTORS)  # every vector replaced twice
        assert index.wait(timeout=120)  # the codes are rebuilt on a background thread
    assert index.capacity < positions * 2 and len(index) == N
    found = index.search(QUERIES[0], 10)[0]
    assert len(set(found.tolist()) & cosine_truth(VECTORS, np.arange(N), QUERIES[0])) >= 9


@pytest.mark.parametrize("kind", list(CONFIGS))
def test_snapshot_round_trip(tmp_path, kind):
    store = Store()
    index = build(tmp_path, kind, store)
    index.delete([1, 2, 3])
    index.save(42)
    before = [index.search(q, 10) for q in QUERIES[:5]]
    reopened = CompressedIndex(tmp_path, "", {"distance": "cosine", **CONFIGS[kind]}, store.fetch)
    assert reopened.load() and reopened.compressed and reopened.snapshot_seq == 42
    assert reopened.live_ids() == index.live_ids()
    for q, (ids, dists) in zip(QUERIES[:5], before, strict=True):
        again = reopened.search(q, 10)
        np.testing.assert_array_equal(again[0], ids)
        np.testing.assert_allclose(again[1], dists, rtol=1e-6)
    # the float snapshot of the uncompressed phase is gone: only the codes stand for the vector
    assert not (tmp_path / "legacy-default.bin").exists()


def test_damaged_codes_are_refused(tmp_path):
    store = Store()
    index = build(tmp_path, "sq", store)
    index.save(5)
    path = index.codes_path
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    path.write_bytes(bytes(raw))
    reopened = CompressedIndex(tmp_path, "", {"distance": "cosine", **CONFIGS["sq"]}, store.fetch)
    assert not reopened.load() and len(reopened) == 0


def test_uncompressed_snapshot_then_training_at_open(tmp_path):
    store = Store()
    config = {"distance": "cosine", "sq": {"enabled": True, "trainingLimit": 1000, "rescoreLimit": 20}}
    index = open_index(tmp_path, "", config, store.fetch)
    store.put(range(600), VECTORS[:600])
    index.upsert(np.arange(600), VECTORS[:600])
    index.save(9)
    # the limit was lowered meanwhile (a schema update): the reopened index trains on what it holds
    lowered = {"distance": "cosine", "sq": {"enabled": True, "trainingLimit": 500, "rescoreLimit": 20}}
    reopened = CompressedIndex(tmp_path, "", lowered, store.fetch)
    assert reopened.load() and not reopened.compressed and reopened.snapshot_seq == 9
    reopened.train_if_due()
    assert reopened.wait(timeout=120)
    assert reopened.compressed and len(reopened) == 600


def test_segments_that_do_not_divide_the_length_leave_it_uncompressed(tmp_path, caplog):
    store = Store()
    config = {"distance": "cosine", "pq": {"enabled": True, "trainingLimit": 100, "segments": 7}}
    index = open_index(tmp_path, "", config, store.fetch)
    store.put(range(200), VECTORS[:200])
    index.upsert(np.arange(200), VECTORS[:200])
    assert not index.compressed and len(index.search(QUERIES[0], 5)[0]) == 5
    assert "should be an integer divisor" in caplog.text


@pytest.mark.parametrize("distance", ["l2-squared", "dot"])
def test_other_distances(tmp_path, distance):
    store = Store()
    config = {"distance": distance, "sq": {"enabled": True, "trainingLimit": 500, "rescoreLimit": 50}}
    index = open_index(tmp_path, "", config, store.fetch)
    store.put(range(N), VECTORS)
    index.upsert(np.arange(N), VECTORS)
    assert index.wait(timeout=120)
    q = QUERIES[0]
    exact = ((VECTORS - q) ** 2).sum(axis=1) if distance == "l2-squared" else -(VECTORS @ q)
    found, dists = index.search(q, 10)
    assert len(set(found.tolist()) & set(np.argsort(exact)[:10].tolist())) >= 9
    np.testing.assert_allclose(dists, exact[found.astype(int)], rtol=1e-4, atol=1e-4)


def test_refused_configs():
    with pytest.raises(ValueError, match="compressed vectors support the distances"):
        CompressedIndex("/nonexistent", "", {"distance": "manhattan", "bq": {"enabled": True}}, Store().fetch)
    with pytest.raises(ValueError, match="power of two"):
        CompressedIndex("/nonexistent", "", {"pq": {"enabled": True, "centroids": 100}}, Store().fetch)
    with pytest.raises(ValueError, match="not currently supported for flat"):
        CompressedIndex("/nonexistent", "", {"vectorIndexType": "flat", "sq": {"enabled": True}}, Store().fetch)


def test_training_that_fails_in_faiss_keeps_every_vector_searchable(tmp_path, caplog):
    store = Store()
    # faiss's k-means needs at least as many vectors as centroids
    config = {"distance": "cosine", "pq": {"enabled": True, "trainingLimit": 100, "centroids": 256}}
    index = open_index(tmp_path, "", config, store.fetch)
    store.put(range(150), VECTORS[:150])
    index.upsert(np.arange(150), VECTORS[:150])
    assert index.wait(timeout=120)
    assert not index.compressed and len(index) == 150 and "compression failed" in caplog.text
    found = index.search(VECTORS[42], 1)[0]
    assert int(found[0]) == 42


@pytest.mark.parametrize("kind", ["sq", "pq"])
def test_training_runs_beside_writes_and_searches(tmp_path, kind, monkeypatch):
    """The write that reaches trainingLimit does not wait for training; what is written, replaced or deleted
    while the codes are built is in them once they are swapped in."""
    started, release = threading.Event(), threading.Event()
    make_codes = CompressedIndex._make_codes

    def held(self, build):
        started.set()
        assert release.wait(timeout=60)
        return make_codes(self, build)

    monkeypatch.setattr(CompressedIndex, "_make_codes", held)
    store = Store()
    index = open_index(tmp_path, "", {"distance": "cosine", **CONFIGS[kind]}, store.fetch)
    store.put(range(500), VECTORS[:500])
    index.upsert(np.arange(500), VECTORS[:500])  # returns while training is held
    assert started.wait(timeout=60) and not index.compressed
    store.put(range(500, N), VECTORS[500:])
    index.upsert(np.arange(500, N), VECTORS[500:])
    index.delete([3, 600])
    del store.vectors[3], store.vectors[600]
    store.put([10], [-QUERIES[0]])
    index.upsert([10], [-QUERIES[0]])
    assert len(index.search(QUERIES[0], 10)[0]) == 10 and len(index) == N - 2
    release.set()
    assert index.wait(timeout=120) and index.compressed
    assert len(index) == N - 2 and index.live_ids() == BitMap(store.vectors)
    assert int(index.search(-QUERIES[0], 1)[0][0]) == 10
    ids = np.array(sorted(store.vectors))
    rows = np.stack([store.vectors[i] for i in ids.tolist()])
    hits = [len(set(index.search(q, 10)[0].tolist()) & cosine_truth(rows, ids, q)) for q in QUERIES]
    assert np.mean(hits) / 10 >= 0.9


def test_close_stops_a_training_under_way(tmp_path, monkeypatch):
    release = threading.Event()
    store = Store()
    fetch = store.fetch

    def slow_fetch(ids, dim):
        release.wait(timeout=60)
        return fetch(ids, dim)

    index = open_index(tmp_path, "", {"distance": "cosine", **CONFIGS["sq"]}, slow_fetch)
    store.put(range(600), VECTORS[:600])
    index.upsert(np.arange(600), VECTORS[:600])
    threading.Timer(0.2, release.set).start()
    index.close()  # joins the trainer, which stops at its next read
    assert index.wait(timeout=0) and not index.compressed
