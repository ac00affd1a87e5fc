"""The official Weaviate Python client (v3, REST + GraphQL) against a server, run in the v3 client's own venv.

Usage: python weaviate_v3_script.py <server url>. Exits non-zero on the first failed check.
"""

from __future__ import annotations

import sys
import warnings

import numpy as np
import weaviate


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


if __name__ == "__main__":
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        v3 = weaviate.Client(sys.argv[1], startup_period=5)
    assert weaviate.__version__.startswith("3."), weaviate.__version__
    schema_batch_and_queries(v3)
    print("ok")
