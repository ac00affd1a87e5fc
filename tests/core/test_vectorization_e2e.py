"""The database vectorizes by itself: the local model as the default, named vectors, batch failures per object."""

from __future__ import annotations

import numpy as np
import pytest

from modules.kit import BatchLimits
from tests.conftest import make_settings
from tests.modules.fake_upstream import FakeUpstream, Recorded, Reply
from vectordb.database import Database
from vectordb.errors import UserError
from vectordb.query.request import SearchRequest

TEXTS = [
    "The cat sat on the mat.",
    "Stock markets fell sharply after the interest rate announcement.",
    "A recipe for baking sourdough bread at home.",
    "The football team won the championship final.",
]


@pytest.fixture(scope="module")
def local_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("local")
    db = Database(make_settings(path, DEFAULT_VECTORIZER_MODULE="text2vec-transformers"))
    db.create_collection({"class": "Note", "properties": [{"name": "body", "dataType": ["text"]}]})
    results = db.batch_objects([{"class": "Note", "properties": {"body": t}} for t in TEXTS])
    assert not any(r["error"] for r in results)
    yield db
    db.close()


def test_default_vectorizer_is_the_local_model(local_db):
    class_def = local_db.collection("Note").class_def
    assert class_def["vectorizer"] == "text2vec-transformers"
    obj = local_db.list_objects("Note", include_vector=True)["objects"][0]
    assert len(obj["vector"]) == 384
    assert abs(np.linalg.norm(obj["vector"]) - 1) < 1e-3


def test_near_text_finds_the_paraphrase(local_db):
    hits = local_db.search(SearchRequest(collection="Note", near_text={"concepts": ["a kitten resting on a rug"]},
                                         limit=4))
    assert hits[0].properties["body"] == TEXTS[0]
    assert hits[0].distance < hits[1].distance
    hits = local_db.search(SearchRequest(collection="Note", hybrid={"query": "bread baking", "alpha": 0.5}, limit=2))
    assert hits[0].properties["body"] == TEXTS[2]
    # the dense side may come from searches.nearText instead of the query text
    hits = local_db.search(SearchRequest(collection="Note", limit=1, hybrid={
        "query": "", "alpha": 1.0, "searches": {"nearText": {"concepts": ["sports victory"]}}}))
    assert hits[0].properties["body"] == TEXTS[3]


def test_unchanged_text_keeps_its_vector_without_calling_the_module(local_db, monkeypatch):
    module = local_db.modules.vectorizer("text2vec-transformers")
    calls: list[list[str]] = []
    original = module.vectorize

    async def counting(texts, config, ctx):
        calls.append(list(texts))
        return await original(texts, config, ctx)

    monkeypatch.setattr(module, "vectorize", counting)
    obj = local_db.list_objects("Note", include_vector=True)["objects"][0]
    local_db.merge_object("Note", obj["id"], {"properties": {"body": obj["properties"]["body"]}})
    assert calls == []
    assert local_db.get_object("Note", obj["id"], include_vector=True)["vector"] == obj["vector"]
    local_db.merge_object("Note", obj["id"], {"properties": {"body": "Something else entirely."}})
    assert len(calls) == 1
    assert local_db.get_object("Note", obj["id"], include_vector=True)["vector"] != obj["vector"]
    local_db.merge_object("Note", obj["id"], {"properties": {"body": obj["properties"]["body"]}})


def test_given_vector_is_not_replaced(local_db):
    vec = [0.0] * 383 + [1.0]
    created = local_db.insert_object({"class": "Note", "properties": {"body": "given"}, "vector": vec})
    assert created["vector"] == vec


def test_near_text_on_a_class_without_vectorizer_is_refused(tmp_path):
    db = Database(make_settings(tmp_path / "d"))
    try:
        db.create_collection({"class": "Plain", "vectorizer": "none"})
        with pytest.raises(UserError, match="could not vectorize"):
            db.search(SearchRequest(collection="Plain", near_text={"concepts": ["x"]}))
    finally:
        db.close()


