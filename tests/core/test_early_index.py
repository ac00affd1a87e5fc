"""A batch's new vectors go into the index while its transaction is written: a transaction that fails leaves
neither the objects nor their vectors behind, a transaction retried on a grown map indexes each vector once,
and replaced vectors (applied after the commit) end up as stored."""

from __future__ import annotations

import uuid

import numpy as np
import pytest

from tests.conftest import make_settings
from vectordb.database import Database
from vectordb.early_index import MIN_EARLY
from vectordb.query.request import SearchRequest

N = MIN_EARLY * 3


def _vectors(n: int, seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal((n, 16)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _bodies(vectors: np.ndarray, start: int = 0) -> list[dict]:
    return [{"class": "C", "id": str(uuid.UUID(int=start + i + 1)), "vector": v} for i, v in enumerate(vectors)]


def _nearest(db: Database, v: np.ndarray) -> str | None:
    hits = db.search(SearchRequest(collection="C", near_vector={"vector": v}, limit=1))
    return hits[0].id if hits else None


def _level(db: Database) -> None:
    """The index holds exactly the stored vectors, each as stored."""
    coll = db.collection("C")
    index = coll.indexes[""]
    with coll.reading() as txn:
        stored = dict(coll.store.iterate_vectors(txn, ""))
    assert set(index.live_ids()) == set(stored)
    for docid, vector in stored.items():
        unit = vector / np.linalg.norm(vector)
        np.testing.assert_allclose(index.get([docid])[0], unit, atol=1e-5)


def test_a_failed_transaction_takes_the_early_indexed_vectors_out_again(db, monkeypatch):
    db.create_collection({"class": "C", "vectorizer": "none"})
    coll = db.collection("C")
    vectors = _vectors(N, 1)
    real_write = coll.inverted.write

    def failing_write(txn, changes):
        real_write(txn, changes)
        raise OSError("injected: the transaction fails after the index job started")

    monkeypatch.setattr(coll.inverted, "write", failing_write)
    with pytest.raises(OSError, match="injected"):
        db.batch_objects(_bodies(vectors))
    assert coll.count() == 0
    assert len(coll.indexes[""]) == 0
    assert _nearest(db, vectors[0]) is None

    monkeypatch.setattr(coll.inverted, "write", real_write)
    results = db.batch_objects(_bodies(vectors))
    assert not any(r["error"] for r in results)
    assert coll.count() == N
    _level(db)
    assert _nearest(db, vectors[7]) == str(uuid.UUID(int=8))


def test_a_transaction_retried_on_a_grown_map_indexes_its_batch_once(tmp_path):
    # A 1 MiB map cannot take the batch: LMDB says the map is full, the map doubles and the transaction runs
    # again while the index job it started the first time is still its own.
    db = Database(make_settings(tmp_path / "data"), initial_map_size=1 << 20)
    try:
        db.create_collection({"class": "C", "vectorizer": "none"})
        vectors = _vectors(4000, 2)
        results = db.batch_objects(_bodies(vectors))
        assert not any(r["error"] for r in results)
        coll = db.collection("C")
        assert coll.kv.map_size() > 1 << 20
        assert coll.count() == 4000 == len(coll.indexes[""])
        _level(db)
        assert _nearest(db, vectors[1234]) == str(uuid.UUID(int=1235))
    finally:
        db.close()


def test_new_and_replaced_vectors_in_one_batch_end_up_as_stored(db):
    db.create_collection({"class": "C", "vectorizer": "none"})
    first = _vectors(N, 3)
    assert not any(r["error"] for r in db.batch_objects(_bodies(first)))
    # The second half of the old objects get new vectors; as many new objects come with them.
    again = _vectors(N, 4)
    assert not any(r["error"] for r in db.batch_objects(_bodies(again, start=N // 2)))
    assert db.collection("C").count() == N + N // 2
    _level(db)
    assert _nearest(db, again[0]) == str(uuid.UUID(int=N // 2 + 1))
    assert _nearest(db, first[0]) == str(uuid.UUID(int=1))
