"""Bitmaps computed from one LMDB snapshot, kept until the next commit.

A range filter such as `bucket < 50` unions the postings of every value below 50: on a 100k-object class that
is dozens of bitmaps to read and merge, and a query stream repeating the filter paid it per query. LMDB gives
every committed snapshot a transaction id, so an answer computed in a read transaction stays exact for every
later read transaction with the same id. Write transactions are never cached: their id is the one the
commit would get, and an abort would leave a wrong answer under it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any

from pyroaring import BitMap

# Distinct filters kept per snapshot; each entry is one roaring bitmap (at most an eighth of a byte per object).
MAX_ENTRIES = 64


class SnapshotCache:
    """Answers (bitmaps) by key, valid for the newest LMDB snapshot that asked."""

    def __init__(self, env: Any, max_entries: int = MAX_ENTRIES) -> None:
        self._env = env
        self._max = max_entries
        self._lock = threading.Lock()
        self._snapshot = -1
        self._entries: dict[Hashable, BitMap] = {}

    def get(self, txn: Any, key: Hashable, compute: Callable[[], BitMap]) -> BitMap:
        """The cached answer for ``key`` in ``txn``'s snapshot, or compute() (cached when it may be).

        The caller gets its own copy, free to change."""
        snapshot = txn.id()
        if snapshot > self._env.info()["last_txnid"]:
            return compute()  # a write transaction: its changes may still be aborted
        with self._lock:
            if snapshot == self._snapshot:
                found = self._entries.get(key)
                if found is not None:
                    return BitMap(found)
        answer = compute()
        with self._lock:
            if snapshot > self._snapshot:
                self._snapshot = snapshot
                self._entries = {}
            if snapshot == self._snapshot and len(self._entries) < self._max:
                self._entries[key] = BitMap(answer)
        return answer
