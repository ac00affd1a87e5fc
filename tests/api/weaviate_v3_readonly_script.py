"""The official v3 client as a read-only user and as an admin (AUTHORIZATION_ADMINLIST_*), in the v3 client's venv.

Usage: python weaviate_v3_readonly_script.py <url> <reader key> <admin key>. Exits non-zero on the first failed check.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import weaviate
from weaviate.exceptions import UnexpectedStatusCodeException

OBJECT_ID = "00000000-0000-0000-0000-000000000001"


def refused(what: str, call: Callable[[], object]) -> None:
    try:
        call()
    except UnexpectedStatusCodeException as exc:
        assert exc.status_code == 403 and "insufficient permissions" in str(exc), (what, exc)
        return
    raise AssertionError(f"a read-only user could {what}")


def main(url: str, reader_key: str, admin_key: str) -> None:
    reader = weaviate.Client(url, auth_client_secret=weaviate.AuthApiKey(reader_key))
    admin = weaviate.Client(url, auth_client_secret=weaviate.AuthApiKey(admin_key))
    # Reads are allowed.
    assert [c["class"] for c in reader.schema.get()["classes"]] == ["Doc"]
    assert reader.data_object.get_by_id(OBJECT_ID, class_name="Doc")["properties"] == {"t": "x"}
    got = reader.query.get("Doc", ["t"]).with_near_vector({"vector": [1.0, 0.0]}).do()
    assert got["data"]["Get"]["Doc"] == [{"t": "x"}], got
    # Every kind of write is refused, and nothing changes.
    refused("create an object", lambda: reader.data_object.create({"t": "y"}, "Doc", vector=[0.0, 1.0]))
    refused("update an object", lambda: reader.data_object.update({"t": "y"}, "Doc", OBJECT_ID))
    refused("delete an object", lambda: reader.data_object.delete(OBJECT_ID, class_name="Doc"))
    refused("create a class", lambda: reader.schema.create_class({"class": "Other", "vectorizer": "none"}))
    refused("delete a class", lambda: reader.schema.delete_class("Doc"))
    refused("add a property", lambda: reader.schema.property.create("Doc", {"name": "n", "dataType": ["int"]}))
    refused("batch delete", lambda: reader.batch.delete_objects(
        "Doc", where={"path": ["t"], "operator": "Like", "valueText": "*"}))
    reader.batch.add_data_object({"t": "y"}, "Doc", vector=[0.0, 1.0])
    refused("batch import", reader.batch.create_objects)
    assert admin.data_object.get_by_id(OBJECT_ID, class_name="Doc")["properties"] == {"t": "x"}
    assert admin.query.aggregate("Doc").with_meta_count().do()["data"]["Aggregate"]["Doc"][0]["meta"]["count"] == 1
    # An admin can write.
    admin.data_object.update({"t": "z"}, "Doc", OBJECT_ID)
    assert reader.data_object.get_by_id(OBJECT_ID, class_name="Doc")["properties"] == {"t": "z"}
    print("ok")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
