"""VectorIndex against brute-force numpy references, on real hnswlib graphs and real snapshot files."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import numpy as np
import pytest
from pyroaring import BitMap

from storage.errors import StorageError
from storage.hnsw import (
    INITIAL_CAPACITY,
    IndexSettings,
    VectorIndex,
    _GraphStore,
    snapshot_stem,
)

DIM = 32
N = 2000
GRAPH_METRICS = ["cosine", "dot", "l2-squared"]
ALL_METRICS = ["cosine", "dot", "l2-squared", "manhattan", "hamming"]


def reference(distance: str, query: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """Weaviate's distance definitions, computed in float64 from first principles."""
    q = query.astype(np.float64)
    x = vectors.astype(np.float64)
    if distance == "cosine":
        return 1.0 - (x @ q) / (np.linalg.norm(x, axis=1) * np.linalg.norm(q))
    if distance == "dot":
        return -(x @ q)
    if distance == "l2-squared":
        return ((x - q) ** 2).sum(axis=1)
    if distance == "manhattan":
        return np.abs(x - q).sum(axis=1)
    if distance == "hamming":
        return (x != q).sum(axis=1).astype(np.float64)
    raise AssertionError(distance)


def brute_top(distance: str, query: np.ndarray, ids: np.ndarray, vectors: np.ndarray, k: int):
    d = reference(distance, query, vectors)
    order = np.lexsort((ids, d))[:k]
    return ids[order], d[order]


def make_data(distance: str, n: int = N, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if distance == "hamming":
        # Few distinct values so positions actually coincide and hamming distances spread out.
        return rng.integers(0, 3, size=(n, DIM)).astype(np.float32)
    return rng.standard_normal((n, DIM)).astype(np.float32)


def make_queries(distance: str, count: int = 20, seed: int = 1) -> np.ndarray:
    return make_data(distance, count, seed)


def recall(found: np.ndarray, truth: np.ndarray) -> float:
    return len(set(found.tolist()) & set(truth.tolist())) / len(truth)


def config(distance: str = "cosine", index_type: str = "hnsw", **extra) -> dict:
    return {"vectorIndexType": index_type, "distance": distance, **extra}


def build(tmp_path: Path, distance: str, index_type: str = "hnsw", name: str = "v", **extra):
    vectors = make_data(distance)
    ids = np.arange(N, dtype=np.uint64) * 3 + 7  # doc ids that are not row numbers
    index = VectorIndex(tmp_path, name, config(distance, index_type, **extra))
    index.upsert(ids, vectors)
    return index, ids, vectors


# -- names and settings --------------------------------------------------------------------------------------


def test_snapshot_stems_are_distinct_and_plain():
    stems = {snapshot_stem(n) for n in ["", "default", "_legacy", "legacy_default", "legacy-default", "a b"]}
    assert len(stems) == 6
    assert snapshot_stem("title_vec") == "title_vec"
    assert snapshot_stem("") not in {"default", ""}
    for stem in stems:
        assert "/" not in stem and stem not in {".", ".."}


def test_dynamic_ef_is_clamped_and_never_below_k():
    s = IndexSettings.from_config(config(ef=-1, dynamicEfMin=100, dynamicEfMax=500, dynamicEfFactor=8))
    assert s.search_ef(1) == 100
    assert s.search_ef(20) == 160
    assert s.search_ef(100) == 500
    assert s.search_ef(600) == 600
    assert s.search_ef(10, ef=50) == 50
    assert s.search_ef(80, ef=50) == 80
    fixed = IndexSettings.from_config(config(ef=64))
    assert fixed.search_ef(10) == 64
    assert fixed.search_ef(100) == 100


def test_constructor_refuses_skip_and_unknown_values(tmp_path):
    with pytest.raises(ValueError, match="skip"):
        VectorIndex(tmp_path, "v", config(skip=True))
    with pytest.raises(ValueError, match="distance"):
        VectorIndex(tmp_path, "v", config("euclid"))
    with pytest.raises(ValueError, match="vectorIndexType"):
        VectorIndex(tmp_path, "v", config(index_type="dynamic"))
    with pytest.raises(ValueError, match="dynamicEfMin"):
        VectorIndex(tmp_path, "v", config(dynamicEfMin=600, dynamicEfMax=500))


# -- search quality ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("distance", "index_type"),
    [(m, "flat") for m in ALL_METRICS] + [("manhattan", "hnsw"), ("hamming", "hnsw")],
)
def test_exact_index_matches_brute_force(tmp_path, distance, index_type):
    index, ids, vectors = build(tmp_path, distance, index_type)
    for q in make_queries(distance):
        got_ids, got_d = index.search(q, 10)
        want_ids, want_d = brute_top(distance, q, ids, vectors, 10)
        np.testing.assert_allclose(got_d, want_d, atol=1e-4, rtol=1e-5)
        np.testing.assert_array_equal(got_ids, want_ids)  # ties (hamming) go to the lower id on both sides
        assert got_ids.dtype == np.uint64 and got_d.dtype == np.float32


