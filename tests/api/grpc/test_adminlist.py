"""AUTHORIZATION_ADMINLIST_*: admins write, read-only users only read, everyone else gets 403, on every face."""

from __future__ import annotations

import httpx
import pytest
import weaviate
import weaviate.classes as wvc
from weaviate.classes.config import Configure
from weaviate.exceptions import InsufficientPermissionsError, UnexpectedStatusCodeError

from tests.api.grpc.conftest import Servers
from tests.conftest import make_settings
from vectordb.config import ConfigError, Settings
from vectordb.database import Database

KEYS = {"admin": "admin-key", "reader": "reader-key", "stranger": "stranger-key"}
OBJECT_ID = "00000000-0000-0000-0000-000000000001"


@pytest.fixture(scope="module")
def secured(tmp_path_factory):
    db = Database(make_settings(
        tmp_path_factory.mktemp("adminlist"),
        AUTHENTICATION_APIKEY_ENABLED="true",
        AUTHENTICATION_APIKEY_ALLOWED_KEYS=",".join(KEYS.values()),
        AUTHENTICATION_APIKEY_USERS=",".join(KEYS),
        AUTHORIZATION_ADMINLIST_ENABLED="true",
        AUTHORIZATION_ADMINLIST_USERS="admin",
        AUTHORIZATION_ADMINLIST_READONLY_USERS="reader",
    ))
    db.create_collection({"class": "Doc", "vectorizer": "none",
                          "properties": [{"name": "t", "dataType": ["text"]}]})
    db.batch_objects([{"class": "Doc", "id": OBJECT_ID, "properties": {"t": "x"}, "vector": [1.0, 0.0]}])
    with Servers(db) as running:
        yield running
    db.close()


def _http(servers: Servers, user: str) -> httpx.Client:
    return httpx.Client(base_url=servers.rest.url, headers={"Authorization": f"Bearer {KEYS[user]}"}, timeout=30)


WRITES = [
    ("POST", "/v1/objects", {"class": "Doc", "properties": {"t": "y"}}),
    ("PUT", f"/v1/objects/Doc/{OBJECT_ID}", {"class": "Doc", "properties": {"t": "y"}}),
    ("PATCH", f"/v1/objects/Doc/{OBJECT_ID}", {"class": "Doc", "properties": {"t": "y"}}),
    ("DELETE", f"/v1/objects/Doc/{OBJECT_ID}", None),
    ("POST", "/v1/batch/objects", {"objects": [{"class": "Doc", "properties": {"t": "y"}}]}),
    ("DELETE", "/v1/batch/objects", {"match": {"class": "Doc", "where": {"path": ["t"], "operator": "Like",
                                                                         "valueText": "*"}}}),
    ("POST", "/v1/batch/references", []),
    ("POST", "/v1/schema", {"class": "Other"}),
    ("PUT", "/v1/schema/Doc", {"class": "Doc"}),
    ("DELETE", "/v1/schema/Doc", None),
    ("POST", "/v1/schema/Doc/properties", {"name": "n", "dataType": ["int"]}),
    ("POST", f"/v1/objects/Doc/{OBJECT_ID}/references/r", {"beacon": f"weaviate://localhost/Doc/{OBJECT_ID}"}),
    ("POST", "/v1/backups/filesystem", {"id": "b1"}),
    ("POST", "/v1/backups/filesystem/b1/restore", {}),
    ("DELETE", "/v1/backups/filesystem/b1", None),
]
READS = [
    ("GET", "/v1/schema", None),
    ("GET", "/v1/objects", None),
    ("GET", f"/v1/objects/Doc/{OBJECT_ID}", None),
    ("HEAD", f"/v1/objects/Doc/{OBJECT_ID}", None),
    ("POST", "/v1/graphql", {"query": "{ Get { Doc { t } } }"}),
    ("POST", "/v1/objects/validate", {"class": "Doc", "properties": {"t": "y"}}),
    ("GET", "/v1/nodes", None),
]


def _call(client: httpx.Client, method: str, path: str, body: object) -> httpx.Response:
    return client.request(method, path, json=body) if body is not None else client.request(method, path)


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_a_read_only_user_gets_403_on_every_rest_write_and_nothing_changes(secured, method, path, body):
    with _http(secured, "reader") as client:
        answer = _call(client, method, path, body)
    assert answer.status_code == 403, answer.text
    message = answer.json()["error"][0]["message"]
    assert message.startswith("adminlist: authorization, forbidden action: user 'reader' has insufficient "
                              "permissions to ")
    assert secured.db.collection("Doc").count() == 1
    assert [c["class"] for c in secured.db.schema()] == ["Doc"]
    assert [p["name"] for p in secured.db.collection("Doc").class_def["properties"]] == ["t"]


