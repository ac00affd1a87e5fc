"""Database: opens storage, holds the collections, and is the one object both faces (REST and embedded) call."""

from __future__ import annotations

import functools
import logging
import os
import shutil
import threading
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from modules.registry import Registry
from storage.blas import single_threaded_blas
from storage.errors import MissingSchema, StorageFull
from storage.hnsw import fsync_dir
from storage.locks import DirLock
from storage.objects import MAX_VECTORS
from vectordb import schema
from vectordb.backup import Backups
from vectordb.collection import HIDDEN, Collection, Write, hidden_sibling
from vectordb.config import Settings
from vectordb.errors import InsufficientStorage, NotFound, UserError
from vectordb.ingest import ClassDraft, Ingest, parse_id
from vectordb.loop import LoopThread
from vectordb.query.get import run_get
from vectordb.references import reference_targets
from vectordb.render import object_json
from vectordb.tenancy import check_tenant, refuse_unnamed, tenant_store, without_tenant
from vectordb.tenants.collection import TenantedCollection, is_multi_tenant, is_tenanted_dir
from vectordb.tenants.status import parse_names, parse_tenants
from vectordb.tenants.stores import OpenStores, store_limit

if TYPE_CHECKING:
    from vectordb.cluster.runtime import Cluster

log = logging.getLogger(__name__)

# The Weaviate version the clients are told. weaviate-client 4 picks its wire forms from it: from 1.29 it
# aggregates over gRPC (served here); from 1.36 it may stream batches over BatchStream (not served here).
VERSION = "1.30.0"


def capitalize_class(name: str) -> str:
    return name[:1].upper() + name[1:] if name else name


P = ParamSpec("P")
R = TypeVar("R")
C = TypeVar("C", Collection, TenantedCollection)


