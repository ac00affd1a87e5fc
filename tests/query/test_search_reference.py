"""Get searches through the Database, checked against references computed here."""

from __future__ import annotations

import math
import uuid
from collections import Counter

import numpy as np
import pytest

from tests.conftest import make_settings
from vectordb.database import Database
from vectordb.errors import UserError
from vectordb.query.request import SearchRequest

N, DIM = 3000, 16


@pytest.fixture(scope="module")
def bucket_db(tmp_path_factory):
    db = Database(make_settings(tmp_path_factory.mktemp("ref")))
    db.create_collection({
        "class": "Item", "vectorizer": "none",
        # a small cutoff so the 10 % and 50 % filters take the filtered-graph path, 1 % the exact path
        "vectorIndexConfig": {"flatSearchCutoff": 200},
        "properties": [{"name": "bucket", "dataType": ["int"]}, {"name": "body", "dataType": ["text"]}],
    })
    rng = np.random.default_rng(3)
    vectors = rng.standard_normal((N, DIM)).astype(np.float32)
    words = [f"w{i}" for i in range(50)]
    bodies = [" ".join(rng.choice(words, size=8, p=_zipf(len(words)))) for _ in range(N)]
    objs = [{"class": "Item", "id": str(uuid.UUID(int=i + 1)), "vector": vectors[i].tolist(),
             "properties": {"bucket": i % 100, "body": bodies[i]}} for i in range(N)]
    for lo in range(0, N, 1000):
        assert not any(r["error"] for r in db.batch_objects(objs[lo : lo + 1000]))
    yield db, vectors, bodies
    db.close()


def _zipf(n: int) -> np.ndarray:
    weights = 1 / np.arange(1, n + 1)
    return weights / weights.sum()


def _cosine(vectors: np.ndarray, q: np.ndarray) -> np.ndarray:
    return 1 - (vectors @ q) / (np.linalg.norm(vectors, axis=1) * np.linalg.norm(q))


@pytest.mark.parametrize("percent", [1, 10, 50, 100])
def test_filtered_near_vector_recall(bucket_db, percent):
    db, vectors, _ = bucket_db
    rng = np.random.default_rng(percent)
    allowed = np.array([i for i in range(N) if i % 100 < percent])
    recalls = []
    for _ in range(30):
        q = rng.standard_normal(DIM).astype(np.float32)
        where = None if percent == 100 else {"path": ["bucket"], "operator": "LessThan", "valueInt": percent}
        hits = db.search(SearchRequest(collection="Item", near_vector={"vector": q.tolist()}, where=where, limit=10))
        got = [uuid.UUID(h.id).int - 1 for h in hits]
        assert all(g % 100 < percent for g in got)
        dists = _cosine(vectors[allowed], q)
        truth = allowed[np.argsort(dists)[:10]]
        recalls.append(len(set(got) & set(truth.tolist())) / 10)
        # reported distances are exact cosine distances
        for h, g in zip(hits, got, strict=True):
            assert h.distance == pytest.approx(float(_cosine(vectors[[g]], q)[0]), abs=1e-4)
            assert h.certainty == pytest.approx(1 - h.distance / 2, abs=1e-6)
    assert np.mean(recalls) >= 0.95


def test_distance_and_certainty_thresholds(bucket_db):
    db, vectors, _ = bucket_db
    q = vectors[7]
    hits = db.search(SearchRequest(collection="Item", near_vector={"vector": q.tolist(), "distance": 0.0}, limit=5))
    assert [h.id for h in hits] == [str(uuid.UUID(int=8))]
    bound = 0.6
    hits = db.search(SearchRequest(collection="Item", near_vector={"vector": q.tolist(), "distance": bound},
                                   limit=N))
    expected = int((_cosine(vectors, q) <= bound + 1e-6).sum())
    assert len(hits) == expected and all(h.distance <= bound + 1e-6 for h in hits)
    hits = db.search(SearchRequest(collection="Item", near_vector={"vector": q.tolist(), "certainty": 0.7},
                                   limit=N))
    assert len(hits) == int((_cosine(vectors, q) <= 0.6 + 1e-6).sum())
    with pytest.raises(UserError, match="certainty"):
        db.search(SearchRequest(collection="Item", near_vector={"vector": q.tolist(), "certainty": 0.7,
                                                                 "distance": 0.2}))


