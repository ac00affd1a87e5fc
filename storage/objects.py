"""The object store of one collection: objects by uuid, doc ids, vectors and the change log.

Everything one batch writes goes through a single LMDB write transaction, so an acknowledged batch is
complete on disk. The change log records which vectors changed, in order, so the in-memory vector indexes
can be brought level with LMDB after a crash by replaying it from their last snapshot.
"""

from __future__ import annotations

import re
import uuid as uuidlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import lmdb
import numpy as np
from pyroaring import BitMap

from storage.kv import KV, MAX_DBS, from_u64, pack, u64, unpack

_SCHEMA = b"schema"
_NEXT_DOCID = b"next_docid"
_NEXT_SEQ = b"next_seq"

# Each vector has a named LMDB database of its own, next to the store's and the inverted index's ten; LMDB
# opens an environment for a fixed number of them (kv.MAX_DBS), so a collection holds at most this many vectors.
MAX_VECTORS = 500

# Vectors read between two releases of the map's pages: each may map 64 KiB of file, so at most 4 MiB.
_RELEASE_ROWS = 64

UPSERT = "u"
DELETE = "d"


_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def uuid_bytes(value: str | uuidlib.UUID) -> bytes:
    if isinstance(value, str) and _CANONICAL_UUID.fullmatch(value):
        return bytes.fromhex(value.replace("-", ""))  # the stored form: half the cost of parsing it
    return (value if isinstance(value, uuidlib.UUID) else uuidlib.UUID(str(value))).bytes


def vector_bytes(vector: np.ndarray) -> bytes:
    return np.ascontiguousarray(vector, dtype="<f4").tobytes()


