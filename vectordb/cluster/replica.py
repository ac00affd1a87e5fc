"""One replica of one shard: the body of a Ray actor that owns an LMDB + HNSW store on its node's disk.

The store is an ordinary single-node `Database` holding one collection, so every read, write, filter and search
runs the same code as on one node. The coordinator validates and vectorizes; a replica stores what it is sent,
with the coordinator's timestamps, so that all replicas of an object agree on `lastUpdateTimeUnix`.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from modules.registry import Registry
from vectordb.cluster.references import resolved_targets
from vectordb.cluster.tombstones import Tombstones
from vectordb.collection import Collection, Write
from vectordb.config import Settings
from vectordb.database import Database
from vectordb.errors import UserError
from vectordb.query.request import SearchRequest, SearchResult

log = logging.getLogger(__name__)

# Objects copied per call when a replica catches up from a peer.
CATCH_UP_CHUNK = 500

Item = dict[str, Any]  # {"id", "properties", "vectors": {name: array | None}, "times"?: (created, updated)}
Found = tuple[dict[str, Any], dict[str, np.ndarray]]  # an object and its vectors


def shard_dir(root: str, node: str, class_name: str, shard: str) -> Path:
    """Where a replica keeps its store: VECTORDB_SHARD_DATA on the node when set, else the coordinator's root."""
    base = os.environ.get("VECTORDB_SHARD_DATA") or root
    return Path(base) / node / class_name / shard


class ReplicaDatabase(Database):
    """The store of one replica: filters on references take the target uuids the coordinator resolved."""

    def resolve_reference_filter(self, class_name: str, where: dict[str, Any]) -> set[str]:
        return resolved_targets(class_name, where)


