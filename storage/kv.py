"""The LMDB environment: named databases, transactions and the msgpack codec.

One environment per collection directory. Writes are serialised through one writer lock and run as a
function so that a full map can be grown and the whole write retried. LMDB only allows resizing while no
transaction of this process is open: readers register themselves (each thread only touches its own entry,
so the hot path takes no shared lock that a busy reader could keep from the grower), and the grower waits
until none is registered while new readers hold back.
"""

from __future__ import annotations

import logging
import struct
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import lmdb
import msgpack
import ormsgpack

from storage.disk import full_disk, preallocate
from storage.errors import StorageError
from storage.residency import file_map, release

log = logging.getLogger(__name__)

T = TypeVar("T")

_U64 = struct.Struct(">Q")
DEFAULT_MAP_SIZE = 64 << 20
MAX_DBS = 512
MAX_READERS = 512
# LMDB's reader table: 64 bytes a slot and a header, rounded up (a bigger lock file only means more slots).
_LOCK_FILE_BYTES = MAX_READERS * 128
# Doubling this often takes a 64 MiB map past 4 TiB: a write that still does not fit is refused.
_MAX_GROWTHS = 17


def pack(value: Any) -> bytes:
    return msgpack.packb(value, use_bin_type=True)


def unpack(raw: bytes | memoryview) -> Any:
    # ormsgpack decodes a stored object about three times faster, and a search decodes one per hit; it refuses
    # what it does not read (maps with non-string keys, extension types), which msgpack then decodes.
    try:
        return ormsgpack.unpackb(raw)
    except ormsgpack.MsgpackDecodeError:
        return msgpack.unpackb(raw, raw=False, strict_map_key=False)


# Big-endian so LMDB's byte order is numeric order; the bound method itself, as searches call it per hit.
u64: Callable[[int], bytes] = _U64.pack


def from_u64(raw: bytes | memoryview) -> int:
    return _U64.unpack(raw)[0]


