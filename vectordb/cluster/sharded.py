"""The coordinator's view of one sharded collection: routing, replicated writes and reads at a consistency level.

It stands where a `Collection` stands in `Database.collections` and answers the calls the database makes on a
collection (commit, get, delete, count, schema changes); queries fan out through `vectordb.cluster.search`.
The collection's directory on the coordinator holds only `cluster.json` (class definition and sharding state);
the objects live in the replicas' stores on their nodes.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import shutil
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from storage.hnsw import fsync_dir
from vectordb.cluster import consistency
from vectordb.cluster.routing import ShardingState
from vectordb.cluster.runtime import DOWN, OPEN_TIMEOUT, SYNCING, UP, Cluster, Unavailable
from vectordb.collection import Write, now_ms
from vectordb.errors import UserError
from vectordb.schema import merge_properties, validate_properties
from vectordb.spaces import spaces, vector_problem

if TYPE_CHECKING:
    from vectordb.database import Database

log = logging.getLogger(__name__)

STATE_FILE = "cluster.json"
Key = tuple[str, str]  # (shard, node)


class ShardedCollection:
    sharded = True
    tenant: str | None = None  # a sharded class has no tenants

    def __init__(self, db: Database, cluster: Cluster, path: Path) -> None:
        self.path = path
        raw = json.loads((path / STATE_FILE).read_text())
        self._start(db, cluster, raw["class"], ShardingState.from_json(raw["sharding"]))

    def _start(self, db: Database, cluster: Cluster, class_def: dict[str, Any], routing: ShardingState) -> None:
        """Find (or start) every replica's actor and wait for it to answer; then watched by the cluster."""
        self.db = db
        self.cluster = cluster
        self.class_def: dict[str, Any] = class_def
        self.routing = routing
        self.spaces = spaces(self.class_def)
        self.max_results = db.settings.query_maximum_results
        self.factor = int(self.class_def["replicationConfig"]["factor"])
        # Serializes read-modify-writes made through this coordinator (reference changes), as on one node.
        self.write_lock = threading.RLock()
        self.state: dict[Key, str] = {}
        self.handles: dict[Key, Any] = {}
        self._dims: dict[str, int] = {}
        self._turn = itertools.count()
        for shard, nodes in self.routing.physical.items():
            for node in nodes:
                key = (shard, node)
                self.state[key] = DOWN
                self.handles[key] = self.new_handle(shard, node)
        pings = {key: handle.ping.remote() for key, handle in self.handles.items()}
        for key in cluster.gather(pings, len(pings), self.mark_down, timeout=OPEN_TIMEOUT):
            self.state[key] = UP
        cluster.collections[self.key] = self

    @property
    def key(self) -> str:
        """The name the cluster's health loop knows this collection by."""
        return self.name

    def new_handle(self, shard: str, node: str) -> Any:
        """The actor of a replica: the running one, else a new one on its node (which opens the store there)."""
        return self.cluster.replica(self, shard, node)

    @classmethod
    def create(cls, db: Database, cluster: Cluster, path: Path, class_def: dict[str, Any]) -> ShardedCollection:
        sharding = class_def["shardingConfig"]
        nodes = cluster.nodes()
        try:
            routing = ShardingState.create(nodes, sharding["desiredCount"], sharding["virtualPerPhysical"],
                                           class_def["replicationConfig"]["factor"])
        except ValueError as exc:
            raise UserError(f"replicationConfig: {exc}") from exc
        path.mkdir(parents=True)
        _write_state(path, class_def, routing)
        coll = cls(db, cluster, path)
        missing = [key for key, s in coll.state.items() if s != UP]
        if missing:
            coll.destroy()
            raise Unavailable(f"could not start the replicas {missing} of {class_def['class']}")
        return coll

    @property
    def name(self) -> str:
        return str(self.class_def["class"])

    # replicas --------------------------------------------------------------------------------------
    def replicas_of(self, shard: str) -> list[Key]:
        return [(shard, node) for node in self.routing.physical[shard]]

    def mark_down(self, key: Key) -> None:
        if self.state.get(key) != DOWN:
            log.warning("replica %s of %s on %s is down", key[0], self.name, key[1])
            self.state[key] = DOWN

    def clock(self) -> int:
        return now_ms()

    def _readable(self, shard: str) -> list[Key]:
        """The shard's up replicas, starting at a different one each call to spread the load."""
        keys = [k for k in self.replicas_of(shard) if self.state[k] == UP]
        if not keys:
            return keys
        start = next(self._turn) % len(keys)
        return keys[start:] + keys[:start]

    def _writable(self, shard: str) -> list[Key]:
        return [k for k in self.replicas_of(shard) if self.state[k] in (UP, SYNCING)]

    def read(self, shard: str, method: str, *args: Any, level: str | None = None) -> dict[Key, Any]:
        """Ask as many up replicas of the shard as the level needs (more when some fail); answers by replica."""
        need = consistency.required(level, self.factor)
        keys = self._readable(shard)
        answers: dict[Key, Any] = {}
        while keys and len(answers) < need:
            batch, keys = keys[: need - len(answers)], keys[need - len(answers):]
            calls = {k: getattr(self.handles[k], method).remote(*args) for k in batch}
            answers.update(self.cluster.gather(calls, len(calls), self.mark_down))
        if len(answers) < need:
            raise Unavailable(
                f"cannot achieve consistency level {consistency.current(level)}: {len(answers)} of {self.factor} "
                f"replicas of shard {shard} of {self.name} answered"
            )
        return answers

    def one_per_shard(self, method: str, *args: Any) -> dict[str, Any]:
        """One up replica of every shard answers (another when the first fails); answers by shard. All shards
        are asked at once and waited for together."""
        calls = {}
        for shard in self.routing.physical:
            keys = self._readable(shard)
            if not keys:
                raise Unavailable(f"no replica of shard {shard} of {self.name} is up")
            calls[keys[0]] = getattr(self.handles[keys[0]], method).remote(*args)
        answers = {key[0]: answer for key, answer in
                   self.cluster.gather(calls, len(calls), self.mark_down).items()}
        for shard in self.routing.physical:
            if shard not in answers:
                answers[shard] = next(iter(self.read(shard, method, *args, level="ONE").values()))
        return answers

    # writes ----------------------------------------------------------------------------------------
    def commit(self, writes: list[Write], *, mode: str) -> int:
        ready = [w for w in writes if w.error is None]
        self._grow_schema(ready)
        self._refuse_unfit_vectors(ready)
        ready = [w for w in ready if w.error is None]
        if mode in ("create", "replace"):
            for w in ready:
                exists = self.get(w.id) is not None
                if exists and mode == "create":
                    w.error = f"id '{w.id}' already exists"
                elif not exists and mode == "replace":
                    w.error = f"no object with id '{w.id}'"
            ready = [w for w in ready if w.error is None]
        # The later of two writes to one id in a batch wins, as on one node.
        latest = {w.id: w for w in ready}
        by_shard: dict[str, list[Write]] = {}
        for w in latest.values():
            by_shard.setdefault(self.routing.shard_for(w.id), []).append(w)
        now = self.clock()
        need = consistency.required(None, self.factor)
        sent = {}
        for shard, group in by_shard.items():
            items = [{"id": w.id, "properties": w.properties, "vectors": w.vectors} for w in group]
            sent[shard] = {k: self.handles[k].write.remote(items, now) for k in self._writable(shard)}
        stored = 0
        for shard, group in by_shard.items():
            answers = self.cluster.gather(sent[shard], need, self.mark_down)
            if len(answers) < need:
                for w in group:
                    w.error = (f"cannot achieve consistency level {consistency.current()}: {len(answers)} of "
                               f"{self.factor} replicas of shard {shard} acknowledged")
                continue
            for w, (error, obj) in zip(group, next(iter(answers.values())), strict=True):
                w.error, w.stored = error, obj
                stored += error is None
        for w in ready:
            if w.error is None and w.stored is None:  # a duplicate id in the batch: the later one was stored
                w.stored = latest[w.id].stored
        return stored

    def _grow_schema(self, writes: list[Write]) -> None:
        """Add the auto-schema properties the writes need, on every replica, before they are sent."""
        growing = [w for w in writes if w.raw_properties is not None]
        if not growing:
            return
        with self.db.schema_lock:
            class_def = self.class_def
            for w in growing:
                try:
                    coerced, added = validate_properties(class_def, w.raw_properties or {}, autoschema=True)
                except UserError as exc:
                    w.error = exc.message
                    continue
                if coerced != w.properties:
                    w.error = ("invalid object: another request created one of this object's properties meanwhile "
                               "with another data type; send the object again")
                    continue
                if added:
                    class_def = merge_properties(class_def, added)
            if class_def is not self.class_def:
                self.set_class_def(class_def)
                self.db.schema_version += 1

    def _refuse_unfit_vectors(self, writes: list[Write]) -> None:
        """The first vector of a space fixes its length across all shards, as in one collection."""
        for name, space in self.spaces.items():
            if not space.indexed:
                continue
            expected = self.dimensions(name)
            for w in writes:
                vector = w.vectors.get(name)
                if w.error is not None or vector is None:
                    continue
                problem = vector_problem(np.asarray(vector), expected)
                if problem is not None:
                    w.error = f"invalid object: vector '{space.label}' {problem}"
                elif expected is None:
                    expected = self._dims[name] = len(vector)

    def delete(self, object_ids: list[str]) -> list[str]:
        by_shard: dict[str, list[str]] = {}
        for object_id in object_ids:
            by_shard.setdefault(self.routing.shard_for(object_id), []).append(object_id)
        need = consistency.required(None, self.factor)
        now = self.clock()
        sent = {shard: {k: self.handles[k].delete.remote(ids, now) for k in self._writable(shard)}
                for shard, ids in by_shard.items()}
        gone: set[str] = set()
        for shard, calls in sent.items():
            answers = self.cluster.gather(calls, need, self.mark_down)
            if len(answers) < need:
                raise Unavailable(f"cannot achieve consistency level {consistency.current()}: {len(answers)} of "
                                  f"{self.factor} replicas of shard {shard} acknowledged the deletion")
            for ids in answers.values():
                gone.update(ids)
        return [i for i in object_ids if i in gone]

    # reads -----------------------------------------------------------------------------------------
    def get_with_vectors(self, object_id: str, level: str | None = None
                         ) -> tuple[dict[str, Any], dict[str, np.ndarray]] | None:
        """The newest version among the replicas the level asks, or None when a deletion is newer than every
        version found; the replicas that answered with something older are repaired."""
        shard = self.routing.shard_for(object_id)
        answers = self.read(shard, "get", object_id, level=level)
        found = {k: a[0] for k, a in answers.items() if a[0] is not None}
        deleted = max((a[1] for a in answers.values() if a[1] is not None), default=-1)
        newest = max(found.values(), key=lambda f: f[0]["lastUpdateTimeUnix"], default=None)
        if newest is None or newest[0]["lastUpdateTimeUnix"] <= deleted:
            if found:
                log.info("read repair: %s deleted on %s", object_id, ", ".join(k[1] for k in found))
                for k in found:
                    self.handles[k].delete.remote([object_id], deleted)
            return None
        t = newest[0]["lastUpdateTimeUnix"]
        stale = [k for k in answers if k not in found or found[k][0]["lastUpdateTimeUnix"] < t]
        if stale:
            obj, vectors = newest
            item = {"id": obj["id"], "properties": obj["properties"], "vectors": vectors,
                    "times": (obj["creationTimeUnix"], t)}
            log.info("read repair of %s on %s", object_id, ", ".join(k[1] for k in stale))
            for k in stale:
                self.handles[k].restore.remote([item])
        return newest

    def get(self, object_id: str) -> dict[str, Any] | None:
        found = self.get_with_vectors(object_id)
        return None if found is None else found[0]

    def count(self) -> int:
        return sum(self.one_per_shard("count").values())

    def shard_counts(self) -> dict[str, int]:
        return self.one_per_shard("count")

    def dimensions(self, name: str) -> int | None:
        if name not in self._dims:
            known = [d for d in self.one_per_shard("dimensions", name).values() if d]
            if not known:
                return None
            self._dims[name] = known[0]
        return self._dims[name]

    def resolved(self, where: dict[str, Any] | None) -> dict[str, Any] | None:
        """The filter with its reference paths resolved here, where the classes they point to are."""
        from vectordb.cluster.references import resolve_references

        return resolve_references(self.db, self.class_def, where)

    def uuids_matching(self, where: dict[str, Any]) -> set[str]:
        found: set[str] = set()
        for ids in self.one_per_shard("uuids_matching", self.resolved(where)).values():
            found |= ids
        return found

    # schema and lifecycle --------------------------------------------------------------------------
    def set_class_def(self, class_def: dict[str, Any]) -> None:
        calls = {k: h.set_class_def.remote(class_def) for k, h in self.handles.items() if self.state[k] != DOWN}
        self.cluster.gather(calls, len(calls), self.mark_down)
        _write_state(self.path, class_def, self.routing)
        self.class_def = class_def
        self.spaces = spaces(class_def)

    def maybe_snapshot(self, interval_seconds: float) -> None:
        """Each replica snapshots its own indexes."""

    def close(self, *, snapshot: bool = True) -> None:
        self.cluster.collections.pop(self.key, None)

    def destroy(self) -> None:
        self.close()
        ray = self.cluster.ray
        calls = {k: h.destroy.remote() for k, h in self.handles.items()}
        self.cluster.gather(calls, len(calls), lambda key: None)
        for handle in self.handles.values():
            try:
                ray.kill(handle)
            except ray.exceptions.RayError:
                continue
        shutil.rmtree(self.path, ignore_errors=True)


def _write_state(path: Path, class_def: dict[str, Any], routing: ShardingState) -> None:
    tmp = path / f".{STATE_FILE}.tmp"
    with open(tmp, "w") as f:
        json.dump({"class": class_def, "sharding": routing.to_json()}, f)
        f.flush()
        os.fsync(f.fileno())
    os.rename(tmp, path / STATE_FILE)
    fsync_dir(path)
