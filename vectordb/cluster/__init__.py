"""Scale-out on Ray: collections sharded by Weaviate's UUID hash, each shard replica a Ray actor owning a store.

Nothing here imports Ray at module level: a single node without Ray never loads it. `runtime.Cluster` connects
to a Ray cluster (`vectordb serve --ray-address`); `sharded.ShardedCollection` is the coordinator's view of one
sharded collection, `replica.ShardReplica` the actor body on a node, `search` the fan-out and exact merge.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from vectordb.cluster.sharded import ShardedCollection

# The file in a collection's directory that marks it as sharded over the cluster (class and sharding state).
STATE_FILE = "cluster.json"
# The file in a multi-tenant class's directory that marks its tenants as placed on the cluster's nodes.
TENANTS_MARKER = "cluster-tenants"


def as_sharded(coll: object) -> ShardedCollection | None:
    """The collection as a sharded one, or None for a collection on this node."""
    return cast("ShardedCollection", coll) if getattr(coll, "sharded", False) else None
