"""The index of one named vector whose config enables pq, sq or bq: compressed codes in memory, full vectors
read back from LMDB to rescore.

It keeps the interface of storage.hnsw.VectorIndex. As in Weaviate, a pq or sq index stays an ordinary
(uncompressed, hnswlib) index until ``trainingLimit`` vectors exist; then its codes are trained on the vectors
stored so far and the float graph is dropped. bq needs no training and compresses from the first vector.

Training, and every later rebuild of the codes (tombstone compaction, a pq graph relinked from the full
vectors), runs on a background thread: the write that reaches the limit returns at once, and searches and
writes go on against the current index meanwhile. The thread reads the vectors from the store (LMDB, the
source of truth), then takes again from the store every vector written or deleted since it began, and swaps
the new codes in under the exclusive lock once it has caught up. Nothing on disk changes at the swap: the last
snapshot (floats or codes) and the change log still describe every acknowledged write, so a kill -9 at any
moment reopens to the same vectors; the next snapshot writes the codes.

faiss graphs cannot remove a vector, so a position whose vector was deleted or replaced becomes a tombstone
that an id selector hides from every search; the codes are rebuilt from LMDB once tombstones outnumber the
live vectors. Snapshots follow the hnswlib index's rules (checksummed files, a JSON sidecar written last, the
change-log seq they cover); the uncompressed phase writes the hnswlib index's own snapshot files.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import math
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import faiss
import numpy as np
import numpy.typing as npt
from pyroaring import BitMap

from storage.compression import Compression
from storage.errors import StorageError
from storage.hnsw import (
    MAX_DOC_ID,
    MAX_FILTERED_EF,
    FloatArray,
    IdArray,
    IndexSettings,
    VectorIndex,
    _bitmap_array,
    _empty,
    _sha256,
    _top_k,
    exact_distances,
    query_vector,
    search_args,
)
from storage.locks import RWLock
from storage.vector_index import Fetch

log = logging.getLogger(__name__)

# One OpenMP thread: a query is one vector, so faiss's threads would only spin against the server's own.
faiss.omp_set_num_threads(1)

CODES_FORMAT = 1
_DEAD = -1
# Tombstones tolerated before the codes are rebuilt: at least this many, and at least the live count.
_MIN_COMPACT = 1024
# A pq graph is relinked from the full vectors each time it has doubled since it was last linked.
_RELINK_GROWTH = 2
_FILL_BLOCK = 16384
_MAX_SAMPLE = 32768
_SAMPLER = np.random.default_rng(0)
# A background build swaps its codes in once the vectors changed since it began are this few: they are taken
# under the exclusive lock, so that searches and writes wait only for them.
_CATCH_UP_IN_LOCK = 2048


def _plain_config(config: dict) -> dict:
    """The config for the uncompressed phase: the same graph, no compression."""
    return {k: v for k, v in config.items() if k not in ("pq", "sq", "bq", "rq")}


class _Codes:
    """A faiss index of codes, its position -> doc id table and the tombstones among the positions."""

    def __init__(self, compression: Compression, index: Any, docs: npt.NDArray[np.int64]) -> None:
        self.compression = compression
        self.index = index
        self.docs = docs  # doc id at each position, _DEAD for a tombstone
        self.pos_of = {int(d): p for p, d in enumerate(docs.tolist()) if d != _DEAD}
        self.live = BitMap(self.pos_of)
        self.dead = len(docs) - len(self.pos_of)
        self.linked = len(docs)  # positions when the graph was last linked from full vectors (see fill)

    def add(self, ids: IdArray, vectors: FloatArray) -> None:
        """Encode vectors; rows without a stored vector (NaN, see Fetch) are left out."""
        stored = np.isfinite(vectors).all(axis=1)
        if not stored.all():
            ids, vectors = ids[stored], vectors[stored]
        for doc in ids.tolist():
            old = self.pos_of.pop(doc, None)
            if old is not None:
                self.docs[old] = _DEAD
                self.dead += 1
        start = len(self.docs)
        self.index.add(self.compression.encode(vectors))
        self.docs = np.concatenate([self.docs, ids.astype(np.int64)])
        self.pos_of.update((doc, start + j) for j, doc in enumerate(ids.tolist()))
        self.live |= BitMap(ids)

    def fill(self, ids: IdArray, read: Callable[[IdArray], FloatArray], max_connections: int,
             ef_construction: int) -> None:
        """Add the vectors of an empty index, read in blocks. A pq graph is linked through a transient 8-bit
        copy instead: faiss would pick each node's neighbours by distances between pq codes, which loses a
        tenth to a fifth of the recall at the default ef."""
        builder = None
        for start in range(0, len(ids), _FILL_BLOCK):
            chunk = ids[start:start + _FILL_BLOCK]
            vectors = read(chunk)
            if self.compression.kind != "pq":
                self.add(chunk, vectors)
                continue
            stored = np.isfinite(vectors).all(axis=1)
            chunk, encoded = chunk[stored], self.compression.encode(vectors[stored])
            if not len(chunk):
                continue
            if builder is None:
                builder = faiss.IndexHNSWSQ(encoded.shape[1], faiss.ScalarQuantizer.QT_8bit, max_connections,
                                            self.index.metric_type)
                builder.hnsw.efConstruction = ef_construction
                builder.train(encoded)
            builder.add(encoded)
            self.index.storage.add(encoded)
            self.docs = np.concatenate([self.docs, chunk.astype(np.int64)])
        if builder is not None:
            self.index = _graph_over(builder, self.index)
            self.pos_of = {doc: p for p, doc in enumerate(self.docs.tolist())}
            self.live = BitMap(self.pos_of)
        self.linked = len(self.docs)

    def delete(self, ids: BitMap) -> None:
        for doc in ids:
            pos = self.pos_of.pop(doc)
            self.docs[pos] = _DEAD
            self.dead += 1
        self.live -= ids

    def empty_like(self, dim: int, max_connections: int, ef_construction: int) -> Any:
        """An index with the same trained quantizer and no vectors (its parameters copied, not the whole
        index cloned: a clone would copy every code and link first)."""
        fresh = self.compression.new_index(dim, max_connections, ef_construction)
        if self.compression.kind in ("sq", "pq"):
            old, new = faiss.downcast_index(self.index.storage), faiss.downcast_index(fresh.storage)
            if self.compression.kind == "sq":
                new.sq.trained = old.sq.trained
            else:
                new.pq.centroids = old.pq.centroids
                new.pq.compute_sdc_table()  # what faiss's own training leaves: linking new codes reads it
            new.is_trained = fresh.is_trained = True
        return fresh

    def selector(self, allowed: IdArray | None) -> tuple[Any, np.ndarray] | None:
        """An id selector over positions (and the bitmap it reads, to keep alive), None when all pass."""
        if allowed is None and not self.dead:
            return None
        mask = self.docs != _DEAD
        if allowed is not None:
            mask &= np.isin(self.docs, allowed.astype(np.int64))
        bits = np.packbits(mask, bitorder="little")
        return faiss.IDSelectorBitmap(len(mask), faiss.swig_ptr(bits)), bits

    def search(self, query: np.ndarray, n: int, ef: int, allowed: IdArray | None,
               scan: bool) -> tuple[IdArray, FloatArray]:
        """Up to n doc ids by compressed score, best first. ``scan`` compares every allowed code (exact over
        the codes) instead of walking the graph."""
        if scan and allowed is not None and self.compression.kind == "pq":
            return self._scan_pq(query, n, allowed)
        chosen = self.selector(allowed)
        sel = None if chosen is None else chosen[0]
        target = self.index
        if scan or self.compression.flat:
            if not self.compression.flat:
                target = self.index.storage
            params = faiss.SearchParameters(sel=sel)
        else:
            params = faiss.SearchParametersHNSW(sel=sel, efSearch=max(ef, n))
        scores, positions = target.search(query[None, :], n, params=params)
        positions = positions[0]
        keep = positions >= 0
        docs = self.docs[positions[keep]]
        return docs.astype(np.uint64), scores[0][keep].astype(np.float32)

    def _scan_pq(self, query: np.ndarray, n: int, allowed: IdArray) -> tuple[IdArray, FloatArray]:
        # faiss's flat PQ search takes no id selector: decode the allowed codes and score them here.
        storage = faiss.downcast_index(self.index.storage)
        width = storage.sa_code_size()
        all_codes = faiss.rev_swig_ptr(storage.codes.data(), storage.ntotal * width).reshape(-1, width)
        positions = np.flatnonzero(np.isin(self.docs, allowed.astype(np.int64)))
        decoded = storage.sa_decode(np.ascontiguousarray(all_codes[positions]))
        if self.compression.distance == "l2-squared":
            diff = decoded - query
            order_key = np.einsum("ij,ij->i", diff, diff)
        else:
            order_key = -(decoded @ query)
        best = np.argsort(order_key, kind="stable")[:n]
        raw = order_key[best] if self.compression.distance == "l2-squared" else -order_key[best]
        return self.docs[positions[best]].astype(np.uint64), raw.astype(np.float32)

    def write(self, path: Path) -> None:
        """Write the faiss index to ``path``, straight from its memory (no copy of the codes in between)."""
        if self.compression.binary:
            faiss.write_index_binary(self.index, str(path))
        else:
            faiss.write_index(self.index, str(path))

    @classmethod
    def read(cls, compression: Compression, path: Path, docs: npt.NDArray[np.int64]) -> _Codes:
        index = faiss.read_index_binary(str(path)) if compression.binary else faiss.read_index(str(path))
        if compression.kind == "pq":
            # faiss recomputes the code-to-code table at read only for its own HNSW-PQ type, and the graph
            # here is kept by the 8-bit builder's type (see _graph_over): linking a new code reads the table.
            faiss.downcast_index(index.storage).pq.compute_sdc_table()
        if index.ntotal != len(docs):
            raise ValueError(f"the codes hold {index.ntotal} vectors, the position table {len(docs)}")
        return cls(compression, index, docs)


def _graph_over(builder: Any, codes: Any) -> Any:
    """``builder``'s graph over the pq codes held by ``codes``' storage. The graph is not copied into ``codes``
    (that would hold two of it for a moment); the builder's 8-bit storage is freed and the pq storage moved
    into it instead. faiss searches and serializes an HNSW index through whatever storage it has."""
    eight_bit = faiss.downcast_index(builder.storage)
    pq = faiss.downcast_index(codes.storage)
    codes.own_fields = False  # the storage now belongs to the builder
    builder.own_fields = False
    builder.storage = pq
    builder.own_fields = True
    # freed by an owner made for it: a Python proxy cannot take ownership of it without upsetting SWIG
    owner = faiss.IndexHNSW(eight_bit, 1)
    owner.own_fields = True
    del owner, eight_bit
    return builder


class _Cancelled(Exception):
    """The index was closed while a background build ran."""


class _Build:
    """One background build of the codes: its thread, and the doc ids changed since it took its id list."""

    def __init__(self, ids: IdArray, train_dim: int | None) -> None:
        self.ids = ids  # the live ids when it began; their vectors are read from the store
        self.train_dim = train_dim  # set when it trains the codes (the index still holds floats)
        self.touched = BitMap()  # written or deleted since: read again from the store before the swap
        self.thread: threading.Thread | None = None


class CompressedIndex:
    """VectorIndex's interface over compressed codes; ``fetch`` reads full vectors by doc id (from LMDB)."""

    def __init__(self, directory: Path, name: str, config: dict, fetch: Fetch) -> None:
        self.directory = Path(directory)
        self.name = name
        self._float_config = _plain_config(config)
        self._settings = IndexSettings.from_config(self._float_config)
        self._compression = Compression.from_config(config)
        self._fetch = fetch
        self._lock = RWLock()
        self._save_lock = threading.Lock()
        self._plain = VectorIndex(self.directory, name, self._float_config)
        self._codes: _Codes | None = None
        self._dim: int | None = None
        self._closed = False
        self._seq = 0
        self._failed: str | None = None  # why training failed; tried again after a config change or reopen
        self._build: _Build | None = None  # the background training or rebuild under way

    # -- facts ---------------------------------------------------------------------------------------------

    @property
    def compressed(self) -> bool:
        """True once the vectors are held as codes."""
        return self._codes is not None

    @property
    def compression(self) -> Compression:
        return self._compression

    @property
    def codes_path(self) -> Path:
        return self._plain.bin_path.with_suffix(f".{self._compression.kind}")

    @property
    def positions_path(self) -> Path:
        return self._plain.bin_path.with_suffix(f".{self._compression.kind}-ids")

    @property
    def codes_meta_path(self) -> Path:
        return self._plain.bin_path.with_suffix(f".{self._compression.kind}.json")

    @property
    def snapshot_seq(self) -> int:
        return self._seq if self._codes is not None else self._plain.snapshot_seq

    @property
    def dim(self) -> int | None:
        return self._dim if self._codes is not None else self._plain.dim

    @property
    def distance(self) -> str:
        return self._settings.distance

    @property
    def capacity(self) -> int:
        with self._lock.shared():
            if self._codes is None:
                return self._plain.capacity
            return len(self._codes.docs)

    def __len__(self) -> int:
        with self._lock.shared():
            return len(self._plain) if self._codes is None else len(self._codes.pos_of)

    def live_ids(self) -> BitMap:
        with self._lock.shared():
            return self._plain.live_ids() if self._codes is None else BitMap(self._codes.live)

    def memory(self) -> dict[str, int]:
        """Bytes the vectors take in memory: as codes, or as floats before training."""
        with self._lock.shared():
            n, dim = len(self), self.dim or 0
            if self._codes is None:
                return {"vectors": n * dim * 4, "codes": 0}
            return {"vectors": 0, "codes": len(self._codes.docs) * self._compression.code_bytes(dim)}

    def _full(self, ids: IdArray) -> FloatArray:
        assert self._dim is not None
        return self._fetch(ids, self._dim)

    def _check_open(self) -> None:
        if self._closed:
            raise StorageError(f"the vector index {self.name or 'default'!r} is closed")

    # -- changes -------------------------------------------------------------------------------------------

    def upsert(self, ids: npt.ArrayLike, vectors: npt.ArrayLike) -> None:
        id_arr, vec_arr = self._plain._batch(ids, vectors)
        if not len(id_arr):
            return
        with self._lock.exclusive():
            self._check_open()
            if self._build is not None:
                self._build.touched |= BitMap(id_arr)
            if self._codes is None:
                if not self._compression.training_limit:
                    self._dim = vec_arr.shape[1]
                    self._codes = self._new_codes(None)
                else:
                    self._plain.upsert(id_arr, vec_arr)
                    self._train_if_due_locked()
                    return
            if vec_arr.shape[1] != self._dim:
                raise ValueError(f"vector length {vec_arr.shape[1]} does not match the index's vector length "
                                 f"{self._dim} for vector {self.name or 'default'!r}")
            self._codes.add(id_arr, vec_arr)
            self._compact_if_needed()

    def train_if_due(self) -> None:
        """Start training if enough vectors exist (a snapshot taken before training, then replayed, may hold
        them); ``wait`` waits for it."""
        with self._lock.exclusive():
            self._check_open()
            self._train_if_due_locked()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the background training or rebuilds under way, if any; False if one is still running."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while (build := self._build) is not None and build.thread is not None:
            build.thread.join(None if deadline is None else max(deadline - time.monotonic(), 0))
            if build.thread.is_alive():
                return False
            if self._build is build:  # stopped by close
                return True
        return True

    def _train_if_due_locked(self) -> None:
        limit = self._compression.training_limit
        if self._codes is None and limit and len(self._plain) >= limit and self._failed is None:
            dim = self._plain.dim
            assert dim is not None
            try:
                self._compression.check_length(dim)
            except ValueError as err:
                self._give_up(err)
                return
            self._start_build(_bitmap_array(self._plain.live_ids()), dim)

    def _new_codes(self, sample: FloatArray | None) -> _Codes:
        assert self._dim is not None
        return self._trained_codes(self._dim, sample)

    def _trained_codes(self, dim: int, sample: FloatArray | None) -> _Codes:
        index = self._compression.new_index(dim, self._settings.max_connections, self._settings.ef_construction)
        if sample is not None:
            sample = sample[np.isfinite(sample).all(axis=1)]
            index.train(self._compression.encode(sample))
        return _Codes(self._compression, index, np.empty(0, dtype=np.int64))

    def _start_build(self, ids: IdArray, train_dim: int | None) -> None:
        """Under the exclusive lock: build fresh codes of ``ids`` on a thread (trained first if ``train_dim``)."""
        if self._build is not None:
            return
        build = _Build(ids, train_dim)
        build.thread = threading.Thread(target=self._run_build, args=(build,), daemon=True,
                                        name=f"codes-{self.name or 'default'}")
        self._build = build
        build.thread.start()

    def _run_build(self, build: _Build) -> None:
        try:
            fresh = self._make_codes(build)
            self._catch_up_and_swap(build, fresh)
        except _Cancelled:
            pass
        except (ValueError, RuntimeError) as err:
            with self._lock.exclusive():
                self._build = None
                if build.train_dim is not None and not self._closed:
                    self._give_up(err)
                else:
                    log.exception("vector index %r: rebuilding the codes failed; the current ones stay",
                                  self.name)
        except BaseException:
            with self._lock.exclusive():
                self._build = None
            if not self._closed:
                log.exception("vector index %r: the background build of its codes failed", self.name)

    def _reader(self, dim: int) -> Callable[[IdArray], FloatArray]:
        def read(ids: IdArray) -> FloatArray:
            if self._closed:
                raise _Cancelled
            return self._fetch(ids, dim)

        return read

    def _make_codes(self, build: _Build) -> _Codes:
        """The new codes of the build's ids, read from the store; no lock is held meanwhile."""
        ids = build.ids
        if build.train_dim is not None:
            dim = build.train_dim
            # faiss's k-means takes at most 64 points a centroid (16,384) and SQ's ranges settle far sooner,
            # so a fixed random sample of the stored vectors trains as well as all of them would.
            sample = ids if len(ids) <= _MAX_SAMPLE else np.sort(_SAMPLER.choice(ids, _MAX_SAMPLE, replace=False))
            fresh = self._trained_codes(dim, self._reader(dim)(sample))
        else:
            with self._lock.shared():
                assert self._codes is not None and self._dim is not None
                dim = self._dim
                empty = self._codes.empty_like(dim, self._settings.max_connections, self._settings.ef_construction)
            fresh = _Codes(self._compression, empty, np.empty(0, dtype=np.int64))
        fresh.fill(ids, self._reader(dim), self._settings.max_connections, self._settings.ef_construction)
        return fresh

    def _catch_up_and_swap(self, build: _Build, fresh: _Codes) -> None:
        """Take the vectors changed since the build began from the store, in rounds outside the lock while
        there are many, then the last few and the swap under the exclusive lock."""
        dim = build.train_dim or self._dim
        assert dim is not None
        read = self._reader(dim)
        while True:
            with self._lock.exclusive():
                if self._closed:
                    raise _Cancelled
                touched, build.touched = build.touched, BitMap()
                if len(touched) <= _CATCH_UP_IN_LOCK:
                    _retake(fresh, touched, read)
                    self._swap(build, fresh)
                    return
            _retake(fresh, touched, read)

    def _swap(self, build: _Build, fresh: _Codes) -> None:
        if build.train_dim is not None:
            # The float snapshot on disk still covers the vectors until the next save writes the codes.
            self._seq, self._dim = self._plain.snapshot_seq, build.train_dim
            self._plain.close()
            self._plain = VectorIndex(self.directory, self.name, self._float_config)
            log.info("vector index %r: trained %s codes and compressed %d vectors", self.name,
                     self._compression.kind, len(fresh.pos_of))
        else:
            log.debug("vector index %r: rebuilt its codes (%d positions, %d live)", self.name,
                      len(fresh.docs), len(fresh.pos_of))
        self._codes, self._build = fresh, None
        self._compact_if_needed()  # what came in meanwhile may already call for a relink

    def _give_up(self, err: Exception) -> None:
        # As Weaviate: the index stays uncompressed and says why; writes go on.
        self._failed = str(err)
        log.error("vector index %r: %s compression failed, vectors stay uncompressed: %s",
                  self.name, self._compression.kind, err)

    def _compact_if_needed(self) -> None:
        codes = self._codes
        assert codes is not None
        grown = self._compression.kind == "pq" and len(codes.docs) >= _RELINK_GROWTH * max(codes.linked, 1)
        if codes.dead < max(_MIN_COMPACT, len(codes.pos_of)) and not grown:
            return
        self._start_build(_bitmap_array(codes.live), None)

    def delete(self, ids: Iterable[int]) -> None:
        ids = list(ids)
        with self._lock.exclusive():
            self._check_open()
            if self._build is not None:
                self._build.touched |= BitMap(int(i) for i in ids if 0 <= int(i) <= MAX_DOC_ID)
            if self._codes is None:
                self._plain.delete(ids)
                return
            wanted = BitMap(int(i) for i in ids if 0 <= int(i) <= MAX_DOC_ID)
            gone = wanted & BitMap(self._codes.live)
            if gone:
                self._codes.delete(gone)
                self._compact_if_needed()

    def update_config(self, config: dict) -> None:
        """Apply a changed vectorIndexConfig: search-time fields and the compression's limits."""
        compression = Compression.from_config(config)
        if compression.kind != self._compression.kind:
            # The schema refuses this change (vectordb/schema/update.py); an index is never asked to make it.
            raise ValueError(f"the compression of an existing index cannot change from "
                             f"{self._compression.kind} to {compression.kind}")
        with self._lock.exclusive():
            self._check_open()
            self._float_config = _plain_config(config)
            self._plain.update_config(self._float_config)
            self._settings = IndexSettings.from_config(self._float_config)
            self._compression = compression if self._codes is None else _keep_codes(self._compression, compression)
            self._failed = None
        self.train_if_due()

    def close(self) -> None:
        with self._lock.exclusive():
            self._closed = True
            build = self._build
        if build is not None and build.thread is not None:
            build.thread.join()  # it stops at its next read from the store
        with self._lock.exclusive():
            self._codes = None
            self._plain.close()

    # -- reads ---------------------------------------------------------------------------------------------

    def search(self, query: npt.ArrayLike, k: int, allow: BitMap | None = None,
               ef: int | None = None) -> tuple[IdArray, FloatArray]:
        allow = search_args(k, allow)
        with self._lock.shared():
            self._check_open()
            codes = self._codes
            if codes is None:
                return self._plain.search(query, k, allow=allow, ef=ef)
            if k == 0 or not codes.pos_of:
                return _empty()
            q = self._query(query)
            n_live = len(codes.live)
            allowed, pool = None, n_live
            if allow is not None:
                candidates = allow & codes.live
                if not candidates:
                    return _empty()
                if len(candidates) < n_live:
                    allowed, pool = _bitmap_array(candidates), len(candidates)
            k_eff = min(k, pool)
            search_ef = self._settings.search_ef(k_eff, ef)
            n_codes, n_rescore = self._compression.candidates(k_eff, search_ef)
            scan = allowed is not None and pool < self._settings.flat_search_cutoff
            if allowed is not None and not scan and pool < n_live:
                search_ef = max(search_ef, min(math.ceil(search_ef * n_live / pool), n_live, MAX_FILTERED_EF))
            probe = self._compression.encode(q[None, :])[0]
            ids, raw = codes.search(probe, min(n_codes, pool), search_ef, allowed, scan)
        if n_rescore == 0:
            return ids[:k_eff], self._compression.distances(raw[:k_eff])
        return self._rescore(q, ids[:n_rescore], k_eff)

    def _rescore(self, q: FloatArray, ids: IdArray, k: int) -> tuple[IdArray, FloatArray]:
        vectors = self._full(ids)
        stored = np.isfinite(vectors).all(axis=1)
        if not stored.all():
            ids, vectors = ids[stored], vectors[stored]
        if not len(ids):
            return _empty()
        return _top_k(ids, exact_distances(self._settings.distance, q, vectors), k)

    def _query(self, query: npt.ArrayLike) -> FloatArray:
        return query_vector(query, self._dim, self.name)

    def distances(self, query: npt.ArrayLike, ids: npt.ArrayLike) -> FloatArray:
        """Exact distances from the full vectors; +inf for an id without a vector."""
        id_arr = np.asarray(ids).reshape(-1)
        with self._lock.shared():
            self._check_open()
            if self._codes is None:
                return self._plain.distances(query, ids)
            out = np.full(len(id_arr), np.inf, dtype=np.float32)
            if not len(id_arr):
                return out
            q = self._query(query)
            present = np.array([int(i) in self._codes.pos_of for i in id_arr], dtype=bool)
        if present.any():
            found = id_arr[present].astype(np.uint64)
            dists = exact_distances(self._settings.distance, q, self._full(found))
            out[present] = np.where(np.isnan(dists), np.inf, dists)
        return out

    def get(self, ids: npt.ArrayLike) -> FloatArray:
        """The full vectors (from the store), one row per id. KeyError for an unknown id."""
        id_arr = np.asarray(ids).reshape(-1)
        with self._lock.shared():
            self._check_open()
            if self._codes is None:
                return self._plain.get(ids)
            missing = [int(i) for i in id_arr if int(i) not in self._codes.pos_of]
        vectors = self._full(id_arr.astype(np.uint64))
        missing += [int(i) for i in id_arr[~np.isfinite(vectors).all(axis=1)]]
        if missing:
            raise KeyError(f"no vector {self.name or 'default'!r} for doc ids {sorted(set(missing))[:10]}")
        return vectors

    # -- snapshots -----------------------------------------------------------------------------------------

    def save(self, seq: int) -> None:
        """Write a snapshot covering change-log entries up to ``seq``."""
        with self._save_lock, self._lock.shared():
            self._check_open()
            codes = self._codes
            if codes is None:
                self._plain.save(seq)
                return
            self.directory.mkdir(parents=True, exist_ok=True)
            positions = io.BytesIO()
            np.save(positions, codes.docs, allow_pickle=False)
            write = self._plain._write_atomically
            meta = {
                "format": CODES_FORMAT, "seq": seq, "kind": self._compression.kind,
                "flat": self._compression.flat, "distance": self._settings.distance, "dim": self._dim,
                "count": len(codes.pos_of),
                "sha256": write(self.codes_path, codes.write),
                "ids_sha256": write(self.positions_path, lambda tmp: tmp.write_bytes(positions.getvalue())),
            }
            body = json.dumps(meta, sort_keys=True).encode()
            write(self.codes_meta_path, lambda tmp: tmp.write_bytes(body))
            self._seq = seq
            # The codes now stand for this vector; an older float snapshot must not be loaded instead.
            for stale in (self._plain.meta_path, self._plain.bin_path, self._plain.live_path):
                stale.unlink(missing_ok=True)
            log.debug("saved %s codes of vector index %r: %d vectors at seq %d",
                      self._compression.kind, self.name, meta["count"], seq)

    def load(self) -> bool:
        """Load the saved codes, or else the uncompressed snapshot; False (and empty) when neither is usable."""
        with self._save_lock, self._lock.exclusive():
            self._check_open()
            self._codes, self._dim, self._seq = None, None, 0
            if self.codes_meta_path.exists():
                try:
                    self._load_codes()
                    return True
                except (ValueError, OSError, RuntimeError, KeyError, TypeError) as err:
                    log.warning("ignoring the compressed snapshot of vector index %r in %s: %s",
                                self.name, self.directory, err)
                    self._codes, self._dim, self._seq = None, None, 0
                    return False
        loaded = self._plain.load()
        if loaded and not self._compression.training_limit:
            # bq compresses from the first vector, so a float snapshot here is not its own: rebuild.
            log.warning("vector index %r has a float snapshot but is bq-compressed; rebuilding it", self.name)
            self._plain = VectorIndex(self.directory, self.name, self._float_config)
            return False
        return loaded

    def _load_codes(self) -> None:
        meta = json.loads(self.codes_meta_path.read_text())
        expected = {"format": CODES_FORMAT, "kind": self._compression.kind, "flat": self._compression.flat,
                    "distance": self._settings.distance}
        for key, want in expected.items():
            if meta.get(key) != want:
                raise ValueError(f"it was written with {key}={meta.get(key)!r}, the index has {want!r}")
        if _sha256(self.codes_path) != meta["sha256"]:
            raise ValueError(f"the checksum of {self.codes_path.name} does not match")
        ids_raw = self.positions_path.read_bytes()
        if hashlib.sha256(ids_raw).hexdigest() != meta["ids_sha256"]:
            raise ValueError(f"the checksum of {self.positions_path.name} does not match")
        docs = np.load(io.BytesIO(ids_raw), allow_pickle=False).astype(np.int64)
        # read from the file the checksum was taken of: only the snapshot lock's holder writes it
        codes = _Codes.read(self._compression, self.codes_path, docs)
        if len(codes.pos_of) != meta["count"]:
            raise ValueError(f"the codes hold {len(codes.pos_of)} live vectors, the sidecar says {meta['count']}")
        self._codes, self._dim, self._seq = codes, int(meta["dim"]), int(meta["seq"])
        log.debug("loaded %s codes of vector index %r: %d vectors at seq %d",
                  self._compression.kind, self.name, meta["count"], self._seq)


def _retake(codes: _Codes, ids: BitMap, read: Callable[[IdArray], FloatArray]) -> None:
    """Make ``codes`` hold the store's current vectors of ``ids``: gone where the store has none."""
    if not ids:
        return
    held = ids & codes.live
    if held:
        codes.delete(held)
    arr = _bitmap_array(ids)
    codes.add(arr, read(arr))


def _keep_codes(old: Compression, new: Compression) -> Compression:
    """Trained codes keep their shape; an update changes only the limits read at search time."""
    return Compression(old.kind, old.flat, old.distance, new.training_limit, new.rescore_limit,
                       old.segments, old.centroids)

