"""The LMDB environment: named databases, transactions and the msgpack codec.

One environment per collection directory. Writes are serialised through one writer lock and run as a
function so that a full map can be grown and the whole write retried; LMDB only allows resizing while
no transaction of this process is open, which the readers-writer lock guarantees.
"""

from __future__ import annotations

import logging
import struct
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import lmdb
import msgpack

from storage.locks import RWLock

log = logging.getLogger(__name__)

T = TypeVar("T")

_U64 = struct.Struct(">Q")
DEFAULT_MAP_SIZE = 64 << 20
MAX_DBS = 512


def pack(value: Any) -> bytes:
    return msgpack.packb(value, use_bin_type=True)


def unpack(raw: bytes | memoryview) -> Any:
    return msgpack.unpackb(raw, raw=False, strict_map_key=False)


def u64(n: int) -> bytes:
    """Big-endian so LMDB's byte order is numeric order."""
    return _U64.pack(n)


def from_u64(raw: bytes | memoryview) -> int:
    return _U64.unpack(raw)[0]


class KV:
    """An LMDB environment with lazily created named databases."""

    def __init__(self, path: str | Path, *, map_size: int = DEFAULT_MAP_SIZE, sync: bool = True) -> None:
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self.env = lmdb.open(
            str(self.path),
            map_size=map_size,
            max_dbs=MAX_DBS,
            max_readers=512,
            sync=sync,
            metasync=sync,
            readahead=False,
        )
        # A file written by an earlier, bigger map must be opened at least that big.
        info = self.env.info()
        if info["map_size"] < map_size:
            self.env.set_mapsize(map_size)
        self._dbs: dict[str, Any] = {}
        self._writer = threading.Lock()
        self._rw = RWLock()
        self._closed = False

    def db(self, name: str) -> Any:
        """The handle of a named database, created on first use.

        Open every database a part needs before its first write: creating one starts a write
        transaction of its own, which must not happen inside `write`.
        """
        handle = self._dbs.get(name)
        if handle is None:
            with self._writer, self._rw.shared():
                handle = self._dbs.get(name)
                if handle is None:
                    handle = self.env.open_db(name.encode())
                    self._dbs[name] = handle
        return handle

    @contextmanager
    def read(self) -> Iterator[lmdb.Transaction]:
        self._check_open()
        with self._rw.shared():
            txn = self.env.begin(write=False, buffers=False)
            try:
                yield txn
            finally:
                txn.abort()

    def write(self, fn: Callable[[lmdb.Transaction], T]) -> T:
        """Run fn in one write transaction; commit if it returns, abort if it raises.

        When the map is full the transaction is aborted, the map doubled and fn run again from the
        start, so fn must not have side effects outside the transaction before it returns.
        """
        self._check_open()
        with self._writer:
            while True:
                try:
                    with self._rw.shared():
                        txn = self.env.begin(write=True)
                        try:
                            result = fn(txn)
                            txn.commit()
                            return result
                        except BaseException:
                            txn.abort()
                            raise
                except lmdb.MapFullError:
                    self._grow()

    def _grow(self) -> None:
        with self._rw.exclusive():
            new_size = self.env.info()["map_size"] * 2
            log.info("growing LMDB map of %s to %d MiB", self.path, new_size >> 20)
            self.env.set_mapsize(new_size)

    def drop(self, name: str) -> None:
        """Delete a named database and its contents."""
        handle = self.db(name)
        self.write(lambda txn: txn.drop(handle, delete=True))
        self._dbs.pop(name, None)

    def map_size(self) -> int:
        return self.env.info()["map_size"]

    def close(self) -> None:
        if not self._closed:
            with self._writer, self._rw.exclusive():
                self._closed = True
                self.env.close()

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError(f"storage at {self.path} is closed")
