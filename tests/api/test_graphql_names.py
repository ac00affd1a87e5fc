"""Names GraphQL cannot carry (a trailing newline) are refused on every path, and one stored by an older
version does not break GraphQL for the other classes."""

from __future__ import annotations

import logging

import httpx

from tests.conftest import Server, make_settings
from vectordb.api.app import create_app
from vectordb.collection import Collection
from vectordb.database import Database

QUERY = {"query": "{Get{Good{title}}}"}


def _graphql_ok(http: httpx.Client) -> None:
    resp = http.post("/v1/graphql", json=QUERY)
    assert resp.status_code == 200, resp.text
    assert resp.json()["data"]["Get"]["Good"] == [{"title": "kept"}]


def test_newline_names_are_refused_on_every_path(http):
    assert http.post("/v1/schema", json={"class": "Good", "vectorizer": "none"}).status_code == 200
    assert http.post("/v1/objects", json={"class": "Good", "properties": {"title": "kept"}}).status_code == 200
    attempts = [
        ("/v1/schema", {"class": "Bad\n"}, "'Bad\n' is not a valid class name"),
        ("/v1/schema", {"class": "Bad", "properties": [{"name": "p\n", "dataType": ["text"]}]},
         "'p\n' is not a valid property name"),
        ("/v1/schema/Good/properties", {"name": "p\n", "dataType": ["text"]}, "'p\n' is not a valid property name"),
        ("/v1/objects", {"class": "Auto\n", "properties": {"p": "x"}}, "'Auto\n' is not a valid class name"),
        ("/v1/objects", {"class": "Good", "properties": {"p\n": "x"}}, "'p\n' is not a valid property name"),
        ("/v1/objects", {"class": "Good", "properties": {"o": {"n\n": 1}}},
         "'n\n' is not a valid nested property name of 'o'"),
    ]
    for path, body, message in attempts:
        resp = http.post(path, json=body)
        assert resp.status_code == 422, (path, body, resp.text)
        assert message in resp.json()["error"][0]["message"]
    batch = http.post("/v1/batch/objects", json={"objects": [
        {"class": "Good", "properties": {"q\n": "x"}}, {"class": "Other\n", "properties": {"q": "x"}}]})
    assert batch.status_code == 200
    errors = [r["result"]["errors"]["error"][0]["message"] for r in batch.json()]
    assert "'q\n' is not a valid property name" in errors[0]
    assert "'Other\n' is not a valid class name" in errors[1]
    classes = http.get("/v1/schema").json()["classes"]
    assert [c["class"] for c in classes] == ["Good"]
    assert [p["name"] for p in classes[0]["properties"]] == ["title"]
    _graphql_ok(http)


def test_a_stored_class_with_a_bad_name_is_left_out_of_graphql(tmp_path, caplog):
    settings = make_settings(tmp_path / "data")
    db = Database(settings)
    db.create_collection({"class": "Good", "vectorizer": "none"})
    db.insert_object({"class": "Good", "properties": {"title": "kept"}})
    # What an older version could store: names that passed a `$`-anchored check.
    bad = {**db.collection("Good").class_def, "class": "Bad\n"}
    bad["properties"] = [{**bad["properties"][0], "name": "title\n"}]
    Collection(db, db.collections_dir / "Bad\n", bad).close()
    # and a class with a good name, one of whose properties has a bad one
    half = {**bad, "class": "Half", "properties": [*bad["properties"], {**bad["properties"][0], "name": "title"}]}
    Collection(db, db.collections_dir / "Half", half).close()
    db.close()
    db = Database(settings)
    try:
        assert sorted(db.collections) == ["Bad\n", "Good", "Half"]
        db.insert_object({"class": "Half", "properties": {"title": "half"}})
        with Server(create_app(db)) as srv, httpx.Client(base_url=srv.url, timeout=30) as http:
            with caplog.at_level(logging.WARNING):
                _graphql_ok(http)
            half_query = http.post("/v1/graphql", json={"query": "{Get{Half{title}}}"})
            assert half_query.status_code == 200 and half_query.json()["data"]["Get"]["Half"] == [{"title": "half"}]
            assert any("Bad\\n" in r.getMessage() and "left out" in r.getMessage() for r in caplog.records)
            assert http.delete("/v1/schema/Bad%0A").status_code == 200
            assert [c["class"] for c in http.get("/v1/schema").json()["classes"]] == ["Good", "Half"]
    finally:
        db.close()
