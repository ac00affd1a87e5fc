"""Vectors the index could not take are refused per object, and nothing of such an object is stored: a length
other than the collection's (fixed by its first vector, under the write lock, however many writers race) and
NaN or infinity, whether sent by the user or returned by a vectorizer. Start-up takes whatever an older
version stored without refusing to open."""

from __future__ import annotations

import logging
import threading
import uuid

import numpy as np
import pytest

from tests.conftest import make_settings
from tests.modules.fake_upstream import FakeUpstream, Recorded, Reply
from vectordb.database import Database
from vectordb.errors import UserError
from vectordb.query.request import SearchRequest


def _reopen(db: Database) -> Database:
    """Stop as kill -9 would leave things (no snapshot) and open the same directory again."""
    for coll in db.collections.values():
        coll.close(snapshot=False)
    db.collections.clear()
    db.close()
    return Database(db.settings)


def test_racing_first_batches_of_different_lengths_store_one_length(db):
    db.create_collection({"class": "C", "vectorizer": "none"})
    start = threading.Barrier(8)
    results: dict[int, list[dict]] = {}
    failures: list[BaseException] = []

    def batch(length: int) -> None:
        start.wait()
        try:
            results[length] = db.batch_objects([{"class": "C", "vector": [1.0] * length} for _ in range(20)])
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    threads = [threading.Thread(target=batch, args=(n,)) for n in range(2, 10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures, failures
    ok = [n for n, rs in results.items() if not any(r["error"] for r in rs)]
    assert len(ok) == 1, {n: sum(bool(r["error"]) for r in rs) for n, rs in results.items()}
    for n, rs in results.items():
        if n != ok[0]:
            assert all(f"has length {n}, but this collection's vectors have length {ok[0]}" in r["error"]
                       for r in rs)
    coll = db.collection("C")
    with coll.reading() as txn:
        assert {len(v) for _, v in coll.store.iterate_vectors(txn, "")} == {ok[0]}
    assert coll.count() == 20 == len(coll.indexes[""])
    db = _reopen(db)
    try:
        assert db.collection("C").count() == 20
    finally:
        db.close()


def test_one_batch_with_mixed_lengths_refuses_the_odd_objects_only(db):
    db.create_collection({"class": "C", "vectorizer": "none"})
    ids = [str(uuid.UUID(int=i + 1)) for i in range(4)]
    results = db.batch_objects([{"class": "C", "id": ids[i], "vector": [1.0] * n} for i, n in enumerate([3, 3, 4, 3])])
    assert [bool(r["error"]) for r in results] == [False, False, True, False]
    assert db.get_object("C", ids[2]) is None
    with pytest.raises(UserError) as info:
        db.insert_object({"class": "C", "vector": [1.0, 2.0]})
    assert info.value.status == 422 and "has length 2" in info.value.message
    with pytest.raises(UserError) as info:
        db.replace_object("C", ids[0], {"class": "C", "vector": [1.0] * 5})
    assert info.value.status == 422
    assert db.get_object("C", ids[0], include_vector=True)["vector"] == [1.0] * 3


@pytest.mark.parametrize("vector", [[float("nan"), 1.0], [float("inf"), 1.0], [1e39, 1.0]])
def test_nan_or_infinity_sent_by_the_user_is_refused_per_object(db, vector):
    db.create_collection({"class": "C", "vectorizer": "none"})
    results = db.batch_objects([{"class": "C", "vector": [1.0, 2.0]}, {"class": "C", "vector": vector},
                                {"class": "C", "vectors": {"default": vector}}])
    assert [bool(r["error"]) for r in results] == [False, True, True]
    assert "vector 'default' contains NaN or infinity" in results[1]["error"]
    with pytest.raises(UserError, match="NaN or infinity") as info:
        db.insert_object({"class": "C", "vector": np.array(vector)})
    assert info.value.status == 422
    assert db.collection("C").count() == 1


def _container(request: Recorded) -> Reply:
    """A t2v-transformers container whose model breaks down on some words."""
    word = request.body["text"].split()[-1]
    first = {"nan": float("nan"), "inf": float("-inf"), "huge": 1e39}.get(word, 1.0)
    return Reply(200, {"text": request.body["text"], "dims": 3, "vector": [first, 1.0, 0.5]})


def test_nan_or_infinity_from_a_vectorizer_fails_only_its_object_and_stores_nothing(tmp_path):
    with FakeUpstream(_container) as fake:
        db = Database(make_settings(tmp_path / "d", ENABLE_MODULES="text2vec-transformers",
                                    TRANSFORMERS_INFERENCE_API=fake.url))
        try:
            db.create_collection({"class": "Doc", "vectorizer": "text2vec-transformers",
                                  "properties": [{"name": "text", "dataType": ["text"]}]})
            texts = ["fine", "nan", "inf", "huge", "also fine"]
            results = db.batch_objects([{"class": "Doc", "properties": {"text": t}} for t in texts])
            assert [bool(r["error"]) for r in results] == [False, True, True, True, False], results
            for r in results[1:4]:
                assert "text2vec-transformers" in r["error"] and "NaN or infinity" in r["error"], r["error"]
            with pytest.raises(UserError, match="NaN or infinity") as info:
                db.insert_object({"class": "Doc", "properties": {"text": "nan"}})
            assert info.value.status == 422
            assert db.collection("Doc").count() == 2 == len(db.collection("Doc").indexes[""])
            db = _reopen(db)
            assert db.collection("Doc").count() == 2
        finally:
            db.close()


def _store_unchecked(db: Database, vectors: list[list[float]], first_id: int) -> None:
    """Write objects as an older version could: straight into LMDB, no length or NaN check, no index."""
    coll = db.collection("Old")

    def run(txn) -> None:
        docid = coll.store.take_docids(txn, len(vectors))
        for i, vector in enumerate(vectors):
            obj = {"id": str(uuid.UUID(int=first_id + i)), "class": "Old", "properties": {},
                   "creationTimeUnix": 1, "lastUpdateTimeUnix": 1, "docId": docid + i}
            coll.store.put_object(txn, obj, None)
            coll.store.put_vectors(txn, docid + i, {"": np.asarray(vector, dtype=np.float32)})

    coll.kv.write(run)


@pytest.mark.parametrize("snapshot_first", [False, True])
def test_start_up_takes_mixed_lengths_and_nan_an_older_version_stored(tmp_path, caplog, snapshot_first):
    db = Database(make_settings(tmp_path / "d"))
    db.create_collection({"class": "Old", "vectorizer": "none"})
    good = [[float(i), 1.0, 0.0] for i in range(5)]
    if snapshot_first:  # the bad vectors then come from replaying the change log over a snapshot
        db.batch_objects([{"class": "Old", "id": str(uuid.UUID(int=i + 1)), "vector": v} for i, v in enumerate(good)])
        db.collection("Old").snapshot()
        good = []
    _store_unchecked(db, [*good, [1.0, 2.0], [float("nan"), 1.0, 0.0]], first_id=1 if good else 100)
    with caplog.at_level(logging.WARNING):
        db = _reopen(db)
    try:
        coll = db.collection("Old")
        assert coll.count() == 7 and len(coll.indexes[""]) == 5
        assert any("2 stored vectors have NaN or infinity or a length other than 3" in r.getMessage()
                   for r in caplog.records)
        hits = db.search(SearchRequest(collection="Old", near_vector={"vector": [4.0, 1.0, 0.0]}, limit=1))
        assert hits[0].id == str(uuid.UUID(int=5))
        # The collection's length stands; the objects with unusable vectors can be sent again.
        results = db.batch_objects([{"class": "Old", "vector": [1.0, 2.0]}, {"class": "Old", "vector": [1.0] * 3}])
        assert [bool(r["error"]) for r in results] == [True, False]
    finally:
        db.close()
    caplog.clear()
    with caplog.at_level(logging.INFO):
        db = Database(db.settings)  # from the snapshot the clean close saved: level, nothing to rebuild
    try:
        assert len(db.collection("Old").indexes[""]) == 6
        messages = [r.getMessage() for r in caplog.records]
        assert not any("rebuil" in m for m in messages), messages
        assert any("2 stored vectors have NaN or infinity" in m for m in messages), messages
    finally:
        db.close()


def test_refused_vectors_over_http_are_422_per_object(http):
    assert http.post("/v1/schema", json={"class": "C", "vectorizer": "none"}).status_code == 200
    first = http.post("/v1/objects", json={"class": "C", "vector": [1.0, 2.0, 3.0]})
    assert first.status_code == 200, first.text
    for method, path in (("POST", "/v1/objects"), ("PUT", f"/v1/objects/C/{first.json()['id']}")):
        resp = http.request(method, path, json={"class": "C", "vector": [1.0, 2.0]})
        assert resp.status_code == 422, resp.text
        assert "vector 'default' has length 2, but this collection's vectors have length 3" in (
            resp.json()["error"][0]["message"])
    batch = http.post("/v1/batch/objects", json={"objects": [{"class": "C", "vector": [1.0, 2.0]},
                                                            {"class": "C", "vector": [3.0, 2.0, 1.0]}]})
    assert batch.status_code == 200
    assert [r["result"].get("errors") is not None for r in batch.json()] == [True, False]
    assert http.get(f"/v1/objects/C/{first.json()['id']}?include=vector").json()["vector"] == [1.0, 2.0, 3.0]
