"""API keys over gRPC come from the `authorization` metadata, checked exactly as REST checks the header."""

from __future__ import annotations

import grpc
import pytest
import weaviate
import weaviate.classes as wvc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from weaviate.classes.config import Configure

from tests.api.grpc.conftest import Servers
from tests.conftest import make_settings
from vectordb.api.grpc.pb import search_get_pb2, weaviate_pb2_grpc
from vectordb.database import Database


@pytest.fixture
def secured(tmp_path):
    db = Database(make_settings(tmp_path / "d", AUTHENTICATION_APIKEY_ENABLED="true",
                                AUTHENTICATION_APIKEY_ALLOWED_KEYS="secret-key",
                                AUTHENTICATION_APIKEY_USERS="admin"))
    with Servers(db) as running:
        yield running
    db.close()


def _search(servers: Servers, metadata: list[tuple[str, str]]) -> grpc.RpcError | None:
    with grpc.insecure_channel(f"127.0.0.1:{servers.grpc.port}") as channel:
        stub = weaviate_pb2_grpc.WeaviateStub(channel)
        try:
            stub.Search(search_get_pb2.SearchRequest(collection="Doc"), metadata=metadata, timeout=10)
        except grpc.RpcError as exc:
            return exc
    return None


def test_the_client_with_its_key_works_end_to_end(secured):
    with secured.client(auth_credentials=weaviate.classes.init.Auth.api_key("secret-key")) as client:
        docs = client.collections.create("Doc", vector_config=Configure.Vectors.self_provided())
        docs.data.insert_many([wvc.data.DataObject(properties={"t": "x"}, vector=[1.0, 0.0])])
        assert len(docs) == 1
        assert docs.query.near_vector([1.0, 0.0], limit=1).objects[0].properties == {"t": "x"}


def test_without_or_with_a_wrong_key_search_is_unauthenticated(secured):
    secured.db.create_collection({"class": "Doc", "vectorizer": "none"})
    for metadata in ([], [("authorization", "Bearer wrong")], [("authorization", "secret-key")]):
        error = _search(secured, metadata)
        assert error is not None and error.code() == grpc.StatusCode.UNAUTHENTICATED, metadata
        assert "secret-key" not in error.details()
    assert _search(secured, [("authorization", "Bearer secret-key")]) is None


def test_health_needs_no_key(secured):
    with grpc.insecure_channel(f"127.0.0.1:{secured.grpc.port}") as channel:
        reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=2)
    assert reply.status == health_pb2.HealthCheckResponse.SERVING


def test_without_auth_anonymous_calls_pass(servers):
    servers.db.create_collection({"class": "Doc", "vectorizer": "none"})
    assert _search(servers, []) is None
