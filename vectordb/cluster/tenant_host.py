"""The tenants of one multi-tenant class placed on one node: one Ray actor per class and node holds a replica
(`ShardReplica`, a store of its own) for each tenant placed there, opened on first use. One actor per tenant
would cost a process each; a node holds thousands of tenants.

`TenantReplica` is how the coordinator (and a catching-up peer) calls one tenant's replica: as it calls a shard
replica's actor, `handle.method.remote(*args)`, which becomes `host.call.remote(tenant, method, *args)`.
"""

from __future__ import annotations

import logging
import shutil
import threading
from typing import Any

from vectordb.cluster.replica import ShardReplica, shard_dir

log = logging.getLogger(__name__)


class TenantHost:
    def __init__(self, root: str, node: str, class_def: dict[str, Any], max_results: int) -> None:
        self.root = root
        self.node = node
        self.class_def = class_def
        self.max_results = max_results
        self.replicas: dict[str, ShardReplica] = {}
        self._lock = threading.Lock()

    def _replica(self, tenant: str) -> ShardReplica:
        with self._lock:
            replica = self.replicas.get(tenant)
            if replica is None:
                replica = self.replicas[tenant] = ShardReplica(self.root, self.node, self.class_def, tenant,
                                                               self.max_results)
            return replica

    def call(self, tenant: str, method: str, *args: Any) -> Any:
        """Run a replica method on the tenant's store (opened when it is not)."""
        if method == "destroy":
            return self.drop(tenant)
        return getattr(self._replica(tenant), method)(*args)

    def ping(self) -> int:
        return len(self.replicas)

    def set_class_def(self, class_def: dict[str, Any]) -> None:
        """The new definition for the open replicas and those opened later."""
        with self._lock:
            self.class_def = class_def
            replicas = list(self.replicas.values())
        for replica in replicas:
            replica.set_class_def(class_def)

    def retire(self, tenant: str) -> None:
        """Close the tenant's store (it went inactive); its data stays on the node."""
        with self._lock:
            replica = self.replicas.pop(tenant, None)
        if replica is not None:
            replica.close()

    def drop(self, tenant: str) -> None:
        """Delete the tenant's store, open or not."""
        with self._lock:
            replica = self.replicas.pop(tenant, None)
        if replica is not None:
            replica.destroy()
        else:
            shutil.rmtree(shard_dir(self.root, self.node, self.class_def["class"], tenant), ignore_errors=True)

    def statuses(self) -> list[dict[str, Any]]:
        """The open tenants' shard statuses (GET /v1/nodes)."""
        with self._lock:
            replicas = list(self.replicas.values())
        return [replica.status() for replica in replicas]


class TenantReplica:
    """One tenant's replica inside its node's `TenantHost`, called as a shard replica's actor is."""

    def __init__(self, host: Any, tenant: str) -> None:
        self.host = host
        self.tenant = tenant

    def __getattr__(self, method: str) -> _Call:
        if method.startswith("_"):  # pickling looks such names up on instances not yet filled in
            raise AttributeError(method)
        return _Call(self.__dict__["host"], self.__dict__["tenant"], method)


class _Call:
    def __init__(self, host: Any, tenant: str, method: str) -> None:
        self.host, self.tenant, self.method = host, tenant, method

    def remote(self, *args: Any) -> Any:
        return self.host.call.remote(self.tenant, self.method, *args)