def test_named_vectors_each_with_its_own_vectorizer_and_sources(tmp_path):
    db = Database(make_settings(tmp_path / "d", ENABLE_MODULES="text2vec-transformers"))
    try:
        db.create_collection({
            "class": "Movie",
            "properties": [{"name": "title", "dataType": ["text"]}, {"name": "plot", "dataType": ["text"]}],
            "vectorConfig": {
                "title_vec": {"vectorizer": {"text2vec-transformers": {"properties": ["title"]}},
                              "vectorIndexType": "hnsw"},
                "custom": {"vectorizer": {"none": {}}, "vectorIndexType": "flat",
                           "vectorIndexConfig": {"distance": "l2-squared"}},
            },
        })
        movies = [("Space Odyssey", "A robot cooks pasta."), ("Pasta Kitchen", "Astronauts explore Jupiter.")]
        results = db.batch_objects([
            {"class": "Movie", "properties": {"title": t, "plot": p}, "vectors": {"custom": [float(i), 0.0]}}
            for i, (t, p) in enumerate(movies)
        ])
        assert not any(r["error"] for r in results)
        # title_vec only saw the titles: a query about space finds the space title, not the space plot
        hits = db.search(SearchRequest(collection="Movie", near_text={"concepts": ["outer space voyage"],
                                                                      "targetVectors": ["title_vec"]}, limit=1))
        assert hits[0].properties["title"] == "Space Odyssey"
        hits = db.search(SearchRequest(collection="Movie", near_vector={"vector": [0.9, 0.0],
                                                                        "targetVectors": ["custom"]},
                                       limit=2, include_vector=True))
        assert hits[0].properties["title"] == "Pasta Kitchen" and hits[0].distance == pytest.approx(0.01, abs=1e-5)
        assert set(hits[0].vectors) == {"title_vec", "custom"}
        with pytest.raises(UserError, match="targetVectors"):
            db.search(SearchRequest(collection="Movie", near_vector={"vector": [0.9, 0.0]}))
    finally:
        db.close()


def _openai_reply(request: Recorded) -> Reply:
    texts = request.body["input"]
    if any("FAIL" in t for t in texts):
        return Reply(500, {"error": {"message": "upstream broke", "type": "server_error"}})
    data = [{"object": "embedding", "index": i, "embedding": [float(len(t)), 1.0, 0.0]} for i, t in enumerate(texts)]
    return Reply(200, {"object": "list", "data": data, "model": "m", "usage": {"prompt_tokens": 1, "total_tokens": 1}})


def test_failed_upstream_call_fails_only_its_objects(tmp_path, monkeypatch):
    with FakeUpstream(_openai_reply) as fake:
        db = Database(make_settings(tmp_path / "d", OPENAI_APIKEY="sk-test", ENABLE_MODULES="text2vec-openai",
                                    VECTORDB_MODULES_RETRY_ATTEMPTS="1"))
        try:
            db.create_collection({"class": "Doc", "vectorizer": "text2vec-openai",
                                  "moduleConfig": {"text2vec-openai": {"baseURL": fake.url, "dimensions": 3}},
                                  "properties": [{"name": "text", "dataType": ["text"]}]})
            module = db.modules.vectorizer("text2vec-openai")
            monkeypatch.setattr(module, "limits", BatchLimits(texts=2))
            texts = ["one", "two", "FAIL three", "four", "five", "six"]
            results = db.batch_objects([{"class": "Doc", "properties": {"text": t}} for t in texts])
            failed = [i for i, r in enumerate(results) if r["error"]]
            assert failed == [2, 3], results  # the request carrying "FAIL three" also carried "four"
            assert "upstream broke" in results[2]["error"] and "sk-test" not in results[2]["error"]
            assert db.collection("Doc").count() == 4
        finally:
            db.close()
