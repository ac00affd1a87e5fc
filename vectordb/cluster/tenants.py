"""A multi-tenant class on a Ray cluster: each tenant placed on `replicationConfig.factor` nodes.

The coordinator keeps the class definition and the tenant list as one node does (`TenantedCollection`'s LMDB),
plus each tenant's nodes, chosen once when the tenant is added (rendezvous hashing over the nodes alive then) and
stored with it. On each of those nodes the class's `TenantHost` actor holds the tenant's replica. A request naming
a tenant gets a `TenantShard`: a sharded collection of one shard, the tenant, whose replicas are those; writes,
reads, queries and aggregations then go through the same replicated paths, at the same consistency levels, with
the same read repair and catch-up, as a sharded class's.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import lmdb

from storage.hnsw import fsync_dir
from storage.kv import pack, unpack
from vectordb.cluster import TENANTS_MARKER
from vectordb.cluster.routing import ShardingState, place
from vectordb.cluster.runtime import Cluster
from vectordb.cluster.sharded import ShardedCollection
from vectordb.cluster.tenant_host import TenantReplica
from vectordb.errors import UserError
from vectordb.spaces import spaces
from vectordb.tenants.collection import TenantedCollection
from vectordb.tenants.status import HOT

if TYPE_CHECKING:
    from vectordb.database import Database

log = logging.getLogger(__name__)

_PLACEMENT = "placement"


class ClusterTenants(TenantedCollection):
    def __init__(self, db: Database, path: Path, class_def: dict[str, Any] | None = None) -> None:
        super().__init__(db, path, class_def)
        assert db.cluster is not None  # made for a database on a cluster only
        self.cluster: Cluster = db.cluster
        self._placement = self.kv.db(_PLACEMENT)
        with self.kv.read() as txn:
            self.placement: dict[str, list[str]] = {
                bytes(k).decode(): unpack(v) for k, v in txn.cursor(db=self._placement)}
        if not (path / TENANTS_MARKER).exists():
            (path / TENANTS_MARKER).touch()
            fsync_dir(path)
        self.open_shards: dict[str, TenantShard] = {}
        self._opening = threading.Lock()

    @property
    def factor(self) -> int:
        return int(self.class_def["replicationConfig"]["factor"])

    def hosts(self, node: str) -> Any:
        return self.cluster.tenant_host(self.class_def, node, self.db.settings.query_maximum_results)

    # the tenant list -------------------------------------------------------------------------------
    def add(self, wanted: dict[str, str]) -> list[dict[str, str]]:
        """Add tenants, each placed on `factor` of the alive nodes; an existing one is left as it is."""
        with self.lock:
            new = {n: s for n, s in wanted.items() if n not in self.statuses}
            if new:
                nodes = self.cluster.nodes()
                try:
                    placed = {n: place(f"{self.name}/{n}", nodes, self.factor) for n in new}
                except ValueError as exc:
                    raise UserError(f"replicationConfig: {exc}") from exc

                def put(txn: lmdb.Transaction) -> None:
                    for n, s in new.items():
                        txn.put(n.encode(), pack({"status": s}), db=self._tenants)
                        txn.put(n.encode(), pack(placed[n]), db=self._placement)

                self.kv.write(put)
                self.placement.update(placed)
                self.statuses.update(new)
        return [{"name": n, "activityStatus": s} for n, s in wanted.items()]

    def _set_statuses(self, wanted: dict[str, str]) -> None:
        """An inactive tenant's replicas close their stores on their nodes (the data stays there)."""
        went_cold = [n for n, s in wanted.items() if s != HOT and self.statuses.get(n) == HOT]
        super()._set_statuses(wanted)
        for n in went_cold:
            self._close_shard(n)
            self._on_nodes(n, "retire")

    def delete(self, names: list[str]) -> None:
        """Delete tenants, and their replicas' stores on the nodes that answer."""
        with self.lock:
            gone = [n for n in names if n in self.statuses]
            if not gone:
                return

            def drop(txn: lmdb.Transaction) -> None:
                for n in gone:
                    txn.delete(n.encode(), db=self._tenants)
                    txn.delete(n.encode(), db=self._placement)

            self.kv.write(drop)
            for n in gone:
                del self.statuses[n]
                self._close_shard(n)
                self._on_nodes(n, "drop")
                self.placement.pop(n, None)

    def _on_nodes(self, tenant: str, method: str) -> None:
        alive = set(self.cluster.nodes())
        calls = {node: getattr(self.hosts(node), method).remote(tenant)
                 for node in self.placement.get(tenant, []) if node in alive}
        answered = self.cluster.gather(calls, len(calls), lambda node: None)
        for node in set(calls) - set(answered):
            log.warning("tenant %s of %s: the node %s did not %s its store", tenant, self.name, node, method)

    # a tenant's store -------------------------------------------------------------------------------
    @contextmanager
    def store(self, tenant: str) -> Iterator[Any]:
        """The tenant's replicas, as a sharded collection of one shard."""
        status = self.statuses.get(tenant)
        if status is None:
            raise UserError(f'tenant not found: "{tenant}"')
        if status != HOT:
            raise UserError(f"tenant not active: '{tenant}'")
        with self._opening:
            shard = self.open_shards.get(tenant)
            if shard is None:
                shard = self.open_shards[tenant] = TenantShard(self, tenant, self.placement[tenant])
        yield shard

    def _close_shard(self, tenant: str) -> None:
        shard = self.open_shards.pop(tenant, None)
        if shard is not None:
            shard.close()

    # schema ------------------------------------------------------------------------------------------
    def set_class_def(self, class_def: dict[str, Any]) -> None:
        """Persist the definition, and hand it to the class's actor on every alive node and to the open shards."""
        super().set_class_def(class_def)
        calls = {node: self.hosts(node).set_class_def.remote(class_def) for node in self.cluster.nodes()}
        self.cluster.gather(calls, len(calls), lambda node: None)
        for shard in list(self.open_shards.values()):
            shard.take_class_def(class_def)

    # lifecycle ----------------------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        """The objects of each open active tenant (one replica asked)."""
        return {n: shard.count() for n, shard in list(self.open_shards.items()) if self.statuses.get(n) == HOT}

    def close(self, *, snapshot: bool = True) -> None:
        for tenant in list(self.open_shards):
            self._close_shard(tenant)
        super().close(snapshot=snapshot)

    def destroy(self) -> None:
        """Delete every tenant's stores and the class's actors on the alive nodes, then the class."""
        self.delete(list(self.statuses))
        ray = self.cluster.ray
        for node in self.cluster.nodes():
            handle = self.hosts(node)
            try:
                ray.kill(handle)
            except ray.exceptions.RayError:
                continue
        super().destroy()


class TenantShard(ShardedCollection):
    """One tenant's replicas, seen as a sharded collection of one shard named after the tenant."""

    def __init__(self, owner: ClusterTenants, tenant: str, nodes: list[str]) -> None:
        self.owner = owner
        self.tenant = tenant
        self.path = owner.path
        self._start(owner.db, owner.cluster, owner.class_def, ShardingState.single(tenant, nodes))

    @property
    def key(self) -> str:
        return f"{self.name}/{self.tenant}"

    def new_handle(self, shard: str, node: str) -> Any:
        return TenantReplica(self.owner.hosts(node), shard)

    def set_class_def(self, class_def: dict[str, Any]) -> None:
        """Auto-schema grew the class: the definition is the class's, shared by all its tenants."""
        self.owner.set_class_def(class_def)

    def take_class_def(self, class_def: dict[str, Any]) -> None:
        self.class_def = class_def
        self.spaces = spaces(class_def)

    def destroy(self) -> None:
        raise AssertionError("a tenant is deleted through its class (ClusterTenants.delete)")