@pytest.mark.parametrize("distance", GRAPH_METRICS)
def test_graph_recall_and_distance_values(tmp_path, distance):
    index, ids, vectors = build(tmp_path, distance)
    by_id = dict(zip(ids.tolist(), range(N), strict=True))
    recalls = []
    for q in make_queries(distance):
        got_ids, got_d = index.search(q, 10)
        want_ids, _ = brute_top(distance, q, ids, vectors, 10)
        recalls.append(recall(got_ids, want_ids))
        assert np.all(np.diff(got_d) >= -1e-6), "results must ascend by distance"
        exact = reference(distance, q, vectors[[by_id[i] for i in got_ids.tolist()]])
        np.testing.assert_allclose(got_d, exact, atol=1e-4, rtol=1e-5)
    assert np.mean(recalls) >= 0.95


@pytest.mark.parametrize("index_type", ["hnsw", "flat"])
def test_dot_and_cosine_follow_weaviate_definitions(tmp_path, index_type):
    vecs = np.array([[1, 0], [0, 2], [3, 4]], dtype=np.float32)
    query = np.array([1, 1], dtype=np.float32)
    dot = VectorIndex(tmp_path, "d", config("dot", index_type))
    dot.upsert([1, 2, 3], vecs)
    ids, d = dot.search(query, 3)
    assert ids.tolist() == [3, 2, 1]
    np.testing.assert_allclose(d, [-7.0, -2.0, -1.0], atol=1e-5)
    np.testing.assert_allclose(dot.distances(query, [1, 2, 3]), [-1.0, -2.0, -7.0], atol=1e-5)

    cos = VectorIndex(tmp_path, "c", config("cosine", index_type))
    cos.upsert([1, 2, 3], vecs)
    want = {1: 1 - 1 / np.sqrt(2), 2: 1 - 1 / np.sqrt(2), 3: 1 - 7 / (5 * np.sqrt(2))}
    ids, d = cos.search(query, 3)
    assert ids[0] == 3
    np.testing.assert_allclose(d, [want[i] for i in ids.tolist()], atol=1e-5)
    np.testing.assert_allclose(cos.distances(query, [3, 1]), [want[3], want[1]], atol=1e-5)
    assert 0.0 <= d.min() and d.max() <= 2.0


def test_distances_and_get(tmp_path):
    index, ids, vectors = build(tmp_path, "l2-squared")
    q = make_queries("l2-squared", 1)[0]
    some = ids[[5, 0, 1999]]
    np.testing.assert_allclose(index.distances(q, some), reference("l2-squared", q, vectors[[5, 0, 1999]]),
                               rtol=1e-5)
    assert np.isinf(index.distances(q, [1])[0])  # doc id 1 has no vector
    np.testing.assert_array_equal(index.get(some), vectors[[5, 0, 1999]])
    with pytest.raises(KeyError, match="1"):
        index.get([ids[0], 1])


def test_cosine_graph_get_returns_the_stored_direction(tmp_path):
    index = VectorIndex(tmp_path, "v", config("cosine"))
    index.upsert([4], np.array([[3.0, 4.0]], dtype=np.float32))
    np.testing.assert_allclose(index.get([4])[0], [0.6, 0.8], atol=1e-6)


# -- allow-lists ---------------------------------------------------------------------------------------------


def allowed_subset(ids: np.ndarray, step: int) -> tuple[BitMap, np.ndarray]:
    chosen = ids[::step]
    return BitMap(chosen.tolist()), np.isin(ids, chosen)


