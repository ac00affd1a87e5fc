"""Putting a batch's new vectors into the vector indexes while its LMDB transaction is still being written.

hnswlib's add_items releases the GIL and uses every core, and the transaction is Python work: run one after
the other, an import waits for both; run side by side, mostly for the index. Only objects new to the store are
indexed early: should the transaction fail, taking their doc ids out of the indexes again restores the state
before the batch (a replaced vector would have to be put back instead, so those wait for the commit).

A search meanwhile may meet a new doc id whose object is not committed yet; it skips it, as it skips an object
deleted between the store and the index.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import numpy as np

from storage.hnsw import VectorIndex

if TYPE_CHECKING:
    from vectordb.collection import Collection, Write

# Below this many new vectors a thread costs more than the overlap gains (and one-object writes stay lean).
MIN_EARLY = 64


class EarlyIndexing:
    """One batch's early index job: start() once the doc ids are known, finish() before the transaction
    commits, undo() when it does not."""

    def __init__(self, coll: Collection) -> None:
        self.coll = coll
        self.count = 0  # vector changes applied early
        self._docids: list[int] = []
        self._covered: set[int] = set()  # id() of the writes indexed early
        self._names: set[str] = set()  # the vector names whose indexes the job filled
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def start(self, fresh: list[Write]) -> None:
        """Index the vectors of `fresh` (objects new to the store, doc ids assigned) in the background."""
        docids = [w.stored["docId"] for w in fresh]  # type: ignore[index]
        if self._thread is not None:
            if docids == self._docids:
                return  # the transaction is being retried (a grown map): the job already covers it
            self.undo()
        jobs: list[tuple[str, VectorIndex, np.ndarray, np.ndarray]] = []
        for name, index in self.coll.indexes.items():
            if not isinstance(index, VectorIndex):
                # A compressed index may train inside upsert on vectors it reads from LMDB, where this batch's
                # are not committed yet: it takes them after the commit.
                continue
            given = [(w.stored["docId"], v) for w in fresh if (v := w.vectors.get(name)) is not None]  # type: ignore[index]
            if given:
                ids = np.array([docid for docid, _ in given], dtype=np.uint64)
                jobs.append((name, index, ids, np.stack([v for _, v in given])))
        count = sum(len(ids) for _, _, ids, _ in jobs)
        if count < MIN_EARLY:
            return
        self._docids, self._error, self.count = docids, None, count
        self._covered = {id(w) for w in fresh}
        self._names = {name for name, _, _, _ in jobs}

        def run() -> None:
            try:
                for _, index, ids, vectors in jobs:
                    index.upsert(ids, vectors)
            except BaseException as exc:  # handed to finish(), in the committing thread
                self._error = exc

        self._thread = threading.Thread(target=run, name=f"index-{self.coll.name}", daemon=True)
        self._thread.start()

    def finish(self) -> None:
        if self._thread is not None:
            self._thread.join()
            if self._error is not None:
                raise self._error

    def undo(self) -> None:
        if self._thread is None:
            return
        self._thread.join()
        for index in self.coll.indexes.values():
            index.delete(self._docids)
        self._thread, self._docids, self._covered, self._names, self.count = None, [], set(), set(), 0

    def covers(self, w: Write, name: str) -> bool:
        """Whether the job put w's vector `name` into its index."""
        return id(w) in self._covered and name in self._names
