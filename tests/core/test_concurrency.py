"""Many readers and writers at once, as uvicorn's worker threads call the database."""

from __future__ import annotations

import threading
import uuid

import numpy as np

from vectordb.query.request import SearchRequest


def test_concurrent_batches_updates_and_searches(db):
    db.create_collection({"class": "C", "vectorizer": "none", "properties": [{"name": "n", "dataType": ["int"]}]})
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((2000, 8)).astype(np.float32)
    errors: list[BaseException] = []
    done = threading.Event()

    def writer(part: int) -> None:
        try:
            for lo in range(part * 500, (part + 1) * 500, 100):
                objs = [{"class": "C", "id": str(uuid.UUID(int=i + 1)), "properties": {"n": i},
                         "vector": vectors[i].tolist()} for i in range(lo, lo + 100)]
                assert not any(r["error"] for r in db.batch_objects(objs))
                # rewrite an earlier object of this writer with the same vector
                i = part * 500
                db.batch_objects([{"class": "C", "id": str(uuid.UUID(int=i + 1)), "properties": {"n": i},
                                   "vector": vectors[i].tolist()}])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    def reader() -> None:
        try:
            while not done.is_set():
                q = rng.standard_normal(8).tolist()
                hits = db.search(SearchRequest(collection="C", near_vector={"vector": q}, limit=5,
                                               where={"path": ["n"], "operator": "LessThan", "valueInt": 1000}))
                assert all(h.properties["n"] < 1000 for h in hits)
                db.list_objects("C", limit=20)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    writers = [threading.Thread(target=writer, args=(p,)) for p in range(4)]
    readers = [threading.Thread(target=reader) for _ in range(3)]
    for t in writers + readers:
        t.start()
    for t in writers:
        t.join()
    done.set()
    for t in readers:
        t.join()
    assert not errors, errors
    coll = db.collection("C")
    assert coll.count() == 2000 == len(coll.indexes[""])
    for i in (0, 777, 1999):
        hits = db.search(SearchRequest(collection="C", near_vector={"vector": vectors[i].tolist()}, limit=1))
        assert hits[0].properties["n"] == i
