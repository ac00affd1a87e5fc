"""A 3-node Ray cluster on loopback (127.0.0.2-4), one per test session, and a sharded collection beside a
one-node copy of the same data: every cluster answer is compared with one node's."""

from __future__ import annotations

import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import make_settings
from vectordb.database import Database

IPS = ["127.0.0.2", "127.0.0.3", "127.0.0.4"]
CLASS = "Article"
WORDS = ["apple", "banana", "cherry", "delta", "echo", "fig", "grape", "harbor", "island", "jungle"]
CATEGORIES = ["news", "sport", "tech", "food"]


def class_body(name: str = CLASS, shards: int = 3, factor: int = 3) -> dict:
    return {
        "class": name,
        "vectorizer": "none",
        "shardingConfig": {"desiredCount": shards},
        "replicationConfig": {"factor": factor},
        "properties": [
            {"name": "title", "dataType": ["text"]},
            {"name": "category", "dataType": ["text"], "tokenization": "field"},
            {"name": "n", "dataType": ["int"]},
            {"name": "price", "dataType": ["number"]},
        ],
    }


def objects(start: int, count: int, name: str = CLASS) -> list[dict]:
    """Deterministic objects: varied title lengths (few bm25 ties), vectors of 8 dims."""
    out = []
    for i in range(start, start + count):
        rng = np.random.default_rng(i)
        words = [WORDS[j] for j in rng.integers(0, len(WORDS), size=2 + i % 7)]
        out.append({
            "class": name,
            "id": str(uuid.UUID(int=(i * 2654435761) % (1 << 128) + 1)),
            "properties": {"title": " ".join(words), "category": CATEGORIES[i % 4], "n": i,
                           "price": round(float(rng.random()) * 100, 3)},
            "vector": rng.random(8).round(5).tolist(),
        })
    return out


def at_level(level: str, fn, *args, **kwargs):
    """fn(*args, **kwargs) served at the consistency level `level`, as a request asking for it is."""
    from vectordb.cluster import consistency

    token = consistency.requested.set(level)
    try:
        return fn(*args, **kwargs)
    finally:
        consistency.requested.reset(token)


def wait_until(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="session")
def ray_cluster() -> Iterator:
    try:
        import ray  # noqa: F401

        from vectordb.cluster.local import LocalCluster
    except ImportError as exc:
        reason = f"Ray is not installed ({exc}): pip install -e '.[cluster]'"
        print(reason, file=sys.stderr)
        pytest.skip(reason)
    cluster = LocalCluster(IPS)
    try:
        cluster.__enter__()
    except RuntimeError as exc:
        reason = f"Ray cannot start a cluster on {', '.join(IPS)} here: {exc}"
        print(reason, file=sys.stderr)
        pytest.skip(reason)
    yield cluster
    cluster.close()


@pytest.fixture(scope="session")
def cluster_db(ray_cluster) -> Iterator[Database]:
    from vectordb.cluster.runtime import Cluster

    path = Path(tempfile.mkdtemp(prefix="vdb-coord-"))
    db = Database(make_settings(path), cluster=Cluster(ray_cluster.address, path))
    yield db
    db.close()


@pytest.fixture(scope="session")
def one_node() -> Iterator[Database]:
    db = Database(make_settings(Path(tempfile.mkdtemp(prefix="vdb-one-"))))
    yield db
    db.close()


@pytest.fixture(scope="session")
def article(cluster_db: Database, one_node: Database) -> str:
    """Article on both: 3 shards x factor 3 on the cluster, one store on one node; 240 objects in each."""
    cluster_db.create_collection(class_body())
    one_node.create_collection(class_body(shards=1, factor=1))
    data = objects(0, 240)
    for db in (cluster_db, one_node):
        assert not [r for r in db.batch_objects(data) if r.get("error")]
    return CLASS


def all_up(db: Database, name: str = CLASS) -> bool:
    coll = db.collection(name)
    return all(s == "up" for s in coll.state.values())  # type: ignore[attr-defined]
