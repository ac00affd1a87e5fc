"""POST /v1/graphql and /v1/graphql/batch over real HTTP: status codes and the response envelope."""

from __future__ import annotations


def test_query_errors_are_http_200(http):
    answer = http.post("/v1/graphql", json={"query": "{Get{Nope{x}}}"})
    assert answer.status_code == 200
    body = answer.json()
    assert "data" not in body  # as Weaviate: a query refused before execution has no data at all
    assert body["errors"][0]["message"]
    assert body["errors"][0]["locations"] == [{"line": 1, "column": 2}]


def test_explore_on_an_empty_database(http):
    query = "{Explore(nearVector:{vector:[1,0]}){className beacon}}"
    answer = http.post("/v1/graphql", json={"query": query})
    assert answer.status_code == 200
    assert answer.json() == {"data": {"Explore": []}}


def test_unparsable_bodies_are_422(http):
    not_json = http.post("/v1/graphql", content=b"{not json", headers={"content-type": "application/json"})
    assert not_json.status_code == 422
    assert not_json.json()["error"][0]["message"]
    for body in ({}, {"query": 5}, {"query": "  "}, ["{Get{X{y}}}"]):
        answer = http.post("/v1/graphql", json=body)
        assert answer.status_code == 422, body
        assert "query" in answer.json()["error"][0]["message"]
    empty = http.post("/v1/graphql", content=b"", headers={"content-type": "application/json"})
    assert empty.status_code == 422


def test_batch(http):
    answer = http.post(
        "/v1/graphql/batch",
        json=[
            {"query": "{Explore(nearVector:{vector:[1]}){className}}"},
            {"nope": 1},
            {"query": "{Get{"},
        ],
    )
    assert answer.status_code == 200
    first, second, third = answer.json()
    assert first == {"data": {"Explore": []}}
    assert "query" in second["errors"][0]["message"]
    assert third["errors"][0]["message"].startswith("Syntax Error")
    assert http.post("/v1/graphql/batch", json={"query": "{x}"}).status_code == 422
