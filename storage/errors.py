"""Errors raised by the storage layer."""

from __future__ import annotations

from pathlib import Path


class StorageError(Exception):
    """Storage could not do what was asked; the message says why."""


class DataDirLocked(StorageError):
    """Another process (or another open database in this one) holds the data directory."""

    def __init__(self, path: Path, pid: int | None, hint: str = "") -> None:
        holder = f"process {pid}" if pid is not None else "another process (PID unknown)"
        super().__init__(f"the data directory {path} is in use by {holder}; only one server or embedded "
                         f"database may open it at a time{hint}")
        self.path = path
        self.pid = pid


class MissingSchema(StorageError):
    """A collection directory without its schema record: a creation that was cut short, or damage."""

    def __init__(self, path: Path, objects: int) -> None:
        super().__init__(f"collection directory {path} has no schema record but holds {objects} objects; "
                         "move it out of the data directory to start without it")
        self.path = path
        self.objects = objects


class StorageFull(StorageError):
    """The device holding the data has no room for a write; reads go on, and writes work again once freed."""

    def __init__(self, path: Path, free: int, cause: BaseException) -> None:
        super().__init__(f"insufficient storage: the device holding {path} is full ({free} bytes "
                         f"= {free / (1 << 20):.1f} MiB free); the write was not made, reads still work, and "
                         f"writes work again once space is freed ({cause})")
        self.path = path
        self.free = free
