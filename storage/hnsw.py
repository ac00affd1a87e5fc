"""The index of one named vector: an hnswlib graph or an exact numpy scan, with allow-lists and snapshots.

LMDB holds every vector, so this index is a cache that can always be rebuilt. A snapshot records the
change-log seq it covers; the caller replays the log from there. Three files per vector live in the index
directory: ``<stem>.bin`` (hnswlib's own format, or an npz of ids and vectors for the exact index),
``<stem>.live`` (the live doc ids of a graph, because hnswlib cannot list its deleted labels) and
``<stem>.json``, written last, whose checksums make the set consistent: a crash between the files leaves a
snapshot that load() refuses.

Doc ids must fit in 32 bits, like the pyroaring.BitMap allow-lists the query layer builds from them.

Distances are Weaviate's: cosine ``1 - cos``, dot ``-a·b``, l2-squared, manhattan (L1) and hamming (count of
differing positions). For cosine the graph stores unit vectors, so get() returns the normalised copy; the
original vectors stay in LMDB.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import math
import os
import tempfile
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hnswlib
import numpy as np
import numpy.typing as npt
from pyroaring import AbstractBitMap, BitMap, FrozenBitMap

from storage.errors import StorageError
from storage.locks import RWLock
from storage.scan_cache import ScanCache

log = logging.getLogger(__name__)

DISTANCES = ("cosine", "dot", "l2-squared", "manhattan", "hamming")
INDEX_TYPES = ("hnsw", "flat")
# hnswlib implements these three; its "ip" distance is 1 - a·b where Weaviate's dot distance is -a·b.
_HNSWLIB_SPACES = {"cosine": "cosine", "dot": "ip", "l2-squared": "l2"}

# Weaviate's defaults (entities/vectorindex/hnsw/config.go), used for keys the caller left out.
DEFAULTS: dict[str, Any] = {
    "vectorIndexType": "hnsw",
    "distance": "cosine",
    "ef": -1,
    "dynamicEfMin": 100,
    "dynamicEfMax": 500,
    "dynamicEfFactor": 8,
    "efConstruction": 128,
    "maxConnections": 32,
    "flatSearchCutoff": 40000,
    "skip": False,
}

INITIAL_CAPACITY = 1024
MAX_DOC_ID = 2**32 - 1
SNAPSHOT_FORMAT = 1
LEGACY_STEM = "legacy-default"  # "-" is escaped in every user name, so no user vector can map here
# A filtered graph search raises ef by the inverse selectivity of the allow-list, up to this bound.
MAX_FILTERED_EF = 4096
# Rows an exact scan reads (from LMDB, a block at a time) in the time a graph walk spends per unit of its
# width: about one each, measured at 20k and 100k x 128 (a row ~3.7 µs, a unit of ef ~4 µs on a loaded host).
EXACT_ROWS_PER_EF = 1
# Rows per block in exact scans, so a large candidate set never materialises as one big float matrix.
_BLOCK = 4096
_SAFE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")

FloatArray = npt.NDArray[np.float32]
IdArray = npt.NDArray[np.uint64]
# Reads full vectors of a length by doc id from the store; a row of NaN for an id that has none (deleted
# meanwhile, or stored with another length by an older version).
Fetch = Callable[[np.ndarray, int], np.ndarray]


def snapshot_stem(name: str) -> str:
    """File stem for a vector name: the name itself when it is plain, %XX escapes otherwise."""
    if name == "":
        return LEGACY_STEM
    out = []
    for ch in name:
        if ch in _SAFE_CHARS:
            out.append(ch)
        else:
            out.extend(f"%{b:02X}" for b in ch.encode("utf-8"))
    return "".join(out)


def exact_distances(distance: str, query: FloatArray, vectors: FloatArray) -> FloatArray:
    """Weaviate distance from ``query`` to each row of ``vectors``."""
    if distance == "dot":
        return (-(vectors @ query)).astype(np.float32)
    if distance == "cosine":
        denom = np.linalg.norm(vectors, axis=1) * np.float32(np.linalg.norm(query))
        dots = vectors @ query
        # A zero vector has no direction; hnswlib scores it as similarity 0, and so do we.
        sim = np.divide(dots, denom, out=np.zeros_like(dots), where=denom > 0)
        return (1.0 - sim).astype(np.float32)
    if distance == "l2-squared":
        diff = vectors - query
        return np.einsum("ij,ij->i", diff, diff).astype(np.float32)
    if distance == "manhattan":
        return np.abs(vectors - query).sum(axis=1, dtype=np.float32)
    if distance == "hamming":
        return np.count_nonzero(vectors != query, axis=1).astype(np.float32)
    raise ValueError(f"unknown distance {distance!r}; expected one of {', '.join(DISTANCES)}")


def _blockwise(distance: str, query: FloatArray, ids: IdArray,
               fetch: Callable[[IdArray], FloatArray]) -> FloatArray:
    """Distances to the vectors ``fetch`` reads, a block at a time; NaN where it found none (a NaN row)."""
    out = np.empty(len(ids), dtype=np.float32)
    for start in range(0, len(ids), _BLOCK):
        chunk = ids[start:start + _BLOCK]
        vectors = fetch(chunk)
        dists = exact_distances(distance, query, vectors)
        dists[np.isnan(vectors[:, 0])] = np.nan
        out[start:start + len(chunk)] = dists
    return out


def _top_k(ids: IdArray, dists: FloatArray, k: int) -> tuple[IdArray, FloatArray]:
    if k < len(ids):
        # Keep every tie with the k-th distance so the lowest ids win them, whatever the row order.
        kth = np.partition(dists, k - 1)[k - 1]
        keep = np.flatnonzero(dists <= kth)
        ids, dists = ids[keep], dists[keep]
    order = np.lexsort((ids, dists))[:k]
    return ids[order].astype(np.uint64), dists[order].astype(np.float32)


def _empty() -> tuple[IdArray, FloatArray]:
    return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.float32)


def _bitmap_array(bitmap: BitMap) -> IdArray:
    return np.frombuffer(bitmap.to_array(), dtype=np.uint32).astype(np.uint64)


def _int_field(config: dict, key: str, minimum: int) -> int:
    value = config.get(key, DEFAULTS[key])
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise ValueError(f"vectorIndexConfig.{key} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"vectorIndexConfig.{key} must be at least {minimum}, got {value}")
    return int(value)


@dataclass(frozen=True)
class IndexSettings:
    """The parts of a vectorIndexConfig this index uses, validated."""

    index_type: str
    distance: str
    ef: int
    dynamic_ef_min: int
    dynamic_ef_max: int
    dynamic_ef_factor: int
    ef_construction: int
    max_connections: int
    flat_search_cutoff: int

    @classmethod
    def from_config(cls, config: dict) -> IndexSettings:
        if config.get("skip", False):
            raise ValueError("vectorIndexConfig.skip is true: this vector has no index, so no VectorIndex "
                             "should be created for it")
        index_type = config.get("vectorIndexType", DEFAULTS["vectorIndexType"])
        if index_type not in INDEX_TYPES:
            raise ValueError(f"vectorIndexType {index_type!r} is not supported; use one of "
                             f"{', '.join(INDEX_TYPES)}")
        distance = config.get("distance", DEFAULTS["distance"])
        if distance not in DISTANCES:
            raise ValueError(f"vectorIndexConfig.distance {distance!r} is not supported; use one of "
                             f"{', '.join(DISTANCES)}")
        ef = _int_field(config, "ef", -1)
        if ef == 0:
            raise ValueError("vectorIndexConfig.ef must be -1 (dynamic) or a positive integer, got 0")
        settings = cls(
            index_type=index_type,
            distance=distance,
            ef=ef,
            dynamic_ef_min=_int_field(config, "dynamicEfMin", 1),
            dynamic_ef_max=_int_field(config, "dynamicEfMax", 1),
            dynamic_ef_factor=_int_field(config, "dynamicEfFactor", 1),
            ef_construction=_int_field(config, "efConstruction", 4),
            max_connections=_int_field(config, "maxConnections", 4),
            flat_search_cutoff=_int_field(config, "flatSearchCutoff", 0),
        )
        if settings.dynamic_ef_min > settings.dynamic_ef_max:
            raise ValueError(f"vectorIndexConfig.dynamicEfMin ({settings.dynamic_ef_min}) must not exceed "
                             f"dynamicEfMax ({settings.dynamic_ef_max})")
        return settings

    @property
    def uses_graph(self) -> bool:
        return self.index_type == "hnsw" and self.distance in _HNSWLIB_SPACES

    @property
    def space(self) -> str:
        """hnswlib's space for a graph index, "flat:<distance>" for an exact one."""
        return _HNSWLIB_SPACES[self.distance] if self.uses_graph else f"flat:{self.distance}"

    def search_ef(self, k: int, ef: int | None = None) -> int:
        if ef is None or ef == -1:
            ef = self.ef
        if ef == -1:
            ef = min(max(k * self.dynamic_ef_factor, self.dynamic_ef_min), self.dynamic_ef_max)
        elif ef < 1:
            raise ValueError(f"ef must be -1 (dynamic) or a positive integer, got {ef}")
        return max(ef, k)