@pytest.mark.parametrize("distance", GRAPH_METRICS)
def test_allow_list_below_cutoff_is_exact(tmp_path, distance, monkeypatch):
    index, ids, vectors = build(tmp_path, distance, flatSearchCutoff=1000)
    allow, mask = allowed_subset(ids, 20)  # 100 ids: below the cutoff, and fewer than a walk would read
    allow.add(1)  # an id without a vector must not disturb anything
    calls = []
    original = _GraphStore.knn
    monkeypatch.setattr(_GraphStore, "knn", lambda *a, **kw: calls.append(1) or original(*a, **kw))
    for q in make_queries(distance):
        got_ids, got_d = index.search(q, 10, allow=allow)
        want_ids, want_d = brute_top(distance, q, ids[mask], vectors[mask], 10)
        np.testing.assert_array_equal(got_ids, want_ids)
        np.testing.assert_allclose(got_d, want_d, atol=1e-4, rtol=1e-5)
    assert not calls, "a small allow-list must not walk the graph"


@pytest.mark.parametrize("distance", GRAPH_METRICS)
def test_exact_scan_follows_upserts_and_deletes(tmp_path, distance):
    """The rows an exact scan read are kept for the next query with that allow-list, never past a change."""
    index, ids, vectors = build(tmp_path, distance, flatSearchCutoff=10 * N)
    allow, mask = allowed_subset(ids, 20)

    def check():
        for q in make_queries(distance, count=8):
            got_ids, got_d = index.search(q, 10, allow=allow)
            want_ids, want_d = brute_top(distance, q, ids[mask], vectors[mask], 10)
            np.testing.assert_array_equal(got_ids, want_ids)
            np.testing.assert_allclose(got_d, want_d, atol=1e-4, rtol=1e-5)

    check()
    check()  # from the kept rows
    changed = ids[:40]
    vectors[:40] = make_data(distance, n=40, seed=9)
    index.upsert(changed, vectors[:40])
    gone = ids[40:60]
    index.delete(gone.tolist())
    keep = ~np.isin(ids, gone)
    ids, vectors, mask = ids[keep], vectors[keep], mask[keep]
    check()


@pytest.mark.parametrize("distance", GRAPH_METRICS)
def test_allow_list_above_cutoff_uses_filtered_graph(tmp_path, distance, monkeypatch):
    index, ids, vectors = build(tmp_path, distance, flatSearchCutoff=100)
    allow, mask = allowed_subset(ids, 4)  # 500 ids, above the cutoff
    calls = []
    original = _GraphStore.knn
    monkeypatch.setattr(_GraphStore, "knn", lambda *a, **kw: calls.append(1) or original(*a, **kw))
    recalls = []
    for q in make_queries(distance):
        got_ids, _ = index.search(q, 10, allow=allow)
        assert set(got_ids.tolist()) <= set(allow)
        want_ids, _ = brute_top(distance, q, ids[mask], vectors[mask], 10)
        recalls.append(recall(got_ids, want_ids))
    assert calls
    assert np.mean(recalls) >= 0.95


@pytest.mark.parametrize("step", [2, 10, 100])  # 50 %, 10 % and 1 % of the ids pass
def test_graph_filter_without_callbacks_keeps_recall(tmp_path, step, monkeypatch):
    """Above the cutoff a filter is applied to an unfiltered walk for more neighbours, not per node."""
    index, ids, vectors = build(tmp_path, "cosine", flatSearchCutoff=0)
    allow, mask = allowed_subset(ids, step)
    filters = []
    original = _GraphStore.knn
    monkeypatch.setattr(_GraphStore, "knn", lambda self, q, k, ef, allowed: filters.append(allowed)
                        or original(self, q, k, ef, allowed))
    recalls = []
    for q in make_queries("cosine"):
        got_ids, got_d = index.search(q, 10, allow=allow)
        assert len(got_ids) == 10 and set(got_ids.tolist()) <= set(allow)
        assert np.all(np.diff(got_d) >= 0)
        want_ids, want_d = brute_top("cosine", q, ids[mask], vectors[mask], 10)
        recalls.append(recall(got_ids, want_ids))
    assert np.mean(recalls) >= 0.95
    assert all(f is None for f in filters), "no per-node filter callback for these filters"


