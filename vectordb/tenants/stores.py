"""The open tenant stores of the process: opened on demand, the least recently used closed first.

Each open store holds an LMDB environment (two file descriptors, a map) and its vector indexes in memory, so
10,000 tenants can only be served by keeping a bounded number open. A store is used under a lease; a store in
use is never closed, so the limit can be passed for as long as more stores than that are busy at once.
"""

from __future__ import annotations

import logging
import resource
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from storage.objects import count_closed
from vectordb.collection import Collection

log = logging.getLogger(__name__)

Key = tuple[str, str]  # (class, tenant)
# File descriptors one open store takes: LMDB's data and lock files, and one the vector index files may hold
# while they are read or written.
FDS_PER_STORE = 3
# Descriptors left to everything else: sockets, single-tenant collections, module clients, logs.
FDS_RESERVED = 512
# A store closed with fewer changes than this since its vector indexes' snapshots saves none: replaying them (or
# rebuilding a small tenant's index) at its next open costs less than writing and syncing the index files now,
# in the request that made room for another store.
SNAPSHOT_AT_CLOSE = 10_000


def store_limit(configured: int) -> int:
    """The configured number of open stores, lowered so the process's file limit is never reached."""
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return configured
    fits = max(1, (soft - FDS_RESERVED) // FDS_PER_STORE)
    if fits < configured:
        log.warning("keeping at most %d tenant stores open, not %d: the file limit (ulimit -n) is %d",
                    fits, configured, soft)
    return min(configured, fits)


@dataclass
class _Entry:
    store: Collection
    users: int = 0
    # Set when the store must close (its tenant went cold or was deleted) while it is still in use.
    retired: bool = False
    # False once the store's data is being thrown away: no snapshot at close, and never reused.
    keep: bool = True
    after_close: Callable[[], None] | None = None


class OpenStores:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        # Opens, closes and the bookkeeping run under one lock: py-lmdb must never see one environment opened
        # twice, and a store must never be closed while a lease is being taken on it.
        self._lock = threading.RLock()
        self._open: OrderedDict[Key, _Entry] = OrderedDict()
        self._retired: list[_Entry] = []

    def __len__(self) -> int:
        return len(self._open)

    @contextmanager
    def lease(self, key: Key, opener: Callable[[], Collection]) -> Iterator[Collection]:
        entry = self._acquire(key, opener)
        assert entry is not None  # an opener is given, so the store is open now
        try:
            yield entry.store
        finally:
            self._release(entry)

    @contextmanager
    def lease_if_open(self, key: Key) -> Iterator[Collection | None]:
        entry = self._acquire(key, None)
        try:
            yield None if entry is None else entry.store
        finally:
            if entry is not None:
                self._release(entry)

    def _acquire(self, key: Key, opener: Callable[[], Collection] | None) -> _Entry | None:
        with self._lock:
            entry = self._open.get(key)
            if entry is None:
                entry = None if opener is None else self._revive(key)
                if entry is None:
                    if opener is None:
                        return None
                    entry = _Entry(opener())
                self._open[key] = entry
            else:
                self._open.move_to_end(key)
            entry.users += 1
            self._trim()
            return entry

    def _release(self, entry: _Entry) -> None:
        with self._lock:
            entry.users -= 1
            if entry.retired:
                if not entry.users:
                    self._retired.remove(entry)
                    self._close(entry)
            else:
                self._trim()

    def _revive(self, key: Key) -> _Entry | None:
        """A store retired for going cold but still in use, wanted again: it is still open, so reuse it."""
        for entry in self._retired:
            if entry.keep and (entry.store.name, entry.store.tenant) == key:
                self._retired.remove(entry)
                entry.retired = False
                return entry
        return None

    def count(self, key: Key, lmdb_dir: Path) -> int:
        """The objects in the store of `key`, open or not: a closed one is read in place, not opened (the
        lock keeps it from being opened meanwhile)."""
        with self._lock:
            # one that went cold is still open while it is in use
            entry = self._open.get(key) or next(
                (e for e in self._retired if e.keep and (e.store.name, e.store.tenant) == key), None)
            if entry is None:
                return count_closed(lmdb_dir) if (lmdb_dir / "data.mdb").exists() else 0
            entry.users += 1
        try:
            return entry.store.count()
        finally:
            self._release(entry)

    def open_stores(self, class_name: str) -> list[Key]:
        with self._lock:
            return [key for key in self._open if key[0] == class_name]

    def retire(self, key: Key, *, keep: bool = True, after_close: Callable[[], None] | None = None) -> None:
        """Close the store of `key` now, or when its last lease ends; then run `after_close` (removing files).
        keep=False: its data is being thrown away, so no snapshot is saved."""
        with self._lock:
            entry = self._open.pop(key, None)
            if entry is None:
                if after_close is not None:
                    after_close()
                return
            entry.keep, entry.after_close = keep, after_close
            if entry.users:
                entry.retired = True
                self._retired.append(entry)
            else:
                self._close(entry)

    def _trim(self) -> None:
        if len(self._open) <= self.limit:
            return
        for key in [k for k, e in self._open.items() if not e.users]:
            if len(self._open) <= self.limit:
                break
            self._close(self._open.pop(key))

    def _close(self, entry: _Entry) -> None:
        try:
            entry.store.close(snapshot=entry.keep and _backlog(entry.store) >= SNAPSHOT_AT_CLOSE)
        except Exception:
            log.exception("saving the vector indexes of %s/%s failed; the change log still covers them",
                          entry.store.name, entry.store.tenant)
            entry.store.close(snapshot=False)
        if entry.after_close is not None:
            entry.after_close()

    def snapshot(self, interval_seconds: float) -> None:
        for key in list(self._open):
            with self.lease_if_open(key) as store:
                if store is not None:
                    try:
                        store.maybe_snapshot(interval_seconds)
                    except Exception:
                        log.exception("snapshot of %s/%s failed; the change log still covers it", *key)

    def close(self) -> None:
        with self._lock:
            while self._open:
                self._close(self._open.popitem(last=False)[1])
            for entry in self._retired:
                self._close(entry)
            self._retired.clear()


def _backlog(store: Collection) -> int:
    """Changes in the store's log that its vector indexes' snapshots do not cover."""
    with store.reading() as txn:
        seq = store.store.last_seq(txn)
    return seq - min((index.snapshot_seq for index in store.indexes.values()), default=seq)
