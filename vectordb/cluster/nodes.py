"""/v1/nodes and /v1/schema/{class}/shards on a cluster: every node, the shard replicas it holds, their counts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vectordb.cluster import as_sharded
from vectordb.cluster.runtime import PING_TIMEOUT, UP

if TYPE_CHECKING:
    from vectordb.database import Database


def _local_shard(name: str, count: int, shard: str = "shard0") -> dict[str, Any]:
    return {"name": shard, "class": name, "objectCount": count, "vectorIndexingStatus": "READY",
            "compressed": False, "vectorQueueLength": 0, "loaded": True}


def cluster_nodes(db: Database, *, verbose: bool, class_name: str | None) -> dict[str, Any]:
    from vectordb.cluster.tenants import ClusterTenants
    from vectordb.database import VERSION
    from vectordb.tenants.collection import TenantedCollection

    cluster = db.cluster
    assert cluster is not None  # called for a database on a cluster only
    found = [db._class(class_name)] if class_name else [*db.collections.values(), *db.tenanted.values()]
    colls: list[Any] = []
    for coll in found:
        # a multi-tenant class: each open tenant is a shard of one replica per node it is placed on
        colls.extend(coll.open_shards.values() if isinstance(coll, ClusterTenants) else [coll])
    alive = set(cluster.nodes())
    here = cluster.ray.util.get_node_ip_address()
    shards: dict[str, list[dict[str, Any]]] = {node: [] for node in alive}
    calls: dict[Any, Any] = {}
    for coll in colls:
        sharded = as_sharded(coll)
        if isinstance(coll, TenantedCollection):  # made on one node: its tenants are here
            shards.setdefault(here, []).extend(_local_shard(coll.name, n, t) for t, n in coll.counts().items())
            continue
        if sharded is None:
            shards.setdefault(here, []).append(_local_shard(coll.name, coll.count()))
            continue
        for key, handle in sharded.handles.items():
            shards.setdefault(key[1], [])
            if sharded.state[key] == UP:
                calls[(sharded.name, *key)] = handle.status.remote()
    answers = cluster.gather(calls, len(calls), lambda key: None, timeout=PING_TIMEOUT) if calls else {}
    for (_, _, node), status in sorted(answers.items()):
        shards[node].append(status)
    nodes = []
    for node in sorted(shards):
        held = shards[node]
        entry: dict[str, Any] = {
            "name": node,
            "status": "HEALTHY" if node in alive else "UNAVAILABLE",
            "version": VERSION,
            "gitHash": "vectordb",
            "stats": {"shardCount": len(held), "objectCount": sum(s["objectCount"] for s in held)},
            "batchStats": {"queueLength": 0, "ratePerSecond": 0},
            "operationalMode": "ReadWrite",
        }
        if verbose:
            entry["shards"] = held or None
        nodes.append(entry)
    return {"nodes": nodes}


def shard_statuses(db: Database, class_name: str) -> list[dict[str, Any]]:
    coll = db.collection(class_name)
    sharded = as_sharded(coll)
    if sharded is None:
        return [{"name": "shard0", "status": "READY", "vectorQueueSize": 0}]
    return [
        {"name": shard, "status": "READY" if any(sharded.state[k] == UP for k in sharded.replicas_of(shard))
         else "UNAVAILABLE", "vectorQueueSize": 0}
        for shard in sorted(sharded.routing.physical)
    ]
