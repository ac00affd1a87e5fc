"""A heavy or stuck query neither freezes the server nor holds its request past the query deadline."""

from __future__ import annotations

import threading

import httpx
import pytest

from tests.conftest import Server, make_settings
from tests.modules.fake_upstream import FakeUpstream, Recorded, Reply
from vectordb.api.app import create_app
from vectordb.database import Database
from vectordb.query.deadline import query_deadline

# Every query below would take milliseconds; the bounds only turn a hang into a failure.
HANG_GUARD = 20.0

LIKE_QUERY = '{ Get { Doc(where: {path: ["title"], operator: Like, valueText: "%s"}) { title } } }'


@pytest.fixture
def served(tmp_path):
    opened: list = []

    def start(**env: str) -> httpx.Client:
        db = Database(make_settings(tmp_path / f"d{len(opened)}", **env))
        server = Server(create_app(db)).__enter__()
        opened.append((db, server))
        return httpx.Client(base_url=server.url, timeout=HANG_GUARD)

    yield start
    for db, server in opened:
        server.__exit__()
        db.close()


def make_doc(http: httpx.Client, vectorizer: str = "none") -> None:
    http.post("/v1/schema", json={"class": "Doc", "vectorizer": vectorizer,
                                  "properties": [{"name": "title", "dataType": ["text"]}]}).raise_for_status()


def test_backtracking_like_pattern_is_answered(served):
    http = served()
    make_doc(http)
    http.post("/v1/objects", json={"class": "Doc", "properties": {"title": "a" * 200},
                                   "vector": [1.0, 0.0]}).raise_for_status()
    out = http.post("/v1/graphql", json={"query": LIKE_QUERY % "*a*a*a*a*a*b"}).json()
    assert out == {"data": {"Get": {"Doc": []}}}
    out = http.post("/v1/graphql", json={"query": LIKE_QUERY % "*a*a*a*a*a*"}).json()
    assert out["data"]["Get"]["Doc"] == [{"title": "a" * 200}]
    assert http.get("/v1/.well-known/live").status_code == 200


def test_stuck_query_hits_its_deadline_while_liveness_answers(served):
    release = threading.Event()
    called = threading.Event()

    def reply(request: Recorded) -> Reply:
        if request.path == "/vectors":
            called.set()
            release.wait(HANG_GUARD)
        return Reply(200, {"text": "", "dims": 2, "vector": [1.0, 0.0]})

    with FakeUpstream(reply) as fake:
        http = served(ENABLE_MODULES="text2vec-transformers", TRANSFORMERS_INFERENCE_API=fake.url,
                      VECTORDB_QUERY_TIMEOUT="1s")
        make_doc(http, "text2vec-transformers")
        http.post("/v1/objects", json={"class": "Doc", "properties": {"title": "x"},
                                       "vector": [1.0, 0.0]}).raise_for_status()
        answers: list = []
        query = '{ Get { Doc(nearText: {concepts: ["x"]}) { title } } }'
        asking = threading.Thread(target=lambda: answers.append(http.post("/v1/graphql", json={"query": query})))
        asking.start()
        try:
            assert called.wait(HANG_GUARD), "the vectorizer was never called"
            with httpx.Client(base_url=str(http.base_url), timeout=5) as other:
                assert other.get("/v1/.well-known/live").status_code == 200
                assert other.get("/v1/meta").status_code == 200
            asking.join(HANG_GUARD)
            assert answers, "the stuck query was not answered at its deadline"
            resp = answers[0]
            assert resp.status_code == 200
            assert "data" not in resp.json()
            message = resp.json()["errors"][0]["message"]
            assert "deadline of 1s" in message and "VECTORDB_QUERY_TIMEOUT" in message
        finally:
            release.set()
            asking.join(HANG_GUARD)


def test_rest_listing_past_its_deadline_is_a_408(served):
    http = served(VECTORDB_QUERY_TIMEOUT="0.000001")
    make_doc(http)
    http.post("/v1/objects", json={"class": "Doc", "properties": {"title": "x"}}).raise_for_status()
    for params in ({}, {"class": "Doc"}):
        resp = http.get("/v1/objects", params=params)
        assert resp.status_code == 408, resp.text
        assert "VECTORDB_QUERY_TIMEOUT" in resp.json()["error"][0]["message"]
    assert http.get("/v1/.well-known/live").status_code == 200


def test_filters_stop_at_a_passed_deadline(db):
    db.create_collection({"class": "Doc", "vectorizer": "none",
                          "properties": [{"name": "title", "dataType": ["text"]}]})
    db.insert_object({"class": "Doc", "properties": {"title": "abc"}, "vector": [1.0]}, {})
    from vectordb.api.graphql.executor import GraphQLService

    service = GraphQLService(db)
    query = {"query": LIKE_QUERY % "a*"}
    assert service.execute(query)["data"]["Get"]["Doc"] == [{"title": "abc"}]
    with query_deadline(1e-9):
        out = service.execute(query)
    assert "VECTORDB_QUERY_TIMEOUT" in out["errors"][0]["message"]
