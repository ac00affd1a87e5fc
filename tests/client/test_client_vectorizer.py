"""near_text, move_to/move_away, hybrid without a vector and vectorized inserts through the Client, with
text2vec-openai pointed at a fake OpenAI-compatible server on 127.0.0.1. Module secrets travel as headers
(X-Openai-Api-Key) on both transports."""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

import vectordb
from tests.modules.fake_upstream import FakeUpstream, Recorded, Reply
from vectordb.client import Client, DataType, Move, Property, VectordbError

KEY = "sk-test-CLIENTKEY-0123456789abcdefghijklmnop"
DIM = 8
WORDS = ["river", "stone", "cloud", "forest", "desert", "ocean", "mountain", "valley"]


def embed(text: str) -> np.ndarray:
    """Deterministic: the sum of one fixed random vector per word, so shared words mean closeness."""
    total = np.zeros(DIM)
    for word in text.lower().split():
        total += np.random.default_rng(zlib.crc32(word.encode())).normal(size=DIM)
    return total.astype(np.float32)


def _reply(request: Recorded) -> Reply:
    if request.headers.get("authorization") != f"Bearer {KEY}":
        return Reply(401, {"error": {"message": "bad key", "type": "invalid_request_error", "code": None}})
    data = [
        {"object": "embedding", "index": i, "embedding": embed(t).tolist()}
        for i, t in enumerate(request.body["input"])
    ]
    return Reply(
        200, {"object": "list", "data": data, "model": "m", "usage": {"prompt_tokens": 1, "total_tokens": 1}}
    )


@pytest.fixture
def upstream() -> Iterator[FakeUpstream]:
    with FakeUpstream(_reply) as fake:
        yield fake


@pytest.fixture(params=["embedded", "http"])
def vclient(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Client]:
    headers = {"X-Openai-Api-Key": KEY}
    if request.param == "embedded":
        c = vectordb.open(tmp_path / "embedded", headers=headers)
    else:
        c = vectordb.connect(request.getfixturevalue("server").url, headers=headers)
    try:
        yield c
    finally:
        c.close()


def _cosine(a: np.ndarray, b: np.ndarray) -> float:
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    return 1.0 - float(a64 @ b64 / (np.linalg.norm(a64) * np.linalg.norm(b64)))


@pytest.fixture
def places(vclient: Client, upstream: FakeUpstream):
    coll = vclient.collections.create(
        "Place",
        properties=[Property("text", DataType.TEXT), Property("n", DataType.INT)],
        vectorizer="text2vec-openai",
        module_config={"text2vec-openai": {"baseURL": upstream.url, "model": "local-embedder"}},
    )
    # distinct word sets, so no two objects share a vector and every ranking is strict
    combos = list(itertools.combinations(WORDS, 3))
    np.random.default_rng(5).shuffle(combos)
    texts = [" ".join(c) for c in combos[:30]]
    result = coll.data.insert_many([{"text": t, "n": i} for i, t in enumerate(texts)])
    assert not result.has_errors, result.errors
    stored = {o.uuid: o for o in coll.query.fetch_objects(limit=100, include_vector=True).objects}
    vectors = {uid: np.asarray(o.vector, dtype=np.float32) for uid, o in stored.items()}
    return coll, vectors


def test_objects_are_vectorized(places) -> None:
    coll, vectors = places
    assert len(vectors) == 30
    assert all(v.shape == (DIM,) and np.linalg.norm(v) > 0 for v in vectors.values())


def test_near_text_matches_brute_force(places) -> None:
    coll, vectors = places
    query = embed("ocean river")
    expected = sorted(vectors, key=lambda u: _cosine(query, vectors[u]))[:6]
    got = coll.query.near_text(["ocean river"], limit=6).objects
    assert [o.uuid for o in got] == expected
    assert got[0].metadata.distance == pytest.approx(_cosine(query, vectors[expected[0]]), abs=1e-5)


def test_near_text_move_to_and_away(places) -> None:
    coll, vectors = places
    base = embed("stone")
    target = embed("forest")
    moved = base * (1 - 0.8 / 2) + target * (0.8 / 2)
    expected = sorted(vectors, key=lambda u: _cosine(moved, vectors[u]))[:5]
    got = coll.query.near_text("stone", limit=5, move_to=Move(force=0.8, concepts="forest")).objects
    assert [o.uuid for o in got] == expected

    away = base + 0.5 * (base - target)
    expected = sorted(vectors, key=lambda u: _cosine(away, vectors[u]))[:5]
    got = coll.query.near_text("stone", limit=5, move_away=Move(force=1.0, concepts=["forest"])).objects
    assert [o.uuid for o in got] == expected


def test_hybrid_vectorizes_the_query(places) -> None:
    coll, vectors = places
    query = embed("desert")
    got = coll.query.hybrid("desert", alpha=1.0, limit=4).objects
    assert [o.uuid for o in got] == sorted(vectors, key=lambda u: _cosine(query, vectors[u]))[:4]


def test_aggregate_near_text(places) -> None:
    coll, vectors = places
    query = embed("valley")
    nearest = sorted(vectors, key=lambda u: _cosine(query, vectors[u]))[:7]
    stored_n = {o.uuid: o.properties["n"] for o in coll.query.fetch_objects(limit=100).objects}
    result = coll.aggregate.near_text("valley", object_limit=7, return_metrics={"n": ["sum"]})
    assert result.total_count == 7
    assert result.properties["n"]["sum"] == sum(stored_n[u] for u in nearest)


def test_near_text_without_vectorizer_fails_alike(vclient: Client) -> None:
    plain = vclient.collections.create(
        "Plain", properties=[Property("text", DataType.TEXT)], vectorizer="none"
    )
    plain.data.insert({"text": "x"}, vector=[1.0, 0.0])
    with pytest.raises(VectordbError) as err:
        plain.query.near_text("x")
    assert err.value.status in (400, 422)
