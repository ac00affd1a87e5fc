"""Multi-tenant classes on the cluster: each tenant placed on `factor` nodes, its replicas in the class's actor on
each; tenant add/list/update/delete, objects, batches, queries and Aggregate with a tenant go to the tenant's
replicas at the consistency level; a node killed and brought back catches up, and reads at ALL agree."""

from __future__ import annotations

import ray

from tests.cluster.conftest import CLASS, IPS, all_up, at_level, class_body, objects, wait_until
from vectordb.cluster.routing import place
from vectordb.query.request import AggregateRequest, SearchRequest

MT = "Docs"
TENANTS = ["alpha", "beta", "gamma"]


def _body(name: str, factor: int) -> dict:
    body = class_body(name, shards=1, factor=factor)
    del body["shardingConfig"]
    return {**body, "multiTenancyConfig": {"enabled": True}}


def _docs(start: int, count: int, tenant: str, name: str = MT) -> list[dict]:
    return [{**o, "class": name, "tenant": tenant} for o in objects(start, count, name)]



def _shard(db, tenant: str, name: str = MT):
    with db.shard(name, tenant) as shard:
        return shard


def test_tenants_are_placed_on_factor_nodes_and_listed_there(cluster_db, one_node):
    cluster_db.create_collection(_body("Placed", 2))
    cluster_db.add_tenants("Placed", [{"name": t} for t in TENANTS])
    for i, tenant in enumerate(TENANTS):
        assert not [r for r in at_level("QUORUM", cluster_db.batch_objects, _docs(10 * i, 5, tenant, "Placed"))
                    if r.get("error")]
    nodes = {n["name"]: n for n in cluster_db.nodes(verbose=True, class_name="Placed")["nodes"]}
    for tenant in TENANTS:
        expected = place(f"Placed/{tenant}", IPS, 2)
        assert sorted(_shard(cluster_db, tenant, "Placed").routing.physical[tenant]) == sorted(expected)
        holding = sorted(name for name, n in nodes.items() for s in n["shards"] or [] if s["name"] == tenant)
        assert holding == sorted(expected)
        assert all(s["objectCount"] == 5 for n in nodes.values() for s in n["shards"] or [] if s["name"] == tenant)
    assert sorted(t["name"] for t in cluster_db.tenants("Placed")) == TENANTS

    # inactive: refused, its stores closed on the nodes; active again: its objects are there
    cluster_db.update_tenants("Placed", [{"name": "beta", "activityStatus": "COLD"}])
    result = cluster_db.batch_objects(_docs(100, 1, "beta", "Placed"))
    assert "not active" in result[0]["error"]
    cluster_db.update_tenants("Placed", [{"name": "beta", "activityStatus": "HOT"}])
    assert _shard(cluster_db, "beta", "Placed").count() == 5

    # deleted: gone from the list and from the nodes' disks
    placed = place("Placed/gamma", IPS, 2)
    cluster_db.delete_tenants("Placed", ["gamma"])
    assert sorted(t["name"] for t in cluster_db.tenants("Placed")) == ["alpha", "beta"]
    for node in placed:
        host = cluster_db.tenanted["Placed"].hosts(node)  # type: ignore[attr-defined]
        assert "gamma" not in {s["name"] for s in ray.get(host.statuses.remote())}
    cluster_db.delete_collection("Placed")
    assert "Placed" not in cluster_db.tenanted


def test_a_tenant_survives_a_node_and_its_answers_equal_one_node(ray_cluster, cluster_db, one_node, article):
    cluster_db.create_collection(_body(MT, 3))
    one_node.create_collection(_body(MT, 1))
    for db in (cluster_db, one_node):
        db.add_tenants(MT, [{"name": t} for t in TENANTS[:2]])
    data = {t: _docs(200 * i, 60, t) for i, t in enumerate(TENANTS[:2])}
    for docs in data.values():
        assert not [r for r in at_level("QUORUM", cluster_db.batch_objects, docs) if r.get("error")]
        one_node.batch_objects(docs)

    victim = ray_cluster.nodes[2]
    victim.kill()
    shard = _shard(cluster_db, "alpha")
    wait_until(lambda: any(s == "down" for s in shard.state.values()), 60, "alpha's replica to be down")
    for tenant, docs in data.items():
        for doc in docs[:10]:
            found = at_level("QUORUM", cluster_db.get_object, MT, doc["id"], tenant=tenant)
            assert found is not None and found["properties"] == doc["properties"] and found["tenant"] == tenant
    # written, changed and deleted while the node is away: it learns all of it when it catches up
    late = _docs(1000, 10, "alpha")
    assert not [r for r in at_level("QUORUM", cluster_db.batch_objects, late) if r.get("error")]
    gone = data["alpha"][0]["id"]
    at_level("QUORUM", cluster_db.delete_object, MT, gone, tenant="alpha")
    one_node.batch_objects(late)
    one_node.delete_object(MT, gone, tenant="alpha")

    ray_cluster.start(victim)
    wait_until(lambda: all(s == "up" for s in shard.state.values()), 180, "alpha's replicas to be up again")
    digests = [ray.get(shard.handles[k].digest.remote()) for k in shard.replicas_of("alpha")]
    assert digests[0] == digests[1] == digests[2]
    assert at_level("ALL", cluster_db.get_object, MT, gone, tenant="alpha") is None
    for doc in late:
        assert at_level("ALL", cluster_db.get_object, MT, doc["id"], tenant="alpha")["properties"] == doc["properties"]

    vector = objects(3, 1)[0]["vector"]
    for query in ({"near_vector": {"vector": vector}, "limit": 10},
                  {"bm25": {"query": "apple banana"}, "limit": 10},
                  {"where": {"path": ["n"], "operator": "GreaterThan", "valueInt": 30}, "limit": 100}):
        many, one = (db.search(SearchRequest(collection=MT, tenant="alpha", consistency_level="ALL", **query))
                     for db in (cluster_db, one_node))
        assert [(r.id, r.properties) for r in many] == [(r.id, r.properties) for r in one]
    agg = AggregateRequest(collection=MT, tenant="alpha", meta_count=True,
                           fields={"price": ["sum", "mean"]})
    assert cluster_db.aggregate(agg) == one_node.aggregate(agg)
    listed = [cluster_db.list_objects(MT, tenant="beta", limit=100), one_node.list_objects(MT, tenant="beta",
                                                                                       limit=100)]
    assert [o["id"] for o in listed[0]["objects"]] == [o["id"] for o in listed[1]["objects"]]
    wait_until(lambda: all_up(cluster_db, CLASS), 180, "the sharded class's replicas to be up again")