def _writes(fn: Callable[P, R]) -> Callable[P, R]:
    """A write the disk has no room for becomes a 507 in Weaviate's error shape, on every face."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except StorageFull as exc:
            raise InsufficientStorage(str(exc)) from exc

    return wrapper


class Database:
    def __init__(
        self,
        settings: Settings | None = None,
        *,
        registry: Registry | None = None,
        initial_map_size: int = 64 << 20,
        cluster: Cluster | None = None,
    ) -> None:
        self.settings = settings or Settings.from_env()
        single_threaded_blas()
        self.modules = registry or Registry.from_env(self.settings.env)
        self.initial_map_size = initial_map_size
        # The Ray cluster sharded collections live on (vectordb serve --ray-address); None: one node.
        self.cluster = cluster
        self.path = Path(self.settings.data_path)
        self._dir_lock = DirLock(self.path)
        self.collections_dir = self.path / "collections"
        self.schema_lock = threading.RLock()
        self.schema_version = 0
        # Single-tenant collections; multi-tenant classes are in `tenanted`, their tenants' open stores in
        # `tenant_stores`, so that code reaching a collection without naming a tenant gets Weaviate's error.
        self.collections: dict[str, Collection] = {}
        self.tenanted: dict[str, TenantedCollection] = {}
        self.tenant_stores = OpenStores(store_limit(self.settings.tenant_stores_open))
        try:
            self.backups = Backups(self)
            self.collections_dir.mkdir(parents=True, exist_ok=True)
            for child in sorted(self.collections_dir.iterdir()):
                if child.is_dir():
                    coll = self._open_collection(child)
                    if isinstance(coll, TenantedCollection):
                        self.tenanted[coll.name] = coll
                    elif coll is not None:
                        self.collections[coll.name] = coll
        except BaseException:
            for coll in self.collections.values():
                coll.close(snapshot=False)
            for mt in self.tenanted.values():
                mt.close()
            self._dir_lock.release()
            raise
        self.loop = LoopThread()
        self._stop = threading.Event()
        self._snapshotter = threading.Thread(target=self._snapshot_loop, name="vectordb-snapshots", daemon=True)
        self._snapshotter.start()
        self.ready = True

    def _open_collection(self, path: Path) -> Collection | TenantedCollection | None:
        """Open a stored collection; clear what an interrupted creation or deletion left (None then)."""
        if path.name.startswith(HIDDEN):
            log.warning("removing %s, left by a collection creation or deletion that was interrupted", path)
            shutil.rmtree(path)
            return None
        from vectordb.cluster import STATE_FILE, TENANTS_MARKER

        if (path / STATE_FILE).exists() or (path / TENANTS_MARKER).exists():
            return self._open_sharded(path)
        try:
            return TenantedCollection(self, path) if is_tenanted_dir(path) else Collection(self, path)
        except MissingSchema as exc:
            if exc.objects:
                raise
        # Written by a version that made collections in place; the creation never finished, so nothing was in it.
        log.warning("removing %s: its creation was interrupted before the schema was stored", path)
        shutil.rmtree(path)
        return None

    def _open_sharded(self, path: Path) -> Any:
        if self.cluster is None:
            raise RuntimeError(f"collection {path.name} is sharded over a Ray cluster: start the server with "
                               "--ray-address (or RAY_ADDRESS) to open it")
        from vectordb.cluster.sharded import ShardedCollection
        from vectordb.cluster.tenants import ClusterTenants

        return ClusterTenants(self, path) if is_tenanted_dir(path) else ShardedCollection(self, self.cluster, path)

    # lifecycle -------------------------------------------------------------------------------------
    def _snapshot_loop(self) -> None:
        interval = max(1, self.settings.hnsw_snapshot_interval_seconds)
        while not self._stop.wait(min(interval, 5)):
            for coll in list(self.collections.values()):
                try:
                    coll.maybe_snapshot(interval)
                except NotFound:
                    continue
                except (StorageFull, OSError) as exc:
                    log.warning("snapshot of %s failed, the change log still covers it: %s", coll.name, exc)
                except Exception:
                    log.exception("snapshot of %s failed; the change log still covers it", coll.name)
            self.tenant_stores.snapshot(interval)

    def close(self) -> None:
        self.ready = False
        self._stop.set()
        self._snapshotter.join(timeout=30)
        self.backups.close()
        with self.schema_lock:
            for coll in self.collections.values():
                try:
                    coll.close()
                except Exception:
                    log.exception("saving the vector indexes of %s failed; the change log still covers them",
                                  coll.name)
                    coll.close(snapshot=False)
            self.collections.clear()
            self.tenant_stores.close()
            for mt in self.tenanted.values():
                mt.close()
            self.tenanted.clear()
        self.loop.close()
        if self.cluster is not None:
            self.cluster.close()
        self._dir_lock.release()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # schema ----------------------------------------------------------------------------------------
    def collection(self, name: str) -> Collection:
        """A single-tenant collection; a multi-tenant class is reached through `shard` with its tenant."""
        coll = self.collections.get(capitalize_class(name))
        if coll is None:
            if capitalize_class(name) in self.tenanted:
                raise without_tenant(capitalize_class(name))
            raise NotFound(f"collection {capitalize_class(name)} not found")
        return coll

    def _class(self, name: str) -> Collection | TenantedCollection:
        found = self.collections.get(capitalize_class(name)) or self.tenanted.get(capitalize_class(name))
        if found is None:
            raise NotFound(f"collection {capitalize_class(name)} not found")
        return found

    def class_def(self, name: str) -> dict[str, Any]:
        return self._class(name).class_def

    def is_multi_tenant(self, name: str) -> bool:
        return capitalize_class(name) in self.tenanted

    def has_collection(self, name: str) -> bool:
        return capitalize_class(name) in self.collections or capitalize_class(name) in self.tenanted

    def schema(self) -> list[dict[str, Any]]:
        return [c.class_def for c in self.collections.values()] + [c.class_def for c in self.tenanted.values()]

    def shard(self, class_name: str, tenant: Any, *, create: bool = False) -> AbstractContextManager[Collection]:
        """The store a request names, for a with block: a single-tenant collection, or a tenant's store (leased
        for the block). create: the request inserts objects (autoTenantCreation applies). A plain context
        manager for the single-tenant case: every search enters one."""
        mt = self.tenanted.get(capitalize_class(class_name))
        if mt is None:
            coll = self.collection(class_name)
            check_tenant(coll.name, tenant)
            return nullcontext(coll)
        return tenant_store(mt, tenant, create=create)

    def tenanted_class(self, name: str) -> TenantedCollection:
        """A class's tenant list; Weaviate's 422 for a class without multi-tenancy."""
        found = self._class(name)
        if not isinstance(found, TenantedCollection):
            raise UserError(f'multi-tenancy is not enabled for class "{found.name}"')
        return found

    @_writes
    def create_collection(self, body: Mapping[str, Any]) -> dict[str, Any]:
        if not isinstance(body, Mapping):
            raise UserError("the class definition must be a JSON object")
        counts = None
        if self.cluster is not None:
            from vectordb.cluster import schema as cluster_schema

            body, *counts = cluster_schema.take_counts(body)
        class_def = schema.normalize_class(dict(body), modules=self.modules, settings=self.settings)
        if counts:
            cluster_schema.put_counts(class_def, *counts)
        if len(class_def.get("vectorConfig") or {}) > MAX_VECTORS:
            raise UserError(f"vectorConfig: a collection holds at most {MAX_VECTORS} named vectors, this one names "
                            f"{len(class_def['vectorConfig'])}")
        with self.schema_lock:
            name = class_def["class"]
            if any(existing.lower() == name.lower() for existing in (*self.collections, *self.tenanted)):
                raise UserError(f"class name {name!r} already exists")
            self._check_references(class_def)
            if is_multi_tenant(class_def):
                self.tenanted[name] = self._make_collection(class_def, self._tenanted_kind())
            elif counts and counts != [1, 1]:
                self.collections[name] = self._make_sharded(class_def)
            else:
                self.collections[name] = self._make_collection(class_def, Collection)
            self.schema_version += 1
            return class_def

    def _make_collection(self, class_def: dict[str, Any], kind: Callable[..., C]) -> C:
        """Build the collection out of sight and rename it into place: a crash leaves all of it or none."""
        final = self.collections_dir / class_def["class"]
        staging = hidden_sibling(final, "new")
        try:
            kind(self, staging, class_def).close(snapshot=False)
            os.rename(staging, final)
            fsync_dir(self.collections_dir)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return kind(self, final)

    def _tenanted_kind(self) -> type[TenantedCollection]:
        """On a cluster a multi-tenant class places its tenants on the nodes; on one node it keeps them here."""
        if self.cluster is None:
            return TenantedCollection
        from vectordb.cluster.tenants import ClusterTenants

        return ClusterTenants

    def _make_sharded(self, class_def: dict[str, Any]) -> Any:
        from vectordb.cluster.sharded import ShardedCollection

        assert self.cluster is not None  # only a cluster has counts above 1
        return ShardedCollection.create(self, self.cluster, self.collections_dir / class_def["class"], class_def)

    def _check_references(self, class_def: dict[str, Any]) -> None:
        for prop in class_def.get("properties") or []:
            for target in reference_targets(prop):
                if target != class_def["class"] and target not in self.collections:
                    raise UserError(
                        f"property '{prop['name']}': reference target class {target!r} does not exist"
                    )

    @_writes
    def delete_collection(self, name: str) -> None:
        with self.schema_lock:
            coll = self.collections.pop(capitalize_class(name), None) or self.tenanted.pop(capitalize_class(name), None)
            if coll is not None:
                coll.destroy()
                self.schema_version += 1

    @_writes
    def update_collection(self, name: str, body: Mapping[str, Any]) -> dict[str, Any]:
        with self.schema_lock:
            coll = self._class(name)
            if not isinstance(body, Mapping):
                raise UserError("the class definition must be a JSON object")
            if getattr(coll, "sharded", False):
                from vectordb.cluster.schema import updated

                new_def = updated(coll.class_def, dict(body), schema.update_class)
            else:
                new_def = schema.update_class(coll.class_def, dict(body))
            coll.set_class_def(new_def)
            self.schema_version += 1
            return new_def

    @_writes
    def add_property(self, name: str, prop: Mapping[str, Any]) -> dict[str, Any]:
        with self.schema_lock:
            coll = self._class(name)
            if not isinstance(prop, Mapping):
                raise UserError("the property definition must be a JSON object")
            new_def = schema.add_property(coll.class_def, dict(prop), modules=self.modules)
            self._check_references(new_def)
            coll.set_class_def(new_def)
            self.schema_version += 1
            added = next(p for p in new_def["properties"] if p["name"].lower() == str(prop.get("name")).lower())
            return added

    def _collection_for_write(self, class_name: Any) -> Collection | ClassDraft:
        if not class_name or not isinstance(class_name, str):
            raise UserError("invalid object: the given class is empty")
        name = capitalize_class(class_name)
        if name in self.collections:
            return self.collections[name]
        if not self.settings.autoschema_enabled:
            raise UserError(
                f"invalid object: class '{name}' does not exist and auto-schema is off (AUTOSCHEMA_ENABLED)"
            )
        body = {"class": name, "properties": []}
        return ClassDraft(body, schema.normalize_class(dict(body), modules=self.modules, settings=self.settings))

    def _commit(self, target: Collection | ClassDraft, writes: list[Write], mode: str) -> None:
        """Commit the writes that have no error; a draft class is created first, and dropped again when none
        of its objects was stored."""
        ready = [w for w in writes if w.error is None]
        if not ready:
            return
        if not isinstance(target, ClassDraft):
            target.commit(ready, mode=mode)
            return
        with self.schema_lock:
            coll = self.collections.get(target.name)
            created = coll is None
            if coll is None:
                try:
                    self.create_collection(target.body)
                except UserError as exc:  # e.g. the same name in other letter case was created meanwhile
                    for w in ready:
                        w.error = f"invalid object: {exc.message}"
                    return
                coll = self.collections[target.name]
        if coll.spaces != target.spaces:
            for w in ready:
                w.error = (
                    f"invalid object: class {target.name} was created meanwhile with other vector settings; send "
                    "the object again"
                )
            return
        stored = 0
        try:
            stored = coll.commit(ready, mode=mode)
        finally:
            if created and not stored:
                self._drop_if_empty(coll)

    def _drop_if_empty(self, coll: Collection) -> None:
        with self.schema_lock:
            if self.collections.get(coll.name) is coll and coll.count() == 0:
                log.info("auto-schema: class %s is dropped again, none of its objects was stored", coll.name)
                self.delete_collection(coll.name)

    # objects ---------------------------------------------------------------------------------------
    @_writes
    def insert_object(self, body: Mapping[str, Any], headers: Mapping[str, str] | None = None) -> dict[str, Any]:
        given = body.get("class")
        if isinstance(given, str) and capitalize_class(given) in self.tenanted:
            refuse_unnamed(self.tenanted[capitalize_class(given)], body.get("tenant"), 0)
            with self.shard(given, body.get("tenant"), create=True) as store:
                return self._written_json(store, self._write_one(store, body, "create", headers))
        write = self._write_one(self._collection_for_write(given), body, "create", headers)
        return self._written_json(self.collection(body["class"]), write)

    def validate_object(self, body: Mapping[str, Any]) -> None:
        class_def = self.class_def(body.get("class") or "")
        parse_id(body.get("id"))
        if body["class"] and capitalize_class(body["class"]) in self.tenanted:
            with self.shard(body["class"], body.get("tenant")):
                pass
        else:
            check_tenant(class_def["class"], body.get("tenant"))
        schema.validate_properties(class_def, dict(body.get("properties") or {}), autoschema=False)

    @_writes
    def replace_object(
        self, class_name: str, object_id: str, body: Mapping[str, Any], headers: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        with self.shard(class_name, body.get("tenant")) as coll:
            write = self._write_one(coll, {**body, "id": object_id}, "replace", headers)
            return self._written_json(coll, write)

    @_writes
    def merge_object(
        self, class_name: str, object_id: str, body: Mapping[str, Any], headers: Mapping[str, str] | None = None
    ) -> None:
        with self.shard(class_name, body.get("tenant")) as coll:
            self._write_one(coll, {**body, "id": object_id}, "merge", headers)

    def _write_one(
        self, coll: Collection | ClassDraft, body: Mapping[str, Any], mode: str, headers: Mapping[str, str] | None
    ) -> Write:
        ingest = Ingest(self, coll, headers)
        [write] = ingest.prepare([body], mode=mode)
        self._commit(coll, [write], mode)
        if write.error is not None:
            status = 404 if write.error.startswith("no object with id") else 422
            raise UserError(write.error, status)
        return write

    def _written_json(self, coll: Collection, write: Write) -> dict[str, Any]:
        found = coll.get_with_vectors(write.id)
        if found is None:
            raise NotFound(f"object {write.id} was deleted while being written")
        return self._object_json(coll, *found)

    @staticmethod
    def _object_json(coll: Collection, obj: dict[str, Any], vectors: dict[str, Any] | None) -> dict[str, Any]:
        out = object_json(obj, vectors)
        if coll.tenant is not None:
            out["tenant"] = coll.tenant
        return out

    @_writes
    def batch_objects(
        self, bodies: list[Mapping[str, Any]], headers: Mapping[str, str] | None = None
    ) -> list[dict[str, Any]]:
        """Upsert many objects; returns one result per input, in order: {"id", "error"?, "object"?}."""
        results: list[dict[str, Any]] = [{} for _ in bodies]
        # (class, tenant) -> positions; the tenant is None for a single-tenant class
        groups: dict[tuple[str, Any], list[int]] = {}
        targets: dict[str, Collection | ClassDraft] = {}
        for i, body in enumerate(bodies):
            if not isinstance(body, Mapping):
                results[i] = {"error": "each object must be a JSON object"}
                continue
            given = body.get("class")
            if isinstance(given, str) and capitalize_class(given) in self.tenanted:
                tenant = body.get("tenant")
                refuse_unnamed(self.tenanted[capitalize_class(given)], tenant, i)
                groups.setdefault((capitalize_class(given), tenant if isinstance(tenant, str) else None), []).append(i)
                continue
            try:
                # One draft per new class and batch, so all its objects share the class that auto-schema grows.
                known = targets.get(capitalize_class(given)) if isinstance(given, str) and given else None
                coll = known if known is not None else self._collection_for_write(given)
            except UserError as exc:
                results[i] = {"error": exc.message}
                continue
            targets[coll.name] = coll
            groups.setdefault((coll.name, None), []).append(i)
        for (name, tenant), positions in groups.items():
            if name in targets:
                self._batch_into(targets[name], bodies, positions, results, headers)
                continue
            try:
                with self.shard(name, tenant, create=True) as store:
                    self._batch_into(store, bodies, positions, results, headers)
            except UserError as exc:
                for i in positions:
                    results[i] = {"id": bodies[i].get("id"), "class": name, "error": exc.message}
        return results

    def _batch_into(self, coll: Collection | ClassDraft, bodies: list[Mapping[str, Any]], positions: list[int],
                    results: list[dict[str, Any]], headers: Mapping[str, str] | None) -> None:
        writes = Ingest(self, coll, headers).prepare([bodies[i] for i in positions], mode="upsert")
        self._commit(coll, writes, "upsert")
        for i, w in zip(positions, writes, strict=True):
            results[i] = {"id": w.id, "class": coll.name, "error": w.error, "properties": w.properties,
                          "stored": w.stored}
            if not isinstance(coll, ClassDraft) and coll.tenant is not None:
                results[i]["tenant"] = coll.tenant

    def get_object(
        self, class_name: str | None, object_id: str, *, include_vector: bool = False, tenant: str | None = None
    ) -> dict[str, Any] | None:
        object_id = parse_id(object_id) if object_id else object_id
        if class_name:
            with self.shard(class_name, tenant) as coll:
                return self._get_in(coll, object_id, include_vector)
        if tenant:
            raise UserError("invalid param 'tenant': a tenant needs the object's class in the path")
        for coll in list(self.collections.values()):
            found = self._get_in(coll, object_id, include_vector)
            if found is not None:
                return found
        return None

    def _get_in(self, coll: Collection, object_id: str, include_vector: bool) -> dict[str, Any] | None:
        found = coll.get_with_vectors(object_id)
        if found is None:
            return None
        obj, vectors = found
        return self._object_json(coll, obj, vectors if include_vector else None)

    @_writes
    def delete_object(self, class_name: str | None, object_id: str, *, tenant: str | None = None) -> bool:
        object_id = parse_id(object_id)
        if class_name:
            with self.shard(class_name, tenant) as coll:
                return bool(coll.delete([object_id]))
        if tenant:
            raise UserError("invalid param 'tenant': a tenant needs the object's class in the path")
        deleted = False
        for coll in list(self.collections.values()):
            deleted = bool(coll.delete([object_id])) or deleted
        return deleted

    def list_objects(
        self,
        class_name: str | None,
        *,
        limit: int | None = None,
        offset: int = 0,
        after: str | None = None,
        sort: list[dict[str, Any]] | None = None,
        include_vector: bool = False,
        tenant: str | None = None,
    ) -> dict[str, Any]:
        from vectordb.query.listing import list_objects

        if class_name and capitalize_class(class_name) in self.tenanted:
            with self.shard(class_name, tenant) as store:
                listed = list_objects(self, store.name, limit=limit, offset=offset, after=after, sort=sort or [],
                                      include_vector=include_vector, colls=[store])
            for obj in listed["objects"]:
                obj["tenant"] = store.tenant
            return listed
        if tenant:
            if not class_name:
                raise UserError("invalid param 'tenant': a tenant needs the 'class' parameter")
            check_tenant(capitalize_class(class_name), tenant)
        return list_objects(
            self, class_name, limit=limit, offset=offset, after=after, sort=sort or [],
            include_vector=include_vector,
        )

    @_writes
    def batch_delete(
        self, class_name: str, where: Mapping[str, Any], *, dry_run: bool = False, verbose: bool = False,
        tenant: str | None = None,
    ) -> dict[str, Any]:
        with self.shard(class_name, tenant) as coll:
            return self._batch_delete(coll, where, dry_run=dry_run, verbose=verbose)

    def _batch_delete(self, coll: Collection, where: Mapping[str, Any], *, dry_run: bool, verbose: bool
                      ) -> dict[str, Any]:
        if not isinstance(where, Mapping):
            raise UserError("invalid param 'match.where': a where filter is required")
        ids = sorted(coll.uuids_matching(dict(where)))
        limit = self.settings.query_maximum_results
        matched = ids[:limit]
        deleted = set() if dry_run else set(coll.delete(matched))
        objects = []
        failed = 0
        for object_id in matched:
            if dry_run:
                status = "DRYRUN"
            elif object_id in deleted:
                status = "SUCCESS"
            else:
                status, failed = "FAILED", failed + 1
            if verbose or status == "FAILED":
                entry: dict[str, Any] = {"id": object_id, "status": status}
                if status == "FAILED":
                    entry["errors"] = {"error": [{"message": "object was already gone"}]}
                objects.append(entry)
        return {
            "matches": len(matched),
            "limit": limit,
            "successful": 0 if dry_run else len(deleted),
            "failed": failed,
            "objects": objects if objects else None,
        }

    # references ------------------------------------------------------------------------------------
    @_writes
    def reference_add(self, class_name: str, object_id: str, prop: str, beacon: Mapping[str, Any] | None,
                      *, replace_all: list[Mapping[str, Any]] | None = None, remove: bool = False,
                      tenant: str | None = None) -> None:
        from vectordb.references import change_reference

        change_reference(self, class_name, object_id, prop, beacon, replace_all=replace_all, remove=remove,
                         tenant=tenant)

    def resolve_reference_filter(self, class_name: str, where: dict[str, Any]) -> set[str]:
        return self.collection(class_name).uuids_matching(where)

    # tenants ---------------------------------------------------------------------------------------
    def tenants(self, class_name: str, names: list[str] | None = None) -> list[dict[str, str]]:
        return self.tenanted_class(class_name).tenants(names)

    @_writes
    def add_tenants(self, class_name: str, body: Any) -> list[dict[str, str]]:
        mt = self.tenanted_class(class_name)
        return mt.add(parse_tenants(body, adding=True))

    @_writes
    def update_tenants(self, class_name: str, body: Any) -> list[dict[str, str]]:
        mt = self.tenanted_class(class_name)
        return mt.update(parse_tenants(body, adding=False))

    @_writes
    def delete_tenants(self, class_name: str, body: Any) -> None:
        mt = self.tenanted_class(class_name)
        mt.delete(parse_names(body))

    # queries ---------------------------------------------------------------------------------------
    def search(self, request: Any) -> list[Any]:
        return run_get(self, request)

    def aggregate(self, request: Any) -> list[dict[str, Any]]:
        from vectordb.query.aggregate_run import run_aggregate

        return run_aggregate(self, request)

    # cluster-ish -----------------------------------------------------------------------------------
    def meta(self, hostname: str) -> dict[str, Any]:
        """`hostname`: where the face asking serves this database (the REST listen address, ...)."""
        return {
            "hostname": hostname,
            "version": VERSION,
            "modules": {**self.modules.meta(), **self.backups.meta()},
            "grpcMaxMessageSize": 104858000,
        }

    def shards(self, class_name: str) -> list[dict[str, Any]]:
        """GET /v1/schema/{class}/shards: each shard's name and status."""
        from vectordb.cluster.nodes import shard_statuses

        return shard_statuses(self, class_name)

    def nodes(self, *, verbose: bool = False, class_name: str | None = None) -> dict[str, Any]:
        if self.cluster is not None:
            from vectordb.cluster.nodes import cluster_nodes

            return cluster_nodes(self, verbose=verbose, class_name=class_name)
        if class_name:
            found = self._class(class_name)
            colls = [found] if isinstance(found, Collection) else []
            tenanted = [found] if isinstance(found, TenantedCollection) else []
        else:
            colls, tenanted = list(self.collections.values()), list(self.tenanted.values())
        # (class, shard name, objects): a single-tenant collection is one shard, a multi-tenant class one per
        # active tenant (an inactive one is unloaded, and Weaviate does not list it).
        shards = [(c.name, "shard0", c.count(), c.compressed) for c in colls]
        for mt in tenanted:
            # A tenant's store is read in place, not opened, so whether its index has trained is not known here.
            shards.extend((mt.name, tenant, count, False) for tenant, count in mt.counts().items())
        node: dict[str, Any] = {
            "name": "node1",
            "status": "HEALTHY",
            "version": VERSION,
            "gitHash": "vectordb",
            "stats": {"shardCount": len(shards), "objectCount": sum(n for _c, _s, n, _z in shards)},
            "batchStats": {"queueLength": 0, "ratePerSecond": 0},
            "operationalMode": "ReadWrite",
        }
        if verbose:
            # Weaviate answers null, not [], when no collection has a shard.
            node["shards"] = None if not shards else [
                {
                    "name": shard,
                    "class": cls,
                    "objectCount": count,
                    "vectorIndexingStatus": "READY",
                    "compressed": compressed,
                    "vectorQueueLength": 0,
                    "loaded": True,
                }
                for cls, shard, count, compressed in shards
            ]
        return {"nodes": [node]}
