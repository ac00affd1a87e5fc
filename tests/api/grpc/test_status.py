"""Status codes: UNAVAILABLE (which the client retries for a minute) only while the server shuts down."""

from __future__ import annotations

import grpc
import pytest

from tests.api.grpc.conftest import Servers
from tests.conftest import make_settings
from vectordb.api.grpc.pb import base_pb2, batch_delete_pb2, search_get_pb2, weaviate_pb2_grpc
from vectordb.database import Database


def _call(servers: Servers, method: str, request) -> grpc.RpcError:
    with grpc.insecure_channel(f"127.0.0.1:{servers.grpc.port}") as channel:
        with pytest.raises(grpc.RpcError) as caught:
            getattr(weaviate_pb2_grpc.WeaviateStub(channel), method)(request, timeout=10)
    return caught.value


def test_user_errors_are_not_unavailable(servers):
    missing = _call(servers, "Search", search_get_pb2.SearchRequest(collection="Nope"))
    assert missing.code() == grpc.StatusCode.NOT_FOUND and "Nope" in missing.details()
    servers.db.create_collection({"class": "Doc", "vectorizer": "none"})
    no_filter = _call(servers, "BatchDelete", batch_delete_pb2.BatchDeleteRequest(collection="Doc"))
    assert no_filter.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert no_filter.details() == "no filters in batch delete request"
    bad = search_get_pb2.SearchRequest(collection="Doc", filters=base_pb2.Filters(
        operator=base_pb2.Filters.OPERATOR_EQUAL, value_int=1, target=base_pb2.FilterTarget(property="nope")))
    assert _call(servers, "Search", bad).code() == grpc.StatusCode.INVALID_ARGUMENT


def test_a_closing_database_answers_unavailable(tmp_path):
    db = Database(make_settings(tmp_path / "d"))
    with Servers(db) as running:
        db.create_collection({"class": "Doc", "vectorizer": "none"})
        db.close()
        error = _call(running, "Search", search_get_pb2.SearchRequest(collection="Doc"))
        assert error.code() == grpc.StatusCode.UNAVAILABLE


def test_what_the_server_lacks_is_refused_by_name(servers):
    from vectordb.api.grpc.pb import base_search_pb2

    servers.db.create_collection({"class": "Doc", "vectorizer": "none"})
    mmr = search_get_pb2.SearchRequest(collection="Doc", near_vector=base_search_pb2.NearVector(
        vector_bytes=b"\0" * 8, selection=base_search_pb2.Selection(mmr=base_search_pb2.Selection.MMR(limit=3))))
    error = _call(servers, "Search", mmr)
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and "MMR" in error.details()
    image = search_get_pb2.SearchRequest(collection="Doc", near_image=base_search_pb2.NearImageSearch(image="eA=="))
    assert "multi2vec" in _call(servers, "Search", image).details()
