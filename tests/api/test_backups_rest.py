"""/v1/backups/{backend} over a real server: Weaviate's shapes, statuses and errors, restore onto an empty server."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import Server, make_settings
from vectordb.api.app import create_app
from vectordb.config import ConfigError
from vectordb.database import Database

FINAL = {"SUCCESS", "FAILED", "CANCELED"}


class Node:
    """A server on its own data directory, sharing one backup directory with the other nodes of a test."""

    def __init__(self, data: Path, backups: Path) -> None:
        self.db = Database(make_settings(data, ENABLE_MODULES="backup-filesystem",
                                         BACKUP_FILESYSTEM_PATH=str(backups)))
        self.server = Server(create_app(self.db)).__enter__()
        self.http = httpx.Client(base_url=self.server.url, timeout=30)

    def close(self) -> None:
        self.http.close()
        self.server.__exit__(None, None, None)
        self.db.close()

    def wait(self, path: str) -> dict:
        for _ in range(600):
            answer = self.http.get(path)
            assert answer.status_code == 200, answer.text
            if answer.json()["status"] in FINAL:
                return answer.json()
            time.sleep(0.05)
        raise AssertionError(f"{path} never finished: {answer.json()}")


@pytest.fixture
def nodes(tmp_path) -> Iterator[callable]:
    made: list[Node] = []

    def make(name: str = "a") -> Node:
        made.append(Node(tmp_path / name, tmp_path / "backups"))
        return made[-1]

    yield make
    for node in made:
        node.close()


def _fill(node: Node, name: str = "Doc", count: int = 30) -> None:
    node.db.create_collection({"class": name, "vectorizer": "none",
                               "properties": [{"name": "t", "dataType": ["text"]}, {"name": "n", "dataType": ["int"]}]})
    node.db.batch_objects([{"class": name, "id": f"00000000-0000-0000-0000-{i:012d}",
                            "properties": {"t": f"word{i} common", "n": i}, "vector": [1.0, i / 10, (i % 3) / 3]}
                           for i in range(count)])


QUERY = """{ Get { Doc(nearVector: {vector: [1, 0.5, 0.3]}, limit: 5, where: {path: ["n"], operator: GreaterThan,
valueInt: 3}) { t n _additional { id distance vector } } } }"""
BM25 = '{ Get { Doc(bm25: {query: "word7 common"}, limit: 3) { n _additional { score } } } }'


def test_backup_then_restore_onto_an_empty_server_answers_the_same(nodes):
    source = nodes("a")
    _fill(source)
    _fill(source, "Other", 5)
    before = [source.http.post("/v1/graphql", json={"query": q}).json() for q in (QUERY, BM25)]
    created = source.http.post("/v1/backups/filesystem", json={"id": "b1", "include": ["Doc"]})
    assert created.status_code == 200, created.text
    body = created.json()
    assert body["status"] == "STARTED" and body["classes"] == ["Doc"] and body["id"] == "b1"
    assert body["backend"] == "filesystem" and body["path"].endswith("/backups/b1")
    done = source.wait("/v1/backups/filesystem/b1")
    assert done["status"] == "SUCCESS" and done["size"] > 0 and done["completedAt"] > done["startedAt"]

    target = nodes("b")
    restored = target.http.post("/v1/backups/filesystem/b1/restore", json={})
    assert restored.status_code == 200, restored.text
    assert restored.json()["status"] == "STARTED" and restored.json()["classes"] == ["Doc"]
    assert target.wait("/v1/backups/filesystem/b1/restore")["status"] == "SUCCESS"
    assert [c["class"] for c in target.http.get("/v1/schema").json()["classes"]] == ["Doc"]
    assert target.http.get("/v1/schema/Doc").json() == source.http.get("/v1/schema/Doc").json()
    after = [target.http.post("/v1/graphql", json={"query": q}).json() for q in (QUERY, BM25)]
    assert after == before and after[0]["data"]["Get"]["Doc"]
    one = "00000000-0000-0000-0000-000000000007"
    assert (target.http.get(f"/v1/objects/Doc/{one}?include=vector").json()
            == source.http.get(f"/v1/objects/Doc/{one}?include=vector").json())
    # the restored class takes writes and survives a restart of its store
    target.http.post("/v1/objects", json={"class": "Doc", "properties": {"t": "new"}, "vector": [0, 1, 0]})
    assert target.db.collection("Doc").count() == 31


def test_restoring_over_an_existing_class_ends_failed_and_changes_nothing(nodes):
    node = nodes()
    _fill(node)
    node.http.post("/v1/backups/filesystem", json={"id": "b1"})
    assert node.wait("/v1/backups/filesystem/b1")["status"] == "SUCCESS"
    node.http.post("/v1/objects", json={"class": "Doc", "properties": {"t": "later"}, "vector": [0, 1, 0]})
    assert node.http.post("/v1/backups/filesystem/b1/restore", json={}).status_code == 200
    done = node.wait("/v1/backups/filesystem/b1/restore")
    assert done["status"] == "FAILED"
    assert "class name Doc already exists" in done["error"]
    assert node.db.collection("Doc").count() == 31
    assert not [p for p in node.db.collections_dir.iterdir() if p.name.startswith(".")]


def test_include_exclude_and_wildcards_pick_the_classes(nodes):
    node = nodes()
    for name in ("Alpha", "Beta", "Gamma"):
        _fill(node, name, 2)
    node.http.post("/v1/backups/filesystem", json={"id": "ex", "exclude": ["Beta"]})
    assert node.wait("/v1/backups/filesystem/ex")["status"] == "SUCCESS"
    listed = {b["id"]: b for b in node.http.get("/v1/backups/filesystem").json()}
    assert listed["ex"]["classes"] == ["Alpha", "Gamma"] and listed["ex"]["status"] == "SUCCESS"
    wild = node.http.post("/v1/backups/filesystem", json={"id": "wild", "include": ["*a"]}).json()
    assert wild["classes"] == ["Alpha", "Beta", "Gamma"]
    node.wait("/v1/backups/filesystem/wild")
    node.http.delete("/v1/schema/Alpha")
    node.http.delete("/v1/schema/Gamma")
    node.http.post("/v1/backups/filesystem/ex/restore", json={"include": ["Gamma"]})
    assert node.wait("/v1/backups/filesystem/ex/restore")["status"] == "SUCCESS"
    assert sorted(node.db.collections) == ["Beta", "Gamma"]
    order = [b["id"] for b in node.http.get("/v1/backups/filesystem", params={"order": "asc"}).json()]
    assert order == ["ex", "wild"]


@pytest.mark.parametrize(("body", "message"), [
    ({"id": "B1"}, "invalid backup id: 'B1' allowed characters are lowercase, 0-9, _, -"),
    ({"id": "b1", "include": ["Doc"], "exclude": ["Doc"]},
     "malformed request: 'include' and 'exclude' cannot both contain values"),
    ({"id": "b1", "include": ["Doc", "Doc"]}, "class list 'include' contains duplicate: Doc"),
    ({"id": "b1", "include": ["Nope"]}, "class Nope doesn't exist"),
    ({"id": "b1", "exclude": ["Doc"]}, "empty class list: please choose from : [Doc]"),
    ({"id": "b1", "config": {"CompressionLevel": "Fastest"}}, "config.CompressionLevel in body should be one of"),
    ({"include": ["Doc"]}, "id in body is required"),
])
def test_bad_backup_requests_are_422_with_weaviates_message(nodes, body, message):
    node = nodes()
    _fill(node, count=1)
    answer = node.http.post("/v1/backups/filesystem", json=body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"][0]["message"].startswith(message)
    assert node.http.get("/v1/backups/filesystem").json() == []


def test_an_unknown_or_disabled_backend_is_422(nodes):
    node = nodes()
    for path in ("/v1/backups/s3", "/v1/backups/gcs"):
        answer = node.http.post(path, json={"id": "b1"})
        assert answer.status_code == 422
        backend = path.rsplit("/", 1)[1]
        assert answer.json()["error"][0]["message"].startswith(
            f'no backup backend "{backend}": backup: {backend} not found, did you enable the right module?')
    assert node.http.get("/v1/backups/s3/b1").status_code == 422


def test_no_classes_an_id_used_twice_and_unknown_ids(nodes):
    node = nodes()
    answer = node.http.post("/v1/backups/filesystem", json={"id": "b1"})
    assert answer.json()["error"][0]["message"] == "no available classes to backup, there's nothing to do here"
    _fill(node, count=1)
    node.http.post("/v1/backups/filesystem", json={"id": "b1"})
    node.wait("/v1/backups/filesystem/b1")
    again = node.http.post("/v1/backups/filesystem", json={"id": "b1"})
    assert again.status_code == 422
    assert again.json()["error"][0]["message"].startswith('backup "b1" already exists at ')
    assert node.http.get("/v1/backups/filesystem/nope").status_code == 404
    assert node.http.get("/v1/backups/filesystem/nope/restore").status_code == 404
    missing = node.http.post("/v1/backups/filesystem/nope/restore", json={})
    assert missing.status_code == 404
    assert missing.json()["error"][0]["message"].startswith('backup id "nope" does not exist')
    bad = node.http.post("/v1/backups/filesystem/b1/restore", json={"include": ["Zeta"]})
    assert bad.status_code == 422 and "class Zeta doesn't exist in the backup" in bad.text
    success = node.http.delete("/v1/backups/filesystem/b1")
    assert success.status_code == 422
    assert success.json()["error"][0]["message"] == 'backup "b1" already succeeded'


def test_a_cancelled_backup_leaves_nothing_a_restore_takes_and_its_id_is_free_again(nodes):
    node = nodes()
    _fill(node, count=20)
    # Holding the collection's write lock keeps the backup from copying it until the cancel has been asked.
    with node.db.collection("Doc").write_lock:
        assert node.http.post("/v1/backups/filesystem", json={"id": "c1"}).status_code == 200
        assert node.http.delete("/v1/backups/filesystem/c1").status_code == 204
    done = node.wait("/v1/backups/filesystem/c1")
    assert done["status"] == "CANCELED", done
    home = Path(done["path"])
    assert [p.name for p in home.rglob("*") if p.is_file()] == ["backup_config.json"]
    assert json.loads((home / "backup_config.json").read_text())["status"] == "CANCELED"
    node.http.delete("/v1/schema/Doc")
    refused = node.http.post("/v1/backups/filesystem/c1/restore", json={})
    assert refused.status_code == 422
    assert refused.json()["error"][0]["message"] == f"invalid backup in scheduler {home} status: CANCELED"
    assert not node.db.collections
    _fill(node, count=2)
    assert node.http.post("/v1/backups/filesystem", json={"id": "c1"}).status_code == 200
    assert node.wait("/v1/backups/filesystem/c1")["status"] == "SUCCESS"


def test_a_damaged_archive_fails_the_restore_and_leaves_no_class(nodes):
    node = nodes()
    _fill(node)
    node.http.post("/v1/backups/filesystem", json={"id": "b1"})
    home = Path(node.wait("/v1/backups/filesystem/b1")["path"])
    archive = home / "node1" / "Doc.tar.gz"
    archive.write_bytes(archive.read_bytes()[:-10] + b"0123456789")
    node.http.delete("/v1/schema/Doc")
    node.http.post("/v1/backups/filesystem/b1/restore", json={})
    done = node.wait("/v1/backups/filesystem/b1/restore")
    assert done["status"] == "FAILED" and "does not match its checksum" in done["error"]
    assert not node.db.collections
    assert not list(node.db.collections_dir.iterdir())


def test_backup_filesystem_needs_an_absolute_path(tmp_path):
    with pytest.raises(ConfigError, match="empty backup path provided"):
        Database(make_settings(tmp_path / "d", ENABLE_MODULES="backup-filesystem"))
    with pytest.raises(ConfigError, match="relative backup path provided"):
        Database(make_settings(tmp_path / "e", ENABLE_MODULES="backup-filesystem", BACKUP_FILESYSTEM_PATH="rel"))


def test_meta_lists_the_backup_module(nodes):
    node = nodes()
    modules = node.http.get("/v1/meta").json()["modules"]
    assert modules["backup-filesystem"]["backupsPath"].endswith("backups")


CONFUSED = [None, [None, None], {"a": {}}, -1, 2**70, 1.5, True, "x", "../.."]


@pytest.mark.parametrize("field", ["id", "include", "exclude", "config", "config.CompressionLevel",
                                   "config.Bucket", "config.Path"])
def test_type_confused_bodies_are_4xx_never_5xx(nodes, field):
    node = nodes()
    _fill(node, count=1)
    node.http.post("/v1/backups/filesystem", json={"id": "ok"})
    node.wait("/v1/backups/filesystem/ok")
    node.http.delete("/v1/schema/Doc")
    for value in CONFUSED:
        body: dict = {"id": "b2", "config": {}}
        if field.startswith("config."):
            body["config"][field.split(".", 1)[1]] = value
        else:
            body[field] = value
        for path in ("/v1/backups/filesystem", "/v1/backups/filesystem/ok/restore"):
            answer = node.http.post(path, json=body)
            assert answer.status_code < 500, (path, body, answer.text)
            if answer.status_code >= 400:
                assert answer.json()["error"][0]["message"]
            node.db.backups.close()  # let a started job end before the next try
    for path in ("/v1/backups/filesystem/..", "/v1/backups/filesystem/%2E%2E/restore", "/v1/backups/filesystem/A"):
        assert node.http.get(path).status_code in (404, 405), path


def test_a_multi_tenant_class_is_backed_up_and_restored_with_its_tenants(nodes):
    source = nodes("a")
    http = source.http
    assert http.post("/v1/schema", json={"class": "Mt", "vectorizer": "none",
                                         "multiTenancyConfig": {"enabled": True},
                                         "properties": [{"name": "t", "dataType": ["text"]}]}).status_code == 200
    assert http.post("/v1/schema/Mt/tenants", json=[{"name": "hot"}, {"name": "cold"}, {"name": "empty"}]
                     ).status_code == 200
    objects = [{"class": "Mt", "tenant": tenant, "properties": {"t": f"{tenant} {i}"}, "vector": [1.0, i / 10]}
               for tenant in ("hot", "cold") for i in range(8)]
    assert not any(r.get("result", {}).get("errors") for r in http.post("/v1/batch/objects",
                                                                         json={"objects": objects}).json())
    http.put("/v1/schema/Mt/tenants", json=[{"name": "cold", "activityStatus": "COLD"}])
    query = '{ Get { Mt(tenant: "hot", nearVector: {vector: [1, 0.3]}, limit: 3) { t } } }'
    before = http.post("/v1/graphql", json={"query": query}).json()
    http.post("/v1/backups/filesystem", json={"id": "mt"})
    assert source.wait("/v1/backups/filesystem/mt")["status"] == "SUCCESS"

    target = nodes("b")
    target.http.post("/v1/backups/filesystem/mt/restore", json={})
    assert target.wait("/v1/backups/filesystem/mt/restore")["status"] == "SUCCESS"
    tenants = {t["name"]: t["activityStatus"] for t in target.http.get("/v1/schema/Mt/tenants").json()}
    assert tenants == {"hot": "HOT", "cold": "COLD", "empty": "HOT"}
    assert target.http.post("/v1/graphql", json={"query": query}).json() == before
    assert before["data"]["Get"]["Mt"]
    listed = target.http.get("/v1/objects", params={"class": "Mt", "tenant": "hot"}).json()["objects"]
    assert sorted(o["properties"]["t"] for o in listed) == sorted(f"hot {i}" for i in range(8))
    target.http.put("/v1/schema/Mt/tenants", json=[{"name": "cold", "activityStatus": "HOT"}])
    listed = target.http.get("/v1/objects", params={"class": "Mt", "tenant": "cold"}).json()["objects"]
    assert len(listed) == 8
    restored_over = target.http.post("/v1/backups/filesystem/mt/restore", json={})
    assert restored_over.status_code == 200
    assert "class name Mt already exists" in target.wait("/v1/backups/filesystem/mt/restore")["error"]
