"""Deletions are kept as tombstones, so a replica that missed one does not bring the object back: not through
read repair, not through catch-up; an object made again after its deletion is alive."""

from __future__ import annotations

import ray

from tests.cluster.conftest import CLASS, at_level, objects, wait_until
from vectordb.collection import now_ms


def _replicas(coll, object_id: str) -> list:
    return [coll.handles[k] for k in coll.replicas_of(coll.routing.shard_for(object_id))]


def test_read_repair_deletes_on_the_replica_that_missed_the_deletion(cluster_db, article):
    coll = cluster_db.collection(CLASS)
    obj = objects(7000, 1)[0]
    at_level("ALL", cluster_db.batch_objects, [obj])
    first, second, missed = _replicas(coll, obj["id"])
    # the deletion reaches two replicas only, as when the third's node was away
    ray.get([h.delete.remote([obj["id"]], now_ms()) for h in (first, second)])
    assert obj["id"] in ray.get(missed.digest.remote())

    assert at_level("ALL", cluster_db.get_object, CLASS, obj["id"]) is None
    wait_until(lambda: obj["id"] not in ray.get(missed.digest.remote()), 10, "the repair of the third replica")
    assert obj["id"] in ray.get(missed.deletions.remote())


def test_catch_up_takes_deletions_and_keeps_what_was_made_again(cluster_db, article):
    coll = cluster_db.collection(CLASS)
    gone, remade = objects(7100, 2)
    at_level("ALL", cluster_db.batch_objects, [gone, remade])
    peer, _, behind = _replicas(coll, gone["id"])
    ray.get(peer.delete.remote([gone["id"]], now_ms()))
    assert gone["id"] in ray.get(behind.digest.remote())
    copied, deleted = ray.get(behind.catch_up.remote(peer))
    assert deleted == 1 and gone["id"] not in ray.get(behind.digest.remote())

    # deleted everywhere, then made again: the newer version is alive on every replica, at ALL
    at_level("ALL", cluster_db.delete_object, CLASS, remade["id"])
    assert at_level("ALL", cluster_db.get_object, CLASS, remade["id"]) is None
    at_level("ALL", cluster_db.batch_objects, [remade])
    found = at_level("ALL", cluster_db.get_object, CLASS, remade["id"])
    assert found is not None and found["properties"] == remade["properties"]
    for handle in _replicas(coll, remade["id"]):
        assert remade["id"] in ray.get(handle.digest.remote())
        assert remade["id"] not in ray.get(handle.deletions.remote())
