"""Queries and aggregations through the Client, checked against brute force computed here.

The same data goes in on both transports (embedded Database, HTTP + GraphQL), so each test also shows that
the two give the same answers.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pytest

from vectordb.client import (
    Client,
    Collection,
    DataObject,
    DataType,
    Filter,
    GroupBy,
    GroupByAggregate,
    MetadataQuery,
    Metrics,
    NamedVector,
    Property,
    Sort,
    VectordbError,
)

DIM = 8
N = 60
WORDS = ["apple", "banana", "cherry", "grape", "lemon", "mango", "olive", "peach", "plum", "melon"]
CATEGORIES = ["red", "green", "blue"]
K1, B = 1.2, 0.75


@dataclass
class Doc:
    uuid: str
    title: str
    body: str
    category: str
    n: int
    x: float
    tags: list[str]
    vector: np.ndarray


def _make_docs(seed: int = 3) -> list[dict]:
    rng = np.random.default_rng(seed)
    docs = []
    for i in range(N):
        docs.append(
            {
                "title": " ".join(rng.choice(WORDS, size=int(rng.integers(1, 4)), replace=True)),
                "body": " ".join(rng.choice(WORDS, size=int(rng.integers(3, 9)), replace=True)),
                "category": CATEGORIES[i % 3],
                "n": i,
                "x": float(np.round(rng.normal(), 4)),
                "tags": list(rng.choice(WORDS[:5], size=2, replace=False)),
                "vector": rng.normal(size=DIM).astype(np.float32),
            }
        )
    return docs


@pytest.fixture
def corpus(client: Client) -> tuple[Collection, list[Doc]]:
    coll = client.collections.create(
        "Doc",
        properties=[
            Property("title", DataType.TEXT),
            Property("body", DataType.TEXT),
            Property("category", DataType.TEXT, tokenization="field", index_searchable=False),
            Property("n", DataType.INT),
            Property("x", DataType.NUMBER),
            Property("tags", DataType.TEXT_ARRAY, index_searchable=False),
        ],
        vectorizer="none",
    )
    raw = _make_docs()
    objects = [DataObject({k: v for k, v in d.items() if k != "vector"}, vector=d["vector"]) for d in raw]
    result = coll.data.insert_many(objects, batch_size=25)
    assert not result.has_errors, result.errors
    docs = [Doc(uuid=result.uuids[i], **raw[i]) for i in range(N)]
    return coll, docs


def _cosine(query: np.ndarray, vector: np.ndarray) -> float:
    q = query.astype(np.float64)
    v = vector.astype(np.float64)
    return 1.0 - float(q @ v / (np.linalg.norm(q) * np.linalg.norm(v)))


def _by_distance(docs: list[Doc], query: np.ndarray) -> list[tuple[float, Doc]]:
    return sorted(((_cosine(query, d.vector), d) for d in docs), key=lambda t: t[0])


def _tokens(text: str) -> list[str]:
    return text.lower().split()


def _bm25(docs: list[Doc], query: str, props: list[str]) -> dict[str, float]:
    """Weaviate's BM25 (no (k1+1) factor), summed over the properties; docs without a match are absent."""
    scores: dict[str, float] = {}
    terms = list(dict.fromkeys(_tokens(query)))
    for prop in props:
        lengths = {d.uuid: len(_tokens(getattr(d, prop))) for d in docs}
        avg = sum(lengths.values()) / len(docs)
        for term in terms:
            freq = {d.uuid: _tokens(getattr(d, prop)).count(term) for d in docs}
            n_t = sum(1 for f in freq.values() if f)
            if not n_t:
                continue
            idf = math.log(1 + (len(docs) - n_t + 0.5) / (n_t + 0.5))
            for uid, f in freq.items():
                if f:
                    tf = f / (f + K1 * (1 - B + B * lengths[uid] / avg))
                    scores[uid] = scores.get(uid, 0.0) + tf * idf
    return scores


def _minmax(values: dict[str, float]) -> dict[str, float]:
    lo, hi = min(values.values()), max(values.values())
    return {k: 1.0 if hi == lo else (v - lo) / (hi - lo) for k, v in values.items()}


# fetch, filters, sort --------------------------------------------------------------------------------


