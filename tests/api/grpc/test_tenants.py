"""Multi-tenancy through the official weaviate-client 4 (gRPC Search / BatchObjects / BatchDelete / Aggregate /
TenantsGet, REST for the tenant list), as Weaviate's test/acceptance_with_python multi-tenancy checks use it."""

from __future__ import annotations

import pytest
import weaviate
import weaviate.classes as wvc
from weaviate.classes.tenants import Tenant, TenantActivityStatus
from weaviate.exceptions import UnexpectedStatusCodeError, WeaviateInsertManyAllFailedError, WeaviateQueryError

UUID1 = "00000000-0000-0000-0000-000000000001"


@pytest.fixture
def pizzas(client: weaviate.WeaviateClient):
    return client.collections.create(
        "Pizza",
        vectorizer_config=wvc.config.Configure.Vectorizer.none(),
        multi_tenancy_config=wvc.config.Configure.multi_tenancy(enabled=True),
        properties=[wvc.config.Property(name="name", data_type=wvc.config.DataType.TEXT),
                    wvc.config.Property(name="n", data_type=wvc.config.DataType.INT)],
    )


def test_the_tenant_list_through_the_client(pizzas):
    pizzas.tenants.create([Tenant(name="a"), Tenant(name="b", activity_status=TenantActivityStatus.INACTIVE)])
    pizzas.tenants.create("c")
    got = pizzas.tenants.get()
    assert {n: t.activity_status for n, t in got.items()} == {
        "a": TenantActivityStatus.ACTIVE, "b": TenantActivityStatus.INACTIVE, "c": TenantActivityStatus.ACTIVE}
    assert set(pizzas.tenants.get_by_names(["a", "zz"])) == {"a"}
    assert pizzas.tenants.get_by_name("b").activity_status == TenantActivityStatus.INACTIVE
    assert pizzas.tenants.get_by_name("zz") is None
    assert pizzas.tenants.exists("a") and not pizzas.tenants.exists("zz")
    pizzas.tenants.update(Tenant(name="a", activity_status=TenantActivityStatus.INACTIVE))
    assert pizzas.tenants.get_by_name("a").activity_status == TenantActivityStatus.INACTIVE
    pizzas.tenants.remove(["a", "c"])
    assert set(pizzas.tenants.get()) == {"b"}
    with pytest.raises(UnexpectedStatusCodeError, match="offload-s3 module is not enabled"):
        pizzas.tenants.update(Tenant(name="b", activity_status=TenantActivityStatus.OFFLOADED))
    config = pizzas.config.get()
    assert config.multi_tenancy_config.enabled and not config.multi_tenancy_config.auto_tenant_creation


def test_objects_queries_and_deletes_in_a_tenant(pizzas):
    pizzas.tenants.create(["a", "b"])
    a, b = pizzas.with_tenant("a"), pizzas.with_tenant("b")
    with a.batch.dynamic() as batch:
        for i in range(5):
            batch.add_object({"name": f"a{i}", "n": i}, vector=[1.0, float(i)])
    assert not a.batch.failed_objects
    b.data.insert({"name": "b0", "n": 0}, uuid=UUID1, vector=[0.0, 1.0])
    assert a.aggregate.over_all(total_count=True).total_count == 5
    assert b.aggregate.over_all(total_count=True).total_count == 1
    near = a.query.near_vector([1.0, 2.0], limit=2)
    assert [o.properties["name"] for o in near.objects] == ["a2", "a3"]
    assert {o.properties["name"] for o in a.query.fetch_objects(limit=10).objects} == {f"a{i}" for i in range(5)}
    assert [o.properties["name"] for o in a.query.bm25("a3").objects] == ["a3"]
    assert b.query.fetch_object_by_id(UUID1).properties["name"] == "b0"
    assert a.query.fetch_object_by_id(UUID1) is None
    deleted = a.data.delete_many(where=wvc.query.Filter.by_property("n").greater_or_equal(3))
    assert deleted.matches == 2 and deleted.successful == 2
    assert a.aggregate.over_all(total_count=True).total_count == 3
    assert b.aggregate.over_all(total_count=True).total_count == 1


def test_misuse_gets_weaviates_messages(pizzas):
    pizzas.tenants.create(["a"])
    pizzas.tenants.create([Tenant(name="cold", activity_status=TenantActivityStatus.INACTIVE)])
    with pytest.raises(WeaviateQueryError, match="has multi-tenancy enabled, but request was without tenant"):
        pizzas.query.fetch_objects()
    with pytest.raises(WeaviateQueryError, match='tenant not found: "nope"'):
        pizzas.with_tenant("nope").query.fetch_objects()
    with pytest.raises(WeaviateQueryError, match="tenant not active: 'cold'"):
        pizzas.with_tenant("cold").query.fetch_objects()
    with pytest.raises(WeaviateInsertManyAllFailedError, match='tenant not found: "nope"'):
        pizzas.with_tenant("nope").data.insert_many([{"name": "x"}])


def test_auto_tenant_creation_in_a_grpc_batch(client: weaviate.WeaviateClient):
    coll = client.collections.create(
        "Auto", vectorizer_config=wvc.config.Configure.Vectorizer.none(),
        multi_tenancy_config=wvc.config.Configure.multi_tenancy(enabled=True, auto_tenant_creation=True,
                                                                auto_tenant_activation=True),
    )
    with client.batch.fixed_size(10) as batch:
        for t in ("x", "y"):
            batch.add_object(collection="Auto", properties={"name": t}, tenant=t, vector=[1.0, 0.0])
    assert not client.batch.failed_objects
    assert set(coll.tenants.get()) == {"x", "y"}
    coll.tenants.update(Tenant(name="x", activity_status=TenantActivityStatus.INACTIVE))
    assert len(coll.with_tenant("x").query.fetch_objects().objects) == 1
    assert coll.tenants.get_by_name("x").activity_status == TenantActivityStatus.ACTIVE