def test_permissive_allow_list_below_cutoff_walks_the_graph(tmp_path, monkeypatch):
    """Below the cutoff, a filter that lets most ids through is cheaper as a walk for 1.5 k / p neighbours
    than as a scan of every allowed vector; it keeps recall and asks no per-node callback."""
    index, ids, vectors = build(tmp_path, "cosine", flatSearchCutoff=10 * N)
    allow, mask = allowed_subset(ids, 2)
    walks = []
    original = _GraphStore.knn
    monkeypatch.setattr(_GraphStore, "knn", lambda self, q, k, ef, allowed: walks.append((k, allowed))
                        or original(self, q, k, ef, allowed))
    monkeypatch.setattr(_GraphStore, "vectors", lambda self, ids: pytest.fail("no vector is read"))
    recalls = []
    for q in make_queries("cosine"):
        got_ids, got_d = index.search(q, 10, allow=allow)
        assert set(got_ids.tolist()) <= set(allow) and np.all(np.diff(got_d) >= 0)
        want_ids, want_d = brute_top("cosine", q, ids[mask], vectors[mask], 10)
        recalls.append(recall(got_ids, want_ids))
        np.testing.assert_allclose(got_d[np.isin(got_ids, want_ids)], want_d[np.isin(want_ids, got_ids)],
                                   atol=1e-5)
    assert np.mean(recalls) >= 0.95
    assert walks and all(allowed is None for _k, allowed in walks)
    assert walks[0][0] == 40  # 1.5 * 10 / 0.5 + 10


def test_exact_scan_reads_vectors_through_fetch(tmp_path, monkeypatch):
    """Given a fetch (the collection's LMDB read), an exact scan reads vectors there, not from hnswlib, and
    leaves out an id whose vector the store no longer has."""
    vectors = make_data("cosine")
    ids = np.arange(N, dtype=np.uint64) * 3 + 7
    stored = dict(zip(ids.tolist(), vectors, strict=True))
    fetched = []

    def fetch(wanted: np.ndarray, dim: int) -> np.ndarray:
        fetched.append(len(wanted))
        return np.stack([stored.get(int(i), np.full(dim, np.nan, np.float32)) for i in wanted])

    index = VectorIndex(tmp_path, "v", config("cosine"), fetch)
    index.upsert(ids, vectors)
    monkeypatch.setattr(_GraphStore, "vectors", lambda self, ids: pytest.fail("hnswlib's vectors are not read"))
    allow, mask = allowed_subset(ids, 25)
    q = make_queries("cosine", 1)[0]
    want_ids, want_d = brute_top("cosine", q, ids[mask], vectors[mask], 10)
    del stored[int(want_ids[0])]  # deleted from the store, the index not told yet
    got_ids, got_d = index.search(q, 10, allow=allow)
    assert int(want_ids[0]) not in got_ids.tolist()
    np.testing.assert_array_equal(got_ids[:9], want_ids[1:])
    np.testing.assert_allclose(got_d[:9], want_d[1:], atol=1e-5)
    assert fetched == [len(allow)]
    np.testing.assert_allclose(index.distances(q, want_ids[:2]), [np.inf, want_d[1]], atol=1e-5)


def test_graph_filter_far_from_the_query_still_finds_k(tmp_path):
    """Allowed ids that an unfiltered walk never reaches: the search falls back to the filtered walk."""
    index, ids, vectors = build(tmp_path, "cosine", flatSearchCutoff=0)
    q = make_queries("cosine", 1)[0]
    far = np.argsort(reference("cosine", q, vectors))[-30:]  # the 30 ids farthest from the query
    allow = BitMap(ids[far].tolist())
    got_ids, _ = index.search(q, 10, allow=allow)
    want_ids, _ = brute_top("cosine", q, ids[far], vectors[far], 10)
    assert set(got_ids.tolist()) <= set(allow)
    assert recall(got_ids, want_ids) >= 0.9


