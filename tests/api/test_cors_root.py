"""CORS, `GET /`, the /v1 links and 405s as Weaviate answers them."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import Server, make_settings
from vectordb.api.app import create_app
from vectordb.config import CORS_ALLOW_HEADERS
from vectordb.database import Database


@pytest.fixture
def keyed(tmp_path):
    """A server with API keys on: preflights and discovery must work without a key."""
    db = Database(make_settings(tmp_path / "d", AUTHENTICATION_APIKEY_ENABLED="true",
                                AUTHENTICATION_APIKEY_ALLOWED_KEYS="k", AUTHENTICATION_APIKEY_USERS="u"))
    try:
        with Server(create_app(db)) as srv, httpx.Client(base_url=srv.url, follow_redirects=False) as http:
            yield http
    finally:
        db.close()


def _has_cors(resp: httpx.Response) -> None:
    assert resp.headers["access-control-allow-origin"] == "*"
    assert resp.headers["access-control-allow-methods"] == "*"
    assert resp.headers["access-control-allow-headers"] == CORS_ALLOW_HEADERS


def test_every_answer_carries_cors_headers(http):
    _has_cors(http.get("/v1/meta"))
    _has_cors(http.get("/v1/schema/Missing"))  # a 404 too
    _has_cors(http.post("/v1/graphql", json={"query": "{ Get { X { a } } }"}))
    assert "X-Openai-Api-Key" in CORS_ALLOW_HEADERS and "Authorization" in CORS_ALLOW_HEADERS


@pytest.mark.parametrize("path", ["/v1/schema", "/v1/objects/A/00000000-0000-0000-0000-000000000001",
                                  "/v1/batch/objects", "/v1/graphql", "/v1/nodes", "/no/such/route"])
def test_preflight_is_answered_on_every_path_without_a_key(keyed, path):
    resp = keyed.options(path, headers={"Origin": "http://app.example", "Access-Control-Request-Method": "POST"})
    assert resp.status_code == 200 and resp.content == b""
    _has_cors(resp)
    assert keyed.get("/v1/schema").status_code == 401  # the key check is still there for real requests


def test_cors_settings_come_from_weaviates_variables(tmp_path):
    db = Database(make_settings(tmp_path / "d", CORS_ALLOW_ORIGIN="https://app.example",
                                CORS_ALLOW_METHODS="GET,POST", CORS_ALLOW_HEADERS="Content-Type"))
    try:
        with Server(create_app(db)) as srv:
            resp = httpx.options(f"{srv.url}/v1/schema")
        assert resp.headers["access-control-allow-origin"] == "https://app.example"
        assert resp.headers["access-control-allow-methods"] == "GET,POST"
        assert resp.headers["access-control-allow-headers"] == "Content-Type"
    finally:
        db.close()


def test_root_redirects_to_v1_which_lists_links_without_a_key(keyed):
    resp = keyed.get("/")
    assert resp.status_code == 301 and resp.headers["location"] == "/v1"
    assert resp.json()["links"]["href"] == "/v1"
    links = keyed.get("/v1")
    assert links.status_code == 200
    hrefs = {link["href"] for link in links.json()["links"]}
    assert {"/v1/meta", "/v1/schema", "/v1/objects{/:id}", "/v1/.well-known/ready"} <= hrefs
    assert all(link["name"] for link in links.json()["links"])


def test_405_names_every_method_of_the_path(http):
    resp = http.patch("/v1/schema")
    assert resp.status_code == 405
    assert resp.headers["allow"] == "GET, OPTIONS, POST"
    assert resp.json() == {"error": [{"message": "Method Not Allowed"}]}
    # three routes share this path: Starlette alone would name only the first one's method
    resp = http.post("/v1/schema/Thing")
    assert resp.status_code == 405 and resp.headers["allow"] == "DELETE, GET, OPTIONS, PUT"
