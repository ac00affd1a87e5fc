"""One backup or restore running in the background, and what its status call answers meanwhile."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from vectordb.backup import descriptor as d
from vectordb.backup.backends import Backend, Location

log = logging.getLogger(__name__)


class Cancelled(Exception):
    """The job was asked to stop."""


@dataclass
class Job:
    kind: str  # "backup" or "restore"
    backup_id: str
    backend: Backend
    where: Location
    home: str
    record: dict[str, Any]  # the descriptor this job writes (backup_config.json / restore_config.json)
    cancel_reason: str | None = None
    thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def status(self) -> str:
        return self.record["status"]

    def matches(self, backend: Backend, backup_id: str) -> bool:
        return self.backend is backend and self.backup_id == backup_id

    def cancel(self, reason: str) -> None:
        with self._lock:
            if self.cancel_reason is None:
                self.cancel_reason = reason

    def check(self) -> None:
        """Raise Cancelled when a cancel was asked; called between the job's steps."""
        if self.cancel_reason is not None:
            raise Cancelled(self.cancel_reason)

    def move(self, status: str, error: str | None = None, *, save: bool = True) -> None:
        """Go to `status`. The status call answers it only once it is stored: a client told SUCCESS must find
        the backup restorable."""
        record = {**self.record, "status": status}
        if error is not None:
            record["error"] = error
        if status in d.FINAL:
            record["completedAt"] = d.now()
        if save:
            self._write(record)
        self.record = record

    def save(self) -> None:
        self._write(self.record)

    def _write(self, record: dict[str, Any]) -> None:
        name = d.BACKUP_FILE if self.kind == "backup" else d.RESTORE_FILE
        self.backend.write(self.backup_id, name, d.encode(record), self.where)

    def start(self, work: Callable[[Job], None], on_end: Callable[[Job], None]) -> None:
        def run() -> None:
            try:
                work(self)
            finally:
                on_end(self)

        self.thread = threading.Thread(target=run, name=f"vectordb-{self.kind}-{self.backup_id}", daemon=True)
        self.thread.start()


def run_steps(job: Job, steps: Callable[[], None], undo: Callable[[], None]) -> None:
    """Run the job's steps and record how they ended: SUCCESS, CANCELED or FAILED (then `undo`)."""
    try:
        steps()
        return
    except Cancelled as stop:
        status, error = d.CANCELED, str(stop)
    except Exception as exc:
        message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
        log.warning("%s %s failed: %s", job.kind, job.backup_id, message)
        status, error = d.FAILED, message
    try:
        undo()
    except Exception:
        log.exception("%s %s: cleaning up after it ended %s failed", job.kind, job.backup_id, status)
    try:
        job.move(status, error)
    except Exception:
        log.exception("%s %s ended %s, but writing that to the backend failed", job.kind, job.backup_id, status)
        job.move(status, error, save=False)
