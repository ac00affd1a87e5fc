# ruff: noqa: E501  (query strings are kept whole, as clients write them)
"""GraphQL end to end: a real uvicorn server, classes made over REST, results checked against brute force."""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from tests.conftest import Server, make_settings
from vectordb.api.app import create_app
from vectordb.database import Database

DIM = 8
N = 40
WORDS = ["apple", "banana", "cherry", "grape", "lemon", "mango", "peach"]
CATEGORIES = ["news", "blog", "paper"]
AUTHOR_NAMES = ["Ann", "Bob", "Cid"]
GHOST = str(uuid.UUID(int=999))


def article_id(i: int) -> str:
    return str(uuid.UUID(int=i + 1))


def author_id(i: int) -> str:
    return str(uuid.UUID(int=10_000 + i))


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(1.0 - np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


class Data:
    def __init__(self) -> None:
        rng = np.random.default_rng(7)
        self.articles: list[dict[str, Any]] = []
        for i in range(N):
            words = rng.choice(WORDS, size=int(rng.integers(1, 5)))
            self.articles.append(
                {
                    "id": article_id(i),
                    "title": " ".join(words),
                    "category": CATEGORIES[i % 3],
                    "wordCount": int((i * 7) % 50),
                    "price": i / 4,
                    "inStock": i % 2 == 0,
                    "vector": rng.normal(size=DIM).astype(np.float32),
                    "author": i % 3,
                }
            )
        self.authors = [
            {"id": author_id(i), "name": name, "vector": rng.normal(size=DIM).astype(np.float32)}
            for i, name in enumerate(AUTHOR_NAMES)
        ]
        self.query = rng.normal(size=DIM).astype(np.float32)

    def by_id(self) -> dict[str, dict[str, Any]]:
        return {a["id"]: a for a in self.articles}


def post(http: httpx.Client, query: str, **body: Any) -> dict[str, Any]:
    answer = http.post("/v1/graphql", json={"query": query, **body})
    assert answer.status_code == 200, answer.text
    return answer.json()


def data_of(http: httpx.Client, query: str, **body: Any) -> dict[str, Any]:
    answer = post(http, query, **body)
    assert "errors" not in answer, answer
    return answer["data"]


def vec(v: np.ndarray) -> str:
    return "[" + ", ".join(repr(float(x)) for x in v) + "]"


@pytest.fixture(scope="module")
def data() -> Data:
    return Data()


@pytest.fixture(scope="module")
def http(tmp_path_factory: pytest.TempPathFactory, data: Data) -> Iterator[httpx.Client]:
    database = Database(make_settings(Path(tmp_path_factory.mktemp("graphql")) / "data"))
    try:
        with Server(create_app(database)) as server, httpx.Client(base_url=server.url, timeout=30) as client:
            _load(client, data)
            yield client
    finally:
        database.close()


def _ok(response: httpx.Response) -> Any:
    assert response.status_code in (200, 204), response.text
    return response.json() if response.content else None


def _load(http: httpx.Client, data: Data) -> None:
    _ok(
        http.post(
            "/v1/schema",
            json={
                "class": "Author",
                "vectorizer": "none",
                "properties": [{"name": "name", "dataType": ["text"]}],
            },
        )
    )
    _ok(
        http.post(
            "/v1/schema",
            json={
                "class": "Article",
                "vectorizer": "none",
                "properties": [
                    {"name": "title", "dataType": ["text"]},
                    {"name": "category", "dataType": ["text"], "tokenization": "field"},
                    {"name": "wordCount", "dataType": ["int"]},
                    {"name": "price", "dataType": ["number"]},
                    {"name": "inStock", "dataType": ["boolean"]},
                    {"name": "hasAuthor", "dataType": ["Author"]},
                ],
            },
        )
    )
    authors = [
        {"class": "Author", "id": a["id"], "properties": {"name": a["name"]}, "vector": a["vector"].tolist()}
        for a in data.authors
    ]
    authors.append({"class": "Author", "id": GHOST, "properties": {"name": "Ghost"}, "vector": [1.0] * DIM})
    for entry in _ok(http.post("/v1/batch/objects", json={"objects": authors})):
        assert not entry["result"].get("errors"), entry
    objects = []
    for a in data.articles:
        refs = [{"beacon": f"weaviate://localhost/Author/{author_id(a['author'])}"}]
        if a["id"] == article_id(1):
            refs.append({"beacon": f"weaviate://localhost/Author/{GHOST}"})
        props = {k: a[k] for k in ("title", "category", "wordCount", "price", "inStock")}
        objects.append(
            {
                "class": "Article",
                "id": a["id"],
                "properties": {**props, "hasAuthor": refs},
                "vector": a["vector"].tolist(),
            }
        )
    for entry in _ok(http.post("/v1/batch/objects", json={"objects": objects})):
        assert not entry["result"].get("errors"), entry
    # the reference to Ghost now points at nothing
    assert http.delete(f"/v1/objects/Author/{GHOST}").status_code == 204


def nearest(data: Data, query: np.ndarray) -> list[tuple[str, float]]:
    return sorted(((a["id"], cosine(a["vector"], query)) for a in data.articles), key=lambda t: t[1])


# ---- Get ----


def test_near_vector_matches_brute_force(http, data):
    expected = nearest(data, data.query)[:5]
    rows = data_of(
        http,
        f"{{Get{{Article(nearVector: {{vector: {vec(data.query)}}} limit: 5 ){{title _additional {{certainty distance id}}}}}}}}",
    )["Get"]["Article"]
    assert [r["_additional"]["id"] for r in rows] == [i for i, _ in expected]
    titles = data.by_id()
    for row, (object_id, distance) in zip(rows, expected, strict=True):
        assert row["title"] == titles[object_id]["title"]
        assert row["_additional"]["distance"] == pytest.approx(distance, abs=1e-5)
        assert row["_additional"]["certainty"] == pytest.approx(1 - distance / 2, abs=1e-5)


def test_near_vector_distance_bound_and_vector_output(http, data):
    ranked = nearest(data, data.query)
    bound = (ranked[6][1] + ranked[7][1]) / 2
    rows = data_of(
        http,
        f"{{Get{{Article(nearVector: {{vector: {vec(data.query)} distance: {bound}}}){{_additional{{id vector}}}}}}}}",
    )["Get"]["Article"]
    assert [r["_additional"]["id"] for r in rows] == [i for i, _ in ranked[:7]]
    by_id = data.by_id()
    for row in rows:
        assert row["_additional"]["vector"] == pytest.approx(
            by_id[row["_additional"]["id"]]["vector"].tolist()
        )


def test_near_object_ranks_by_the_objects_vector(http, data):
    source = data.articles[3]
    expected = nearest(data, source["vector"])[:4]
    rows = data_of(
        http,
        f'{{Get{{Article(nearObject: {{id: "{source["id"]}"}} limit: 4){{_additional{{id distance}}}}}}}}',
    )["Get"]["Article"]
    assert [r["_additional"]["id"] for r in rows] == [i for i, _ in expected]
    assert rows[0]["_additional"]["distance"] == pytest.approx(0.0, abs=1e-5)


def test_where_filter_matches_brute_force(http, data):
    query = (
        '{Get{Article(where: {operator: And operands: [{path: ["wordCount"] operator: GreaterThan valueInt: 20}, '
        '{path: ["category"] operator: Equal valueText: "blog"}]} limit: 100){_additional{id}}}}'
    )
    rows = data_of(http, query)["Get"]["Article"]
    expected = {a["id"] for a in data.articles if a["wordCount"] > 20 and a["category"] == "blog"}
    assert expected and {r["_additional"]["id"] for r in rows} == expected


def test_where_contains_any_list_value(http, data):
    query = '{Get{Article(where: {path: ["category"] operator: ContainsAny valueText: ["news", "paper"]}){category}}}'
    rows = data_of(http, query)["Get"]["Article"]
    assert len(rows) == sum(a["category"] in ("news", "paper") for a in data.articles)
    assert {r["category"] for r in rows} == {"news", "paper"}


def test_sort_without_commas(http, data):
    query = '{Get{Article(sort: [{ path: ["wordCount"] order: desc } { path: ["price"] order: asc } ] limit: 6){wordCount price}}}'
    rows = data_of(http, query)["Get"]["Article"]
    expected = sorted(data.articles, key=lambda a: (-a["wordCount"], a["price"]))[:6]
    assert [(r["wordCount"], r["price"]) for r in rows] == [(a["wordCount"], a["price"]) for a in expected]


def _bm25_scores(data: Data, term: str, k1: float = 1.2, b: float = 0.75) -> dict[str, float]:
    lengths = {a["id"]: len(a["title"].split()) for a in data.articles}
    avg = sum(lengths.values()) / len(lengths)
    having = [a for a in data.articles if term in a["title"].split()]
    idf = math.log(1 + (len(data.articles) - len(having) + 0.5) / (len(having) + 0.5))
    scores = {}
    for a in having:
        f = a["title"].split().count(term)
        scores[a["id"]] = f / (f + k1 * (1 - b + b * lengths[a["id"]] / avg)) * idf
    return scores


def test_bm25_glued_arguments_and_scores(http, data):
    expected = _bm25_scores(data, "cherry")
    query = '{Get{Article(bm25:{query: "cherry", properties: ["title"]}consistencyLevel: ONE limit: 100 ){title _additional{id score explainScore}}}}'
    rows = data_of(http, query)["Get"]["Article"]
    assert {r["_additional"]["id"] for r in rows} == set(expected)
    scores = [float(r["_additional"]["score"]) for r in rows]
    assert scores == sorted(scores, reverse=True)
    for row in rows:
        assert isinstance(row["_additional"]["score"], str)
        assert float(row["_additional"]["score"]) == pytest.approx(
            expected[row["_additional"]["id"]], rel=1e-4
        )


def test_hybrid_relative_score_fusion(http, data):
    sparse = {
        r["_additional"]["id"]: float(r["_additional"]["score"])
        for r in data_of(
            http,
            '{Get{Article(bm25:{query: "grape", properties: ["title"]} limit: 100){_additional{id score}}}}',
        )["Get"]["Article"]
    }
    dense = {a["id"]: 1 - cosine(a["vector"], data.query) for a in data.articles}

    def norm(values: dict[str, float]) -> dict[str, float]:
        lo, hi = min(values.values()), max(values.values())
        return {k: 1.0 if hi == lo else (v - lo) / (hi - lo) for k, v in values.items()}

    nd, ns = norm(dense), norm(sparse)
    fused = {k: 0.5 * nd[k] + 0.5 * ns.get(k, 0.0) for k in dense}
    expected = sorted(fused.items(), key=lambda t: -t[1])[:5]
    query = (
        f'{{Get{{Article(hybrid:{{query: "grape", vector: {vec(data.query)}, alpha: 0.5, properties: ["title"], '
        "fusionType: relativeScoreFusion} limit: 5){_additional{id score}}}}"
    )
    rows = data_of(http, query)["Get"]["Article"]
    assert [r["_additional"]["id"] for r in rows] == [k for k, _ in expected]
    for row, (_, score) in zip(rows, expected, strict=True):
        assert float(row["_additional"]["score"]) == pytest.approx(score, abs=1e-4)


def test_group_by(http, data):
    query = (
        f"{{Get{{Article(nearVector: {{vector: {vec(data.query)}}} limit: 40 "
        'groupBy:{path:["category"], groups:2, objectsPerGroup:3}){_additional{group{id count groupedBy{path value} '
        "minDistance maxDistance hits{category _additional{id distance}}}}}}}"
    )
    rows = data_of(http, query)["Get"]["Article"]
    by_id = data.by_id()
    groups: dict[str, list[tuple[str, float]]] = {}
    for object_id, distance in nearest(data, data.query):
        value = by_id[object_id]["category"]
        if value not in groups:
            if len(groups) == 2:
                continue
            groups[value] = []
        if len(groups[value]) < 3:
            groups[value].append((object_id, distance))
    assert len(rows) == 2
    for row, (value, hits) in zip(rows, groups.items(), strict=True):
        group = row["_additional"]["group"]
        assert group["groupedBy"] == {"path": ["category"], "value": value}
        assert group["count"] == 3
        assert [h["_additional"]["id"] for h in group["hits"]] == [i for i, _ in hits]
        assert {h["category"] for h in group["hits"]} == {value}
        assert group["minDistance"] == pytest.approx(hits[0][1], abs=1e-5)
        assert group["maxDistance"] == pytest.approx(hits[-1][1], abs=1e-5)


def _autocut(values: list[float], cut: int) -> int:
    """graphql.md §8: cut before the N-th local maximum of (normalised value - normalised rank)."""
    n = len(values)
    if n <= 1:
        return n
    diff = [(values[i] - values[0]) / (values[-1] - values[0]) - i / (n - 1) for i in range(n)]
    found = 0
    for i in range(1, n):
        if i == n - 1:
            peak = diff[i] > diff[i - 1] and (i < 2 or diff[i] > diff[i - 2])
        else:
            peak = diff[i] > diff[i - 1] and diff[i] > diff[i + 1]
        if peak:
            found += 1
            if found >= cut:
                return i
    return n


def test_autocut(http, data):
    ranked = nearest(data, data.articles[5]["vector"])
    distances = [d for _, d in ranked]
    keep = _autocut(distances, 1)
    query = f"{{Get{{Article(nearVector: {{vector: {vec(data.articles[5]['vector'])}}} autocut: 1){{_additional{{id}}}}}}}}"
    rows = data_of(http, query)["Get"]["Article"]
    assert [r["_additional"]["id"] for r in rows] == [i for i, _ in ranked[:keep]]
    assert 0 < keep < N


def test_multi_class_query_with_aliases(http, data):
    query = (
        '{Get{a: Article(limit: 1 where: {path: ["id"] operator: Equal valueText: "'
        + article_id(4)
        + '"}){title}'
        'b: Author(sort: [{path: ["name"]}]){name}}}'
    )
    result = data_of(http, query)["Get"]
    assert result["a"] == [{"title": data.articles[4]["title"]}]
    assert result["b"] == [{"name": n} for n in AUTHOR_NAMES]


def test_references_with_inline_fragments(http, data):
    ids = f'["{article_id(1)}", "{article_id(2)}"]'
    query = (
        '{Get{Article(where: {path: ["id"] operator: ContainsAny valueText: '
        + ids
        + '} sort: [{path: ["price"]}]){'
        "title hasAuthor {... on Author {name _additional { id }}}}}}"
    )
    rows = data_of(http, query)["Get"]["Article"]
    assert [r["title"] for r in rows] == [data.articles[1]["title"], data.articles[2]["title"]]
    # article 1 also points at Ghost, who was deleted: missing targets are left out
    assert rows[0]["hasAuthor"] == [{"name": "Bob", "_additional": {"id": author_id(1)}}]
    assert rows[1]["hasAuthor"] == [{"name": "Cid", "_additional": {"id": author_id(2)}}]


def test_errors_from_the_core_keep_http_200(http, data):
    answer = post(http, "{Get{Article(nearVector: {vector: [1, 2]}){title} Author(limit: 1){name}}}")
    assert answer["data"]["Get"]["Article"] is None
    assert answer["data"]["Get"]["Author"] == [{"name": "Ann"}]
    assert "vector lengths" in answer["errors"][0]["message"]
    assert answer["errors"][0]["path"] == ["Get", "Article"]


def test_variables_and_operation_name(http, data):
    query = "query A($n: Int) {Get{Article(limit: $n){title}}} query B {Get{Author{name}}}"
    assert len(data_of(http, query, variables={"n": 3}, operationName="A")["Get"]["Article"]) == 3
    assert len(data_of(http, query, operationName="B")["Get"]["Author"]) == 3


# ---- Aggregate ----


def test_aggregate_meta_count_and_metrics(http, data):
    query = (
        '{Aggregate{Article(where: {path: ["inStock"] operator: Equal valueBoolean: true}){meta{count}'
        "wordCount { count sum mean maximum minimum } inStock{totalTrue totalFalse}}}}"
    )
    [group] = data_of(http, query)["Aggregate"]["Article"]
    in_stock = [a for a in data.articles if a["inStock"]]
    counts = [a["wordCount"] for a in in_stock]
    assert group["meta"] == {"count": len(in_stock)}
    assert group["wordCount"]["count"] == len(counts)
    assert group["wordCount"]["sum"] == pytest.approx(sum(counts))
    assert group["wordCount"]["mean"] == pytest.approx(sum(counts) / len(counts))
    assert (group["wordCount"]["maximum"], group["wordCount"]["minimum"]) == (max(counts), min(counts))
    assert group["inStock"] == {"totalTrue": len(in_stock), "totalFalse": 0}


def test_aggregate_group_by(http, data):
    query = '{Aggregate{Article(groupBy: ["category"]){meta{count} groupedBy { path value }}}}'
    groups = data_of(http, query)["Aggregate"]["Article"]
    counts = {c: sum(a["category"] == c for a in data.articles) for c in CATEGORIES}
    assert {g["groupedBy"]["value"]: g["meta"]["count"] for g in groups} == counts
    assert all(g["groupedBy"]["path"] == ["category"] for g in groups)


def test_aggregate_top_occurrences_as_the_v4_client_writes_it(http, data):
    query = "{Aggregate{Article(limit: 3hybrid:{, vector: %s, alpha: 1}objectLimit: 12){meta{count}category { count topOccurrences(limit: 2) { occurs value } } wordCount { count maximum mean median minimum mode sum }}}}"
    [group] = data_of(http, query % vec(data.query))["Aggregate"]["Article"]
    nearest_ids = {object_id for object_id, _ in nearest(data, data.query)[:12]}
    chosen = [a for a in data.articles if a["id"] in nearest_ids]
    counts: dict[str, int] = {}
    for a in chosen:
        counts[a["category"]] = counts.get(a["category"], 0) + 1
    top = sorted(counts.items(), key=lambda t: (-t[1], t[0]))[:2]
    assert group["meta"] == {"count": 12}
    assert group["category"]["count"] == 12
    assert group["category"]["topOccurrences"] == [{"occurs": n, "value": v} for v, n in top]
    assert group["wordCount"]["sum"] == pytest.approx(sum(a["wordCount"] for a in chosen))


def test_aggregate_near_vector_with_glued_object_limit(http, data):
    query = f"{{Aggregate{{Article(nearVector: {{vector: {vec(data.query)}}} objectLimit: 7limit: 5){{meta{{count}}}}}}}}"
    assert data_of(http, query)["Aggregate"]["Article"] == [{"meta": {"count": 7}}]


# ---- Explore ----


def test_explore_merges_classes_by_distance(http, data):
    candidates = [("Article", a["id"], cosine(a["vector"], data.query)) for a in data.articles]
    candidates += [("Author", a["id"], cosine(a["vector"], data.query)) for a in data.authors]
    expected = sorted(candidates, key=lambda t: t[2])[2:8]
    rows = data_of(
        http,
        f"{{Explore(nearVector: {{vector: {vec(data.query)}}} limit: 6 offset: 2){{beacon className certainty distance}}}}",
    )["Explore"]
    assert [(r["className"], r["beacon"]) for r in rows] == [
        (cls, f"weaviate://localhost/{cls}/{object_id}") for cls, object_id, _ in expected
    ]
    for row, (_, _, distance) in zip(rows, expected, strict=True):
        assert row["distance"] == pytest.approx(distance, abs=1e-5)
        assert row["certainty"] == pytest.approx(1 - distance / 2, abs=1e-5)


def test_explore_near_object_by_bare_id(http, data):
    source = data.authors[0]
    rows = data_of(
        http, f'{{Explore(nearObject: {{id: "{source["id"]}"}} limit: 1){{className beacon distance}}}}'
    )
    assert rows["Explore"][0]["beacon"] == f"weaviate://localhost/Author/{source['id']}"
    assert rows["Explore"][0]["distance"] == pytest.approx(0.0, abs=1e-5)


# ---- schema changes ----


def test_schema_change_rebuilds_the_graphql_schema(http, data):
    assert post(http, "{Get{Later{x}}}")["errors"]
    _ok(
        http.post(
            "/v1/schema",
            json={
                "class": "Later",
                "vectorizer": "none",
                "properties": [{"name": "x", "dataType": ["text"]}],
            },
        )
    )
    _ok(http.post("/v1/batch/objects", json={"objects": [{"class": "Later", "properties": {"x": "hi"}}]}))
    assert data_of(http, "{Get{Later{x}}}")["Get"]["Later"] == [{"x": "hi"}]
    _ok(http.post("/v1/schema/Later/properties", json={"name": "y", "dataType": ["int"]}))
    assert data_of(http, "{Get{Later{x y}}}")["Get"]["Later"] == [{"x": "hi", "y": None}]
    assert http.delete("/v1/schema/Later").status_code == 200
    assert post(http, "{Get{Later{x}}}")["errors"]


def test_hybrid_alpha_null_means_the_default_in_get_and_aggregate(http, data):
    # null is Weaviate's default 0.75, so the vector side runs and needs the query vector (Aggregate skipped it)
    get = '{Get{Article(hybrid:{query: "grape", vector: %s, alpha: null} limit: 3){_additional{id}}}}'
    default = '{Get{Article(hybrid:{query: "grape", vector: %s} limit: 3){_additional{id}}}}'
    rows = data_of(http, get % vec(data.query))["Get"]["Article"]
    assert rows == data_of(http, default % vec(data.query))["Get"]["Article"]
    aggregate = '{Aggregate{Article(hybrid:{query: "grape", vector: %s, alpha: null} objectLimit: 7){meta{count}}}}'
    [group] = data_of(http, aggregate % vec(data.query))["Aggregate"]["Article"]
    assert group["meta"] == {"count": 7}
