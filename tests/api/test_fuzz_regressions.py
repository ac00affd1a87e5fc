"""Inputs that benchmarks/fuzz_api.py found answered with a server error."""

from __future__ import annotations


def test_graphql_null_operand_is_the_users_error(http):
    http.post("/v1/schema", json={"class": "Article", "vectorizer": "none",
                                  "properties": [{"name": "count", "dataType": ["int"]}]}).raise_for_status()
    where = "{operator: And, operands: [null, {operator: Equal, path: [\"count\"], valueInt: 1}]}"
    for query in (f"{{ Aggregate {{ Article(where: {where}) {{ meta {{ count }} }} }} }}",
                  f"{{ Get {{ Article(where: {where}) {{ count }} }} }}"):
        resp = http.post("/v1/graphql", json={"query": query})
        assert resp.status_code == 200
        messages = [e["message"] for e in resp.json()["errors"]]
        assert messages == ["invalid where filter: an operand is null; each operand must be a filter object"]
