"""GraphQL near* and hybrid on several named vectors: `targets: {targetVectors, combinationMethod, weights}` and
`vectorPerTarget`, as Weaviate's GraphQL takes them."""

from __future__ import annotations

import pytest

VECTORS = [
    {"a": [1.0, 0.0], "b": [0.0, 0.0, 1.0]},
    {"a": [0.0, 1.0], "b": [0.0, 1.0, 0.0]},
    {"a": [1.0, 0.0], "b": [1.0, 0.0, 0.0]},
]


@pytest.fixture
def ids(http) -> list[str]:
    answer = http.post("/v1/schema", json={"class": "Multi", "vectorConfig": {
        name: {"vectorizer": {"none": {}}, "vectorIndexType": "hnsw"} for name in ("a", "b")}})  # fmt: skip
    assert answer.status_code == 200, answer.text
    return [http.post("/v1/objects", json={"class": "Multi", "vectors": v}).json()["id"] for v in VECTORS]


def get(http, args: str) -> list[dict]:
    query = "{ Get { Multi(" + args + ") { _additional { id distance score } } } }"
    answer = http.post("/v1/graphql", json={"query": query})
    assert "errors" not in answer.json(), answer.text
    return answer.json()["data"]["Get"]["Multi"]


def test_near_vector_per_target_with_a_combination(http, ids) -> None:
    found = get(http, 'nearVector: {vectorPerTarget: {a: [0, 1], b: [0, 1, 0]}, distance: 0.1, '
                      'targets: {targetVectors: ["a", "b"], combinationMethod: sum}}')  # fmt: skip
    assert [f["_additional"]["id"] for f in found] == [ids[1]]
    weighted = get(http, 'nearVector: {vectorPerTarget: {a: [1, 0], b: [1, 0, 0]}, '
                         'targets: {targetVectors: ["a", "b"], combinationMethod: manualWeights, '
                         'weights: {a: 1, b: 10}}}, limit: 1')  # fmt: skip
    assert weighted[0]["_additional"]["id"] == ids[2]


def test_hybrid_on_several_targets(http, ids) -> None:
    found = get(http, 'hybrid: {alpha: 1, searches: {nearVector: {vectorPerTarget: {a: [1, 0], b: [0, 0, 1]}}}, '
                      'targets: {targetVectors: ["a", "b"], combinationMethod: sum}}')  # fmt: skip
    assert found[0]["_additional"]["id"] == ids[0] and found[0]["_additional"]["score"] == "1"
    assert found[-1]["_additional"]["score"] == "0"