def test_flat_scans_find_ids_past_the_dense_row_map(tmp_path, monkeypatch):
    monkeypatch.setattr("storage.hnsw._RowMap.DENSE_LIMIT", 1000)
    vectors = make_data("l2-squared", n=50)
    ids = np.concatenate([np.arange(25), np.arange(25) + 2**32 - 100]).astype(np.uint64)
    index = VectorIndex(tmp_path, "v", config("l2-squared", "flat"))
    index.upsert(ids, vectors)
    index.delete([int(ids[0]), int(ids[-1])])
    ids, vectors = ids[1:-1], vectors[1:-1]
    q = make_queries("l2-squared", 1)[0]
    allow = BitMap(ids[::2].tolist())
    for allowed, mask in ((None, np.ones(len(ids), bool)), (allow, np.isin(ids, ids[::2]))):
        got_ids, got_d = index.search(q, 7, allow=allowed)
        want_ids, want_d = brute_top("l2-squared", q, ids[mask], vectors[mask], 7)
        np.testing.assert_array_equal(got_ids, want_ids)
        np.testing.assert_allclose(got_d, want_d, rtol=1e-5)


def test_allow_list_on_flat_index_and_empty_intersections(tmp_path):
    index, ids, vectors = build(tmp_path, "manhattan", "flat")
    allow, mask = allowed_subset(ids, 13)
    q = make_queries("manhattan", 1)[0]
    got_ids, got_d = index.search(q, 5, allow=allow)
    want_ids, want_d = brute_top("manhattan", q, ids[mask], vectors[mask], 5)
    np.testing.assert_array_equal(got_ids, want_ids)
    np.testing.assert_allclose(got_d, want_d, rtol=1e-5)
    for idx in (index, build(tmp_path, "cosine", name="g")[0]):
        got_ids, got_d = idx.search(q, 5, allow=BitMap([1, 2]))  # no vectors for these ids
        assert got_ids.size == 0 and got_d.size == 0
        assert len(idx.search(q, 50, allow=BitMap(ids[:3].tolist()))[0]) == 3


# -- changes -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("distance", "index_type"), [("cosine", "hnsw"), ("l2-squared", "flat")])
def test_deleted_ids_never_come_back(tmp_path, distance, index_type):
    index, ids, vectors = build(tmp_path, distance, index_type)
    gone = set(ids[::2].tolist())
    index.delete(list(gone) + [1, 2**40])  # unknown and out-of-range ids are ignored
    assert len(index) == N - len(gone)
    for q in np.concatenate([make_queries(distance), vectors[:10]]):
        got_ids, _ = index.search(q, 50)
        assert not set(got_ids.tolist()) & gone
        assert len(got_ids) == 50
    got_ids, _ = index.search(vectors[0], 10, allow=BitMap(list(gone)[:20]))
    assert got_ids.size == 0
    assert np.isinf(index.distances(vectors[0], [ids[0]])).all()


@pytest.mark.parametrize(("distance", "index_type"), [("dot", "hnsw"), ("hamming", "flat")])
def test_deleted_slots_are_reused(tmp_path, distance, index_type):
    index = VectorIndex(tmp_path, "v", config(distance, index_type))
    first = make_data(distance, 1000, seed=4)
    index.upsert(np.arange(1000), first)
    capacity = index.capacity
    for round_ in range(3):
        index.delete(range(round_ * 300, round_ * 300 + 300))
        new_ids = np.arange(300) + 10_000 * (round_ + 1)
        index.upsert(new_ids, make_data(distance, 300, seed=10 + round_))
        assert index.capacity == capacity
        assert len(index) == 1000
    assert index.capacity == INITIAL_CAPACITY


def finds_itself(index: VectorIndex, vec: np.ndarray, want: int) -> bool:
    got_ids, got_d = index.search(vec, 10)
    hits = np.flatnonzero(got_ids == want)
    return bool(hits.size) and got_d[hits[0]] == pytest.approx(0.0, abs=1e-3)


