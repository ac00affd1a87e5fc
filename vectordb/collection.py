"""One collection: its LMDB store, inverted index and vector indexes, and every read and write on them.

Writes follow one path: validate and vectorize outside any lock (vectorizing is slow and may call out), then
under the collection's write lock commit one LMDB transaction (objects, vectors, postings, change log) and
apply the same changes to the in-memory vector indexes (a batch's new vectors while the transaction is written,
see early_index.py; replaced ones after it commits). A crash in between is repaired at open by replaying the
change log, so the indexes never disagree with LMDB for long and never lose a write.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
import uuid as uuidlib
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import lmdb
import numpy as np
from pyroaring import BitMap

from storage.errors import MissingSchema
from storage.inverted import InvertedIndex
from storage.kv import KV
from storage.objects import DELETE, ObjectStore
from storage.vector_index import AnyIndex, enabled_compression, is_compressed, open_index, settle
from vectordb.early_index import EarlyIndexing
from vectordb.errors import NotFound, UserError
from vectordb.schema import merge_properties, validate_properties
from vectordb.spaces import VectorSpace, spaces, vector_problem

if TYPE_CHECKING:
    from vectordb.database import Database

log = logging.getLogger(__name__)

# Directories in collections/ starting with this are being made or removed; start-up clears them.
HIDDEN = "."
# Log entries kept before a snapshot is taken even if the interval has not passed.
SNAPSHOT_EVERY_CHANGES = 200_000


def now_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class Write:
    """One object on its way into the store."""

    position: int
    id: str
    properties: dict[str, Any]
    vectors: dict[str, np.ndarray | None] = field(default_factory=dict)
    error: str | None = None
    # the properties as sent, when they use properties auto-schema adds (the commit adds those it needs)
    raw_properties: dict[str, Any] | None = None
    # set during commit
    stored: dict[str, Any] | None = None
    # (creationTimeUnix, lastUpdateTimeUnix) to keep verbatim: a replica copying another replica's version
    times: tuple[int, int] | None = None


class Collection:
    # Set on a tenant's store (vectordb/tenants): its tenant, and the home of the class definition its tenants
    # share, told first of the properties auto-schema adds so that no object has one its class lacks.
    tenant: str | None = None
    share_schema: Callable[[dict[str, Any]], None] | None = None

    def __init__(self, db: Database, path: Path, class_def: dict[str, Any] | None = None) -> None:
        self.db = db
        self.path = path
        self.kv = KV(path / "lmdb", map_size=db.initial_map_size)
        self.write_lock = threading.RLock()
        try:
            self._open(class_def)
        except BaseException:
            # Closed at once: py-lmdb refuses to open an environment a second time in one process.
            self.kv.close()
            raise

    def _open(self, class_def: dict[str, Any] | None) -> None:
        probe = ObjectStore(self.kv, [])
        with self.kv.read() as txn:
            stored = probe.read_schema(txn)
            if stored is None and class_def is None:
                raise MissingSchema(self.path, probe.count(txn))
        self.class_def: dict[str, Any] = class_def if class_def is not None else stored  # type: ignore
        self.spaces = spaces(self.class_def)
        self.store = ObjectStore(self.kv, list(self.spaces))
        self.inverted = InvertedIndex(self.kv, self.class_def)
        if stored is None:
            self.kv.write(lambda txn: self.store.write_schema(txn, self.class_def))
        self.indexes: dict[str, AnyIndex] = {}
        self._changes_since_snapshot = 0
        self._last_snapshot = time.monotonic()
        for space in self.spaces.values():
            if space.indexed:
                self._open_index(space)

    @property
    def name(self) -> str:
        return self.class_def["class"]

    @property
    def compressed(self) -> bool:
        """True when a vector index of this collection holds compressed codes (Weaviate's shard status)."""
        return any(is_compressed(ix) for ix in self.indexes.values())

    # opening and snapshots -------------------------------------------------------------------------
    def _index_config(self, space: VectorSpace) -> dict[str, Any]:
        return {**space.index_config, "vectorIndexType": space.index_type}

    def _new_index(self, space: VectorSpace) -> AnyIndex:
        def fetch(ids: np.ndarray, dim: int) -> np.ndarray:
            with self.kv.read() as txn:
                return self.store.vector_matrix(txn, space.name, ids.tolist(), dim)

        return open_index(self.path / "hnsw", space.name, self._index_config(space), fetch)

    def _open_index(self, space: VectorSpace) -> None:
        index = self._new_index(space)
        with self.kv.read() as txn:
            # The index must prove it is level with LMDB, so that it can never silently miss objects.
            if index.load():
                unlevel = self.store.replay_gap(txn, index.snapshot_seq)
                if unlevel is None:
                    replayed = self._replay(index, space.name, txn)
                    log.info("%s/%s: snapshot at seq %d, replayed %d changes", self.name, space.label,
                             index.snapshot_seq, replayed)
                    unlevel = self._unlevel(index, space.name, txn)
                if unlevel is not None:
                    log.warning("%s/%s: the vector index is not level with the store (%s); rebuilding it",
                                self.name, space.label, unlevel)
                    index = self._new_index(space)
                    self._rebuild(index, space.name, txn)
            else:
                self._rebuild(index, space.name, txn)
        settle(index)
        self.indexes[space.name] = index

    def _unlevel(self, index: AnyIndex, name: str, txn: lmdb.Transaction) -> str | None:
        held, stored = index.live_ids(), self.store.vector_docids(txn, name)
        if held == stored:
            return None
        # A stored vector the index cannot take (from an older version) is left out on purpose.
        absent = stored - held
        missing = []
        for docid in absent:
            vector = self.store.vector(txn, name, docid)
            if vector is not None and vector_problem(vector, index.dim) is None:
                missing.append(docid)
        if not missing and held <= stored:
            self._warn_unfit(name, len(absent), index.dim)
            return None
        return (f"it holds {len(held)} vectors, the store {len(stored)}, "
                f"{len(missing)} of them missing from it")

    def _replay(self, index: AnyIndex, name: str, txn: lmdb.Transaction) -> int:
        count = 0
        unfit = 0
        for _seq, op, docid, vec_name in self.store.log_since(txn, index.snapshot_seq):
            if vec_name != name:
                continue
            count += 1
            if op == DELETE:
                index.delete([docid])
                continue
            # The store holds the newest vector; replaying it for an older entry is harmless.
            vector = self.store.vector(txn, name, docid)
            if vector is not None and vector_problem(vector, index.dim) is not None:
                unfit += 1
                vector = None
            if vector is None:
                index.delete([docid])
            else:
                index.upsert(np.array([docid], dtype=np.uint64), vector[None, :])
        self._warn_unfit(name, unfit, index.dim)
        return count

    def _rebuild(self, index: AnyIndex, name: str, txn: lmdb.Transaction) -> None:
        # Older versions could store vectors of several lengths; the most common one is the collection's.
        lengths = Counter(len(vector) for _docid, vector in self.store.iterate_vectors(txn, name))
        dim = lengths.most_common(1)[0][0] if lengths else None
        self.kv.release_pages()  # each pass over the vectors maps the whole file: unmapped block by block
        total = unfit = 0
        ids: list[int] = []
        vecs: list[np.ndarray] = []
        for docid, vector in self.store.iterate_vectors(txn, name):
            if vector_problem(vector, dim) is not None:
                unfit += 1
                continue
            ids.append(docid)
            vecs.append(vector)
            if len(ids) >= 10_000:
                self.kv.release_pages()
                index.upsert(np.array(ids, dtype=np.uint64), np.stack(vecs))
                total += len(ids)
                ids, vecs = [], []
        if ids:
            index.upsert(np.array(ids, dtype=np.uint64), np.stack(vecs))
            total += len(ids)
        if total:
            log.info("%s/%s: rebuilt vector index from %d stored vectors", self.name, name or "default", total)
        self._warn_unfit(name, unfit, dim)

    def _warn_unfit(self, name: str, unfit: int, dim: int | None) -> None:
        if unfit:
            log.warning(
                "%s/%s: %d stored vectors have NaN or infinity or a length other than %s (written by an older "
                "version); their objects are kept but vector search does not find them until they are sent "
                "again with a valid vector",
                self.name, name or "default", unfit, dim,
            )

    def snapshot(self) -> None:
        """Save every vector index and drop the change log they all cover."""
        with self.write_lock:
            with self.kv.read() as txn:
                seq = self.store.last_seq(txn)
            for index in self.indexes.values():
                if index.snapshot_seq != seq:
                    index.save(seq)
            covered = min((ix.snapshot_seq for ix in self.indexes.values()), default=seq)
            self.kv.write(lambda txn: self.store.truncate_log(txn, covered))
            self._changes_since_snapshot = 0
            self._last_snapshot = time.monotonic()

    def maybe_snapshot(self, interval_seconds: float) -> None:
        due = time.monotonic() - self._last_snapshot >= interval_seconds
        if self._changes_since_snapshot and (due or self._changes_since_snapshot >= SNAPSHOT_EVERY_CHANGES):
            self.snapshot()

    def close(self, *, snapshot: bool = True) -> None:
        with self.write_lock:
            if snapshot and not self.kv._closed:
                self.snapshot()
            for index in self.indexes.values():
                index.close()
            self.kv.close()

    def destroy(self) -> None:
        self.close(snapshot=False)
        # Out of sight first, so a crash halfway through the removal leaves a leftover start-up clears.
        doomed = hidden_sibling(self.path, "deleted")
        os.rename(self.path, doomed)
        shutil.rmtree(doomed, ignore_errors=True)

    # schema changes --------------------------------------------------------------------------------
    def set_class_def(self, class_def: dict[str, Any]) -> None:
        """Persist a changed class definition (new properties, mutable settings)."""
        with self.write_lock:
            self.kv.write(lambda txn: self.store.write_schema(txn, class_def))
            self.class_def = class_def
            self.inverted.set_schema(class_def)
            new_spaces = spaces(class_def)
            compressing = []
            for name, space in new_spaces.items():
                if name not in self.indexes:
                    continue
                if enabled_compression(self.spaces[name].index_config) != enabled_compression(space.index_config):
                    compressing.append(space)
                else:
                    self.indexes[name].update_config(self._index_config(space))
            self.spaces = new_spaces
            for space in compressing:
                self._compress(space)

    def _compress(self, space: VectorSpace) -> None:
        """Move a vector to the compressed index its changed config enables, built from the store."""
        index = self._new_index(space)
        with self.kv.read() as txn:
            self._rebuild(index, space.name, txn)
        settle(index)
        old, self.indexes[space.name] = self.indexes[space.name], index
        old.close()
        self.snapshot()

    # reads -----------------------------------------------------------------------------------------
    def reading(self) -> _Reading:
        """A read transaction on this collection; NotFound once the collection is deleted."""
        return _Reading(self)

    def get(self, object_id: str) -> dict[str, Any] | None:
        with self.reading() as txn:
            return self.store.get(txn, object_id)

    def get_with_vectors(self, object_id: str) -> tuple[dict[str, Any], dict[str, np.ndarray]] | None:
        with self.reading() as txn:
            obj = self.store.get(txn, object_id)
            if obj is None:
                return None
            return obj, self.store.vectors(txn, obj["docId"])

    def count(self) -> int:
        with self.reading() as txn:
            return self.store.count(txn)

    def dimensions(self, name: str) -> int | None:
        index = self.indexes.get(name)
        if index is not None and index.dim:
            return index.dim
        with self.reading() as txn:
            for _docid, vector in self.store.iterate_vectors(txn, name):
                return len(vector)
        return None

    # writes ----------------------------------------------------------------------------------------
    def commit(self, writes: list[Write], *, mode: str, now: int | None = None) -> int:
        """Store every write without an error in one transaction; returns how many were stored.

        mode: "create" (an existing id is an error), "upsert" (batch: replace whole objects),
        "replace" / "merge" (the object must exist). Errors found inside the transaction are set on the
        write and that object is skipped; the others still commit. The auto-schema properties the stored
        objects need are added to the class in the same transaction, and no others. `now` is the write's
        time when the caller gives it (the replicas of a shard all store the coordinator's).
        """
        grows = any(w.error is None and w.raw_properties is not None for w in writes)
        # Every schema change takes the database's schema lock before this collection's write lock.
        with self.db.schema_lock if grows else nullcontext(), self.write_lock:
            self._refuse_unfit_vectors(writes)
            grown = self._settle_properties(writes) if grows else None
            ts = now_ms() if now is None else now
            applied: list[Write] = []

            # Fresh objects go into the vector indexes while the transaction is written (hnswlib releases the
            # GIL), so the two overlap; undone if the transaction fails. Replaced vectors wait for the commit.
            early = EarlyIndexing(self)

            def run(txn: lmdb.Transaction) -> None:
                applied.clear()
                changes: list[tuple[int, dict | None, dict | None]] = []
                # The later of two writes to one id in a batch wins, as if they were sent one after the other.
                seen: dict[str, Write] = {}
                olds: dict[str, dict | None] = {}
                for w in writes:
                    if w.error is None:
                        seen[w.id] = w
                        olds[w.id] = self.store.get(txn, w.id)
                new_count = sum(1 for w in seen.values() if olds[w.id] is None)
                next_docid = self.store.take_docids(txn, new_count) if new_count else 0
                for w in seen.values():
                    old = olds[w.id]
                    if old is None and mode in ("replace", "merge"):
                        w.error = f"no object with id '{w.id}'"
                        continue
                    if old is not None and mode == "create":
                        w.error = f"id '{w.id}' already exists"
                        continue
                    if old is None:
                        docid, created = next_docid, ts
                        next_docid += 1
                    else:
                        docid, created = old["docId"], old["creationTimeUnix"]
                    updated = ts
                    if w.times is not None:
                        created, updated = w.times
                    w.stored = {
                        "id": w.id,
                        "class": self.name,
                        "properties": w.properties,
                        "creationTimeUnix": created,
                        "lastUpdateTimeUnix": updated,
                        "docId": docid,
                    }
                    applied.append(w)
                early.start([w for w in applied if olds[w.id] is None])
                for w in applied:
                    old = olds[w.id]
                    stored = w.stored
                    self.store.put_object(txn, stored, old)  # type: ignore[arg-type]
                    changes.append((stored["docId"], self._indexed_props(old), self._indexed_props(stored)))  # type: ignore[index]
                for w in applied:
                    self.store.put_vectors(txn, w.stored["docId"], w.vectors)  # type: ignore[index]
                if grown is not None and applied:
                    self.store.write_schema(txn, grown)
                    self.inverted.set_schema(grown)
                self.inverted.write(txn, changes)
                early.finish()

            if grown is not None and self.share_schema is not None:
                self.share_schema(grown)
            try:
                self.kv.write(run)
            except BaseException:
                self.inverted.set_schema(self.class_def)
                early.undo()
                raise
            if grown is not None and applied:
                self.class_def = grown
                self.db.schema_version += 1
            self._apply_to_indexes(applied, done=early.covers)
            self._changes_since_snapshot += early.count
            return len(applied)

    def _settle_properties(self, writes: list[Write]) -> dict[str, Any] | None:
        """The class grown by the auto-schema properties the writes need (None: nothing to add), inferred
        again against the class as it is now: another request may have added some meanwhile, and the write
        that first inferred one may have failed. A write whose values no longer fit fails."""
        class_def = self.class_def
        for w in writes:
            if w.error is not None or w.raw_properties is None:
                continue
            try:
                coerced, added = validate_properties(class_def, w.raw_properties, autoschema=True)
            except UserError as exc:
                w.error = exc.message
                continue
            if coerced != w.properties:
                w.error = (
                    "invalid object: another request created one of this object's properties meanwhile with "
                    "another data type; send the object again"
                )
                continue
            if added:
                class_def = merge_properties(class_def, added)
        return None if class_def is self.class_def else class_def

    def _refuse_unfit_vectors(self, writes: list[Write]) -> None:
        """Set an error on each write carrying a vector its index could not take. Runs under the write lock,
        so the first vector of an empty space fixes the length for every concurrent writer."""
        for name, space in self.spaces.items():
            expected = self.dimensions(name) if space.indexed else None
            for w in writes:
                vector = w.vectors.get(name)
                if w.error is not None or vector is None:
                    continue
                problem = vector_problem(vector, expected)
                if problem is not None:
                    w.error = f"invalid object: vector '{space.label}' {problem}"
                elif space.indexed and expected is None:
                    expected = len(vector)

    def _indexed_props(self, obj: dict | None) -> dict | None:
        if obj is None:
            return None
        return {
            **obj["properties"],
            "_id": obj["id"],
            "_creationTimeUnix": obj["creationTimeUnix"],
            "_lastUpdateTimeUnix": obj["lastUpdateTimeUnix"],
        }

    def _apply_to_indexes(self, applied: list[Write],
                          done: Callable[[Write, str], bool] = lambda w, name: False) -> None:
        """Put the writes' vectors into the indexes, but those `done` says are there already."""
        for name, index in self.indexes.items():
            ids: list[int] = []
            vecs: list[np.ndarray] = []
            removed: list[int] = []
            for w in applied:
                if name not in w.vectors or done(w, name):
                    continue
                vector = w.vectors[name]
                docid = w.stored["docId"]  # type: ignore[index]
                if vector is None:
                    removed.append(docid)
                else:
                    ids.append(docid)
                    vecs.append(vector)
            if ids:
                index.upsert(np.array(ids, dtype=np.uint64), np.stack(vecs).astype(np.float32))
            if removed:
                index.delete(removed)
            self._changes_since_snapshot += len(ids) + len(removed)

    def delete(self, object_ids: list[str]) -> list[str]:
        """Delete objects by id; returns the ids that existed and are now gone."""
        with self.write_lock:
            gone: list[dict] = []

            def run(txn: lmdb.Transaction) -> None:
                gone.clear()
                changes: list[tuple[int, dict | None, dict | None]] = []
                for object_id in object_ids:
                    obj = self.store.get(txn, object_id)
                    if obj is None:
                        continue
                    self.store.delete(txn, obj)
                    changes.append((obj["docId"], self._indexed_props(obj), None))
                    gone.append(obj)
                self.inverted.write(txn, changes)

            self.kv.write(run)
            for index in self.indexes.values():
                index.delete([obj["docId"] for obj in gone])
            self._changes_since_snapshot += len(gone)
            return [obj["id"] for obj in gone]

    # filters ---------------------------------------------------------------------------------------
    def filter_docids(self, txn: lmdb.Transaction, where: dict[str, Any] | None) -> BitMap | None:
        """The allow-list of a where filter, or None for no filter."""
        if where is None:
            return None
        from vectordb.query.filters import evaluate

        try:
            return evaluate(
                where, self.inverted, txn, self.class_def, self.db.resolve_reference_filter,
                lambda test: self._docids_where(txn, test),
            )  # fmt: skip
        except (ValueError, KeyError) as exc:
            raise UserError(f"invalid 'where' filter: {exc}") from exc

    def _docids_where(self, txn: lmdb.Transaction, test: Callable[[dict], bool]) -> BitMap:
        """The docids of the stored objects whose properties pass `test` (one read of every object)."""
        found = BitMap()
        for obj in self.store.iterate(txn):
            if test(obj.get("properties") or {}):
                found.add(obj["docId"])
        return found

    def uuids_matching(self, where: dict[str, Any]) -> set[str]:
        with self.reading() as txn:
            allow = self.filter_docids(txn, where)
            found = set()
            for docid in allow or []:
                obj = self.store.get_by_docid(txn, docid)
                if obj is not None:
                    found.add(obj["id"])
            return found

    def objects_by_docids(self, txn: lmdb.Transaction, docids: list[int]) -> list[dict]:
        out = []
        for docid in docids:
            obj = self.store.get_by_docid(txn, docid)
            if obj is not None:
                out.append(obj)
        return out

    def each_object(self, txn: lmdb.Transaction, allow: BitMap | None,
                    after: str | None = None) -> Iterator[dict]:
        """Objects in uuid order, restricted to an allow-list when given."""
        check: Callable[[dict], bool] = (lambda o: True) if allow is None else (lambda o: o["docId"] in allow)
        for obj in self.store.iterate(txn, after):
            if check(obj):
                yield obj


class _Reading:
    """Collection.reading as a plain object: every query opens one."""

    __slots__ = ("_coll", "_read")

    def __init__(self, coll: Collection) -> None:
        self._coll = coll
        self._read = coll.kv.read()

    def __enter__(self) -> lmdb.Transaction:
        try:
            return self._read.__enter__()
        except RuntimeError as exc:
            self._deleted(exc)
            raise

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        self._read.__exit__(kind, exc, tb)
        if isinstance(exc, RuntimeError):
            self._deleted(exc)

    def _deleted(self, exc: RuntimeError) -> None:
        if self._coll.kv._closed:
            raise NotFound(f"collection {self._coll.name} was deleted") from exc


def hidden_sibling(path: Path, why: str) -> Path:
    """A name next to `path` that no collection can have (class names start with a letter)."""
    return path.with_name(f"{HIDDEN}{why}-{path.name}-{uuidlib.uuid4().hex[:8]}")


def new_uuid() -> str:
    return str(uuidlib.uuid4())
