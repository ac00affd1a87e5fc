"""Backups as Weaviate's /v1/backups/{backend} runs them: create, status, cancel, list; restore in restore.py.

One backup and one restore at a time, each in a thread of its own, so queries and writes go on meanwhile.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vectordb.backup import archive, backends, selection
from vectordb.backup import descriptor as d
from vectordb.backup.backends import Backend, Location
from vectordb.backup.jobs import Job, run_steps
from vectordb.backup.snapshot import Frozen, freeze
from vectordb.backup.tenants import copy_tenanted
from vectordb.errors import NotFound, UserError

if TYPE_CHECKING:
    from vectordb.database import Database

log = logging.getLogger(__name__)

STAGING = "backup-staging"
SHUTDOWN = "canceled because the server shut down"


def location(config: Any) -> Location:
    if config is None:
        return Location()
    if not isinstance(config, dict):
        raise UserError("config in body must be of type object")
    bucket, path = config.get("Bucket") or "", config.get("Path") or ""
    if not isinstance(bucket, str) or not isinstance(path, str):
        raise UserError("config.Bucket and config.Path in body must be of type string")
    return Location(bucket, path)


def sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


class Backups:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.backends = backends.from_env(db.settings.env)
        self.staging = db.path / STAGING
        shutil.rmtree(self.staging, ignore_errors=True)  # left by a run that was killed
        self._lock = threading.Lock()
        self.backup_job: Job | None = None
        self.restore_job: Job | None = None
        if self.backends:
            threading.Thread(target=self._cancel_unfinished, name="vectordb-backup-cleanup", daemon=True).start()

    def backend(self, name: str, noun: str = "backend") -> Backend:
        return backends.pick(self.backends, name, noun)

    def meta(self) -> dict[str, dict[str, str]]:
        return {backend.name: backend.meta() for backend in self.backends.values()}

    def _cancel_unfinished(self) -> None:
        """A backup (or restore) this server was running when it stopped never finishes: say so, as Weaviate
        does for backups."""
        for backend in self.backends.values():
            try:
                for backup_id in backend.backup_ids():
                    for name, kind in ((d.BACKUP_FILE, "backup"), (d.RESTORE_FILE, "restore")):
                        record = d.decode(backend.read(backup_id, name, Location()), backup_id)
                        if record is not None and record["status"] not in d.FINAL:
                            record.update(status=d.CANCELED, error=f"{kind} canceled due to node restart",
                                          completedAt=d.now())
                            backend.write(backup_id, name, d.encode(record), Location())
            except Exception as exc:
                log.warning("%s: could not mark unfinished backups as canceled: %s", backend.name, exc)

    # create ----------------------------------------------------------------------------------------
    def create(self, backend_name: str, body: dict[str, Any]) -> dict[str, Any]:
        backend = self.backend(backend_name)
        backup_id = body.get("id")
        if not isinstance(backup_id, str):
            raise UserError("id in body is required and must be of type string")
        d.check_id(backup_id)
        include, exclude = selection.class_list(body, "include"), selection.class_list(body, "exclude")
        selection.check_lists(include, exclude)
        config = body.get("config") or {}
        where = location(config)
        codec, level = archive.codec_of(config.get("CompressionLevel") or "DefaultCompression")
        with self.db.schema_lock:
            every: dict[str, Any] = {**self.db.collections, **self.db.tenanted}
            existing = sorted(every)
            if not existing:
                raise UserError("no available classes to backup, there's nothing to do here")
            classes = selection.choose(include, exclude, existing)
            missing = [name for name in classes if name not in every]
            if missing:
                raise UserError("; ".join(f"class {name} doesn't exist" for name in missing))
            if not classes:
                raise UserError(f"empty class list: please choose from : [{' '.join(existing)}]")
            schemas = {name: every[name].class_def for name in classes}
        home = backend.home(backup_id, where)
        with self._lock:
            if self.backup_job is not None and self.backup_job.status not in d.FINAL:
                raise UserError(f"backup {self.backup_job.backup_id} already in progress")
            found = d.decode(self._read(backend, backup_id, d.BACKUP_FILE, where), home)
            if found is not None and found["status"] != d.CANCELED:
                raise UserError(f'backup "{backup_id}" already exists at "{home}"')
            record = {"id": backup_id, "format": d.FORMAT, "serverVersion": self._version(), "status": d.STARTED,
                      "startedAt": d.now(), "completedAt": d.ZERO_TIME, "error": "", "compression": codec,
                      "classes": [{"name": name, "schema": schemas[name]} for name in classes],
                      "preCompressionSizeBytes": 0}
            job = Job("backup", backup_id, backend, where, home, record)
            try:
                job.save()
            except Exception as exc:
                raise UserError(f"init uploader: {type(exc).__name__}: {exc}") from exc
            self.backup_job = job
        job.start(lambda j: self._make(j, level), self._ended)
        return {"id": backup_id, "backend": backend_name, "classes": classes, "path": home, "bucket": where.bucket,
                "status": d.STARTED}

    def _version(self) -> str:
        from vectordb.database import VERSION

        return VERSION

    def _read(self, backend: Backend, backup_id: str, key: str, where: Location) -> bytes | None:
        try:
            return backend.read(backup_id, key, where)
        except Exception as exc:
            raise UserError(f"find backup {backend.home(backup_id, where)}: {type(exc).__name__}: {exc}") from exc

    def _ended(self, job: Job) -> None:
        with self._lock:
            if self.backup_job is job:
                self.backup_job = None
            if self.restore_job is job:
                self.restore_job = None

    def _make(self, job: Job, level: int) -> None:
        staging = self.staging / f"backup-{job.backup_id}"
        stored: list[str] = []

        def steps() -> None:
            job.move(d.TRANSFERRING)
            shutil.rmtree(staging, ignore_errors=True)
            frozen: list[Frozen] = []
            entries = job.record["classes"]
            try:
                # The single-tenant classes are all held first, so they are copied at nearly one moment.
                for entry in entries:
                    if entry["name"] not in self.db.tenanted:
                        frozen.append(freeze(self.db.collection(entry["name"]), staging / entry["name"]))
                for held in frozen:
                    job.check()
                    held.copy_store()
            finally:
                for held in frozen:
                    held.release()
            for entry in entries:
                mt = self.db.tenanted.get(entry["name"])
                if mt is not None:
                    copy_tenanted(self.db, mt, staging / entry["name"], job.check)
            for entry in entries:
                job.check()
                self._store_class(job, staging / entry["name"], entry, level, stored)
            job.move(d.TRANSFERRED)
            job.check()
            job.move(d.SUCCESS)  # written last: the marker that the backup is whole

        def undo() -> None:
            for key in stored:
                job.backend.delete(job.backup_id, key, job.where)

        try:
            run_steps(job, steps, undo)
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _store_class(self, job: Job, copied: Path, entry: dict[str, Any], level: int, stored: list[str]) -> None:
        codec = job.record["compression"]
        packed = copied.with_name(copied.name + archive.SUFFIX[codec])
        size = archive.pack(copied, packed, codec, level)
        shutil.rmtree(copied)
        key = f"{d.NODE}/{entry['name']}{archive.SUFFIX[codec]}"
        job.check()
        stored.append(key)
        job.backend.upload(job.backup_id, key, packed, job.where)
        entry.update(file=key, sha256=sha256(packed), bytes=packed.stat().st_size)
        packed.unlink()
        job.record["preCompressionSizeBytes"] += size
        job.save()

    # status, cancel, list --------------------------------------------------------------------------
    def record(self, backend: Backend, backup_id: str, where: Location, kind: str) -> tuple[dict[str, Any], str]:
        try:
            d.check_id(backup_id)
        except UserError as exc:  # no backup can have such an id; it must not reach a path either
            raise NotFound(exc.message) from None
        with self._lock:
            job = self.backup_job if kind == "backup" else self.restore_job
            if job is not None and job.matches(backend, backup_id):
                return dict(job.record), job.home
        home = backend.home(backup_id, where)
        name = d.BACKUP_FILE if kind == "backup" else d.RESTORE_FILE
        found = d.decode(self._read(backend, backup_id, name, where), home)
        if found is None:
            raise NotFound(f'coordinator cannot get status: metadata not found: {kind} "{backup_id}" does not '
                           f'exist at "{home}"')
        return found, home

    def status(self, backend_name: str, backup_id: str, where: Location, kind: str = "backup") -> dict[str, Any]:
        backend = self.backend(backend_name, "provider")
        found, home = self.record(backend, backup_id, where, kind)
        answer: dict[str, Any] = {"id": backup_id, "backend": backend_name, "path": home,
                                  "status": found["status"]}
        if found.get("error"):
            answer["error"] = found["error"]
        if kind == "backup":
            answer.update(startedAt=found.get("startedAt"), completedAt=found.get("completedAt") or d.ZERO_TIME,
                          size=d.size_gib(found))
        return answer

    def cancel(self, backend_name: str, backup_id: str, where: Location) -> None:
        backend = self.backend(backend_name, "provider")
        d.check_id(backup_id)
        with self._lock:
            job = self.backup_job
            if job is not None and job.matches(backend, backup_id):
                job.cancel("backup canceled by user")
                return
        found = d.decode(self._read(backend, backup_id, d.BACKUP_FILE, where), backend.home(backup_id, where))
        if found is not None and found["status"] == d.SUCCESS:
            raise UserError(f'backup "{backup_id}" already succeeded')

    def list(self, backend_name: str, order: str) -> list[dict[str, Any]]:
        backend = self.backend(backend_name)
        if order not in ("asc", "desc"):
            raise UserError(f"order in query should be one of [asc desc], got {order!r}")
        try:
            backup_ids = backend.backup_ids()
        except Exception as exc:
            raise UserError(f"list backups of {backend.name}: {type(exc).__name__}: {exc}") from exc
        items = []
        for backup_id in backup_ids:
            try:
                found, _home = self.record(backend, backup_id, Location(), "backup")
            except UserError as exc:
                log.warning("backup list: skipping %s: %s", backup_id, exc.message)
                continue
            items.append({"id": backup_id, "classes": d.class_names(found), "status": found["status"],
                          "startedAt": found.get("startedAt"),
                          "completedAt": found.get("completedAt") or d.ZERO_TIME, "size": d.size_gib(found)})
        items.sort(key=lambda item: item["startedAt"] or "", reverse=order == "desc")
        return items

    # restore (restore.py) --------------------------------------------------------------------------
    def restore(self, backend_name: str, backup_id: str, body: dict[str, Any]) -> dict[str, Any]:
        from vectordb.backup import restore

        return restore.start(self, backend_name, backup_id, body)

    def cancel_restore(self, backend_name: str, backup_id: str, where: Location) -> None:
        from vectordb.backup import restore

        restore.cancel(self, backend_name, backup_id, where)

    def close(self) -> None:
        """Stop the running jobs (a backup stopped so is CANCELED) and wait for them."""
        with self._lock:
            jobs = [job for job in (self.backup_job, self.restore_job) if job is not None]
        for job in jobs:
            job.cancel(SHUTDOWN)
        for job in jobs:
            if job.thread is not None:
                job.thread.join(timeout=60)
