"""A request that fails changes nothing: auto-schema's new properties and classes are committed with the
objects that need them, in the same transaction, and only with those."""

from __future__ import annotations

import threading

import pytest

from tests.conftest import make_settings
from vectordb.database import Database
from vectordb.errors import UserError
from vectordb.ingest import Ingest


def prop_names(db: Database, name: str) -> list[str]:
    return [p["name"] for p in db.collection(name).class_def["properties"]]


def test_a_failed_batch_adds_no_properties(db):
    db.create_collection({"class": "C", "vectorizer": "none"})
    assert not db.batch_objects([{"class": "C", "properties": {"kept": "x"}, "vector": [1.0, 0.0]}])[0]["error"]
    version = db.schema_version
    results = db.batch_objects([
        {"class": "C", "properties": {"wrongLength": "x"}, "vector": [1.0, 0.0, 0.0]},
        {"class": "C", "properties": {"nan": 1}, "vector": [float("nan"), 0.0]},
        {"class": "C", "properties": {"badPhone": {"input": "12"}, "alsoNew": 1}},
        {"class": "C", "properties": {"obj": {"grown": 1}, "x": [1, "mixed"]}},
    ])
    assert all(r["error"] for r in results), results
    assert prop_names(db, "C") == ["kept"] and db.schema_version == version
    with pytest.raises(UserError):
        db.insert_object({"class": "C", "properties": {"single": "x"}, "vector": [1.0]})
    assert prop_names(db, "C") == ["kept"]
    db.close()
    reopened = Database(db.settings)
    try:
        assert prop_names(reopened, "C") == ["kept"]
    finally:
        reopened.close()


def test_properties_come_with_the_objects_that_are_stored(db):
    db.create_collection({"class": "C", "vectorizer": "none"})
    db.insert_object({"class": "C", "properties": {"o": {"a": 1}}, "vector": [1.0, 0.0]})
    results = db.batch_objects([
        # the first to infer "x" and to grow "o" fails; the next objects still need both
        {"class": "C", "properties": {"x": "first", "o": {"b": 2}}, "vector": [1.0]},
        {"class": "C", "properties": {"x": "second", "o": {"b": 3}}, "vector": [0.0, 1.0]},
        {"class": "C", "properties": {"failed": True}, "vector": [1.0]},
    ])
    assert [bool(r["error"]) for r in results] == [True, False, True]
    class_def = db.collection("C").class_def
    assert [p["name"] for p in class_def["properties"]] == ["o", "x"]
    assert [n["name"] for n in class_def["properties"][0]["nestedProperties"]] == ["a", "b"]
    assert db.get_object("C", results[1]["id"])["properties"] == {"x": "second", "o": {"b": 3}}
    db.close()
    reopened = Database(db.settings)
    try:
        assert reopened.collection("C").class_def == class_def
    finally:
        reopened.close()


def test_a_class_auto_schema_would_create_is_left_out_when_nothing_is_stored(db):
    results = db.batch_objects([{"class": "New", "properties": {"p": {"input": "12"}}},
                                {"class": "New", "properties": {"q": 1}, "vector": [float("inf")]}])
    assert all(r["error"] for r in results)
    for body in ({"class": "Single", "properties": {"p": {"a": {"input": "12"}, "b": [1, "x"]}}},
                 {"class": "Single", "vector": [float("nan")]},
                 {"class": "Single", "id": "not-a-uuid"}):
        with pytest.raises(UserError) as info:
            db.insert_object(body)
        assert info.value.status == 422
    assert db.schema() == [] and list(db.collections_dir.iterdir()) == []
    created = db.insert_object({"class": "Single", "properties": {"p": "x"}})
    assert created["class"] == "Single" and prop_names(db, "Single") == ["p"]


def test_racing_batches_into_a_new_class_each_keep_their_properties(tmp_path):
    db = Database(make_settings(tmp_path / "d"))
    start = threading.Barrier(8)
    results: dict[int, list[dict]] = {}
    failures: list[BaseException] = []

    def batch(n: int) -> None:
        start.wait()
        try:
            # every batch shares "common" (text) and "typed" (text for even n, number for odd n)
            results[n] = db.batch_objects([{"class": "Race", "properties": {
                f"own{n}": n, "common": "x", "typed": "t" if n % 2 == 0 else 1.5}} for _ in range(5)])
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    threads = [threading.Thread(target=batch, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert not failures, failures
        typed = next(p for p in db.collection("Race").class_def["properties"] if p["name"] == "typed")
        winners = [n for n in range(8) if (n % 2 == 0) == (typed["dataType"] == ["text"])]
        for n, rs in results.items():
            assert all(bool(r["error"]) != (n in winners) for r in rs), (n, rs[0]["error"])
        names = set(prop_names(db, "Race"))
        assert names == {"common", "typed", *(f"own{n}" for n in winners)}
        assert db.collection("Race").count() == 5 * len(winners)
    finally:
        db.close()


def test_over_http_a_failed_request_leaves_the_schema_as_it_was(http):
    assert http.post("/v1/schema", json={"class": "C", "vectorizer": "none"}).status_code == 200
    before = http.get("/v1/schema").json()
    batch = http.post("/v1/batch/objects", json={"objects": [
        {"class": "C", "properties": {"new": "x", "bad": {"input": "12"}}},
        {"class": "Fresh", "properties": {"new": "x"}, "vector": [1.0, 1e39]},
    ]})
    assert batch.status_code == 200 and all(r["result"]["errors"] for r in batch.json())
    single = http.post("/v1/objects", json={"class": "Other", "properties": {"p": [1, "x"]}})
    assert single.status_code == 422
    assert http.get("/v1/schema").json() == before


def test_a_class_created_meanwhile_under_another_letter_case_fails_the_objects_not_the_batch(db):
    target = db._collection_for_write("Case")  # the draft a batch makes before its objects are stored
    db.create_collection({"class": "CASE", "vectorizer": "none"})
    writes = Ingest(db, target).prepare([{"class": "Case", "properties": {"p": "x"}}], mode="upsert")
    db._commit(target, writes, "upsert")
    assert "already exists" in writes[0].error
    assert sorted(db.collections) == ["CASE"]