def test_fetch_objects_filters(corpus) -> None:
    coll, docs = corpus
    cases = [
        (Filter.by_property("n").greater_than(40), lambda d: d.n > 40),
        (
            Filter.by_property("n").less_or_equal(5) | Filter.by_property("n").equal(33),
            lambda d: d.n <= 5 or d.n == 33,
        ),
        (
            Filter.by_property("category").equal("red") & Filter.by_property("x").greater_than(0.0),
            lambda d: d.category == "red" and d.x > 0,
        ),
        (~Filter.by_property("category").equal("blue"), lambda d: d.category != "blue"),
        (
            Filter.by_property("tags").contains_any(["apple", "cherry"]),
            lambda d: bool({"apple", "cherry"} & set(d.tags)),
        ),
        (
            Filter.by_property("tags").contains_all(["apple", "banana"]),
            lambda d: {"apple", "banana"} <= set(d.tags),
        ),
        (
            Filter.by_property("title").like("pea*"),
            lambda d: any(t.startswith("pea") for t in _tokens(d.title)),
        ),
        ({"operator": "LessThan", "path": ["n"], "valueInt": 3}, lambda d: d.n < 3),
    ]
    for where, keep in cases:
        got = {o.uuid for o in coll.query.fetch_objects(limit=N, filters=where).objects}
        assert got == {d.uuid for d in docs if keep(d)}, where


def test_fetch_by_id_and_uuid_order_paging(corpus) -> None:
    coll, docs = corpus
    target = docs[17]
    found = coll.query.fetch_object_by_id(target.uuid, include_vector=True)
    assert found is not None and found.properties["n"] == 17
    assert found.vector == pytest.approx(target.vector.tolist(), rel=1e-6)
    assert found.creation_time is not None
    assert coll.query.fetch_object_by_id("00000000-0000-0000-0000-000000000000") is None

    in_order = sorted(d.uuid for d in docs)
    first = coll.query.fetch_objects(limit=10).objects
    assert [o.uuid for o in first] == in_order[:10]
    after = coll.query.fetch_objects(limit=10, after=first[-1].uuid).objects
    assert [o.uuid for o in after] == in_order[10:20]
    page = coll.query.fetch_objects(limit=5, offset=20).objects
    assert [o.uuid for o in page] == in_order[20:25]


def test_sort(corpus) -> None:
    coll, docs = corpus
    got = coll.query.fetch_objects(limit=7, sort=Sort.by_property("x", ascending=False)).objects
    assert [o.properties["n"] for o in got] == [d.n for d in sorted(docs, key=lambda d: -d.x)[:7]]

    both = Sort.by_property("category").by_property("n", ascending=False)
    got = coll.query.fetch_objects(limit=N, sort=both).objects
    expected = sorted(docs, key=lambda d: (d.category, -d.n))
    assert [o.properties["n"] for o in got] == [d.n for d in expected]


# vector search ---------------------------------------------------------------------------------------


def test_near_vector_matches_brute_force(corpus) -> None:
    coll, docs = corpus
    query = np.random.default_rng(11).normal(size=DIM).astype(np.float32)
    expected = _by_distance(docs, query)[:10]
    got = coll.query.near_vector(query, limit=10).objects
    assert [o.uuid for o in got] == [d.uuid for _, d in expected]
    for obj, (distance, _) in zip(got, expected, strict=True):
        assert obj.metadata.distance == pytest.approx(distance, abs=1e-5)
        assert obj.metadata.certainty == pytest.approx(1 - distance / 2, abs=1e-5)
        assert obj.metadata.score is None


