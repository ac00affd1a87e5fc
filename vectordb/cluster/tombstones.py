"""The deletions a shard replica has seen: object id -> the coordinator's deletion time (ms).

A replica that missed a deletion (its node was away, or the call failed) still holds the object; without a record
of the deletion, read repair and catch-up could not tell "deleted elsewhere" from "never written elsewhere" and
would copy the object back. With it, a version last written before a deletion the replicas know of is gone, and a
version written after it (the object made again) wins. A tombstone is kept in its own LMDB beside the replica's
store and written (synced) before the object is deleted, so a crash between the two leaves it deleted.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import lmdb

from storage.kv import KV, pack, unpack

_DB = "tombstones"
MAP_SIZE = 64 << 20


class Tombstones:
    def __init__(self, path: Path) -> None:
        self.kv = KV(path, map_size=MAP_SIZE)
        self.kv.open_dbs([_DB])
        self._db = self.kv.db(_DB)

    def record(self, deleted: dict[str, int]) -> None:
        """Keep each id's deletion time, the later one when an id already has a tombstone."""
        if not deleted:
            return

        def put(txn: lmdb.Transaction) -> None:
            for object_id, t in deleted.items():
                key = object_id.encode()
                held = txn.get(key, db=self._db)
                if held is None or unpack(held) < t:
                    txn.put(key, pack(t), db=self._db)

        self.kv.write(put)

    def forget(self, ids: Iterable[str], written_at: dict[str, int]) -> None:
        """Drop the tombstones older than the versions just written (the objects were made again)."""
        def drop(txn: lmdb.Transaction) -> None:
            for object_id in ids:
                key = object_id.encode()
                held = txn.get(key, db=self._db)
                if held is not None and unpack(held) < written_at[object_id]:
                    txn.delete(key, db=self._db)

        self.kv.write(drop)

    def of(self, ids: Iterable[str]) -> dict[str, int]:
        with self.kv.read() as txn:
            found = ((i, txn.get(i.encode(), db=self._db)) for i in ids)
            return {i: unpack(raw) for i, raw in found if raw is not None}

    def all(self) -> dict[str, int]:
        with self.kv.read() as txn:
            return {bytes(k).decode(): unpack(v) for k, v in txn.cursor(db=self._db)}

    def close(self) -> None:
        self.kv.close()