class ShardReplica:
    def __init__(self, root: str, node: str, class_def: dict[str, Any], shard: str, max_results: int) -> None:
        self.shard = shard
        self.node = node
        self.path = path = shard_dir(root, node, class_def["class"], shard)
        env = {"PERSISTENCE_DATA_PATH": str(path), "AUTOSCHEMA_ENABLED": "false",
               "QUERY_MAXIMUM_RESULTS": str(max_results), "QUERY_HYBRID_MAXIMUM_RESULTS": str(max_results)}
        self.db = ReplicaDatabase(Settings.from_env(env), registry=Registry.from_env(env))
        self.tombstones = Tombstones(path / "tombstones")
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
        written = {w.id: w.stored["lastUpdateTimeUnix"] for w in writes if w.error is None and w.stored}
        if written:
            self.tombstones.forget(written, written)
        return [(w.error, w.stored) for w in writes]

    def restore(self, items: list[Item]) -> int:
        """Copy versions from a peer, keeping their timestamps; a version no newer than the one held, or than a
        deletion this replica knows of, is skipped."""
        deleted = self.tombstones.of(it["id"] for it in items)
        newer = []
        for it in items:
            held = self.coll.get(it["id"])
            known = max(held["lastUpdateTimeUnix"] if held is not None else -1, deleted.get(it["id"], -1))
            if known < it["times"][1]:
                newer.append(it)
        if newer:
            self.write(newer, 0)
        return len(newer)

    def delete(self, ids: list[str], now: int) -> list[str]:
        """Delete the objects, deleted at `now`: the tombstones first, so that a crash leaves them deleted."""
        self.tombstones.record(dict.fromkeys(ids, now))
        return self.coll.delete(ids)

    def delete_older(self, deleted: dict[str, int]) -> int:
        """Deletions learnt from a peer (id -> deletion time): objects last written before theirs go."""
        self.tombstones.record(deleted)
        gone = [i for i, t in deleted.items() if (held := self.coll.get(i)) is not None and
                held["lastUpdateTimeUnix"] < t]
        return len(self.coll.delete(gone)) if gone else 0

    def set_class_def(self, class_def: dict[str, Any]) -> None:
        self.coll.set_class_def(class_def)

    def close(self) -> None:
        self.db.close()
        self.tombstones.close()

    def destroy(self) -> None:
        """Delete the replica's store: its objects, indexes and tombstones."""
        self.db.collections.pop(self.coll.name, None)
        self.coll.destroy()
        self.close()
        shutil.rmtree(self.path, ignore_errors=True)

    # reads -----------------------------------------------------------------------------------------
    def get(self, object_id: str) -> tuple[Found | None, int | None]:
        """The object held (None when not) and the time of the deletion this replica knows of (None)."""
        return self.coll.get_with_vectors(object_id), self.tombstones.of([object_id]).get(object_id)

    def versions(self, ids: list[str]) -> dict[str, tuple[int, bool]]:
        """Of each id known: (lastUpdateTimeUnix, True) when held, else (deletion time, False) (a digest read).
        A tombstone older than the version held is not reported."""
        deleted = self.tombstones.of(ids)
        out = {i: (t, False) for i, t in deleted.items()}
        for object_id in ids:
            obj = self.coll.get(object_id)
            if obj is not None and obj["lastUpdateTimeUnix"] > deleted.get(object_id, -1):
                out[object_id] = (obj["lastUpdateTimeUnix"], True)
        return out

    def count(self) -> int:
        return self.coll.count()

    def dimensions(self, name: str) -> int | None:
        return self.coll.dimensions(name)

    def uuids_matching(self, where: dict[str, Any]) -> set[str]:
        return self.coll.uuids_matching(where)

    def search(self, req: SearchRequest) -> list[SearchResult]:
        from vectordb.query.get import run_get

        # a tenant's replica holds that tenant's objects only: its store is the collection itself
        return run_get(self.db, dataclasses.replace(req, tenant=None))

    def search_many(self, reqs: list[SearchRequest]) -> list[list[SearchResult]]:
        return [self.search(req) for req in reqs]

    def target_distances(self, names: list[str], queries: list[list[float]], ids: list[str]
                         ) -> dict[str, list[float]]:
        """Of each id held: its exact distance on each named vector (inf without one), to combine targets."""
        with self.coll.reading() as txn:
            docids = {i: d for i in ids if (d := self.coll.store.docid_of(txn, i)) is not None}
        if not docids:
            return {}
        held = np.array(list(docids.values()), dtype=np.uint64)
        rows = []
        for name, query in zip(names, queries, strict=True):
            index = self.coll.indexes.get(name)
            rows.append(np.full(len(held), np.inf) if index is None else
                        index.distances(np.asarray(query, dtype=np.float32), held))
        table = np.vstack(rows)
        return {object_id: table[:, j].tolist() for j, object_id in enumerate(docids)}

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
        """lastUpdateTimeUnix of every object held."""
        with self.coll.reading() as txn:
            return {o["id"]: o["lastUpdateTimeUnix"] for o in self.coll.store.iterate(txn)}

    def deletions(self) -> dict[str, int]:
        """The deletion time of every tombstone."""
        return self.tombstones.all()

    def fetch(self, ids: list[str]) -> list[Item]:
        out = []
        for object_id in ids:
            found = self.coll.get_with_vectors(object_id)
            if found is not None:
                obj, vectors = found
                out.append({"id": obj["id"], "properties": obj["properties"], "vectors": vectors,
                            "times": (obj["creationTimeUnix"], obj["lastUpdateTimeUnix"])})
        return out

    def catch_up(self, peer: Any) -> tuple[int, int]:
        """Take from `peer` (an up replica's actor handle) every version newer than what this replica knows of
        the object, and every deletion newer than the version held. Returns (copied, deleted)."""
        import ray

        theirs: dict[str, int] = ray.get(peer.digest.remote())
        known = self.digest()
        for object_id, t in self.tombstones.all().items():
            known[object_id] = max(known.get(object_id, -1), t)
        wanted = [i for i, t in theirs.items() if known.get(i, -1) < t]
        copied = 0
        for start in range(0, len(wanted), CATCH_UP_CHUNK):
            copied += self.restore(ray.get(peer.fetch.remote(wanted[start : start + CATCH_UP_CHUNK])))
        deleted = self.delete_older(ray.get(peer.deletions.remote()))
        return copied, deleted
