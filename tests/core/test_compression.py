"""Compressed vector indexes inside a collection: training on import, enabling by a schema update, and kill -9
followed by a reopen that answers exactly as before (snapshot of the codes plus the change log)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import numpy as np
import pytest

from storage.compressed import CompressedIndex
from tests.conftest import make_settings
from vectordb.database import Database
from vectordb.errors import UserError
from vectordb.query.request import SearchRequest

DIM = 48
ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent(
    """
    import json, sys, time, uuid
    import numpy as np
    from vectordb.config import Settings
    from vectordb.database import Database
    from vectordb.query.request import SearchRequest

    path, config = sys.argv[1], json.loads(sys.argv[2])
    db = Database(Settings.from_env({"PERSISTENCE_DATA_PATH": path,
                                     "VECTORDB_HNSW_SNAPSHOT_INTERVAL_SECONDS": "1"}))
    db.create_collection({"class": "Squeezed", "vectorizer": "none", "vectorIndexConfig": config})
    rng = np.random.default_rng(3)
    centers = rng.standard_normal((10, %(dim)d))

    def batch(lo, hi):
        rows = centers[rng.integers(0, 10, hi - lo)] + 0.3 * rng.standard_normal((hi - lo, %(dim)d))
        results = db.batch_objects([{"class": "Squeezed", "id": str(uuid.UUID(int=n + 1)),
                                     "properties": {"n": n}, "vector": v.tolist()}
                                    for n, v in zip(range(lo, hi), rows)])
        assert not any(r.get("error") for r in results), results

    batch(0, 600)
    db.collection("Squeezed").indexes[""].wait()  # trained on a background thread
    db.collection("Squeezed").snapshot()          # the codes on disk ...
    batch(600, 800)                               # ... and writes only the change log holds
    db.delete_object("Squeezed", str(uuid.UUID(int=5)))
    queries = (centers[:5] + 0.3 * rng.standard_normal((5, %(dim)d))).tolist()
    answers = [[h.id for h in db.search(SearchRequest(collection="Squeezed", near_vector={"vector": q}, limit=10))]
               for q in queries]
    print(json.dumps({"queries": queries, "answers": answers,
                      "compressed": db.collection("Squeezed").compressed}), flush=True)
    time.sleep(600)
    """
) % {"dim": DIM}

CONFIGS = {
    "sq": {"sq": {"enabled": True, "trainingLimit": 300}},
    "pq": {"pq": {"enabled": True, "trainingLimit": 300, "centroids": 32}},
    "bq": {"bq": {"enabled": True}},
}


def _killed_after_first_line(script: str, path: Path, config: dict) -> dict:
    """Run ``script`` in a child process, read the JSON line it prints, then kill -9 it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", script, str(path), json.dumps(config)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    try:
        line = proc.stdout.readline()
        assert line, proc.stderr.read()
        return json.loads(line)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate()


