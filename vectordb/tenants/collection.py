"""A multi-tenant class: its definition and tenant list, and one store per tenant.

On disk, collections/<Class>/ holds `lmdb/` (the class definition and the tenant list: name -> status) and
`tenants/<tenant>/`, each a store as a single-tenant collection has (its own LMDB, inverted and vector indexes).
The tenant list is the truth: a tenant exists once its entry is committed and is gone once its entry is
deleted. A tenant's directory is made on first use, built under a hidden name and renamed into place; a
deleted tenant's directory is renamed to a hidden name before it is removed. Start-up removes hidden leftovers
and directories of tenants the list does not hold, so a crash at any point leaves a tenant whole or absent.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storage.errors import MissingSchema
from storage.hnsw import fsync_dir
from storage.kv import KV, pack, unpack
from vectordb.collection import HIDDEN, Collection, hidden_sibling
from vectordb.errors import UserError
from vectordb.spaces import VectorSpace, spaces
from vectordb.tenants.status import COLD, HOT

if TYPE_CHECKING:
    from vectordb.database import Database

log = logging.getLogger(__name__)

TENANTS_DIR = "tenants"
TEMPLATE = f"{HIDDEN}template"
_SCHEMA = b"schema"


def is_multi_tenant(class_def: dict[str, Any]) -> bool:
    return bool((class_def.get("multiTenancyConfig") or {}).get("enabled"))


def is_tenanted_dir(path: Path) -> bool:
    """A class directory with a tenants/ directory holds a multi-tenant class."""
    return (path / TENANTS_DIR).is_dir()


class TenantedCollection:
    def __init__(self, db: Database, path: Path, class_def: dict[str, Any] | None = None) -> None:
        self.db = db
        self.path = path
        # Serialises changes of the tenant list; store opens and closes are the database's OpenStores' job.
        self.lock = threading.RLock()
        self.kv = KV(path / "lmdb", map_size=db.initial_map_size)
        try:
            self.kv.open_dbs(["meta", "tenants"])
            self._meta, self._tenants = self.kv.db("meta"), self.kv.db("tenants")
            with self.kv.read() as txn:
                stored = txn.get(_SCHEMA, db=self._meta)
                self.statuses: dict[str, str] = {
                    bytes(k).decode(): unpack(v)["status"] for k, v in txn.cursor(db=self._tenants)
                }
            if class_def is None:
                if stored is None:
                    raise MissingSchema(path, 0)
                class_def = unpack(stored)
            self.class_def: dict[str, Any] = class_def
            if stored is None:
                self.kv.write(lambda txn: txn.put(_SCHEMA, pack(self.class_def), db=self._meta))
            (path / TENANTS_DIR).mkdir(exist_ok=True)
            self._clear_leftovers()
        except BaseException:
            self.kv.close()
            raise

    @property
    def name(self) -> str:
        return self.class_def["class"]

    @property
    def spaces(self) -> dict[str, VectorSpace]:
        return spaces(self.class_def)

    @property
    def settings(self) -> dict[str, Any]:
        return self.class_def["multiTenancyConfig"]

    def _clear_leftovers(self) -> None:
        for child in (self.path / TENANTS_DIR).iterdir():
            if child.name == TEMPLATE:  # scratch, made again when a tenant is first used
                shutil.rmtree(child, ignore_errors=True)
            elif child.name.startswith(HIDDEN) or child.name not in self.statuses:
                log.warning("removing %s, left by a tenant creation or deletion that was interrupted", child)
                shutil.rmtree(child, ignore_errors=True)

    # the tenant list -------------------------------------------------------------------------------
    def tenants(self, names: list[str] | None = None) -> list[dict[str, str]]:
        statuses = dict(self.statuses)  # a copy: another request may add or delete tenants meanwhile
        chosen = statuses if names is None else [n for n in dict.fromkeys(names) if n in statuses]
        return [{"name": n, "activityStatus": statuses[n]} for n in chosen]

    def add(self, wanted: dict[str, str]) -> list[dict[str, str]]:
        """Add tenants; one that exists already is left as it is (adding is idempotent, as Weaviate's)."""
        with self.lock:
            new = {n: s for n, s in wanted.items() if n not in self.statuses}
            if new:
                self.kv.write(lambda txn: [txn.put(n.encode(), pack({"status": s}), db=self._tenants)
                                           for n, s in new.items()])
                self.statuses.update(new)
        return [{"name": n, "activityStatus": s} for n, s in wanted.items()]

    def update(self, wanted: dict[str, str]) -> list[dict[str, str]]:
        with self.lock:
            missing = [n for n in wanted if n not in self.statuses]
            if missing:
                raise UserError(", ".join(f"shard not found: {n}" for n in missing))
            self._set_statuses(wanted)
        return [{"name": n, "activityStatus": s} for n, s in wanted.items()]

    def _set_statuses(self, wanted: dict[str, str]) -> None:
        changed = {n: s for n, s in wanted.items() if self.statuses[n] != s}
        if not changed:
            return
        self.kv.write(lambda txn: [txn.put(n.encode(), pack({"status": s}), db=self._tenants)
                                   for n, s in changed.items()])
        self.statuses.update(changed)
        for n, s in changed.items():
            if s == COLD:
                self.db.tenant_stores.retire((self.name, n))

    def delete(self, names: list[str]) -> None:
        """Delete tenants and their data; a name that is not a tenant is passed over."""
        with self.lock:
            gone = [n for n in names if n in self.statuses]
            if not gone:
                return
            self.kv.write(lambda txn: [txn.delete(n.encode(), db=self._tenants) for n in gone])
            for n in gone:
                del self.statuses[n]
                self._remove_store(n)

    def _remove_store(self, tenant: str) -> None:
        directory = self.path / TENANTS_DIR / tenant
        doomed = hidden_sibling(directory, "deleted")
        try:
            os.rename(directory, doomed)
        except FileNotFoundError:  # never used, so never made
            self.db.tenant_stores.retire((self.name, tenant), keep=False)
            return
        self.db.tenant_stores.retire((self.name, tenant), keep=False,
                                     after_close=lambda: shutil.rmtree(doomed, ignore_errors=True))

    # a tenant's store -------------------------------------------------------------------------------
    def status(self, tenant: str) -> str | None:
        return self.statuses.get(tenant)

    @contextmanager
    def store(self, tenant: str) -> Iterator[Collection]:
        """The open store of an existing, active tenant, leased for the block."""
        with self.db.tenant_stores.lease((self.name, tenant), lambda: self._open_store(tenant)) as store:
            # Checked again now that the store is held: the tenant may have gone cold or been deleted meanwhile.
            status = self.statuses.get(tenant)
            if status is None:
                raise UserError(f'tenant not found: "{tenant}"')
            if status != HOT:
                raise UserError(f"tenant not active: '{tenant}'")
            yield store

    def activate(self, tenant: str) -> None:
        with self.lock:
            if self.statuses.get(tenant) == COLD:
                self._set_statuses({tenant: HOT})

    def _open_store(self, tenant: str) -> Collection:
        if tenant not in self.statuses:
            raise UserError(f'tenant not found: "{tenant}"')
        final = self.path / TENANTS_DIR / tenant
        if not final.exists():
            staging = hidden_sibling(final, "new")
            try:
                self._copy_empty_store(staging)
                os.rename(staging, final)
                fsync_dir(final.parent)
            except BaseException:
                shutil.rmtree(staging, ignore_errors=True)
                raise
        store = Collection(self.db, final, self.class_def)
        store.tenant = tenant
        store.share_schema = self.set_class_def
        return store

    def _copy_empty_store(self, staging: Path) -> None:
        """An empty store at `staging`, copied from one made once per class and process: making each from
        scratch costs several synced commits (its named databases, its schema), copying 40 KB one fsync."""
        template = self.path / TENANTS_DIR / TEMPLATE
        if not template.exists():
            building = hidden_sibling(template, "new")
            try:
                Collection(self.db, building, self.class_def).close(snapshot=False)
                os.rename(building, template)
            except BaseException:
                shutil.rmtree(building, ignore_errors=True)
                raise
        (staging / "lmdb").mkdir(parents=True)
        shutil.copyfile(template / "lmdb" / "data.mdb", staging / "lmdb" / "data.mdb")
        fd = os.open(staging / "lmdb" / "data.mdb", os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    # schema ------------------------------------------------------------------------------------------
    def set_class_def(self, class_def: dict[str, Any]) -> None:
        """Persist a changed class definition and hand it to every open tenant store (the others read it
        when they open)."""
        self.kv.write(lambda txn: txn.put(_SCHEMA, pack(class_def), db=self._meta))
        self.class_def = class_def
        for key in self.db.tenant_stores.open_stores(self.name):
            with self.db.tenant_stores.lease_if_open(key) as store:
                if store is not None and store.class_def is not class_def:
                    store.set_class_def(class_def)

    # lifecycle ----------------------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        """The objects of each active tenant (a closed store is read in place, not opened)."""
        return {n: self.db.tenant_stores.count((self.name, n), self.path / TENANTS_DIR / n / "lmdb")
                for n, s in list(self.statuses.items()) if s == HOT}

    def close(self, *, snapshot: bool = True) -> None:
        for key in self.db.tenant_stores.open_stores(self.name):
            self.db.tenant_stores.retire(key, keep=snapshot)
        self.kv.close()

    def destroy(self) -> None:
        for key in self.db.tenant_stores.open_stores(self.name):
            self.db.tenant_stores.retire(key, keep=False)
        self.kv.close()
        doomed = hidden_sibling(self.path, "deleted")
        os.rename(self.path, doomed)
        shutil.rmtree(doomed, ignore_errors=True)
