"""The vectors of recent exact-scan allow-lists, so a filter that repeats does not read them again.

An exact scan reads every allowed vector from LMDB (about as long per row as a graph walk spends per unit of
its width). Queries often repeat a filter (one category, one owner), so the rows of the last few allow-lists
are kept, within a byte budget far below the vectors themselves. Any change to the index empties the cache:
the entries are never older than the index they were read for.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np
import numpy.typing as npt
from pyroaring import FrozenBitMap

# Bytes of vectors kept in all, and the most an allow-list may take (a bigger one is read every time).
MAX_BYTES = 16 << 20


class ScanCache:
    """Allow-list -> (ids, vectors) of its rows, least recently used dropped first."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._entries: OrderedDict[FrozenBitMap, tuple[npt.NDArray[np.uint64], npt.NDArray[np.float32]]]
        self._entries = OrderedDict()
        self._bytes = 0

    def get(self, key: FrozenBitMap) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.float32]] | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: FrozenBitMap, ids: npt.NDArray[np.uint64], vectors: npt.NDArray[np.float32]) -> None:
        size = vectors.nbytes + ids.nbytes
        if size > self.max_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old[0].nbytes + old[1].nbytes
            while self._entries and self._bytes + size > self.max_bytes:
                _key, (old_ids, old_vectors) = self._entries.popitem(last=False)
                self._bytes -= old_ids.nbytes + old_vectors.nbytes
            self._entries[key] = (ids, vectors)
            self._bytes += size

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0
