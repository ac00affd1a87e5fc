"""Factor 3 at QUORUM: a node killed during an import loses no acknowledged write and QUORUM goes on; back, it
catches up from a peer and reads at ALL agree with one node's answers."""

from __future__ import annotations

import threading

import pytest

from tests.cluster.conftest import CLASS, all_up, at_level, objects, wait_until
from vectordb.cluster.runtime import Unavailable


def test_a_node_killed_during_an_import_loses_no_acknowledged_write(ray_cluster, cluster_db, one_node, article):
    import ray

    coll = cluster_db.collection(CLASS)
    victim = ray_cluster.nodes[2]  # not the head, which holds the cluster's control store
    batches = [objects(1000 + 25 * i, 25) for i in range(16)]
    acked: list[str] = []
    refused: list[str] = []
    killer = threading.Timer(0.3, victim.kill)
    for i, batch in enumerate(batches):
        if i == 2:
            killer.start()
        for r in at_level("QUORUM", cluster_db.batch_objects, batch):
            (refused if r.get("error") else acked).append(r["id"] if not r.get("error") else r["error"])
    killer.join()
    assert not refused  # two of three replicas of every shard are left: QUORUM writes go on
    assert len(acked) == 16 * 25
    for batch in batches:
        one_node.batch_objects(batch)
    wait_until(lambda: any(s == "down" for s in coll.state.values()), 60, "the killed node's replicas to be down")

    assert all(at_level("QUORUM", cluster_db.get_object, CLASS, object_id) is not None for object_id in acked)
    with pytest.raises(Unavailable, match="cannot achieve consistency level ALL"):
        at_level("ALL", cluster_db.get_object, CLASS, acked[0])
    # a deletion and an update while the node is away: it must learn both when it catches up
    gone, changed = acked[0], objects(1001, 1)[0]
    at_level("QUORUM", cluster_db.delete_object, CLASS, gone)
    one_node.delete_object(CLASS, gone)
    changed["properties"]["title"] = "changed while a node was away"
    for db in (cluster_db, one_node):
        db.replace_object(CLASS, changed["id"], changed)

    ray_cluster.start(victim)
    wait_until(lambda: all_up(cluster_db), 180, "every replica to be up again")
    for shard in coll.routing.physical:
        digests = [ray.get(coll.handles[k].digest.remote()) for k in coll.replicas_of(shard)]
        assert digests[0] == digests[1] == digests[2], f"the replicas of shard {shard} differ"
    for object_id in acked[1:]:
        found = at_level("ALL", cluster_db.get_object, CLASS, object_id)
        assert found is not None and found["properties"] == one_node.get_object(CLASS, object_id)["properties"]
    assert at_level("ALL", cluster_db.get_object, CLASS, gone) is None
    assert cluster_db.collection(CLASS).count() == one_node.collection(CLASS).count()