@pytest.mark.parametrize(("method", "path", "body"), READS)
def test_a_read_only_user_reads(secured, method, path, body):
    with _http(secured, "reader") as client:
        answer = _call(client, method, path, body)
    assert answer.status_code in (200, 204), answer.text


@pytest.mark.parametrize(("method", "path", "body"), READS + WRITES[:1])
def test_a_user_on_neither_list_gets_403_on_reads_and_writes(secured, method, path, body):
    with _http(secured, "stranger") as client:
        answer = _call(client, method, path, body)
    assert answer.status_code == 403, answer.text
    if method != "HEAD":  # HEAD answers carry no body
        assert "user 'stranger' has insufficient permissions" in answer.json()["error"][0]["message"]


def test_everyone_authenticated_may_read_meta_and_readiness(secured):
    with _http(secured, "stranger") as client:
        assert client.get("/v1/meta").status_code == 200
        assert client.get("/v1/.well-known/ready").status_code == 200


def test_the_message_names_the_verb_and_the_resource(secured):
    with _http(secured, "reader") as client:
        answer = client.delete(f"/v1/objects/Doc/{OBJECT_ID}")
    assert answer.json()["error"][0]["message"] == (
        "adminlist: authorization, forbidden action: user 'reader' has insufficient permissions to D "
        f"[data/collections/Doc/shards/*/objects/{OBJECT_ID}]")


def test_the_v4_client_as_read_only_user_reads_over_grpc_and_is_refused_writes(secured):
    with secured.client(auth_credentials=weaviate.classes.init.Auth.api_key("reader-key")) as client:
        docs = client.collections.get("Doc")
        assert docs.query.near_vector([1.0, 0.0], limit=1).objects[0].properties == {"t": "x"}
        assert docs.aggregate.over_all(total_count=True).total_count == 1
        with pytest.raises(InsufficientPermissionsError, match=r"insufficient permissions to U \[data/collections/Doc"):
            docs.data.insert_many([wvc.data.DataObject(properties={"t": "z"}, vector=[0.0, 1.0])])
        with pytest.raises(InsufficientPermissionsError, match="user 'reader' has insufficient permissions"):
            docs.data.delete_many(where=wvc.query.Filter.by_property("t").like("*"))
        with pytest.raises(UnexpectedStatusCodeError, match="403"):
            docs.data.insert({"t": "z"})
    assert secured.db.collection("Doc").count() == 1


def test_the_v4_client_as_a_stranger_cannot_search(secured):
    with secured.client(auth_credentials=weaviate.classes.init.Auth.api_key("stranger-key")) as client:
        with pytest.raises(InsufficientPermissionsError):
            client.collections.get("Doc").query.fetch_objects(limit=1)


def test_an_admin_does_everything(secured):
    with secured.client(auth_credentials=weaviate.classes.init.Auth.api_key("admin-key")) as client:
        scratch = client.collections.create("Scratch", vector_config=Configure.Vectors.self_provided())
        scratch.data.insert_many([wvc.data.DataObject(properties={"t": "x"}, vector=[1.0, 0.0])])
        assert len(scratch) == 1
        scratch.data.delete_many(where=wvc.query.Filter.by_property("t").like("*"))
        assert len(scratch) == 0
        client.collections.delete("Scratch")


def test_a_user_on_both_lists_is_refused_at_start_up():
    with pytest.raises(ConfigError, match="subject 'u' is present on both admin and read-only list"):
        Settings.from_env({"AUTHORIZATION_ADMINLIST_ENABLED": "true", "AUTHORIZATION_ADMINLIST_USERS": "u",
                           "AUTHORIZATION_ADMINLIST_READONLY_USERS": "u"})


def test_without_api_keys_the_anonymous_user_is_checked(tmp_path):
    db = Database(make_settings(tmp_path / "d", AUTHORIZATION_ADMINLIST_ENABLED="true",
                                AUTHORIZATION_ADMINLIST_READONLY_USERS="anonymous"))
    try:
        with Servers(db) as running, httpx.Client(base_url=running.rest.url) as client:
            assert client.get("/v1/schema").status_code == 200
            answer = client.post("/v1/schema", json={"class": "Doc"})
            assert answer.status_code == 403
            assert "user 'anonymous'" in answer.json()["error"][0]["message"]
    finally:
        db.close()
