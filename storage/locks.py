"""Locks: a readers-writer lock between threads, and the exclusive lock of a data directory between processes."""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from storage.errors import DataDirLocked

log = logging.getLogger(__name__)

LOCK_FILE = "vectordb.lock"


class RWLock:
    """Writer-preferring so a steady stream of readers cannot starve a writer."""

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._readers = 0
        self._writer = False
        self._writers_waiting = 0

    @contextmanager
    def shared(self) -> Iterator[None]:
        with self._cond:
            while self._writer or self._writers_waiting:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                if not self._readers:
                    self._cond.notify_all()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        with self._cond:
            self._writers_waiting += 1
            while self._writer or self._readers:
                self._cond.wait()
            self._writers_waiting -= 1
            self._writer = True
        try:
            yield
        finally:
            with self._cond:
                self._writer = False
                self._cond.notify_all()


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
