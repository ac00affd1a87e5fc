"""Tenant stores on disk: isolation, deletion, restart, crash leftovers and the bound on open stores."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import make_settings
from vectordb.database import Database
from vectordb.errors import UserError
from vectordb.tenants.stores import FDS_PER_STORE, FDS_RESERVED, store_limit

CLASS = {"class": "Doc", "vectorizer": "none", "multiTenancyConfig": {"enabled": True},
         "properties": [{"name": "n", "dataType": ["int"]}]}


def fill(db: Database, tenants: list[str], per: int = 3) -> None:
    db.add_tenants("Doc", [{"name": t} for t in tenants])
    for t in tenants:
        results = db.batch_objects([{"class": "Doc", "tenant": t, "properties": {"n": i}, "vector": [1.0, i]}
                                    for i in range(per)])
        assert not [r["error"] for r in results if r["error"]]


def tenant_dirs(path: Path) -> list[str]:
    """The tenants' directories (hidden ones are scratch: the empty store new tenants are copied from)."""
    return sorted(n for n in os.listdir(path / "collections" / "Doc" / "tenants") if not n.startswith("."))


def test_deleting_a_tenant_deletes_its_files_and_only_its(tmp_path):
    with Database(make_settings(tmp_path)) as db:
        db.create_collection(CLASS)
        fill(db, ["a", "b"])
        assert tenant_dirs(tmp_path) == ["a", "b"]
        db.delete_tenants("Doc", ["a"])
        assert tenant_dirs(tmp_path) == ["b"]
        assert db.list_objects("Doc", tenant="b")["totalResults"] == 3
        db.add_tenants("Doc", [{"name": "a"}])  # the same name again starts empty
        assert db.list_objects("Doc", tenant="a")["totalResults"] == 0


def test_tenants_and_their_objects_survive_a_restart(tmp_path):
    settings = make_settings(tmp_path)
    with Database(settings) as db:
        db.create_collection(CLASS)
        fill(db, ["a", "b"])
        db.update_tenants("Doc", [{"name": "b", "activityStatus": "COLD"}])
    with Database(settings) as db:
        assert db.tenants("Doc") == [{"name": "a", "activityStatus": "HOT"}, {"name": "b", "activityStatus": "COLD"}]
        assert db.list_objects("Doc", tenant="a")["totalResults"] == 3
        with pytest.raises(UserError, match="tenant not active: 'b'"):
            db.list_objects("Doc", tenant="b")


def test_a_crash_leaves_each_tenant_whole_or_absent(tmp_path):
    settings = make_settings(tmp_path)
    with Database(settings) as db:
        db.create_collection(CLASS)
        fill(db, ["a"])
    tenants = tmp_path / "collections" / "Doc" / "tenants"
    # what an interrupted creation, an interrupted deletion and a deletion committed before its removal leave
    (tenants / ".new-b-1234abcd" / "lmdb").mkdir(parents=True)
    (tenants / ".deleted-c-1234abcd" / "lmdb").mkdir(parents=True)
    (tenants / "gone" / "lmdb").mkdir(parents=True)
    with Database(settings) as db:
        assert tenant_dirs(tmp_path) == ["a"]
        assert db.list_objects("Doc", tenant="a")["totalResults"] == 3


def test_open_stores_stay_within_the_limit(tmp_path):
    settings = make_settings(tmp_path, VECTORDB_TENANT_STORES_OPEN="2")
    with Database(settings) as db:
        db.create_collection(CLASS)
        names = [f"t{i}" for i in range(6)]
        fill(db, names)
        assert len(db.tenant_stores) <= 2
        for t in names:
            got = db.list_objects("Doc", tenant=t)["objects"]
            assert sorted(o["properties"]["n"] for o in got) == [0, 1, 2]
            assert len(db.tenant_stores) <= 2
        # a store in use is never closed: holding three at once passes the limit until they are let go
        with db.shard("Doc", "t0") as s0, db.shard("Doc", "t1") as s1, db.shard("Doc", "t2") as s2:
            assert len(db.tenant_stores) == 3
            assert [s.count() for s in (s0, s1, s2)] == [3, 3, 3]
        assert len(db.tenant_stores) <= 2


