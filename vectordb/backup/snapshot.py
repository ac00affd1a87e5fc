"""A consistent copy of one collection while writes and queries go on.

Under the collection's write lock, for a moment: the files beside the LMDB store (vector index snapshots,
each recording the change-log position it covers) are hard-linked, and a read transaction is begun. Snapshots
are replaced by rename, never rewritten in place, so the links keep the files as they were; the snapshot code
only drops change-log entries under the same lock, so the transaction still holds every entry after each
snapshot's position. Then, without the lock, the store is copied as that transaction sees it. Restored, the
indexes replay the change log from their positions, and the copy holds exactly the writes acknowledged before
the transaction began.
"""

from __future__ import annotations

import os
import shutil
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vectordb.collection import Collection

STORE_DIR = "lmdb"


@dataclass
class Frozen:
    """A collection held at one point: its side files linked into `staging`, a read transaction open."""

    name: str
    staging: Path
    coll: Collection
    txn: Any
    _open: ExitStack = field(default_factory=ExitStack)

    def copy_store(self) -> None:
        """Write the store as the transaction sees it, then end the transaction."""
        try:
            self.coll.kv.copy(self.staging / STORE_DIR, self.txn)
        finally:
            self.release()

    def release(self) -> None:
        self._open.close()


def freeze(coll: Collection, staging: Path) -> Frozen:
    staging.mkdir(parents=True)
    stack = ExitStack()
    try:
        with coll.write_lock:
            _link_tree(coll.path, staging, skip=coll.kv.path)
            txn = stack.enter_context(coll.reading())
    except BaseException:
        stack.close()
        raise
    return Frozen(coll.name, staging, coll, txn, stack)


def _link_tree(source: Path, target: Path, *, skip: Path) -> None:
    """Hard-link every file under `source` but those under `skip` and hidden (temporary) ones."""
    for folder, dirs, files in os.walk(source):
        here = Path(folder)
        dirs[:] = [d for d in dirs if not d.startswith(".") and here / d != skip]
        into = target / here.relative_to(source)
        into.mkdir(parents=True, exist_ok=True)
        for name in files:
            if name.startswith("."):
                continue
            try:
                os.link(here / name, into / name)
            except OSError:  # another file system, or links refused: a copy, still under the lock
                shutil.copy2(here / name, into / name)