class _EfGate:
    """hnswlib keeps ef as one index-wide value. Searches that want the same ef run together; a search that
    wants another ef waits until the running ones finish, and holds back newcomers so it is not starved.

    enter() / leave() rather than a context manager: this runs on every search, and the uncontended path is
    one plain lock round trip."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._cond = threading.Condition(self._mutex)
        self._ef: int | None = None
        self._active = 0
        self._waiting: Counter[int] = Counter()

    def enter(self, index: hnswlib.Index, ef: int) -> None:
        with self._mutex:
            if not self._waiting and (self._active == 0 or self._ef == ef):
                if self._ef != ef:
                    index.set_ef(ef)
                    self._ef = ef
                self._active += 1
                return
            self._waiting[ef] += 1
            try:
                while True:
                    if self._active == 0:
                        if self._ef != ef:
                            index.set_ef(ef)
                            self._ef = ef
                        break
                    others_waiting = self._waiting.total() > self._waiting[ef]
                    if self._ef == ef and not others_waiting:
                        break
                    self._cond.wait()
            finally:
                self._waiting[ef] -= 1
                if not self._waiting[ef]:
                    del self._waiting[ef]
            self._active += 1

    def leave(self) -> None:
        with self._mutex:
            self._active -= 1
            if not self._active and self._waiting:
                self._cond.notify_all()


class _GraphStore:
    """An hnswlib index whose deleted slots are reused by later inserts."""

    def __init__(self, index: hnswlib.Index, deleted: int) -> None:
        self.index = index
        self.deleted = deleted  # slots marked deleted and free for reuse
        self.gate = _EfGate()

    @classmethod
    def create(cls, settings: IndexSettings, dim: int) -> _GraphStore:
        index = hnswlib.Index(space=settings.space, dim=dim)
        index.init_index(max_elements=INITIAL_CAPACITY, M=settings.max_connections,
                         ef_construction=settings.ef_construction, allow_replace_deleted=True)
        return cls(index, 0)

    @property
    def capacity(self) -> int:
        return self.index.get_max_elements()

    def upsert(self, ids: IdArray, vectors: FloatArray, live: BitMap) -> None:
        known = live & BitMap(ids)
        in_place = np.isin(ids, _bitmap_array(known))
        if self.deleted:
            # An id deleted earlier may still own its old slot (unless a newcomer took it): take it back so
            # the label keeps one slot. hnswlib refuses to overwrite a deleted slot any other way.
            for j in np.flatnonzero(~in_place):
                try:
                    self.index.unmark_deleted(int(ids[j]))
                except RuntimeError:
                    continue  # "Label not found": the id is new to the graph
                in_place[j] = True
                self.deleted -= 1
        if in_place.any():
            self.index.add_items(vectors[in_place], ids[in_place])
        fresh = ~in_place
        n_fresh = int(fresh.sum())
        if n_fresh:
            self._reserve(self.index.element_count + max(0, n_fresh - self.deleted))
            self.index.add_items(vectors[fresh], ids[fresh], replace_deleted=True)
            self.deleted -= min(self.deleted, n_fresh)

    def _reserve(self, needed: int) -> None:
        capacity = self.capacity
        if needed > capacity:
            new_capacity = max(needed, capacity * 2)
            log.debug("growing hnsw index from %d to %d slots", capacity, new_capacity)
            self.index.resize_index(new_capacity)

    def delete(self, ids: BitMap) -> None:
        for label in ids:
            self.index.mark_deleted(label)
            self.deleted += 1

    def vectors(self, ids: IdArray) -> FloatArray:
        return np.asarray(self.index.get_items(ids, return_type="numpy"), dtype=np.float32)

    def knn(self, query: FloatArray, k: int, ef: int,
            allowed: Callable[[int], bool] | None) -> tuple[IdArray, FloatArray]:
        self.gate.enter(self.index, ef)
        try:
            labels, dists = self.index.knn_query(query, k=k, num_threads=1, filter=allowed)
        finally:
            self.gate.leave()
        return labels[0].astype(np.uint64, copy=False), dists[0].astype(np.float32, copy=False)


class _RowMap:
    """Doc id -> matrix row. The store hands doc ids out consecutively, so a dense array covers them and a
    scan maps thousands of allowed ids to rows in one numpy step; an id past the dense range goes to a dict."""

    DENSE_LIMIT = 1 << 26

    def __init__(self) -> None:
        self.dense = np.full(INITIAL_CAPACITY, -1, dtype=np.int32)
        self.sparse: dict[int, int] = {}

    def get(self, label: int) -> int | None:
        if label < len(self.dense):
            row = int(self.dense[label])
            return None if row < 0 else row
        return self.sparse.get(label)

    def set(self, label: int, row: int) -> None:
        if label >= len(self.dense) and label < self.DENSE_LIMIT:
            grown = np.full(min(self.DENSE_LIMIT, max(label + 1, 2 * len(self.dense))), -1, dtype=np.int32)
            grown[: len(self.dense)] = self.dense
            self.dense = grown
        if label < len(self.dense):
            self.dense[label] = row
        else:
            self.sparse[label] = row

    def pop(self, label: int) -> int:
        row = self.get(label)
        if row is None:
            raise KeyError(label)
        if label < len(self.dense):
            self.dense[label] = -1
        else:
            del self.sparse[label]
        return row

    def rows(self, ids: IdArray) -> npt.NDArray[np.int64]:
        """The rows of ids that all have one."""
        if not self.sparse:
            return self.dense[ids].astype(np.int64)
        inside = ids < len(self.dense)
        out = np.empty(len(ids), dtype=np.int64)
        out[inside] = self.dense[ids[inside]]
        out[~inside] = [self.sparse[int(i)] for i in ids[~inside]]
        return out


class _FlatStore:
    """Vectors in a growable float32 matrix; exact scans. Freed rows are reused before the matrix grows."""

    def __init__(self, dim: int, capacity: int = INITIAL_CAPACITY) -> None:
        self.dim = dim
        self.matrix = np.zeros((capacity, dim), dtype=np.float32)
        self.row_ids = np.zeros(capacity, dtype=np.uint64)
        self.used = np.zeros(capacity, dtype=bool)
        self.rows = _RowMap()
        self.free: list[int] = []
        self.top = 0  # rows below this have been handed out at least once

    @property
    def capacity(self) -> int:
        return len(self.row_ids)

    def _new_row(self) -> int:
        if self.free:
            return self.free.pop()
        if self.top == self.capacity:
            self._grow(self.capacity * 2)
        self.top += 1
        return self.top - 1

    def _grow(self, capacity: int) -> None:
        log.debug("growing flat index from %d to %d rows", self.capacity, capacity)
        matrix = np.zeros((capacity, self.dim), dtype=np.float32)
        matrix[: self.top] = self.matrix[: self.top]
        row_ids = np.zeros(capacity, dtype=np.uint64)
        row_ids[: self.top] = self.row_ids[: self.top]
        used = np.zeros(capacity, dtype=bool)
        used[: self.top] = self.used[: self.top]
        self.matrix, self.row_ids, self.used = matrix, row_ids, used

    def upsert(self, ids: IdArray, vectors: FloatArray) -> None:
        rows = np.empty(len(ids), dtype=np.int64)
        for j, label in enumerate(ids.tolist()):
            row = self.rows.get(label)
            if row is None:
                row = self._new_row()
                self.rows.set(label, row)
            rows[j] = row
        self.matrix[rows] = vectors
        self.row_ids[rows] = ids
        self.used[rows] = True

    def delete(self, ids: BitMap) -> None:
        for label in ids:
            row = self.rows.pop(label)
            self.used[row] = False
            self.free.append(row)

    def vectors(self, ids: IdArray) -> FloatArray:
        return self.matrix[self.rows.rows(ids)]

    def search(self, distance: str, query: FloatArray, k: int,
               allowed: IdArray | None) -> tuple[IdArray, FloatArray]:
        """The k nearest rows, among ``allowed`` (ids that all have a row) when given."""
        if allowed is None:
            rows = np.flatnonzero(self.used[: self.top])
            ids = self.row_ids[rows]
        else:
            rows, ids = self.rows.rows(allowed), allowed
        if len(rows) * 3 > self.top:
            # Many rows: one pass over the whole matrix, then pick, beats copying each row out. Contiguous
            # blocks are views, so only one block's temporaries exist at a time.
            every = np.empty(self.top, dtype=np.float32)
            for start in range(0, self.top, _BLOCK):
                block = self.matrix[start:min(start + _BLOCK, self.top)]
                every[start:start + len(block)] = exact_distances(distance, query, block)
            dists = every[rows]
        else:
            dists = np.empty(len(rows), dtype=np.float32)
            for start in range(0, len(rows), _BLOCK):
                picked = rows[start:start + _BLOCK]
                dists[start:start + len(picked)] = exact_distances(distance, query, self.matrix[picked])
        return _top_k(ids, dists, k)

    def live_rows(self) -> tuple[IdArray, FloatArray]:
        rows = np.flatnonzero(self.used[: self.top])
        order = np.argsort(self.row_ids[rows], kind="stable")
        rows = rows[order]
        return self.row_ids[rows], self.matrix[rows]


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_npz(path: Path, ids: IdArray, vectors: FloatArray) -> None:
    # Through a file object: given a path, numpy would append ".npz" to the temp file's name.
    with open(path, "wb") as f:
        np.savez(f, ids=ids, vectors=vectors)


def _sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def query_vector(query: npt.ArrayLike, dim: int | None, name: str) -> FloatArray:
    """The query as float32, refused unless it has the index's length and only finite values."""
    q = np.asarray(query, dtype=np.float32).reshape(-1)
    if len(q) != dim:
        raise ValueError(f"query vector length {len(q)} does not match the index's vector length "
                         f"{dim} for vector {name or 'default'!r}")
    # A NaN or an infinity makes q·q non-finite; one dot product costs a fraction of an element-wise check,
    # which runs only when the dot product is not finite (then also for large finite values that overflow it).
    if not math.isfinite(q.dot(q)) and not np.isfinite(q).all():
        raise ValueError("the query vector must not contain NaN or infinity")
    return q