@pytest.mark.parametrize("index_type", ["hnsw", "flat"])
def test_replace_and_revive(tmp_path, index_type):
    index, ids, vectors = build(tmp_path, "l2-squared", index_type)
    # New vectors from the data's own distribution: hnsw makes no promise for points moved into empty space.
    fresh = make_data("l2-squared", 3, seed=30)
    target, other = int(ids[3]), int(ids[4])
    index.upsert([target], fresh[:1])
    assert len(index) == N
    np.testing.assert_array_equal(index.get([target])[0], fresh[0])
    np.testing.assert_allclose(index.distances(vectors[3], [target]),
                               reference("l2-squared", vectors[3], fresh[:1]), rtol=1e-5)
    assert finds_itself(index, fresh[0], target)

    # Deleted, then back: first while its old slot is free, then after a newcomer took a slot.
    index.delete([target])
    index.upsert([target], vectors[3][None, :])
    assert finds_itself(index, vectors[3], target)
    index.delete([target, other])
    index.upsert([99_999], fresh[2:3])
    index.upsert([target, other], np.stack([fresh[0], fresh[1]]))
    assert len(index) == N + 1
    np.testing.assert_array_equal(index.get([target, other, 99_999]), fresh)
    for vec, want in ((fresh[0], target), (fresh[1], other), (fresh[2], 99_999)):
        assert finds_itself(index, vec, want)
    got_ids, _ = index.search(fresh[0], N + 10)
    assert len(got_ids) == N + 1 and len(set(got_ids.tolist())) == N + 1


@pytest.mark.parametrize("index_type", ["hnsw", "flat"])
def test_revived_ids_keep_their_slots_when_newcomers_arrive(tmp_path, index_type):
    index, ids, vectors = build(tmp_path, "l2-squared", index_type)
    back = ids[100:160]
    index.delete(back.tolist() + ids[200:260].tolist())
    moved = make_data("l2-squared", 60, seed=21)
    index.upsert(back, moved)
    index.upsert(np.arange(60) + 90_000, make_data("l2-squared", 60, seed=22))
    assert len(index) == N  # 120 deleted, 60 revived, 60 newcomers
    np.testing.assert_array_equal(index.get(back), moved)  # each revived id maps to its own vector
    pairs = zip(moved[:20], back[:20].tolist(), strict=True)
    assert sum(finds_itself(index, vec, want) for vec, want in pairs) >= 19
    index.delete(back.tolist())
    assert len(index) == N - 60
    got = set(index.search(moved[0], N)[0].tolist())
    assert len(got) == N - 60
    assert not got & (set(back.tolist()) | set(ids[200:260].tolist()))


def test_repeated_id_in_one_batch_keeps_the_last_vector(tmp_path):
    index = VectorIndex(tmp_path, "v", config("l2-squared"))
    index.upsert([1, 2, 1], np.array([[0, 0], [5, 5], [9, 9]], dtype=np.float32))
    assert len(index) == 2
    np.testing.assert_array_equal(index.get([1])[0], [9, 9])


@pytest.mark.parametrize("index_type", ["hnsw", "flat"])
def test_grows_past_initial_capacity(tmp_path, index_type):
    index = VectorIndex(tmp_path, "v", config("l2-squared", index_type))
    vectors = make_data("l2-squared", 3000, seed=5)
    for start in range(0, 3000, 500):
        index.upsert(np.arange(start, start + 500), vectors[start:start + 500])
    assert len(index) == 3000
    assert index.capacity == 4 * INITIAL_CAPACITY  # doubled twice, not once per batch
    recalls = []
    for q in make_queries("l2-squared", 10):
        want, _ = brute_top("l2-squared", q, np.arange(3000), vectors, 10)
        recalls.append(recall(index.search(q, 10)[0], want))
    assert np.mean(recalls) >= 0.95


def test_dimension_is_fixed_by_first_upsert(tmp_path):
    index = VectorIndex(tmp_path, "v", config())
    index.upsert([1], np.ones((1, 4), dtype=np.float32))
    assert index.dim == 4
    with pytest.raises(ValueError, match=r"5.*4"):
        index.upsert([2], np.ones((1, 5), dtype=np.float32))
    with pytest.raises(ValueError, match=r"3.*4"):
        index.search(np.ones(3), 1)
    with pytest.raises(ValueError, match="NaN"):
        index.upsert([3], np.array([[np.nan, 0, 0, 0]]))
    with pytest.raises(ValueError, match="one vector per id"):
        index.upsert([3, 4], np.ones((1, 4)))
    assert len(index) == 1


def test_empty_index_and_small_k(tmp_path):
    index = VectorIndex(tmp_path, "v", config())
    ids, d = index.search(np.ones(8), 10)
    assert ids.size == 0 and d.size == 0 and ids.dtype == np.uint64
    assert len(index) == 0 and index.dim is None
    index.upsert([1, 2, 3], make_data("cosine", 3)[:, :8])
    assert len(index.search(np.ones(8), 10)[0]) == 3
    assert index.search(np.ones(8), 0)[0].size == 0
    with pytest.raises(ValueError):
        index.search(np.ones(8), -1)