def test_near_object_includes_itself_first(bucket_db):
    db, _, _ = bucket_db
    hits = db.search(SearchRequest(collection="Item", near_object={"id": str(uuid.UUID(int=42))}, limit=3))
    assert hits[0].id == str(uuid.UUID(int=42)) and hits[0].distance == pytest.approx(0, abs=1e-5)


def _bm25_reference(bodies: list[str], query: str, k1=1.2, b=0.75) -> list[tuple[int, float]]:
    docs = [body.split() for body in bodies]
    avg = sum(len(d) for d in docs) / len(docs)
    scores = []
    for i, d in enumerate(docs):
        counts = Counter(d)
        score = 0.0
        for term in query.split():
            n = sum(1 for doc in docs if term in doc)
            if not counts[term]:
                continue
            idf = math.log(1 + (len(docs) - n + 0.5) / (n + 0.5))
            score += counts[term] / (counts[term] + k1 * (1 - b + b * len(d) / avg)) * idf
        if score:
            scores.append((i, score))
    return sorted(scores, key=lambda s: (-s[1], s[0]))


def test_bm25_matches_the_formula(bucket_db):
    db, _, bodies = bucket_db
    for query in ("w3", "w10 w40", "w49"):
        hits = db.search(SearchRequest(collection="Item", bm25={"query": query}, limit=10))
        expected = _bm25_reference(bodies, query)[:10]
        assert [h.score for h in hits] == pytest.approx([s for _, s in expected], rel=1e-4)
        got_scores = {uuid.UUID(h.id).int - 1: h.score for h in hits}
        for i, s in expected:
            if i in got_scores:
                assert got_scores[i] == pytest.approx(s, rel=1e-4)


def test_hybrid_relative_score_fusion_by_hand(bucket_db):
    db, vectors, bodies = bucket_db
    q = vectors[11]
    alpha = 0.6
    hits = db.search(SearchRequest(collection="Item", hybrid={"query": "w5", "vector": q.tolist(), "alpha": alpha},
                                   limit=5))
    dense = {i: 1 - d for i, d in enumerate(_cosine(vectors, q))}
    top_dense = sorted(dense.items(), key=lambda kv: -kv[1])[:100]
    sparse = _bm25_reference(bodies, "w5")[:100]
    fused: dict[int, float] = {}
    for hits_set, weight in ((top_dense, alpha), (sparse, 1 - alpha)):
        values = [v for _, v in hits_set]
        lo, hi = min(values), max(values)
        for i, v in hits_set:
            fused[i] = fused.get(i, 0.0) + weight * ((v - lo) / (hi - lo) if hi > lo else 1.0)
    expected = sorted(fused.items(), key=lambda kv: -kv[1])[:5]
    assert [h.score for h in hits] == pytest.approx([s for _, s in expected], abs=2e-3)


def test_fetch_with_filter_sort_offset_and_cursor(bucket_db):
    db, _, _ = bucket_db
    where = {"path": ["bucket"], "operator": "Equal", "valueInt": 5}
    hits = db.search(SearchRequest(collection="Item", where=where, limit=100))
    assert sorted(uuid.UUID(h.id).int - 1 for h in hits) == [i for i in range(N) if i % 100 == 5]
    hits = db.search(SearchRequest(collection="Item", sort=[{"path": ["bucket"], "order": "desc"}], limit=5,
                                   offset=10))
    assert [h.properties["bucket"] for h in hits] == [99] * 5
    first = db.search(SearchRequest(collection="Item", limit=4))
    after = db.search(SearchRequest(collection="Item", limit=4, after=first[-1].id))
    assert [uuid.UUID(h.id).int for h in first + after] == list(range(1, 9))
    with pytest.raises(UserError, match="QUERY_MAXIMUM_RESULTS"):
        db.search(SearchRequest(collection="Item", limit=10001))


def test_autocut_and_group_by(bucket_db):
    db, vectors, _ = bucket_db
    hits = db.search(SearchRequest(collection="Item", near_vector={"vector": vectors[3].tolist()}, autocut=1,
                                   limit=20))
    assert 1 <= len(hits) <= 20 and hits[0].id == str(uuid.UUID(int=4))
    groups = db.search(SearchRequest(collection="Item", near_vector={"vector": vectors[3].tolist()}, limit=50,
                                     group_by={"path": ["bucket"], "groups": 3, "objectsPerGroup": 2}))
    assert len(groups) == 3
    for g in groups:
        members = g.group["hits"]
        assert 1 <= len(members) <= 2
        assert len({m.properties["bucket"] for m in members}) == 1
