"""One replica of one shard: the body of a Ray actor that owns an LMDB + HNSW store on its node's disk.

The store is an ordinary single-node `Database` holding one collection, so every read, write, filter and search
runs the same code as on one node. The coordinator validates and vectorizes; a replica stores what it is sent,
with the coordinator's timestamps, so that all replicas of an object agree on `lastUpdateTimeUnix`.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import numpy as np

from modules.registry import Registry
from vectordb.collection import Collection, Write
from vectordb.config import Settings
from vectordb.errors import UserError
from vectordb.query.request import SearchRequest, SearchResult

log = logging.getLogger(__name__)

# Objects copied per call when a replica catches up from a peer.
CATCH_UP_CHUNK = 500

Item = dict[str, Any]  # {"id", "properties", "vectors": {name: array | None}, "times"?: (created, updated)}


def shard_dir(root: str, node: str, class_name: str, shard: str) -> Path:
    """Where a replica keeps its store: VECTORDB_SHARD_DATA on the node when set, else the coordinator's root."""
    base = os.environ.get("VECTORDB_SHARD_DATA") or root
    return Path(base) / node / class_name / shard


class ShardReplica:
    def __init__(self, root: str, node: str, class_def: dict[str, Any], shard: str, max_results: int) -> None:
        from vectordb.database import Database

        self.shard = shard
        self.node = node
        path = shard_dir(root, node, class_def["class"], shard)
        env = {"PERSISTENCE_DATA_PATH": str(path), "AUTOSCHEMA_ENABLED": "false",
               "QUERY_MAXIMUM_RESULTS": str(max_results), "QUERY_HYBRID_MAXIMUM_RESULTS": str(max_results)}
        self.db = Database(Settings.from_env(env), registry=Registry.from_env(env))
        name = class_def["class"]
        if name not in self.db.collections:
            self.db.collections[name] = self.db._make_collection(class_def, Collection)
        self.coll: Collection = self.db.collections[name]
        if self.coll.class_def != class_def:  # the schema grew while this replica was away
            self.coll.set_class_def(class_def)
        log.info("replica %s of %s on %s opened with %d objects", shard, name, node, self.coll.count())

    # health ----------------------------------------------------------------------------------------
    def ping(self) -> int:
        return self.coll.count()

    def status(self) -> dict[str, Any]:
        return {"name": self.shard, "class": self.coll.name, "objectCount": self.coll.count(),
                "vectorIndexingStatus": "READY", "compressed": False, "vectorQueueLength": 0, "loaded": True}

    # writes ----------------------------------------------------------------------------------------
    def write(self, items: list[Item], now: int) -> list[tuple[str | None, dict[str, Any] | None]]:
        """Store the items (upserts); returns (error, stored object) per item, in order."""
        writes = [Write(position=i, id=it["id"], properties=it["properties"], vectors=dict(it["vectors"]),
                        times=it.get("times")) for i, it in enumerate(items)]
        self.coll.commit(writes, mode="upsert", now=now)
        return [(w.error, w.stored) for w in writes]

    def restore(self, items: list[Item]) -> int:
        """Copy versions from a peer, keeping their timestamps; a version older than the one held is skipped."""
        newer = []
        for it in items:
            held = self.coll.get(it["id"])
            if held is None or held["lastUpdateTimeUnix"] < it["times"][1]:
                newer.append(it)
        if newer:
            self.write(newer, 0)
        return len(newer)

    def delete(self, ids: list[str]) -> list[str]:
        return self.coll.delete(ids)

    def set_class_def(self, class_def: dict[str, Any]) -> None:
        self.coll.set_class_def(class_def)

    def destroy(self) -> None:
        name = self.coll.name
        self.db.collections.pop(name, None)
        self.coll.destroy()
        self.db.close()

    # reads -----------------------------------------------------------------------------------------
    def get(self, object_id: str) -> tuple[dict[str, Any], dict[str, np.ndarray]] | None:
        return self.coll.get_with_vectors(object_id)

    def versions(self, ids: list[str]) -> dict[str, int]:
        """lastUpdateTimeUnix of each id held (a digest read)."""
        out = {}
        for object_id in ids:
            obj = self.coll.get(object_id)
            if obj is not None:
                out[object_id] = obj["lastUpdateTimeUnix"]
        return out

    def count(self) -> int:
        return self.coll.count()

    def dimensions(self, name: str) -> int | None:
        return self.coll.dimensions(name)

    def uuids_matching(self, where: dict[str, Any]) -> set[str]:
        return self.coll.uuids_matching(where)

    def search(self, req: SearchRequest) -> list[SearchResult]:
        from vectordb.query.get import run_get

        return run_get(self.db, req)

    def bm25_corpus(self, query: str, properties: list[str] | None) -> dict[str, Any]:
        from vectordb.query.get import parse_boosts

        with self.coll.reading() as txn:
            try:
                return self.coll.inverted.bm25_corpus(txn, query, parse_boosts(properties))
            except (ValueError, KeyError) as exc:
                raise UserError(f"bm25: {exc}") from exc

    def properties(self, where: dict[str, Any] | None) -> list[tuple[str, dict[str, Any]]]:
        """(id, properties) of every object matching the filter (what Aggregate computes over)."""
        with self.coll.reading() as txn:
            allow = self.coll.filter_docids(txn, where)
            found = self.coll.objects_by_docids(txn, list(allow)) if allow is not None else \
                self.coll.store.iterate(txn)
            return [(o["id"], o["properties"]) for o in found]

    def page(self, after: str | None, limit: int, include_vector: bool) -> list[tuple[dict, dict | None]]:
        """Objects in uuid order after the cursor, with their vectors when asked (GET /v1/objects)."""
        out: list[tuple[dict, dict | None]] = []
        with self.coll.reading() as txn:
            for obj in self.coll.store.iterate(txn, after):
                if len(out) >= limit:
                    break
                out.append((obj, self.coll.store.vectors(txn, obj["docId"]) if include_vector else None))
        return out

    # catching up -----------------------------------------------------------------------------------
    def digest(self) -> dict[str, int]:
        with self.coll.reading() as txn:
            return {o["id"]: o["lastUpdateTimeUnix"] for o in self.coll.store.iterate(txn)}

    def fetch(self, ids: list[str]) -> list[Item]:
        out = []
        for object_id in ids:
            found = self.coll.get_with_vectors(object_id)
            if found is not None:
                obj, vectors = found
                out.append({"id": obj["id"], "properties": obj["properties"], "vectors": vectors,
                            "times": (obj["creationTimeUnix"], obj["lastUpdateTimeUnix"])})
        return out

    def catch_up(self, peer: Any, started_ms: int) -> tuple[int, int]:
        """Take from `peer` (an up replica's actor handle) every version newer than the one held, and drop what
        the peer no longer has and was last written before `started_ms` (deleted while this node was away).
        Returns (copied, dropped)."""
        import ray

        theirs: dict[str, int] = ray.get(peer.digest.remote())
        mine = self.digest()
        wanted = [i for i, t in theirs.items() if mine.get(i, -1) < t]
        copied = 0
        for start in range(0, len(wanted), CATCH_UP_CHUNK):
            copied += self.restore(ray.get(peer.fetch.remote(wanted[start : start + CATCH_UP_CHUNK])))
        gone = [i for i, t in mine.items() if i not in theirs and t < started_ms]
        dropped = len(self.coll.delete(gone)) if gone else 0
        return copied, dropped
