"""The official Weaviate Python client (v3, REST + GraphQL) against a server, run in the v3 client's own venv.

Usage: python weaviate_v3_script.py <server url> [check]. Runs one check (by default the first) and exits non-zero
on the first failure in it.
"""

from __future__ import annotations

import sys
import warnings

import numpy as np
import weaviate
from weaviate import Tenant, TenantActivityStatus

UUID1 = "00000000-0000-0000-0000-000000000001"


def schema_batch_and_queries(client: weaviate.Client) -> None:
    assert client.is_ready() and client.is_live()
    client.schema.create_class({
        "class": "Article", "vectorizer": "none",
        "properties": [{"name": "title", "dataType": ["text"]}, {"name": "wordCount", "dataType": ["int"]}],
    })
    assert client.schema.exists("Article")
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((50, 8)).astype(np.float32)
    with client.batch(batch_size=20, dynamic=False) as batch:
        for i, v in enumerate(vectors):
            batch.add_data_object({"title": f"article {i} about food" if i % 2 else f"article {i}",
                                   "wordCount": i}, "Article", vector=v.tolist())
    count = client.query.aggregate("Article").with_meta_count().do()
    assert count["data"]["Aggregate"]["Article"][0]["meta"]["count"] == 50

    result = (client.query.get("Article", ["title", "wordCount"])
              .with_near_vector({"vector": vectors[7].tolist()})
              .with_where({"path": ["wordCount"], "operator": "LessThan", "valueInt": 10})
              .with_additional(["id", "distance"]).with_limit(3).do())
    hits = result["data"]["Get"]["Article"]
    assert hits[0]["wordCount"] == 7 and hits[0]["_additional"]["distance"] < 1e-5
    assert all(h["wordCount"] < 10 for h in hits)

    bm25 = (client.query.get("Article", ["wordCount"]).with_bm25(query="food").with_additional(["score"])
            .with_limit(100).do())
    assert {h["wordCount"] for h in bm25["data"]["Get"]["Article"]} == set(range(1, 50, 2))

    hybrid = (client.query.get("Article", ["wordCount"])
              .with_hybrid(query="food", vector=vectors[3].tolist(), alpha=0.5)
              .with_limit(1).do())
    assert hybrid["data"]["Get"]["Article"][0]["wordCount"] == 3

    uid = hits[0]["_additional"]["id"]
    obj = client.data_object.get_by_id(uid, class_name="Article", with_vector=True)
    assert np.allclose(obj["vector"], vectors[7])
    client.data_object.update({"wordCount": 700}, "Article", uid)
    assert client.data_object.get_by_id(uid, class_name="Article")["properties"]["wordCount"] == 700
    assert client.data_object.exists(uid, class_name="Article")
    client.data_object.delete(uid, class_name="Article")
    assert client.data_object.get_by_id(uid, class_name="Article") is None

    deleted = client.batch.delete_objects("Article", where={"path": ["wordCount"], "operator": "GreaterThan",
                                                             "valueInt": 39})
    assert deleted["results"]["successful"] == 10
    grouped = client.query.aggregate("Article").with_group_by_filter(["wordCount"]).with_meta_count().do()
    assert len(grouped["data"]["Aggregate"]["Article"]) == 39
    client.schema.delete_class("Article")
    assert not client.schema.exists("Article")


def tenants_objects_and_queries(client: weaviate.Client) -> None:
    client.schema.create_class({
        "class": "Shop", "vectorizer": "none", "multiTenancyConfig": {"enabled": True},
        "properties": [{"name": "name", "dataType": ["text"]}, {"name": "n", "dataType": ["int"]}],
    })
    client.schema.add_class_tenants("Shop", [Tenant(name="a"), Tenant(name="b"),
                                             Tenant(name="c", activity_status=TenantActivityStatus.COLD)])
    got = {t.name: t.activity_status for t in client.schema.get_class_tenants("Shop")}
    assert got == {"a": TenantActivityStatus.HOT, "b": TenantActivityStatus.HOT,
                   "c": TenantActivityStatus.COLD}, got
    client.schema.update_class_tenants("Shop", [Tenant(name="c", activity_status=TenantActivityStatus.HOT)])
    assert {t.name: t.activity_status for t in client.schema.get_class_tenants("Shop")}["c"] == \
        TenantActivityStatus.HOT

    with client.batch(batch_size=10, dynamic=False) as batch:
        for tenant in ("a", "b"):
            for i in range(4):
                batch.add_data_object({"name": f"{tenant}{i}", "n": i}, "Shop", tenant=tenant,
                                      vector=[1.0, float(i)])
    client.data_object.create({"name": "solo", "n": 9}, "Shop", uuid=UUID1, tenant="c", vector=[0.0, 1.0])

    count = client.query.aggregate("Shop").with_tenant("a").with_meta_count().do()
    assert count["data"]["Aggregate"]["Shop"][0]["meta"]["count"] == 4, count
    hits = (client.query.get("Shop", ["name"]).with_tenant("b").with_near_vector({"vector": [1.0, 3.0]})
            .with_limit(1).do())
    assert hits["data"]["Get"]["Shop"][0]["name"] == "b3", hits
    missing = client.query.get("Shop", ["name"]).do()
    assert "has multi-tenancy enabled, but request was without tenant" in missing["errors"][0]["message"]

    obj = client.data_object.get_by_id(UUID1, class_name="Shop", tenant="c")
    assert obj["properties"]["name"] == "solo" and obj["tenant"] == "c", obj
    assert client.data_object.get_by_id(UUID1, class_name="Shop", tenant="a") is None
    client.data_object.update({"n": 10}, "Shop", UUID1, tenant="c")
    assert client.data_object.get_by_id(UUID1, class_name="Shop", tenant="c")["properties"]["n"] == 10
    assert client.data_object.exists(UUID1, class_name="Shop", tenant="c")
    client.data_object.delete(UUID1, class_name="Shop", tenant="c")
    assert not client.data_object.exists(UUID1, class_name="Shop", tenant="c")

    deleted = client.batch.delete_objects("Shop", tenant="a",
                                          where={"path": ["n"], "operator": "GreaterThan", "valueInt": 1})
    assert deleted["results"]["successful"] == 2, deleted
    assert client.query.aggregate("Shop").with_tenant("b").with_meta_count().do()[
        "data"]["Aggregate"]["Shop"][0]["meta"]["count"] == 4

    client.schema.remove_class_tenants("Shop", ["a"])
    assert {t.name for t in client.schema.get_class_tenants("Shop")} == {"b", "c"}
    try:
        client.data_object.create({"name": "x"}, "Shop", tenant="a")
    except weaviate.exceptions.UnexpectedStatusCodeException as exc:
        assert exc.status_code == 422 and 'tenant not found: "a"' in exc.message, exc.message
    else:
        raise AssertionError("an object for a deleted tenant was accepted")
    client.schema.delete_class("Shop")


CHECKS = {"schema_batch_and_queries": schema_batch_and_queries, "tenants": tenants_objects_and_queries}


if __name__ == "__main__":
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        v3 = weaviate.Client(sys.argv[1], startup_period=5)
    assert weaviate.__version__.startswith("3."), weaviate.__version__
    CHECKS[sys.argv[2] if len(sys.argv) > 2 else "schema_batch_and_queries"](v3)
    print("ok")
