"""The official v4 client's backup API against a real server: backup-filesystem, and backup-s3 against a real
S3-protocol server on 127.0.0.1 (moto in server mode)."""

from __future__ import annotations

import pytest
import weaviate.classes as wvc
from botocore.session import Session
from moto.server import ThreadedMotoServer
from weaviate.backup.backup import BackupStatus, BackupStorage
from weaviate.classes.config import Configure
from weaviate.exceptions import BackupFailedException, UnexpectedStatusCodeError

from tests.api.grpc.conftest import Servers
from tests.conftest import free_port, make_settings
from vectordb.database import Database

BUCKET = "vectordb-backups"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "test-access", "AWS_SECRET_ACCESS_KEY": "test-secret", "AWS_REGION": "us-east-1"}


@pytest.fixture(scope="module")
def s3():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    client = Session().create_client("s3", region_name="us-east-1", endpoint_url=f"http://127.0.0.1:{port}",
                                     aws_access_key_id="test-access", aws_secret_access_key="test-secret")
    client.create_bucket(Bucket=BUCKET)
    yield port, client
    server.stop()


@pytest.fixture
def make_servers(tmp_path, s3):
    made = []

    def make(name: str) -> Servers:
        db = Database(make_settings(
            tmp_path / name, ENABLE_MODULES="backup-filesystem,backup-s3",
            BACKUP_FILESYSTEM_PATH=str(tmp_path / "backups"), BACKUP_S3_BUCKET=BUCKET, BACKUP_S3_PATH="team/prod",
            BACKUP_S3_ENDPOINT=f"127.0.0.1:{s3[0]}", BACKUP_S3_USE_SSL="false", **CREDENTIALS,
        ))
        servers = Servers(db).__enter__()
        made.append(servers)
        return servers

    yield make
    for servers in made:
        servers.__exit__(None, None, None)
        servers.db.close()


def _fill(client) -> list[str]:
    docs = client.collections.create("Doc", vector_config=Configure.Vectors.self_provided(),
                                     properties=[wvc.config.Property(name="t", data_type=wvc.config.DataType.TEXT)])
    objects = [wvc.data.DataObject(properties={"t": f"hello{i}"}, vector=[1.0, i / 50, (i % 7) / 7])
               for i in range(50)]
    result = docs.data.insert_many(objects)
    assert not result.has_errors
    return [str(uid) for uid in result.uuids.values()]


def _answers(client) -> list:
    docs = client.collections.get("Doc")
    found = docs.query.near_vector([1.0, 0.4, 0.2], limit=5, return_metadata=wvc.query.MetadataQuery(distance=True))
    return [(str(o.uuid), o.properties["t"], round(o.metadata.distance, 6)) for o in found.objects]


@pytest.mark.parametrize(("backend", "level"), [
    (BackupStorage.FILESYSTEM, wvc.backup.BackupCompressionLevel.BEST_SPEED),
    (BackupStorage.S3, wvc.backup.BackupCompressionLevel.ZSTD_BEST_SPEED),
    (BackupStorage.S3, wvc.backup.BackupCompressionLevel.NO_COMPRESSION),
])
def test_the_v4_client_backs_up_and_restores_onto_an_empty_server(make_servers, s3, backend, level):
    source = make_servers("a")
    with source.client() as client:
        ids = _fill(client)
        before = _answers(client)
        created = client.backup.create(backup_id="v4", backend=backend, include_collections=["Doc"],
                                       wait_for_completion=True,
                                       config=wvc.backup.BackupConfigCreate(compression_level=level))
        assert created.status == BackupStatus.SUCCESS and created.collections == ["Doc"]
        status = client.backup.get_create_status("v4", backend)
        assert status.status == BackupStatus.SUCCESS and status.size > 0
        assert [b.backup_id for b in client.backup.list_backups(backend)] == ["v4"]
        with pytest.raises(UnexpectedStatusCodeError, match="already exists"):
            client.backup.create(backup_id="v4", backend=backend)
    if backend == BackupStorage.S3:
        keys = {item["Key"] for item in s3[1].list_objects_v2(Bucket=BUCKET, Prefix="team/prod/v4/")["Contents"]}
        assert "team/prod/v4/backup_config.json" in keys
        assert any(key.startswith("team/prod/v4/node1/Doc.tar") for key in keys)

    target = make_servers("b")
    with target.client() as client:
        restored = client.backup.restore(backup_id="v4", backend=backend, wait_for_completion=True)
        assert restored.status == BackupStatus.SUCCESS and restored.collections == ["Doc"]
        assert client.backup.get_restore_status("v4", backend).status == BackupStatus.SUCCESS
        docs = client.collections.get("Doc")
        assert len(docs) == 50
        assert docs.query.fetch_object_by_id(ids[7]).properties["t"] == "hello7"
        assert _answers(client) == before
        with pytest.raises(BackupFailedException, match="class name Doc already exists"):
            client.backup.restore(backup_id="v4", backend=backend, wait_for_completion=True)
    for key in [item["Key"] for item in s3[1].list_objects_v2(Bucket=BUCKET).get("Contents", [])]:
        s3[1].delete_object(Bucket=BUCKET, Key=key)


def test_the_v4_client_cancels_a_backup(make_servers):
    servers = make_servers("a")
    with servers.client() as client:
        _fill(client)
        with servers.db.collection("Doc").write_lock:  # the backup waits here until the cancel is in
            client.backup.create(backup_id="gone", backend=BackupStorage.FILESYSTEM)
            assert client.backup.cancel("gone", BackupStorage.FILESYSTEM) is True
        for _ in range(200):
            status = client.backup.get_create_status("gone", BackupStorage.FILESYSTEM)
            if status.status == BackupStatus.CANCELED:
                break
        assert status.status == BackupStatus.CANCELED
        client.collections.delete("Doc")
        with pytest.raises(UnexpectedStatusCodeError, match="status: CANCELED"):
            client.backup.restore(backup_id="gone", backend=BackupStorage.FILESYSTEM)


def test_a_missing_bucket_is_a_clear_422(tmp_path, s3):
    db = Database(make_settings(tmp_path / "d", ENABLE_MODULES="backup-s3", BACKUP_S3_BUCKET="no-such-bucket",
                                BACKUP_S3_ENDPOINT=f"127.0.0.1:{s3[0]}", BACKUP_S3_USE_SSL="false", **CREDENTIALS))
    try:
        db.create_collection({"class": "Doc", "vectorizer": "none"})
        with Servers(db) as servers, servers.client() as client:
            with pytest.raises(UnexpectedStatusCodeError, match="NoSuchBucket") as raised:
                client.backup.create(backup_id="b1", backend=BackupStorage.S3)
            assert "test-secret" not in str(raised.value)
            with pytest.raises(UnexpectedStatusCodeError, match="422"):
                client.backup.list_backups(BackupStorage.S3)
    finally:
        db.close()