def search_args(k: int, allow: Iterable[int] | None) -> BitMap | None:
    """A search's k checked and its allow-list as a bitmap."""
    if k < 0:
        raise ValueError(f"k must not be negative, got {k}")
    if allow is not None and not isinstance(allow, AbstractBitMap):
        return BitMap(allow)
    return allow  # type: ignore[return-value]


class _SnapshotError(Exception):
    """A snapshot that cannot be used; the message says why."""


class VectorIndex:
    """The index of one named vector of one collection. Searches run concurrently; changes run alone."""

    def __init__(self, directory: Path, name: str, config: dict, fetch: Fetch | None = None) -> None:
        self.directory = Path(directory)
        self._fetch = fetch
        self._scans = ScanCache()  # emptied by every change, under the exclusive lock
        self.name = name
        self._settings = IndexSettings.from_config(config)
        self._stem = snapshot_stem(name)
        self._lock = RWLock()
        self._save_lock = threading.Lock()  # one snapshot write or load at a time, so the files stay a set
        self._closed = False
        self._dim: int | None = None
        self._store: _GraphStore | _FlatStore | None = None
        self._live = BitMap()
        self.snapshot_seq = 0

    # -- facts ---------------------------------------------------------------------------------------------

    @property
    def bin_path(self) -> Path:
        return self.directory / f"{self._stem}.bin"

    @property
    def live_path(self) -> Path:
        return self.directory / f"{self._stem}.live"

    @property
    def meta_path(self) -> Path:
        return self.directory / f"{self._stem}.json"

    @property
    def dim(self) -> int | None:
        """Vector length, fixed by the first upsert (None before it)."""
        return self._dim

    @property
    def distance(self) -> str:
        return self._settings.distance

    @property
    def capacity(self) -> int:
        """Slots the index holds before it next has to grow (0 before the first vector)."""
        with self._lock.shared():
            return self._store.capacity if self._store is not None else 0

    def __len__(self) -> int:
        with self._lock.shared():
            return len(self._live)

    def live_ids(self) -> BitMap:
        """A copy of the doc ids that have a vector here."""
        with self._lock.shared():
            return BitMap(self._live)

    def _check_open(self) -> None:
        if self._closed:
            raise StorageError(f"the vector index {self.name or 'default'!r} is closed")

    # -- changes -------------------------------------------------------------------------------------------

    def upsert(self, ids: npt.ArrayLike, vectors: npt.ArrayLike) -> None:
        """Insert or replace one vector per id; when an id repeats in the batch, its last vector wins."""
        id_arr, vec_arr = self._batch(ids, vectors)
        if not len(id_arr):
            return
        with self._lock.exclusive():
            self._check_open()
            self._scans.clear()
            if self._store is None:
                self._dim = vec_arr.shape[1]
                self._store = (_GraphStore.create(self._settings, self._dim) if self._settings.uses_graph
                               else _FlatStore(self._dim))
            elif vec_arr.shape[1] != self._dim:
                raise ValueError(f"vector length {vec_arr.shape[1]} does not match the index's vector length "
                                 f"{self._dim} for vector {self.name or 'default'!r}")
            if isinstance(self._store, _GraphStore):
                self._store.upsert(id_arr, vec_arr, self._live)
            else:
                self._store.upsert(id_arr, vec_arr)
            self._live |= BitMap(id_arr)

    def _batch(self, ids: npt.ArrayLike, vectors: npt.ArrayLike) -> tuple[IdArray, FloatArray]:
        raw_ids = np.asarray(ids).reshape(-1)
        if raw_ids.size and raw_ids.dtype.kind not in "iu":
            raise ValueError(f"doc ids must be integers, got dtype {raw_ids.dtype}")
        if raw_ids.size and (raw_ids.min() < 0 or raw_ids.max() > MAX_DOC_ID):
            raise ValueError(f"doc ids must lie in 0..{MAX_DOC_ID}")
        vecs = np.asarray(vectors, dtype=np.float32)
        if vecs.ndim == 1 and raw_ids.size == 1:
            vecs = vecs.reshape(1, -1)
        if vecs.ndim != 2 or vecs.shape[0] != raw_ids.size:
            raise ValueError(f"expected one vector per id: {raw_ids.size} ids but vectors of shape "
                             f"{vecs.shape}")
        if raw_ids.size and vecs.shape[1] == 0:
            raise ValueError("vectors must not be empty")
        if not np.isfinite(vecs).all():
            raise ValueError("vectors must not contain NaN or infinity")
        id_arr = raw_ids.astype(np.uint64)
        # Keep the last occurrence of each id, in input order, so hnswlib never sees one label twice.
        _, first_from_end = np.unique(id_arr[::-1], return_index=True)
        if len(first_from_end) != len(id_arr):
            keep = np.sort(len(id_arr) - 1 - first_from_end)
            id_arr, vecs = id_arr[keep], vecs[keep]
        return id_arr, np.ascontiguousarray(vecs)

    def delete(self, ids: Iterable[int]) -> None:
        """Remove vectors; ids without a vector are ignored. Freed slots are reused by later inserts."""
        wanted = BitMap(int(i) for i in ids if 0 <= int(i) <= MAX_DOC_ID)
        with self._lock.exclusive():
            self._check_open()
            self._scans.clear()
            gone = wanted & self._live
            if not gone or self._store is None:
                return
            self._store.delete(gone)
            self._live -= gone

    def update_config(self, config: dict) -> None:
        """Apply a changed vectorIndexConfig; only the search-time fields may change."""
        new = IndexSettings.from_config(config)
        old = self._settings
        for field, key in (("index_type", "vectorIndexType"), ("distance", "distance"),
                           ("ef_construction", "efConstruction"), ("max_connections", "maxConnections")):
            if getattr(new, field) != getattr(old, field):
                raise ValueError(f"{key} cannot be changed on an existing index (it is "
                                 f"{getattr(old, field)!r}, the new config says {getattr(new, field)!r}); "
                                 "recreate the collection instead")
        with self._lock.exclusive():
            self._check_open()
            self._settings = new

    def close(self) -> None:
        with self._lock.exclusive():
            self._closed = True
            self._scans.clear()
            self._store = None
            self._live = BitMap()

    # -- reads ---------------------------------------------------------------------------------------------

    def _query(self, query: npt.ArrayLike) -> FloatArray:
        return query_vector(query, self._dim, self.name)

    def search(self, query: npt.ArrayLike, k: int, allow: BitMap | None = None,
               ef: int | None = None) -> tuple[IdArray, FloatArray]:
        """The k nearest live vectors (restricted to ``allow`` when given), ascending by Weaviate distance."""
        if k < 0 or allow is not None:
            allow = search_args(k, allow)
        # acquire / release rather than `with self._lock.shared()`: two Python frames less on every search
        lock = self._lock
        lock.acquire_shared()
        try:
            self._check_open()
            settings = self._settings
            if self._store is None or k == 0 or not self._live:
                return _empty()
            q = query_vector(query, self._dim, self.name)
            candidates = None if allow is None else allow & self._live
            if candidates is not None and not candidates:
                return _empty()
            if isinstance(self._store, _FlatStore):
                allowed = None if candidates is None else _bitmap_array(candidates)
                return self._store.search(settings.distance, q, k, allowed)
            if candidates is None or len(candidates) == len(self._live):
                return self._graph_search(self._store, settings, q, k, ef)
            return self._filtered_search(self._store, settings, q, k, ef, candidates)
        finally:
            lock.release_shared()

    def _filtered_search(self, store: _GraphStore, settings: IndexSettings, q: FloatArray, k: int,
                         ef: int | None, candidates: BitMap) -> tuple[IdArray, FloatArray]:
        """The k nearest allowed ids, by whichever way costs least for this allow-list.

        An allow-list under flatSearchCutoff is scanned exactly, as in Weaviate, unless an unfiltered walk
        for about k/p neighbours (p the share of live ids allowed) costs less: for a filter that lets most
        ids through, the walk reads a few hundred vectors where the scan would read thousands. Above the
        cutoff the walk is tried first, then hnswlib's filtered walk.
        """
        n_live, n_allowed = len(self._live), len(candidates)
        k_eff = min(k, n_allowed)
        search_ef = settings.search_ef(k_eff, ef)
        # A filter that lets a share p through leaves about k of the first k/p neighbours. Asked for 1.5 times
        # that plus k, fewer than k pass about one query in twenty (at p = 10 %, k = 10); those ask for twice.
        want = min(n_live, math.ceil(1.5 * k_eff * n_live / n_allowed) + k_eff)
        may_scan = n_allowed < settings.flat_search_cutoff
        if may_scan and (want > MAX_FILTERED_EF or n_allowed <= EXACT_ROWS_PER_EF * max(search_ef, want)):
            return self._exact(settings, q, k, candidates)
        try:
            found = self._post_filtered(store, q, k_eff, search_ef, candidates, want, n_live)
            if found is None:
                if may_scan:
                    return self._exact(settings, q, k, candidates)
                found = self._callback_filtered(store, q, k_eff, search_ef, candidates, n_live)
        except RuntimeError as err:
            # hnswlib found fewer than k reachable vectors (sparse graph after deletes, tight filter).
            log.debug("filtered graph search fell back to an exact scan: %s", err)
            return self._exact(settings, q, k, candidates)
        ids, dists = found
        return ids, self._graph_distances(settings, dists)

    def _exact(self, settings: IndexSettings, q: FloatArray, k: int,
               candidates: BitMap) -> tuple[IdArray, FloatArray]:
        """Exact scan over ``candidates``, reading their vectors in blocks (from LMDB when the index was
        given a fetch, else from hnswlib), so no second copy of the vectors stays in memory."""
        key = FrozenBitMap(candidates)
        cached = self._scans.get(key)
        if cached is not None:
            ids, vectors = cached
            return _top_k(ids, exact_distances(settings.distance, q, vectors), k)
        ids = _bitmap_array(candidates)
        if len(ids) * (self._dim or 0) * 4 > self._scans.max_bytes:
            dists = _blockwise(settings.distance, q, ids, self._vectors)
        else:
            vectors = self._vectors(ids)
            known = ~np.isnan(vectors[:, 0])  # the store no longer has this id's vector (deleted meanwhile)
            if not known.all():
                ids, vectors = ids[known], vectors[known]
            self._scans.put(key, ids, vectors)
            dists = exact_distances(settings.distance, q, vectors)
        known = ~np.isnan(dists)
        if not known.all():
            ids, dists = ids[known], dists[known]
        return _top_k(ids, dists, k)

    def _vectors(self, ids: IdArray) -> FloatArray:
        if self._fetch is not None and isinstance(self._store, _GraphStore):
            return np.asarray(self._fetch(ids, self._dim or 0), dtype=np.float32)
        assert self._store is not None
        return self._store.vectors(ids)

    def _graph_search(self, store: _GraphStore, settings: IndexSettings, q: FloatArray, k: int,
                      ef: int | None) -> tuple[IdArray, FloatArray]:
        k_eff = min(k, len(self._live))
        try:
            ids, dists = store.knn(q, k_eff, settings.search_ef(k_eff, ef), None)
        except RuntimeError as err:
            # hnswlib found fewer than k reachable vectors (a sparse graph after deletes).
            log.debug("graph search fell back to an exact scan: %s", err)
            return self._exact(settings, q, k, self._live)
        return ids, self._graph_distances(settings, dists)

    @staticmethod
    def _graph_distances(settings: IndexSettings, dists: FloatArray) -> FloatArray:
        # hnswlib's inner-product distance is 1 - a·b; Weaviate's dot distance is -a·b.
        return dists - np.float32(1.0) if settings.distance == "dot" else dists

    @staticmethod
    def _post_filtered(store: _GraphStore, q: FloatArray, k: int, ef: int, candidates: BitMap, want: int,
                       n_live: int) -> tuple[IdArray, FloatArray] | None:
        """The k nearest allowed ids from an unfiltered walk for ``want`` neighbours, dropping the others in
        one pass; widened while too few pass. None when that would take a walk wider than MAX_FILTERED_EF."""
        while want <= MAX_FILTERED_EF:
            ids, dists = store.knn(q, want, max(ef, want), None)
            keep = []
            for j, label in enumerate(ids.tolist()):
                if label in candidates:
                    keep.append(j)
                    if len(keep) == k:
                        return ids[keep], dists[keep]
            if want == n_live:
                break
            want = min(n_live, want * 2)
        return None

    @staticmethod
    def _callback_filtered(store: _GraphStore, q: FloatArray, k: int, ef: int, candidates: BitMap,
                           n_live: int) -> tuple[IdArray, FloatArray]:
        """hnswlib's own filtered walk, which asks the allow-list about every node it passes: for filters
        whose allowed ids lie away from the query, where a plain walk finds too few of them."""
        # The walk passes through excluded nodes too; a wider beam keeps recall up as the filter tightens.
        widened = math.ceil(ef * n_live / len(candidates))
        return store.knn(q, k, max(ef, min(widened, n_live, MAX_FILTERED_EF)), candidates.__contains__)

    def distances(self, query: npt.ArrayLike, ids: npt.ArrayLike) -> FloatArray:
        """Exact Weaviate distance from ``query`` to each id's vector; +inf for an id without a vector."""
        id_arr = np.asarray(ids).reshape(-1)
        with self._lock.shared():
            self._check_open()
            out = np.full(len(id_arr), np.inf, dtype=np.float32)
            if self._store is None or not len(id_arr):
                return out
            q = self._query(query)
            present = np.array([self._is_live(i) for i in id_arr], dtype=bool)
            if present.any():
                found = id_arr[present].astype(np.uint64)
                dists = _blockwise(self._settings.distance, q, found, self._vectors)
                out[present] = np.where(np.isnan(dists), np.float32(np.inf), dists)
            return out

    def _is_live(self, doc_id: Any) -> bool:
        return 0 <= int(doc_id) <= MAX_DOC_ID and int(doc_id) in self._live

    def get(self, ids: npt.ArrayLike) -> FloatArray:
        """The stored vectors, one row per id (unit length for a cosine graph). KeyError for an unknown id."""
        id_arr = np.asarray(ids).reshape(-1)
        with self._lock.shared():
            self._check_open()
            missing = [int(i) for i in id_arr if not self._is_live(i)]
            if missing:
                raise KeyError(f"no vector {self.name or 'default'!r} for doc ids {missing[:10]}"
                               + (f" and {len(missing) - 10} more" if len(missing) > 10 else ""))
            if self._store is None or not len(id_arr):
                return np.empty((0, self._dim or 0), dtype=np.float32)
            return self._store.vectors(id_arr.astype(np.uint64))

    # -- snapshots -----------------------------------------------------------------------------------------

    def save(self, seq: int) -> None:
        """Write a snapshot covering change-log entries up to ``seq``. Searches may go on meanwhile."""
        if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0:
            raise ValueError(f"seq must be a non-negative integer, got {seq!r}")
        with self._save_lock, self._lock.shared():
            self._check_open()
            self.directory.mkdir(parents=True, exist_ok=True)
            store = self._store
            meta: dict[str, Any] = {
                "format": SNAPSHOT_FORMAT,
                "seq": seq,
                "count": len(self._live),
                "dim": self._dim or 0,
                "type": self._settings.index_type,
                "distance": self._settings.distance,
                "space": self._settings.space,
                "max_elements": store.capacity if store is not None else 0,
                "live_sha256": None,
            }
            write = self._write_atomically
            if isinstance(store, _GraphStore):
                meta["sha256"] = write(self.bin_path, lambda tmp: store.index.save_index(str(tmp)))
                live_bytes = self._live.serialize()
                meta["live_sha256"] = write(self.live_path, lambda tmp: tmp.write_bytes(live_bytes))
            elif isinstance(store, _FlatStore):
                ids, vectors = store.live_rows()
                meta["sha256"] = write(self.bin_path, lambda tmp: _write_npz(tmp, ids, vectors))
            else:
                meta["sha256"] = write(self.bin_path, lambda tmp: tmp.write_bytes(b""))
            body = json.dumps(meta, sort_keys=True).encode()
            self._write_atomically(self.meta_path, lambda tmp: tmp.write_bytes(body))
            self.snapshot_seq = seq
            log.debug("saved %s vector index %r: %d vectors at seq %d",
                      meta["type"], self.name, meta["count"], seq)

    def _write_atomically(self, target: Path, write: Callable[[Path], object]) -> str:
        """Write via a temp file in the same directory, fsync, rename over ``target``; return its sha256."""
        fd, tmp_name = tempfile.mkstemp(dir=self.directory, prefix=f".{self._stem}.", suffix=".tmp")
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            write(tmp)
            os.chmod(tmp, 0o644)  # mkstemp makes 0600; snapshots are ordinary data files
            with open(tmp, "rb+") as f:
                digest = hashlib.file_digest(f, "sha256").hexdigest()
                os.fsync(f.fileno())
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        fsync_dir(self.directory)
        return digest

    def load(self) -> bool:
        """Replace the contents with the saved snapshot. False, logged, and an empty index when there is none
        or it is damaged or was written for another configuration."""
        with self._save_lock, self._lock.exclusive():
            self._check_open()
            self._reset()
            self._remove_stale_temp_files()
            if not self.meta_path.exists():
                # Normal for an index never saved yet; the caller fills it from the store and says so then.
                log.debug("vector index %r in %s has no snapshot yet", self.name, self.directory)
                return False
            try:
                self.snapshot_seq = self._load_snapshot()
            except (_SnapshotError, OSError, ValueError, RuntimeError, KeyError, TypeError) as err:
                log.warning("ignoring the snapshot of vector index %r in %s: %s",
                            self.name, self.directory, err)
                self._reset()
                return False
            log.debug("loaded vector index %r: %d vectors at seq %d",
                      self.name, len(self._live), self.snapshot_seq)
            return True

    def _reset(self) -> None:
        self._scans.clear()
        self._store = None
        self._dim = None
        self._live = BitMap()
        self.snapshot_seq = 0

    def _remove_stale_temp_files(self) -> None:
        if not self.directory.is_dir():
            return
        for leftover in self.directory.glob(f".{self._stem}.*.tmp"):
            log.debug("removing %s left by an interrupted snapshot", leftover)
            leftover.unlink(missing_ok=True)

    def _load_snapshot(self) -> int:
        meta = json.loads(self.meta_path.read_text())
        if not isinstance(meta, dict):
            raise _SnapshotError("the sidecar is not a JSON object")
        expected = {"format": SNAPSHOT_FORMAT, "type": self._settings.index_type,
                    "distance": self._settings.distance, "space": self._settings.space}
        for key, want in expected.items():
            if meta.get(key) != want:
                raise _SnapshotError(f"it was written with {key}={meta.get(key)!r}, the index has {want!r}")
        seq, count, dim = meta["seq"], meta["count"], meta["dim"]
        for key, value in (("seq", seq), ("count", count), ("dim", dim)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise _SnapshotError(f"the sidecar's {key} is {value!r}")
        if not self.bin_path.exists():
            raise _SnapshotError(f"{self.bin_path.name} is missing")
        if dim == 0:
            if count or _sha256(self.bin_path) != meta["sha256"]:
                raise _SnapshotError("the empty snapshot does not match its sidecar")
            return seq
        if self._settings.uses_graph:
            self._load_graph(meta, dim, count)
        else:
            self._load_flat(meta, dim, count)
        self._dim = dim
        return seq

    def _load_graph(self, meta: dict, dim: int, count: int) -> None:
        if _sha256(self.bin_path) != meta["sha256"]:
            raise _SnapshotError(f"the checksum of {self.bin_path.name} does not match")
        live_bytes = self.live_path.read_bytes()
        if hashlib.sha256(live_bytes).hexdigest() != meta["live_sha256"]:
            raise _SnapshotError(f"the checksum of {self.live_path.name} does not match")
        live = BitMap.deserialize(live_bytes)
        if len(live) != count:
            raise _SnapshotError(f"the live id list holds {len(live)} ids, the sidecar says {count}")
        index = hnswlib.Index(space=self._settings.space, dim=dim)
        index.load_index(str(self.bin_path), allow_replace_deleted=True)
        if index.dim != dim or index.element_count < count:
            raise _SnapshotError(f"the graph holds {index.element_count} vectors of length {index.dim}, "
                                 f"the sidecar says {count} of length {dim}")
        if not live.issubset(BitMap(index.get_ids_list())):
            raise _SnapshotError("the live id list names ids the graph does not hold")
        self._store = _GraphStore(index, deleted=index.element_count - count)
        self._live = live

    def _load_flat(self, meta: dict, dim: int, count: int) -> None:
        raw = self.bin_path.read_bytes()
        if hashlib.sha256(raw).hexdigest() != meta["sha256"]:
            raise _SnapshotError(f"the checksum of {self.bin_path.name} does not match")
        with np.load(io.BytesIO(raw), allow_pickle=False) as data:
            ids = np.asarray(data["ids"], dtype=np.uint64)
            vectors = np.asarray(data["vectors"], dtype=np.float32)
        if ids.shape != (count,) or vectors.shape != (count, dim):
            raise _SnapshotError(f"it holds ids {ids.shape} and vectors {vectors.shape}, "
                                 f"the sidecar says {count} of length {dim}")
        if count and (ids.max() > MAX_DOC_ID or len(np.unique(ids)) != count):
            raise _SnapshotError("its doc ids are out of range or repeated")
        store = _FlatStore(dim, max(INITIAL_CAPACITY, count))
        store.upsert(ids, vectors)
        self._store = store
        self._live = BitMap(ids)