def test_update_config(tmp_path):
    index, ids, vectors = build(tmp_path, "cosine")
    index.update_config(config("cosine", ef=200, flatSearchCutoff=10))
    got, _ = index.search(vectors[0], 5)
    assert got[0] == ids[0]
    with pytest.raises(ValueError, match="distance"):
        index.update_config(config("dot"))
    with pytest.raises(ValueError, match="maxConnections"):
        index.update_config(config("cosine", maxConnections=8))


# -- snapshots -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("distance", "index_type"),
                         [("cosine", "hnsw"), ("dot", "hnsw"), ("manhattan", "flat"), ("hamming", "hnsw")])
def test_save_load_round_trip(tmp_path, distance, index_type):
    index, ids, vectors = build(tmp_path, distance, index_type, name="")
    index.delete(ids[:100].tolist())
    index.save(42)
    assert index.snapshot_seq == 42
    meta = json.loads(index.meta_path.read_text())
    assert {"seq", "count", "dim", "sha256", "space", "max_elements"} <= meta.keys()
    assert meta["seq"] == 42 and meta["count"] == N - 100 and meta["dim"] == DIM
    assert index.bin_path.name == f"{snapshot_stem('')}.bin"

    loaded = VectorIndex(tmp_path, "", config(distance, index_type))
    assert loaded.load() is True
    assert loaded.snapshot_seq == 42 and len(loaded) == N - 100 and loaded.dim == DIM
    allow = BitMap(ids[::5].tolist())
    for q in make_queries(distance, 10):
        for kwargs in ({}, {"allow": allow}):
            a_ids, a_d = index.search(q, 10, **kwargs)
            b_ids, b_d = loaded.search(q, 10, **kwargs)
            np.testing.assert_array_equal(a_ids, b_ids)
            np.testing.assert_array_equal(a_d, b_d)
    capacity = loaded.capacity
    loaded.upsert(np.arange(100) + 50_000, make_data(distance, 100, seed=9))
    assert len(loaded) == N
    if distance in GRAPH_METRICS:  # a graph's deleted slots survive the round trip and are still reused
        assert loaded.capacity == capacity
    for q in make_queries(distance, 3):
        assert not set(loaded.search(q, 200)[0].tolist()) & set(ids[:100].tolist())


def test_empty_index_round_trip(tmp_path):
    index = VectorIndex(tmp_path, "v", config())
    index.save(3)
    loaded = VectorIndex(tmp_path, "v", config())
    assert loaded.load() is True and loaded.snapshot_seq == 3 and len(loaded) == 0
    loaded.upsert([1], np.ones((1, 4), dtype=np.float32))
    assert loaded.dim == 4