def vector_from_bytes(raw: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(raw, dtype="<f4").astype(np.float32)


class ObjectStore:
    """Typed access to a collection's named databases; every method works inside a caller's transaction."""

    def __init__(self, kv: KV, vector_names: list[str]) -> None:
        self.kv = kv
        kv.open_dbs(["meta", "objects", "docids", "log", *(f"vec:{name}" for name in vector_names)])
        self.meta = kv.db("meta")
        self.objects = kv.db("objects")
        self.docids = kv.db("docids")
        self.log = kv.db("log")
        self.vector_dbs: dict[str, Any] = {}
        self._seq_txn: lmdb.Transaction | None = None
        self._seq_next = 0
        for name in vector_names:
            self.add_vector_name(name)

    def add_vector_name(self, name: str) -> None:
        if name not in self.vector_dbs:
            self.vector_dbs[name] = self.kv.db(f"vec:{name}")

    # schema -----------------------------------------------------------------------------------------
    def read_schema(self, txn: lmdb.Transaction) -> dict | None:
        raw = txn.get(_SCHEMA, db=self.meta)
        return None if raw is None else unpack(raw)

    def write_schema(self, txn: lmdb.Transaction, class_def: dict) -> None:
        txn.put(_SCHEMA, pack(class_def), db=self.meta)

    # counters -----------------------------------------------------------------------------------------
    def _take(self, txn: lmdb.Transaction, key: bytes, n: int) -> int:
        raw = txn.get(key, db=self.meta)
        first = from_u64(raw) if raw else 1
        txn.put(key, u64(first + n), db=self.meta)
        return first

    def take_docids(self, txn: lmdb.Transaction, n: int) -> int:
        """Reserve n consecutive doc ids; returns the first."""
        return self._take(txn, _NEXT_DOCID, n)

    def last_seq(self, txn: lmdb.Transaction) -> int:
        raw = txn.get(_NEXT_SEQ, db=self.meta)
        return (from_u64(raw) if raw else 1) - 1

    # objects ------------------------------------------------------------------------------------------
    def get(self, txn: lmdb.Transaction, object_id: str | uuidlib.UUID) -> dict | None:
        raw = txn.get(uuid_bytes(object_id), db=self.objects)
        return None if raw is None else unpack(raw)

    def get_by_docid(self, txn: lmdb.Transaction, docid: int) -> dict | None:
        key = txn.get(u64(docid), db=self.docids)
        if key is None:
            return None
        raw = txn.get(key, db=self.objects)
        return None if raw is None else unpack(raw)

    def get_many_by_docid(self, txn: lmdb.Transaction, docids: list[int]) -> list[dict | None]:
        """get_by_docid for each id, in order: the loop a search runs over its hits, with its lookups bound once."""
        get, docids_db, objects_db = txn.get, self.docids, self.objects
        out: list[dict | None] = []
        for docid in docids:
            key = get(u64(docid), db=docids_db)
            raw = None if key is None else get(key, db=objects_db)
            out.append(None if raw is None else unpack(raw))
        return out

    def docid_of(self, txn: lmdb.Transaction, object_id: str | uuidlib.UUID) -> int | None:
        obj = self.get(txn, object_id)
        return None if obj is None else obj["docId"]

    def count(self, txn: lmdb.Transaction) -> int:
        return txn.stat(self.objects)["entries"]

    def iterate(self, txn: lmdb.Transaction, after: str | None = None) -> Iterator[dict]:
        """Objects in uuid byte order (Weaviate's cursor order), starting after the given id."""
        cursor = txn.cursor(db=self.objects)
        if after is None:
            found = cursor.first()
        else:
            start = uuid_bytes(after)
            found = cursor.set_range(start)
            if found and cursor.key() == start:
                found = cursor.next()
        while found:
            yield unpack(cursor.value())
            found = cursor.next()

    def iterate_docids(self, txn: lmdb.Transaction) -> Iterator[int]:
        cursor = txn.cursor(db=self.docids)
        for key in cursor.iternext(keys=True, values=False):
            yield from_u64(key)

    def put_object(self, txn: lmdb.Transaction, obj: dict, old: dict | None) -> None:
        """Write an object (and its doc id, when new); `old` is the version it replaces (same docId) or None."""
        key = uuid_bytes(obj["id"])
        txn.put(key, pack(obj), db=self.objects)
        if old is None:
            txn.put(u64(obj["docId"]), key, db=self.docids)

    def put_vectors(self, txn: lmdb.Transaction, docid: int, vectors: dict[str, np.ndarray | None]) -> None:
        """Write the vectors of a stored object. A batch writes all its objects first, then all their vectors:
        LMDB then gives each kind pages of its own, so reading objects (every search hit does) maps fewer
        vector pages beside them (the kernel maps up to 64 KiB of cached file around each page read)."""
        # A name missing from `vectors` keeps what is stored; a name mapped to None removes it.
        for name, vector in vectors.items():
            db = self.vector_dbs[name]
            if vector is not None:
                txn.put(u64(docid), vector_bytes(vector), db=db)
                self._log(txn, UPSERT, docid, name)
            elif txn.delete(u64(docid), db=db):
                self._log(txn, DELETE, docid, name)

    def delete(self, txn: lmdb.Transaction, obj: dict) -> None:
        docid = obj["docId"]
        txn.delete(uuid_bytes(obj["id"]), db=self.objects)
        txn.delete(u64(docid), db=self.docids)
        for name, db in self.vector_dbs.items():
            if txn.delete(u64(docid), db=db):
                self._log(txn, DELETE, docid, name)

    # vectors ------------------------------------------------------------------------------------------
    def vector(self, txn: lmdb.Transaction, name: str, docid: int) -> np.ndarray | None:
        raw = txn.get(u64(docid), db=self.vector_dbs[name])
        return None if raw is None else vector_from_bytes(raw)

    def vectors(self, txn: lmdb.Transaction, docid: int) -> dict[str, np.ndarray]:
        found = {}
        for name in self.vector_dbs:
            vector = self.vector(txn, name, docid)
            if vector is not None:
                found[name] = vector
        return found

    def vector_matrix(self, txn: lmdb.Transaction, name: str, docids: Iterable[int], dim: int) -> np.ndarray:
        """The vectors of these doc ids as rows; a row of NaN where there is none of length ``dim``.

        Scattered vectors map the file around each of them into the process: their pages are released after
        every _RELEASE_ROWS rows (storage/residency.py), so a scan of the whole store maps a few MiB at most."""
        ids = np.asarray(docids if isinstance(docids, np.ndarray) else list(docids), dtype=np.uint64)
        # getmulti calls for whole blocks (they skip absent keys), the keys made by numpy: an exact scan over
        # an allow-list reads thousands of vectors, three times faster so than one txn.get each.
        keys = ids.astype(">u8").view("V8").tolist()
        cursor = txn.cursor(db=self.vector_dbs[name])
        found = []
        for start in range(0, len(keys), _RELEASE_ROWS):
            found += cursor.getmulti(keys[start:start + _RELEASE_ROWS])
            self.kv.release_pages()
        width = 4 * dim
        values = [raw for _key, raw in found]
        if len(values) == len(keys) and set(map(len, values)) <= {width}:
            return np.frombuffer(b"".join(values), dtype="<f4").astype(np.float32).reshape(len(keys), dim)
        out = np.full((len(keys), dim), np.nan, dtype=np.float32)
        by_key = {key: raw for key, raw in found if len(raw) == width}
        for row, key in enumerate(keys):
            raw = by_key.get(key)
            if raw is not None:
                out[row] = np.frombuffer(raw, dtype="<f4")
        return out

    def iterate_vectors(self, txn: lmdb.Transaction, name: str) -> Iterator[tuple[int, np.ndarray]]:
        cursor = txn.cursor(db=self.vector_dbs[name])
        for key, raw in cursor:
            yield from_u64(key), vector_from_bytes(raw)

    def vector_count(self, txn: lmdb.Transaction, name: str) -> int:
        return txn.stat(self.vector_dbs[name])["entries"]

    def vector_docids(self, txn: lmdb.Transaction, name: str) -> BitMap:
        """The doc ids holding this vector. A vector is only ever stored under an object's doc id, so when
        there are as many vectors as objects they are the docids database's keys: read there, on a few pages,
        rather than on the pages of every vector."""
        every = self.vector_count(txn, name) == txn.stat(self.docids)["entries"]
        db = self.docids if every else self.vector_dbs[name]
        cursor = txn.cursor(db=db)
        return BitMap(from_u64(key) for key in cursor.iternext(keys=True, values=False))

    # change log ---------------------------------------------------------------------------------------
    def _log(self, txn: lmdb.Transaction, op: str, docid: int, name: str) -> None:
        # The counter is read once per transaction (writers are serialised), and written with every entry.
        if self._seq_txn is not txn:
            self._seq_txn, self._seq_next = txn, self._take(txn, _NEXT_SEQ, 0)
        seq = self._seq_next
        self._seq_next = seq + 1
        txn.put(_NEXT_SEQ, u64(seq + 1), db=self.meta)
        txn.put(u64(seq), pack([op, docid, name]), db=self.log)

    def log_since(self, txn: lmdb.Transaction, seq: int) -> Iterator[tuple[int, str, int, str]]:
        """Entries after `seq`, oldest first: (seq, op, docid, vector name)."""
        cursor = txn.cursor(db=self.log)
        found = cursor.set_range(u64(seq + 1))
        while found:
            op, docid, name = unpack(cursor.value())
            yield from_u64(cursor.key()), op, docid, name
            found = cursor.next()

    def replay_gap(self, txn: lmdb.Transaction, seq: int) -> str | None:
        """Why replaying the log cannot bring an index saved at change `seq` level with the store, or None."""
        last = self.last_seq(txn)
        if seq > last:
            return f"its snapshot is at change {seq}, ahead of the store's last change {last}"
        if seq < last and txn.get(u64(seq + 1), db=self.log) is None:
            return f"its snapshot is at change {seq} but the change log no longer reaches back to it"
        return None

    def truncate_log(self, txn: lmdb.Transaction, upto: int) -> None:
        """Drop entries every snapshot already covers."""
        cursor = txn.cursor(db=self.log)
        while cursor.first() and from_u64(cursor.key()) <= upto:
            cursor.delete()


def count_closed(lmdb_dir: Path) -> int:
    """The objects of a store no environment in any process has open, read without taking LMDB's lock file
    (a reader slot would be a write): the caller must keep it from being opened meanwhile."""
    env = lmdb.open(str(lmdb_dir), readonly=True, lock=False, max_dbs=MAX_DBS, readahead=False)
    try:
        with env.begin() as txn:
            try:
                return txn.stat(env.open_db(b"objects", txn=txn, create=False))["entries"]
            except lmdb.NotFoundError:
                return 0
    finally:
        env.close()