def test_near_vector_with_filter_offset_and_bounds(corpus) -> None:
    coll, docs = corpus
    query = np.random.default_rng(12).normal(size=DIM).astype(np.float32)
    green = [d for d in docs if d.category == "green"]
    expected = _by_distance(green, query)
    got = coll.query.near_vector(
        query, limit=4, offset=2, filters=Filter.by_property("category").equal("green")
    )
    assert [o.uuid for o in got.objects] == [d.uuid for _, d in expected[2:6]]

    bound = expected[len(expected) // 2][0]
    within = coll.query.near_vector(
        query,
        limit=N,
        distance=bound,
        filters={"operator": "Equal", "path": ["category"], "valueText": "green"},
    )
    assert {o.uuid for o in within.objects} == {d.uuid for dist, d in expected if dist <= bound + 1e-6}
    sure = coll.query.near_vector(query, limit=N, certainty=1 - bound / 2)
    assert {o.uuid for o in sure.objects} == {
        d.uuid for dist, d in _by_distance(docs, query) if dist <= bound + 1e-6
    }


def test_near_object(corpus) -> None:
    coll, docs = corpus
    source = docs[5]
    expected = _by_distance(docs, source.vector)[:5]
    got = coll.query.near_object(source.uuid, limit=5, return_metadata=MetadataQuery(distance=True)).objects
    assert [o.uuid for o in got] == [d.uuid for _, d in expected]
    assert got[0].uuid == source.uuid and got[0].metadata.distance == pytest.approx(0, abs=1e-5)
    assert got[0].metadata.certainty is None and got[0].metadata.creation_time is None  # not asked for


def test_near_vector_wrong_dimension(corpus) -> None:
    coll, _ = corpus
    with pytest.raises(VectordbError) as err:
        coll.query.near_vector([1.0, 2.0], limit=3)
    assert err.value.status == 422


def test_group_by(corpus) -> None:
    coll, docs = corpus
    query = np.random.default_rng(13).normal(size=DIM).astype(np.float32)
    ranked = _by_distance(docs, query)
    groups: dict[str, list[tuple[float, Doc]]] = {}
    for dist, d in ranked:
        if d.category in groups:
            if len(groups[d.category]) < 3:
                groups[d.category].append((dist, d))
        elif len(groups) < 2:
            groups[d.category] = [(dist, d)]
    got = coll.query.near_vector(
        query, limit=N, group_by=GroupBy("category", number_of_groups=2, objects_per_group=3)
    )
    assert got.groups is not None
    assert list(got.groups) == list(groups)
    for name, members in groups.items():
        group = got.groups[name]
        assert group.number_of_objects == len(members)
        assert [o.uuid for o in group.objects] == [d.uuid for _, d in members]
        assert group.min_distance == pytest.approx(members[0][0], abs=1e-5)
        assert group.max_distance == pytest.approx(members[-1][0], abs=1e-5)
        assert group.objects[0].metadata.distance == pytest.approx(members[0][0], abs=1e-5)
    assert [o.uuid for o in got.objects] == [d.uuid for m in groups.values() for _, d in m]


# keyword and hybrid search ---------------------------------------------------------------------------


def test_bm25_matches_brute_force(corpus) -> None:
    coll, docs = corpus
    for query, props in (("peach", None), ("mango lemon", None), ("plum", ["title"])):
        expected = _bm25(docs, query, props or ["title", "body"])
        ranked = sorted(expected.items(), key=lambda kv: -kv[1])
        got = coll.query.bm25(query, query_properties=props, limit=N).objects
        assert {o.uuid for o in got} == set(expected), query
        for obj in got:
            assert obj.metadata.score == pytest.approx(expected[obj.uuid], rel=1e-4), query
        assert [o.metadata.score for o in got] == sorted((o.metadata.score for o in got), reverse=True)
        assert got[0].uuid == ranked[0][0]
        assert got[0].metadata.explain_score


def test_bm25_with_filter(corpus) -> None:
    coll, docs = corpus
    red = [d for d in docs if d.category == "red"]
    expected = _bm25(docs, "apple", ["title", "body"])  # statistics come from the whole collection
    got = coll.query.bm25("apple", limit=N, filters=Filter.by_property("category").equal("red")).objects
    assert {o.uuid for o in got} == {d.uuid for d in red if d.uuid in expected}


def test_hybrid_relative_score_fusion(corpus) -> None:
    coll, docs = corpus
    query_vector = np.random.default_rng(14).normal(size=DIM).astype(np.float32)
    alpha = 0.6
    dense = _minmax({d.uuid: 1 - dist for dist, d in _by_distance(docs, query_vector)})
    sparse = _minmax(_bm25(docs, "cherry", ["title", "body"]))
    fused = {
        u: alpha * dense.get(u, 0.0) + (1 - alpha) * sparse.get(u, 0.0) for u in set(dense) | set(sparse)
    }
    expected = sorted(fused.items(), key=lambda kv: -kv[1])[:10]

    got = coll.query.hybrid("cherry", alpha=alpha, vector=query_vector, limit=10).objects
    assert [o.uuid for o in got] == [u for u, _ in expected]
    for obj, (_, score) in zip(got, expected, strict=True):
        assert obj.metadata.score == pytest.approx(score, abs=1e-5)


def test_hybrid_alpha_extremes(corpus) -> None:
    coll, docs = corpus
    query_vector = np.random.default_rng(15).normal(size=DIM).astype(np.float32)
    pure_vector = coll.query.hybrid("cherry", alpha=1.0, vector=query_vector, limit=5).objects
    assert [o.uuid for o in pure_vector] == [d.uuid for _, d in _by_distance(docs, query_vector)[:5]]
    pure_keyword = coll.query.hybrid("cherry", alpha=0.0, limit=5).objects
    ranked = sorted(_bm25(docs, "cherry", ["title", "body"]).items(), key=lambda kv: -kv[1])
    assert [o.uuid for o in pure_keyword] == [u for u, _ in ranked[:5]]


# aggregate -------------------------------------------------------------------------------------------


def test_aggregate_over_all(corpus) -> None:
    coll, docs = corpus
    assert coll.aggregate.over_all().total_count == N
    assert len(coll) == N

    result = coll.aggregate.over_all(
        return_metrics=[Metrics("n"), Metrics("category", top_occurrences_limit=2)]
    )
    n = result.properties["n"]
    values = [d.n for d in docs]
    assert n["count"] == N
    assert n["sum"] == sum(values)
    assert n["mean"] == pytest.approx(statistics.mean(values))
    assert n["minimum"] == min(values) and n["maximum"] == max(values)
    assert n["median"] == pytest.approx(statistics.median(values))
    top = result.properties["category"]["top_occurrences"]
    assert len(top) == 2 and all(t["occurs"] == N // 3 for t in top)
    assert [t["value"] for t in top] == sorted(CATEGORIES)[:2]  # equal counts: by value

    x = coll.aggregate.over_all(total_count=False, return_metrics={"x": ["mean", "maximum"]})
    assert x.total_count is None
    assert x.properties["x"]["mean"] == pytest.approx(statistics.mean(d.x for d in docs), abs=1e-9)
    assert x.properties["x"]["maximum"] == pytest.approx(max(d.x for d in docs))


def test_aggregate_filter_and_group_by(corpus) -> None:
    coll, docs = corpus
    over = coll.aggregate.over_all(
        filters=Filter.by_property("n").greater_or_equal(45), return_metrics=Metrics("x", ["sum"])
    )
    chosen = [d for d in docs if d.n >= 45]
    assert over.total_count == len(chosen)
    assert over.properties["x"]["sum"] == pytest.approx(sum(d.x for d in chosen), abs=1e-9)

    grouped = coll.aggregate.over_all(
        group_by=GroupByAggregate("category"), return_metrics=Metrics("n", ["sum"])
    )
    assert grouped.groups is not None
    by_value = {g.grouped_by_value: g for g in grouped.groups}
    assert set(by_value) == set(CATEGORIES)
    for cat in CATEGORIES:
        members = [d for d in docs if d.category == cat]
        assert by_value[cat].grouped_by_property == "category"
        assert by_value[cat].total_count == len(members)
        assert by_value[cat].properties["n"]["sum"] == sum(d.n for d in members)

    tags = coll.aggregate.over_all(group_by="tags")
    counts = Counter(t for d in docs for t in d.tags)
    assert {g.grouped_by_value: g.total_count for g in tags.groups} == dict(counts)


def test_aggregate_near_vector(corpus) -> None:
    coll, docs = corpus
    query = np.random.default_rng(16).normal(size=DIM).astype(np.float32)
    nearest = [d for _, d in _by_distance(docs, query)[:12]]
    result = coll.aggregate.near_vector(query, object_limit=12, return_metrics=Metrics("n", ["sum", "count"]))
    assert result.total_count == 12
    assert result.properties["n"]["sum"] == sum(d.n for d in nearest)


# named vectors ---------------------------------------------------------------------------------------


def test_near_vector_on_named_vector(client: Client) -> None:
    coll = client.collections.create(
        "Multi",
        properties=[Property("n", DataType.INT)],
        vector_config=[NamedVector("a"), NamedVector("b")],
    )
    rng = np.random.default_rng(21)
    rows = [(rng.normal(size=4).astype(np.float32), rng.normal(size=6).astype(np.float32)) for _ in range(20)]
    result = coll.data.insert_many(
        [DataObject({"n": i}, vector={"a": a, "b": b}) for i, (a, b) in enumerate(rows)]
    )
    assert not result.has_errors, result.errors
    query = rng.normal(size=6).astype(np.float32)
    expected = sorted(range(20), key=lambda i: _cosine(query, rows[i][1]))[:5]
    got = coll.query.near_vector(query, limit=5, target_vector="b", include_vector=True).objects
    assert [o.properties["n"] for o in got] == expected
    assert got[0].vectors["b"] == pytest.approx(rows[expected[0]][1].tolist(), rel=1e-6)
    assert set(got[0].vectors) == {"a", "b"}
    with pytest.raises(VectordbError):
        coll.query.near_vector(query, limit=5)  # two named vectors: which one?
