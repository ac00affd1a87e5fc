"""Locks: a readers-writer lock between threads, and the exclusive lock of a data directory between processes."""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

from storage.errors import DataDirLocked

log = logging.getLogger(__name__)

LOCK_FILE = "vectordb.lock"


class RWLock:
    """Writer-preferring so a steady stream of readers cannot starve a writer.

    Every search takes the shared side, so its uncontended path is one plain lock round trip: guards are
    plain objects rather than generator context managers, and only a reader that must wait touches the
    condition.
    """

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._cond = threading.Condition(self._mutex)
        self._readers = 0
        self._writer = False
        self._writers_waiting = 0
        self._shared = _Guard(self.acquire_shared, self.release_shared)
        self._exclusive = _Guard(self.acquire_exclusive, self.release_exclusive)

    def shared(self) -> _Guard:
        return self._shared

    def exclusive(self) -> _Guard:
        return self._exclusive

    def acquire_shared(self) -> None:
        with self._mutex:
            while self._writer or self._writers_waiting:
                self._cond.wait()
            self._readers += 1

    def release_shared(self) -> None:
        with self._mutex:
            self._readers -= 1
            if not self._readers and self._writers_waiting:
                self._cond.notify_all()

    def acquire_exclusive(self) -> None:
        with self._mutex:
            self._writers_waiting += 1
            try:
                while self._writer or self._readers:
                    self._cond.wait()
            finally:
                self._writers_waiting -= 1
            self._writer = True

    def release_exclusive(self) -> None:
        with self._mutex:
            self._writer = False
            self._cond.notify_all()


class _Guard:
    """One side of an RWLock as a context manager."""

    __slots__ = ("_acquire", "_release")

    def __init__(self, acquire: Callable[[], None], release: Callable[[], None]) -> None:
        self._acquire = acquire
        self._release = release

    def __enter__(self) -> None:
        self._acquire()

    def __exit__(self, *exc: object) -> None:
        self._release()


class DirLock:
    """An exclusive flock on `<directory>/vectordb.lock`, which also records the holder's PID.

    Each process keeps its own in-memory vector indexes, so two processes on one directory would each miss
    the other's writes. flock belongs to the open file, so a second opener in the same process is refused
    too, and the kernel drops the lock when the holder dies, even by kill -9: a stale file never blocks.
    """

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.path = self.directory / LOCK_FILE
        self.directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            holder = _read_pid(fd)
            os.close(fd)
            if exc.errno not in (errno.EWOULDBLOCK, errno.EACCES):
                raise
            raise DataDirLocked(self.directory, holder) from None
        self._fd: int | None = fd
        self._write_pid(fd)

    @staticmethod
    def _write_pid(fd: int) -> None:
        text = f"{os.getpid()}\n".encode()
        try:
            # Overwrite in place before truncating: on a full disk the page the old PID used is reused.
            os.pwrite(fd, text, 0)
            os.ftruncate(fd, len(text))
        except OSError as exc:
            log.warning("could not record this process's PID in the data directory lock: %s", exc)

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)  # closing the only descriptor of the open file drops the flock


def _read_pid(fd: int) -> int | None:
    try:
        raw = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(raw) if raw.isdigit() else None