def test_going_cold_closes_the_store(tmp_path):
    with Database(make_settings(tmp_path)) as db:
        db.create_collection(CLASS)
        fill(db, ["a"])
        assert db.tenant_stores.open_stores("Doc") == [("Doc", "a")]
        db.update_tenants("Doc", [{"name": "a", "activityStatus": "COLD"}])
        assert db.tenant_stores.open_stores("Doc") == []


def test_auto_schema_properties_reach_every_tenant(tmp_path):
    settings = make_settings(tmp_path)
    with Database(settings) as db:
        db.create_collection(CLASS)
        fill(db, ["a", "b"])
        db.insert_object({"class": "Doc", "tenant": "a", "properties": {"n": 1, "title": "x"}})
        assert "title" in [p["name"] for p in db.class_def("Doc")["properties"]]
        db.insert_object({"class": "Doc", "tenant": "b", "properties": {"title": "y"}})
    with Database(settings) as db:
        assert "title" in [p["name"] for p in db.class_def("Doc")["properties"]]


def test_the_store_limit_respects_the_file_limit():
    import resource

    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    assert store_limit(10**9) <= max(1, (soft - FDS_RESERVED) // FDS_PER_STORE)
    assert store_limit(1) == 1


def test_deleting_the_class_deletes_every_tenant(tmp_path):
    with Database(make_settings(tmp_path)) as db:
        db.create_collection(CLASS)
        fill(db, ["a", "b"])
        db.delete_collection("Doc")
        assert not (tmp_path / "collections" / "Doc").exists()
        assert len(db.tenant_stores) == 0
        db.create_collection(CLASS)
        assert db.tenants("Doc") == []


def test_many_threads_over_more_tenants_than_open_stores(tmp_path):
    import random
    import threading

    with Database(make_settings(tmp_path, VECTORDB_TENANT_STORES_OPEN="3")) as db:
        db.create_collection(CLASS)
        names = [f"t{i}" for i in range(8)]
        db.add_tenants("Doc", [{"name": t} for t in names])
        written = {t: 0 for t in names}
        lock = threading.Lock()
        errors: list[BaseException] = []

        def work(seed: int) -> None:
            rng = random.Random(seed)
            try:
                for _ in range(40):
                    t = rng.choice(names)
                    if rng.random() < 0.5:
                        with lock:  # counted under the lock so the total matches what was acknowledged
                            results = db.batch_objects([{"class": "Doc", "tenant": t, "properties": {"n": 1},
                                                         "vector": [1.0, 0.5]}])
                            assert results[0]["error"] is None, results
                            written[t] += 1
                    else:
                        db.list_objects("Doc", tenant=t, limit=1000)
            except BaseException as exc:  # noqa: BLE001 (reported below)
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert not errors, errors
        assert len(db.tenant_stores) <= 3
        assert {t: db.list_objects("Doc", tenant=t, limit=1000)["totalResults"] for t in names} == written


def test_nodes_count_closed_stores_without_opening_them(tmp_path):
    with Database(make_settings(tmp_path, VECTORDB_TENANT_STORES_OPEN="1")) as db:
        db.create_collection(CLASS)
        fill(db, ["a", "b", "c"], per=4)
        db.add_tenants("Doc", [{"name": "empty"}])
        assert db.tenant_stores.open_stores("Doc") == [("Doc", "c")]
        [node] = db.nodes(verbose=True)["nodes"]
        assert {s["name"]: s["objectCount"] for s in node["shards"]} == {"a": 4, "b": 4, "c": 4, "empty": 0}
        assert node["stats"]["objectCount"] == 12
        assert db.tenant_stores.open_stores("Doc") == [("Doc", "c")]
