"""Restoring a backup: only a complete one (descriptor SUCCESS), each class archive checked against its checksum,
unpacked out of sight and renamed into place at the end, all classes or none.

A class that exists already makes the restore end FAILED with Weaviate's "class name X already exists", before
anything is placed. A restore cancelled, failed or killed leaves only hidden directories, which start-up clears.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storage.hnsw import fsync_dir
from vectordb.backup import archive, selection
from vectordb.backup import descriptor as d
from vectordb.backup.jobs import Job, run_steps
from vectordb.backup.manager import location, sha256
from vectordb.collection import Collection, hidden_sibling
from vectordb.errors import NotFound, UserError
from vectordb.tenants.collection import TenantedCollection, is_tenanted_dir

if TYPE_CHECKING:
    from vectordb.backup.manager import Backups
    from vectordb.database import Database

log = logging.getLogger(__name__)


def start(backups: Backups, backend_name: str, backup_id: str, body: dict[str, Any]) -> dict[str, Any]:
    backend = backups.backend(backend_name)
    include, exclude = selection.class_list(body, "include"), selection.class_list(body, "exclude")
    selection.check_lists(include, exclude)
    where = location(body.get("config"))
    home = backend.home(backup_id, where)
    try:
        d.check_id(backup_id)
    except UserError as exc:
        raise NotFound(exc.message) from None
    found = d.decode(backups._read(backend, backup_id, d.BACKUP_FILE, where), home)
    if found is None:
        raise NotFound(f'backup id "{backup_id}" does not exist: backup not found at "{home}"')
    if found.get("id") != backup_id:
        raise UserError(f"wrong backup file: restore request asked for {backup_id!r} but the descriptor at "
                        f"{home!r} reports its ID as {found.get('id')!r}")
    if found["status"] != d.SUCCESS:
        raise UserError(f"invalid backup in scheduler {home} status: {found['status']}")
    if found.get("format") != d.FORMAT:
        raise UserError(f"corrupted backup file: {home} was not written by this server (format "
                        f"{found.get('format')!r}, expected {d.FORMAT!r})")
    names = d.class_names(found)
    wanted = selection.expand(include, names)
    absent = [name for name in wanted if name not in names]
    if absent:
        raise UserError(f"class {absent[0]} doesn't exist in the backup, but does have [{' '.join(names)}]: ")
    classes = selection.choose(include, exclude, names)
    if not classes:
        raise UserError(f"nothing left to restore: please choose from : [{' '.join(names)}]")
    with backups._lock:
        if backups.restore_job is not None and backups.restore_job.status not in d.FINAL:
            raise UserError(f"restore {backups.restore_job.backup_id} already in progress")
        record = {"id": backup_id, "status": d.STARTED, "startedAt": d.now(), "completedAt": d.ZERO_TIME,
                  "error": "", "classes": [entry for entry in found["classes"] if entry["name"] in classes]}
        job = Job("restore", backup_id, backend, where, home, record)
        try:
            job.save()
        except Exception as exc:
            raise UserError(f"init restore: {type(exc).__name__}: {exc}") from exc
        backups.restore_job = job
    job.start(lambda j: _work(backups, j, found["compression"]), backups._ended)
    return {"id": backup_id, "backend": backend_name, "classes": classes, "path": home, "status": d.STARTED}


def _work(backups: Backups, job: Job, codec: str) -> None:
    db = backups.db
    staging = backups.staging / f"restore-{job.backup_id}"
    unpacked: dict[str, Path] = {}
    placed: list[Collection | TenantedCollection] = []

    def steps() -> None:
        job.move(d.TRANSFERRING)
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        for entry in job.record["classes"]:
            job.check()
            unpacked[entry["name"]] = _fetch(job, entry, staging, db.collections_dir, codec)
        job.move(d.TRANSFERRED)
        job.check()
        job.move(d.FINALIZING)
        with db.schema_lock:
            every = [*db.collections, *db.tenanted]
            taken = [name for name in unpacked if any(other.lower() == name.lower() for other in every)]
            if taken:
                raise UserError("could not restore classes: ["
                                + " ".join(f'"{name}": class name {name} already exists' for name in taken) + "]")
            for name, path in list(unpacked.items()):
                placed.append(_place(db, name, path))
                del unpacked[name]
            for coll in placed:
                if isinstance(coll, TenantedCollection):
                    db.tenanted[coll.name] = coll
                else:
                    db.collections[coll.name] = coll
            db.schema_version += 1
        job.move(d.SUCCESS)

    def undo() -> None:
        for coll in placed:
            for registry in (db.collections, db.tenanted):
                if registry.get(coll.name) is coll:
                    del registry[coll.name]
            coll.destroy()
        for path in unpacked.values():
            shutil.rmtree(path, ignore_errors=True)

    try:
        run_steps(job, steps, undo)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _place(db: Database, name: str, path: Path) -> Collection | TenantedCollection:
    """Rename an unpacked class into place and open it; one that does not open is moved out of sight again."""
    final = db.collections_dir / name
    os.rename(path, final)
    fsync_dir(db.collections_dir)
    try:
        return TenantedCollection(db, final) if is_tenanted_dir(final) else Collection(db, final)
    except BaseException:
        doomed = hidden_sibling(final, "deleted")
        os.rename(final, doomed)
        shutil.rmtree(doomed, ignore_errors=True)
        raise


def _fetch(job: Job, entry: dict[str, Any], staging: Path, collections_dir: Path, codec: str) -> Path:
    """Download and check one class archive and unpack it into a hidden directory beside the collections."""
    packed = staging / Path(entry["file"]).name
    job.backend.download(job.backup_id, entry["file"], packed, job.where)
    if sha256(packed) != entry["sha256"]:
        raise UserError(f"corrupted backup file: the archive of class {entry['name']} ({entry['file']}) does not "
                        "match its checksum")
    target = hidden_sibling(collections_dir / entry["name"], "restore")
    try:
        archive.unpack(packed, target, codec)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    finally:
        packed.unlink(missing_ok=True)
    return target


def cancel(backups: Backups, backend_name: str, backup_id: str, where: Any) -> None:
    backend = backups.backend(backend_name, "provider")
    d.check_id(backup_id)
    with backups._lock:
        job = backups.restore_job
        if job is not None and job.matches(backend, backup_id):
            if job.status == d.FINALIZING:
                raise UserError(f'restore "{backup_id}" is applying schema changes and cannot be cancelled')
            job.cancel("restore canceled by user")
            return
    found = d.decode(backups._read(backend, backup_id, d.RESTORE_FILE, where), backend.home(backup_id, where))
    if found is not None and found["status"] == d.SUCCESS:
        raise UserError(f'restore "{backup_id}" already succeeded')