def flip_byte(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


DAMAGE = {
    "truncated bin": lambda ix: truncate(ix.bin_path),
    "flipped bin": lambda ix: flip_byte(ix.bin_path, ix.bin_path.stat().st_size // 2),
    "flipped live": lambda ix: flip_byte(ix.live_path, 0) if ix.live_path.exists() else truncate(ix.bin_path),
    "missing bin": lambda ix: ix.bin_path.unlink(),
    "unreadable sidecar": lambda ix: ix.meta_path.write_text("{not json"),
    "sidecar for another count": lambda ix: ix.meta_path.write_text(
        json.dumps({**json.loads(ix.meta_path.read_text()), "count": 5})),
}


@pytest.mark.parametrize("index_type", ["hnsw", "flat"])
@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_snapshot_is_refused(tmp_path, index_type, damage, caplog):
    index = VectorIndex(tmp_path, "v", config("l2-squared", index_type))
    index.upsert(np.arange(300), make_data("l2-squared", 300))
    index.save(7)
    DAMAGE[damage](index)
    loaded = VectorIndex(tmp_path, "v", config("l2-squared", index_type))
    loaded.upsert([1], np.ones((1, DIM), dtype=np.float32))  # load() must drop this too
    with caplog.at_level("WARNING", logger="storage.hnsw"):
        assert loaded.load() is False
    assert "ignoring the snapshot" in caplog.text
    assert loaded.snapshot_seq == 0 and len(loaded) == 0 and loaded.dim is None
    loaded.upsert([2], np.ones((1, 3), dtype=np.float32))  # usable, and free to take a new dimension
    assert len(loaded) == 1


def test_missing_or_mismatched_snapshot(tmp_path):
    assert VectorIndex(tmp_path / "nowhere", "v", config()).load() is False
    index = VectorIndex(tmp_path, "v", config("cosine"))
    index.upsert([1], np.ones((1, 4), dtype=np.float32))
    index.save(1)
    assert VectorIndex(tmp_path, "v", config("dot")).load() is False
    assert VectorIndex(tmp_path, "v", config("cosine", "flat")).load() is False
    assert VectorIndex(tmp_path, "v", config("cosine")).load() is True


@pytest.mark.parametrize(("failing_replace", "survives"), [(1, True), (3, False)])
def test_interrupted_save(tmp_path, monkeypatch, failing_replace, survives):
    index = VectorIndex(tmp_path, "v", config("l2-squared"))
    index.upsert(np.arange(10), make_data("l2-squared", 10))
    index.save(1)
    index.upsert(np.arange(10, 20), make_data("l2-squared", 10, seed=2))
    calls = []
    real_replace = os.replace

    def replace(src, dst):
        calls.append(dst)
        if len(calls) == failing_replace:
            raise OSError("disk full")
        real_replace(src, dst)

    monkeypatch.setattr("storage.hnsw.os.replace", replace)
    with pytest.raises(OSError, match="disk full"):
        index.save(2)
    monkeypatch.undo()
    assert index.snapshot_seq == 1
    assert not list(tmp_path.glob(".*.tmp"))
    loaded = VectorIndex(tmp_path, "v", config("l2-squared"))
    if survives:  # the graph file was never replaced: the old snapshot is whole
        assert loaded.load() is True and loaded.snapshot_seq == 1 and len(loaded) == 10
    else:  # new graph file, old sidecar: the checksum gives it away
        assert loaded.load() is False and len(loaded) == 0


def test_stale_temp_files_are_removed_on_load(tmp_path):
    index = VectorIndex(tmp_path, "v", config())
    index.save(1)
    stale = tmp_path / ".v.abc123.tmp"
    stale.write_bytes(b"half a graph")
    other = tmp_path / ".w.abc123.tmp"
    other.write_bytes(b"someone else's")
    assert VectorIndex(tmp_path, "v", config()).load() is True
    assert not stale.exists() and other.exists()


def test_closed_index_refuses_work(tmp_path):
    index = VectorIndex(tmp_path, "v", config())
    index.close()
    with pytest.raises(StorageError, match="closed"):
        index.upsert([1], np.ones((1, 2), dtype=np.float32))


# -- threads -------------------------------------------------------------------------------------------------


def test_searches_run_while_another_thread_upserts(tmp_path):
    index = VectorIndex(tmp_path, "v", config("cosine", flatSearchCutoff=50))
    vectors = make_data("cosine", 3000, seed=6)
    index.upsert(np.arange(200), vectors[:200])
    errors: list[BaseException] = []
    done = threading.Event()
    allow = BitMap(range(0, 3000, 3))

    def searcher(seed: int) -> None:
        rng = np.random.default_rng(seed)
        try:
            while not done.is_set():
                k = int(rng.integers(1, 30))
                kwargs = {"allow": allow} if rng.random() < 0.3 else {}
                ids, d = index.search(rng.standard_normal(DIM), k, **kwargs)
                assert len(ids) == len(d) <= k
                assert np.all(ids < 3000) and np.all(np.diff(d) >= -1e-6)
                if kwargs:
                    assert set(ids.tolist()) <= set(allow)
        except BaseException as err:  # noqa: BLE001 - handed to the main thread
            errors.append(err)

    threads = [threading.Thread(target=searcher, args=(s,)) for s in range(3)]
    for t in threads:
        t.start()
    try:
        for start in range(200, 3000, 200):
            index.upsert(np.arange(start, start + 200), vectors[start:start + 200])
            index.delete(range(start - 100, start - 90))
    finally:
        done.set()
        for t in threads:
            t.join(timeout=30)
    assert not errors, errors[0]
    assert len(index) == 3000 - 14 * 10
    assert sum(finds_itself(index, q, 2900 + i) for i, q in enumerate(vectors[2900:2910])) >= 9