@pytest.mark.parametrize("kind", list(CONFIGS))
def test_kill_9_then_reopen_answers_the_same(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "data"
    before = _killed_after_first_line(CHILD, path, CONFIGS[kind])
    assert before["compressed"]
    db = Database(make_settings(path))
    try:
        coll = db.collection("Squeezed")
        index = coll.indexes[""]
        assert isinstance(index, CompressedIndex) and index.compressed and len(index) == 799
        assert index.snapshot_seq > 0  # opened from the saved codes and replayed, not rebuilt
        for q, answer in zip(before["queries"], before["answers"], strict=True):
            hits = db.search(SearchRequest(collection="Squeezed", near_vector={"vector": q}, limit=10))
            assert [h.id for h in hits] == answer
        assert str(uuid.UUID(int=5)) not in {i for a in before["answers"] for i in a}
    finally:
        db.close()


HELD_TRAINING = textwrap.dedent(
    """
    import json, sys, threading, uuid
    import numpy as np
    from storage.compressed import CompressedIndex
    from vectordb.config import Settings
    from vectordb.database import Database

    # training that never ends, as a long one looks from outside: the process is killed while it runs
    CompressedIndex._make_codes = lambda self, build: threading.Event().wait()
    path, config = sys.argv[1], json.loads(sys.argv[2])
    db = Database(Settings.from_env({"PERSISTENCE_DATA_PATH": path,
                                     "VECTORDB_HNSW_SNAPSHOT_INTERVAL_SECONDS": "1"}))
    db.create_collection({"class": "Squeezed", "vectorizer": "none", "vectorIndexConfig": config})
    vectors = np.random.default_rng(5).standard_normal((700, %(dim)d))
    for lo in range(0, 700, 100):
        results = db.batch_objects([{"class": "Squeezed", "id": str(uuid.UUID(int=n + 1)), "vector": v.tolist()}
                                    for n, v in zip(range(lo, lo + 100), vectors[lo:lo + 100])])
        assert not any(r.get("error") for r in results), results
        if lo == 300:
            db.collection("Squeezed").snapshot()  # a float snapshot while training runs
    db.delete_object("Squeezed", str(uuid.UUID(int=1)))
    print(json.dumps({"compressed": db.collection("Squeezed").compressed, "vectors": vectors.tolist()}),
          flush=True)
    threading.Event().wait()
    """
) % {"dim": DIM}


@pytest.mark.parametrize("kind", ["sq", "pq"])
def test_kill_9_while_training_loses_no_write(tmp_path: Path, kind: str) -> None:
    """The import goes on while the codes are trained in the background; a kill -9 then loses nothing, and the
    reopened collection trains at open."""
    path = tmp_path / "data"
    before = _killed_after_first_line(HELD_TRAINING, path, CONFIGS[kind])
    assert before["compressed"] is False  # every write was acknowledged while training ran
    vectors = np.array(before["vectors"], dtype=np.float32)
    db = Database(make_settings(path))
    try:
        index = db.collection("Squeezed").indexes[""]
        assert isinstance(index, CompressedIndex) and index.compressed and len(index) == 699
        for n in (1, 299, 300, 450, 699):
            hits = db.search(SearchRequest(collection="Squeezed", near_vector={"vector": vectors[n].tolist()},
                                           limit=1))
            assert hits[0].id == str(uuid.UUID(int=n + 1))
        assert db.collection("Squeezed").count() == 699
    finally:
        db.close()


def _import(db: Database, n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    vectors = rng.standard_normal((n, DIM)).astype(np.float32)
    results = db.batch_objects([{"class": "Late", "id": str(uuid.UUID(int=i + 1)), "vector": v.tolist()}
                                for i, v in enumerate(vectors)])
    assert not any(r.get("error") for r in results)
    return vectors


def test_training_waits_for_training_limit_objects(db: Database) -> None:
    db.create_collection({"class": "Late", "vectorizer": "none",
                          "vectorIndexConfig": {"sq": {"enabled": True, "trainingLimit": 400}}})
    _import(db, 399)
    assert not db.collection("Late").compressed
    assert db.nodes(verbose=True)["nodes"][0]["shards"][0]["compressed"] is False
    db.batch_objects([{"class": "Late", "vector": np.ones(DIM).tolist()}])
    assert db.collection("Late").indexes[""].wait(timeout=120)  # trained on a background thread
    assert db.collection("Late").compressed
    assert db.nodes(verbose=True)["nodes"][0]["shards"][0]["compressed"] is True


def test_enabling_on_an_existing_collection_compresses_it(settings) -> None:
    db = Database(settings)
    try:
        db.create_collection({"class": "Late", "vectorizer": "none"})
        vectors = _import(db, 500)
        body = json.loads(json.dumps(db.collection("Late").class_def))
        body["vectorIndexConfig"]["sq"] = {"enabled": True, "trainingLimit": 200}
        db.update_collection("Late", body)
        coll = db.collection("Late")
        assert coll.compressed and len(coll.indexes[""]) == 500
        hits = db.search(SearchRequest(collection="Late", near_vector={"vector": vectors[7].tolist()}, limit=1))
        assert hits[0].id == str(uuid.UUID(int=8))
        body["vectorIndexConfig"]["sq"]["enabled"] = False
        with pytest.raises(UserError, match="sq compression cannot be disabled"):
            db.update_collection("Late", body)
        body["vectorIndexConfig"]["sq"] = {"enabled": True, "trainingLimit": 200, "rescoreLimit": 50}
        db.update_collection("Late", body)  # a search-time field may change
        assert db.collection("Late").class_def["vectorIndexConfig"]["sq"]["rescoreLimit"] == 50
    finally:
        db.close()
    db = Database(settings)  # the codes were saved with the update and are what opens
    try:
        assert db.collection("Late").compressed
    finally:
        db.close()