class KV:
    """An LMDB environment with lazily created named databases."""

    def __init__(self, path: str | Path, *, map_size: int = DEFAULT_MAP_SIZE, sync: bool = True) -> None:
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        # LMDB sizes its lock file with ftruncate and writes it through a shared map: give it real blocks.
        # The data file needs no such care: without writemap LMDB grows it with write(), whose failure on a
        # full disk is an error, and a grown map reserves address space only.
        preallocate(self.path / "lock.mdb", _LOCK_FILE_BYTES)
        try:
            self.env = lmdb.open(
                str(self.path),
                map_size=map_size,
                max_dbs=MAX_DBS,
                max_readers=MAX_READERS,
                sync=sync,
                metasync=sync,
                readahead=False,
            )
        except lmdb.Error as exc:
            self._refuse_if_full(exc)
            raise
        # A file written by an earlier, bigger map must be opened at least that big.
        info = self.env.info()
        if info["map_size"] < map_size:
            self.env.set_mapsize(map_size)
        self._dbs: dict[str, Any] = {}
        self._writer = threading.RLock()
        self._readers: dict[int, int] = {}  # thread id -> open read transactions of that thread
        self._paused = False  # set while the map is resized or the environment closed
        self._writing = False  # set while a write transaction runs
        self._closed = False
        self._map_span: tuple[int, int] | None = None  # the data file's map, found at the first release_pages

    def db(self, name: str) -> Any:
        """The handle of a named database, created on first use.

        Open every database a part needs before its first write: creating one starts a write
        transaction of its own, which must not happen inside `write`.
        """
        handle = self._dbs.get(name)
        if handle is None:
            self.open_dbs([name])
            handle = self._dbs[name]
        return handle

    def open_dbs(self, names: Iterable[str]) -> None:
        """Open (and create) several named databases in one write transaction: one commit, not one each."""
        self._check_open()
        with self._writer:
            missing = [name for name in names if name not in self._dbs]
            if not missing:
                return
            txn = self.env.begin(write=True)
            try:
                handles = {name: self.env.open_db(name.encode(), txn=txn) for name in missing}
                txn.commit()
            except lmdb.DbsFullError:
                txn.abort()
                raise StorageError(f"{self.path} cannot hold another named database: LMDB opens it for at most "
                                   f"{MAX_DBS}") from None
            except lmdb.Error as exc:
                txn.abort()
                self._refuse_if_full(exc)
                raise
            except BaseException:
                txn.abort()
                raise
            self._dbs.update(handles)

    def read(self) -> _Read:
        """A read transaction, as a context manager (a plain object: every query opens one)."""
        return _Read(self)

    def _enter_read(self) -> None:
        me = threading.get_ident()
        if self._readers.get(me):
            # A nested read in a thread that already holds one must not wait for a pause it is blocking.
            self._readers[me] += 1
            return
        while True:
            self._check_open()
            while self._paused:
                time.sleep(0.0005)
            self._readers[me] = 1
            if not self._paused:
                return
            del self._readers[me]  # a pause began between the check and the registration

    def _leave_read(self) -> None:
        me = threading.get_ident()
        left = self._readers[me] - 1
        if left:
            self._readers[me] = left
        else:
            del self._readers[me]
        if self._writing:
            # Hand the GIL over: readers in a tight loop of short LMDB calls were seen to starve a
            # writer (which waits for the GIL inside py-lmdb) for as long as they kept reading.
            time.sleep(0)

    def write(self, fn: Callable[[lmdb.Transaction], T]) -> T:
        """Run fn in one write transaction; commit if it returns, abort if it raises.

        When the map is full the transaction is aborted, the map doubled and fn run again from the
        start, so fn must not have side effects outside the transaction before it returns.
        """
        self._check_open()
        with self._writer:
            self._writing = True
            try:
                for _ in range(_MAX_GROWTHS):
                    txn = self.env.begin(write=True)
                    try:
                        result = fn(txn)
                        txn.commit()
                        return result
                    except lmdb.MapFullError:
                        txn.abort()
                    except lmdb.Error as exc:
                        txn.abort()
                        self._refuse_if_full(exc)
                        raise
                    except BaseException:
                        txn.abort()
                        raise
                    self._grow()
            finally:
                self._writing = False
            raise StorageError(
                f"one write to {self.path} did not fit even after the map grew to {self.map_size() >> 20} MiB"
            )

    def _refuse_if_full(self, exc: lmdb.Error) -> None:
        """Raise StorageFull for an error of a full disk (a short write is reported as a plain EIO error)."""
        if type(exc) in (lmdb.Error, lmdb.DiskError, lmdb.PanicError):  # the others are about the data
            full = full_disk(self.path, exc)
            if full is not None:
                raise full from exc

    def _grow(self) -> None:
        with self._paused_readers():
            new_size = self.env.info()["map_size"] * 2
            log.info("growing LMDB map of %s to %d MiB", self.path, new_size >> 20)
            self.env.set_mapsize(new_size)
            self._map_span = None  # LMDB maps the file anew

    @contextmanager
    def _paused_readers(self) -> Iterator[None]:
        """No read transaction is open inside; readers arriving meanwhile wait."""
        self._paused = True
        try:
            while self._readers:
                time.sleep(0.0005)
            yield
        finally:
            self._paused = False

    def drop(self, name: str) -> None:
        """Delete a named database and its contents."""
        handle = self.db(name)
        self.write(lambda txn: txn.drop(handle, delete=True))
        self._dbs.pop(name, None)

    def copy(self, dest: Path, txn: lmdb.Transaction) -> None:
        """Write the environment as `txn` sees it, compacted, to `dest` (an empty or new directory): a copy
        consistent at that one transaction while writes go on."""
        self._check_open()
        dest.mkdir(parents=True, exist_ok=True)
        try:
            self.env.copy(str(dest), compact=True, txn=txn)
        except lmdb.Error as exc:
            full_disk_error = full_disk(dest, exc)
            if full_disk_error is not None:
                raise full_disk_error from exc
            raise

    def release_pages(self) -> None:
        """Take the data file's pages out of this process's map (storage/residency.py). Only inside a read:
        the map cannot be resized meanwhile."""
        if self._map_span is None:
            self._map_span = file_map(self.path / "data.mdb") or (0, 0)
        if self._map_span[1] > self._map_span[0]:
            release(self._map_span)

    def map_size(self) -> int:
        return self.env.info()["map_size"]

    def close(self) -> None:
        if not self._closed:
            with self._writer, self._paused_readers():
                self._closed = True
                self.env.close()

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError(f"storage at {self.path} is closed")


class _Read:
    """One read transaction of a KV: registered as a reader first, so a map resize waits for it."""

    __slots__ = ("_kv", "_txn")

    def __init__(self, kv: KV) -> None:
        self._kv = kv
        self._txn: lmdb.Transaction | None = None

    def __enter__(self) -> lmdb.Transaction:
        kv = self._kv
        kv._enter_read()
        try:
            kv._check_open()
            self._txn = kv.env.begin(write=False, buffers=False)
        except BaseException:
            kv._leave_read()
            raise
        return self._txn

    def __exit__(self, *exc: object) -> None:
        try:
            if self._txn is not None:
                self._txn.abort()
        finally:
            self._kv._leave_read()
