"""A backup taken while writes go on restores to exactly the writes acknowledged before one moment: objects,
vectors, and a vector index brought level from its snapshot and the change log (not rebuilt)."""

from __future__ import annotations

import logging
import threading
import time

import numpy as np

from tests.conftest import make_settings
from vectordb.backup.backends import Location
from vectordb.database import Database


def _db(path, backups) -> Database:
    return Database(make_settings(path, ENABLE_MODULES="backup-filesystem", BACKUP_FILESYSTEM_PATH=str(backups)))


def _uuid(i: int) -> str:
    return f"00000000-0000-0000-0000-{i:012d}"


def _vector(i: int) -> list[float]:
    return np.random.default_rng(i).standard_normal(8).astype(np.float32).tolist()


def _insert(db: Database, i: int) -> None:
    [result] = db.batch_objects([{"class": "Doc", "id": _uuid(i), "properties": {"n": i}, "vector": _vector(i)}])
    assert result["error"] is None, result


def _wait(db: Database, backup_id: str, kind: str = "backup") -> dict:
    for _ in range(2400):
        found = db.backups.status("filesystem", backup_id, Location(), kind)
        if found["status"] in ("SUCCESS", "FAILED", "CANCELED"):
            return found
        time.sleep(0.05)
    raise AssertionError(f"{kind} {backup_id} never finished")


def test_a_backup_during_writes_restores_a_prefix_of_the_acknowledged_writes(tmp_path, caplog):
    source = _db(tmp_path / "a", tmp_path / "backups")
    source.create_collection({"class": "Doc", "vectorizer": "none", "properties": [{"name": "n", "dataType": ["int"]}]})
    for i in range(150):
        _insert(source, i)
    source.collection("Doc").snapshot()  # the index snapshot covers these; the change log the rest
    for i in range(150, 300):
        _insert(source, i)
    acked: list[int] = list(range(300))
    stop = threading.Event()

    def writer() -> None:
        i = 300
        while not stop.is_set():
            _insert(source, i)
            acked.append(i)
            if i % 97 == 0:
                source.collection("Doc").snapshot()  # snapshots (and log truncation) go on during the backup
            i += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        time.sleep(0.3)
        before = len(acked)
        source.backups.create("filesystem", {"id": "live"})
        assert _wait(source, "live")["status"] == "SUCCESS"
        time.sleep(0.2)
    finally:
        stop.set()
        thread.join()
    total = len(acked)
    source.close()

    target = _db(tmp_path / "b", tmp_path / "backups")
    try:
        with caplog.at_level(logging.INFO):
            target.backups.restore("filesystem", "live", {})
            assert _wait(target, "live", "restore")["status"] == "SUCCESS"
        coll = target.collection("Doc")
        with coll.reading() as txn:
            restored = sorted(obj["properties"]["n"] for obj in coll.store.iterate(txn))
            vectors = {obj["properties"]["n"]: coll.store.vector(txn, "", obj["docId"])
                       for obj in coll.store.iterate(txn)}
            docids = {obj["properties"]["n"]: obj["docId"] for obj in coll.store.iterate(txn)}
        count = len(restored)
        assert restored == list(range(count)), "the restore has a hole: not one consistent moment"
        assert before <= count <= total, (before, count, total)
        assert all(np.allclose(vectors[i], _vector(i)) for i in restored)
        [index] = coll.indexes.values()
        assert set(index.live_ids()) == set(docids.values())
        for i in (0, 149, 150, 299, count - 1):
            ids, _distances = index.search(np.array(_vector(i), dtype=np.float32), 1)
            assert int(ids[0]) == docids[i]
        assert "not level with the store" not in caplog.text
        assert "replayed" in caplog.text  # opened from the snapshot and the change log
    finally:
        target.close()
