"""A collection is created and deleted whole or not at all: kill -9 never leaves one the next start refuses."""

from __future__ import annotations

import logging
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from storage.errors import MissingSchema
from storage.kv import KV
from storage.objects import ObjectStore
from tests.conftest import make_settings
from vectordb.database import Database

ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent(
    """
    import sys
    from vectordb.config import Settings
    from vectordb.database import Database

    path, start = sys.argv[1], int(sys.argv[2])
    db = Database(Settings.from_env({"PERSISTENCE_DATA_PATH": path}))
    print("ready", flush=True)
    for n in range(start, start + 10_000):
        db.create_collection({"class": f"C{n}", "vectorizer": "none",
                              "properties": [{"name": "title", "dataType": ["text"]}],
                              "vectorConfig": {"a": {"vectorizer": {"none": {}}}, "b": {"vectorizer": {"none": {}}}}})
        print(n, flush=True)
        if n % 3 == 0:
            db.delete_collection(f"C{n}")
            print(f"-{n}", flush=True)
    """
)


def _half_made(collections: Path, name: str, objects: int = 0) -> None:
    """An LMDB environment with the store's databases but no schema record, as an interrupted creation left it."""
    kv = KV(collections / name / "lmdb")
    store = ObjectStore(kv, [])
    for n in range(objects):
        kv.write(lambda txn, n=n: store.put_object(txn, {"id": f"00000000-0000-0000-0000-{n + 1:012x}", "docId": n,
                                                          "properties": {}}, None))
    kv.close()


def test_start_clears_a_half_made_collection_and_logs_it(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "data"
    with Database(make_settings(path)) as db:
        db.create_collection({"class": "Whole", "vectorizer": "none"})
    collections = path / "collections"
    _half_made(collections, "Half")
    (collections / ".new-Other-0123abcd" / "lmdb").mkdir(parents=True)
    (collections / ".deleted-Gone-0123abcd" / "hnsw").mkdir(parents=True)
    with caplog.at_level(logging.WARNING, logger="vectordb.database"), Database(make_settings(path)) as db:
        assert [c["class"] for c in db.schema()] == ["Whole"]
        db.create_collection({"class": "Half", "vectorizer": "none"})  # the name is free again
    assert sorted(p.name for p in collections.iterdir()) == ["Half", "Whole"]
    logged = caplog.text
    assert "Half" in logged and ".new-Other" in logged and ".deleted-Gone" in logged


def test_collection_without_schema_but_with_objects_is_refused_not_removed(tmp_path: Path) -> None:
    path = tmp_path / "data"
    _half_made(path / "collections", "Damaged", objects=3)
    with pytest.raises(MissingSchema, match="holds 3 objects"):
        Database(make_settings(path))
    assert (path / "collections" / "Damaged" / "lmdb").is_dir()
    Database(make_settings(path / "other")).close()  # the refusal released the directory lock


def _run_child(path: Path, start: int, kill_after: float) -> tuple[set[int], set[int]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(path), str(start)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready", proc.stderr.read() if proc.stderr else ""
    time.sleep(kill_after)
    os.kill(proc.pid, signal.SIGKILL)
    out, err = proc.communicate()
    assert proc.returncode == -signal.SIGKILL, err
    lines = out.split()
    return {int(x) for x in lines if not x.startswith("-")}, {int(x[1:]) for x in lines if x.startswith("-")}


def test_kill_9_while_creating_and_deleting_collections(tmp_path: Path) -> None:
    path = tmp_path / "data"
    rng = random.Random(5)
    created: set[int] = set()
    deleted: set[int] = set()
    start = 0
    for trial in range(6):
        made, gone = _run_child(path, start, rng.uniform(0.2, 1.0))
        created |= made
        deleted |= gone
        # The child may have been killed between deleting a class and acknowledging that: it may be either.
        pending = {n for n in made - gone if n % 3 == 0}
        with Database(make_settings(path)) as db:  # never refuses to start
            names = {c["class"] for c in db.schema()}
            kept = {f"C{n}" for n in created - deleted - pending}
            assert kept <= names, f"trial {trial}: an acknowledged class is lost"
            deleted |= {n for n in pending if f"C{n}" not in names}
            assert not names & {f"C{n}" for n in deleted}, f"trial {trial}: a deleted class came back"
            for name in names:
                coll = db.collection(name)
                assert set(coll.spaces) == {"a", "b"} and coll.class_def["properties"][0]["name"] == "title"
            start = max(created | {start}) + 10
        assert not [p for p in (path / "collections").iterdir() if p.name.startswith(".")]
