"""kill -9 at random moments during imports loses no acknowledged write and leaves index and store equal."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np

from tests.conftest import make_settings
from vectordb.database import Database

DIM = 16
BATCH = 50

# The child acknowledges a batch on stdout only after batch_objects returned, i.e. after the commit.
CHILD = textwrap.dedent(
    f"""
    import sys, uuid
    import numpy as np
    from vectordb.config import Settings
    from vectordb.database import Database

    path, seed, start = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    db = Database(Settings.from_env({{"PERSISTENCE_DATA_PATH": path,
                                      "VECTORDB_HNSW_SNAPSHOT_INTERVAL_SECONDS": "1"}}))
    if not db.has_collection("Crash"):
        db.create_collection({{"class": "Crash", "vectorizer": "none",
                               "properties": [{{"name": "n", "dataType": ["int"]}}]}})
    print("ready", flush=True)
    rng = np.random.default_rng(seed)
    n = start
    while True:
        batch = []
        for _ in range({BATCH}):
            vec = rng.standard_normal({DIM}).astype("float32")
            batch.append({{"class": "Crash", "id": str(uuid.UUID(int=n + 1)), "properties": {{"n": n}},
                           "vector": vec.tolist()}})
            n += 1
        results = db.batch_objects(batch)
        assert not any(r.get("error") for r in results), results
        # Every few batches, rewrite an old object so updates are crashed into too.
        if n % (3 * {BATCH}) == 0 and n > {BATCH}:
            old = int(rng.integers(0, n - {BATCH}))
            db.batch_objects([{{"class": "Crash", "id": str(uuid.UUID(int=old + 1)),
                               "properties": {{"n": old}}, "vector": rng.standard_normal({DIM}).tolist()}}])
        print(n, flush=True)
    """
)


def _run_child(path: Path, seed: int, start: int, kill_after: float) -> int:
    """Run an importer, SIGKILL it kill_after seconds after it has opened its collection; returns the count it
    acknowledged. The clock starts at "ready" so that a slow start on a loaded machine still crashes an import."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), str(seed), str(start)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    assert proc.stdout is not None
    first = proc.stdout.readline()
    if first.strip() == "ready":
        time.sleep(kill_after)
    os.kill(proc.pid, signal.SIGKILL)
    out, err = proc.communicate()
    assert first.strip() == "ready", f"the importer died before it was ready: {err}"
    acked = [int(line) for line in out.split()]
    assert proc.returncode == -signal.SIGKILL, err
    return acked[-1] if acked else start


def test_sigkill_during_import_loses_no_acknowledged_write(tmp_path: Path) -> None:
    path = tmp_path / "data"
    rng = random.Random(7)
    acknowledged = 0
    for trial in range(12):
        acknowledged = max(acknowledged, _run_child(path, trial, acknowledged, rng.uniform(0.3, 2.0)))
        db = Database(make_settings(path))
        try:
            coll = db.collection("Crash")
            # Every acknowledged object is present with a vector ...
            for n in range(0, acknowledged, 37):
                found = coll.get_with_vectors(f"00000000-0000-0000-0000-{n + 1:012x}")
                assert found is not None, f"trial {trial}: object {n} lost"
                obj, vectors = found
                assert obj["properties"]["n"] == n
                assert "" in vectors
            # ... store and index agree ...
            with coll.reading() as txn:
                stored = coll.store.vector_count(txn, "")
            assert stored == coll.count() == len(coll.indexes[""]), f"trial {trial}"
            assert stored >= acknowledged
            # ... and each object is the top hit of a search with its own vector.
            with coll.reading() as txn:
                sample = list(coll.store.iterate_vectors(txn, ""))
            for docid, vector in random.Random(trial).sample(sample, min(40, len(sample))):
                ids, dists = coll.indexes[""].search(vector, 1)
                assert int(ids[0]) == docid or dists[0] <= 1e-5
        finally:
            db.close() if trial % 2 else _abandon(db)
    assert acknowledged > 0, "no batch was acknowledged in any trial: nothing was crashed into"


def _abandon(db: Database) -> None:
    """Close without snapshots on half the trials, so reopening also replays logs after a clean stop."""
    for coll in db.collections.values():
        coll.close(snapshot=False)
    db.collections.clear()
    db.close()


def test_damaged_snapshot_is_rebuilt_from_lmdb(tmp_path: Path) -> None:
    path = tmp_path / "data"
    db = Database(make_settings(path))
    db.create_collection({"class": "Snap", "vectorizer": "none"})
    rng = np.random.default_rng(1)
    vectors = rng.standard_normal((300, DIM)).astype(np.float32)
    db.batch_objects([{"class": "Snap", "vector": v.tolist()} for v in vectors])
    db.close()
    for snapshot in (path / "collections" / "Snap" / "hnsw").glob("*.bin"):
        data = snapshot.read_bytes()
        snapshot.write_bytes(data[: len(data) // 2])
    db = Database(make_settings(path))
    try:
        coll = db.collection("Snap")
        assert len(coll.indexes[""]) == 300
        ids, _ = coll.indexes[""].search(vectors[5], 1)
        with coll.reading() as txn:
            assert np.allclose(coll.store.vector(txn, "", int(ids[0])), vectors[5])
    finally:
        db.close()
