"""A multi-tenant class in a backup: its class store (definition and tenant list) at one read transaction, then
each tenant's store copied as a single-tenant collection is (snapshot.py), one tenant at a time so that a class
of thousands of tenants keeps the open stores within their limit. A cold tenant is opened for its copy only."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from vectordb.backup.snapshot import STORE_DIR, freeze
from vectordb.errors import UserError
from vectordb.tenants.collection import TENANTS_DIR, TenantedCollection
from vectordb.tenants.status import COLD

if TYPE_CHECKING:
    from vectordb.database import Database


def copy_tenanted(db: Database, mt: TenantedCollection, staging: Path, check: Callable[[], None]) -> None:
    (staging / TENANTS_DIR).mkdir(parents=True)
    with mt.lock:
        with mt.kv.read() as txn:
            mt.kv.copy(staging / STORE_DIR, txn)
        tenants = [name for name in mt.statuses if (mt.path / TENANTS_DIR / name).is_dir()]
    for tenant in tenants:
        check()
        key = (mt.name, tenant)
        try:
            with db.tenant_stores.lease(key, functools.partial(mt._open_store, tenant)) as store:
                freeze(store, staging / TENANTS_DIR / tenant).copy_store()
        except UserError:  # deleted after the tenant list was copied: restored as it was then, without data
            continue
        if mt.status(tenant) == COLD:
            db.tenant_stores.retire(key)
