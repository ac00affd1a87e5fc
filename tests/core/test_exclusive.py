"""One process per data directory, and vector indexes that prove they are level with LMDB when they open."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import vectordb
from storage.errors import DataDirLocked
from tests.conftest import free_port, make_settings
from vectordb.database import Database

ROOT = Path(__file__).resolve().parents[2]
DIM = 8


def test_second_embedded_open_fails_naming_path_pid_and_connect(tmp_path: Path) -> None:
    client = vectordb.open(tmp_path / "data")
    try:
        with pytest.raises(DataDirLocked) as err:
            vectordb.open(tmp_path / "data")
        message = str(err.value)
        assert str(tmp_path / "data") in message and str(os.getpid()) in message
        assert "vectordb.connect(url)" in message
    finally:
        client.close()
    vectordb.open(tmp_path / "data").close()  # released on close


def test_serve_refuses_a_directory_an_embedded_database_holds(tmp_path: Path) -> None:
    db = Database(make_settings(tmp_path / "data"))
    try:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        done = subprocess.run([sys.executable, "-m", "vectordb", "serve", "--port", str(free_port()),
                               "--data-dir", str(tmp_path / "data")], env=env, capture_output=True, text=True,
                              timeout=60)
        assert done.returncode == 1
        assert f"in use by process {os.getpid()}" in done.stderr and str(tmp_path / "data") in done.stderr
    finally:
        db.close()


def _fill(db: Database, start: int, n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    vectors = {f"00000000-0000-0000-0000-{i + 1:012x}": rng.standard_normal(DIM).astype(np.float32)
               for i in range(start, start + n)}
    results = db.batch_objects([{"class": "Lvl", "id": k, "vector": v.tolist()} for k, v in vectors.items()])
    assert not any(r.get("error") for r in results)
    return vectors


def _all_found_by_vector_search(db: Database, vectors: dict[str, np.ndarray]) -> None:
    coll = db.collection("Lvl")
    index = coll.indexes[""]
    assert len(index) == len(vectors)
    with coll.reading() as txn:
        for object_id, vector in vectors.items():
            ids, _ = index.search(vector, 1)
            assert coll.store.get_by_docid(txn, int(ids[0]))["id"] == object_id


@pytest.mark.parametrize("flat", [False, True])
def test_rolled_back_snapshot_is_caught_and_rebuilt(tmp_path: Path, flat: bool) -> None:
    path = tmp_path / "data"
    hnsw = path / "collections" / "Lvl" / "hnsw"
    rng = np.random.default_rng(3)
    db = Database(make_settings(path))
    db.create_collection({"class": "Lvl", "vectorizer": "none", **({"vectorIndexType": "flat"} if flat else {})})
    vectors = _fill(db, 0, 150, rng)
    db.close()  # snapshot at the first 150
    shutil.copytree(hnsw, tmp_path / "old")
    db = Database(make_settings(path))
    vectors |= _fill(db, 150, 150, rng)
    db.close()  # a newer snapshot; the log it covers is truncated
    shutil.rmtree(hnsw)
    shutil.copytree(tmp_path / "old", hnsw)  # roll the snapshot back: the log no longer reaches back to it
    db = Database(make_settings(path))
    try:
        _all_found_by_vector_search(db, vectors)
    finally:
        db.close()


def test_snapshot_missing_objects_at_the_current_position_is_rebuilt(tmp_path: Path) -> None:
    """What two processes on one directory produced: a snapshot at the newest seq that lacks the other's writes."""
    path = tmp_path / "data"
    rng = np.random.default_rng(4)
    db = Database(make_settings(path))
    db.create_collection({"class": "Lvl", "vectorizer": "none"})
    vectors = _fill(db, 0, 100, rng)
    coll = db.collection("Lvl")
    missing = list(vectors)[:40]
    with coll.reading() as txn:
        docids = [coll.store.docid_of(txn, object_id) for object_id in missing]
    coll.indexes[""].delete(docids)  # the index forgets objects LMDB still holds
    db.close()  # and saves itself at the newest seq, so the log has nothing to replay
    db = Database(make_settings(path))
    try:
        _all_found_by_vector_search(db, vectors)
    finally:
        db.close()
