"""rerank and generate after a search, with Weaviate's deterministic dummy modules."""

from __future__ import annotations

import pytest

from tests.conftest import make_settings
from vectordb.database import Database
from vectordb.errors import UserError
from vectordb.query.request import SearchRequest


@pytest.fixture
def dummy_db(tmp_path):
    db = Database(make_settings(tmp_path / "d", ENABLE_MODULES="reranker-dummy,generative-dummy"))
    db.create_collection({
        "class": "Doc", "vectorizer": "none",
        "moduleConfig": {"reranker-dummy": {}, "generative-dummy": {}},
        "properties": [{"name": "text", "dataType": ["text"]}, {"name": "n", "dataType": ["int"]}],
    })
    db.batch_objects([
        {"class": "Doc", "properties": {"text": t, "n": i}, "vector": [1.0, float(i)]}
        for i, t in enumerate(["hello", "hellohellohello", "hellohello"])
    ])
    yield db
    db.close()


def test_rerank_sorts_by_module_score(dummy_db):
    results = dummy_db.search(SearchRequest(collection="Doc", bm25={"query": "hello"},
                                            rerank={"property": "text"}))
    # the search's own query is used when rerank names none; only "hello" is a whole-word match
    assert [(r.properties["text"], r.rerank_score) for r in results] == [("hello", 5.0)]
    # reranker-dummy scores a document by its length (Weaviate's test_reranker.py expectation)
    fetched = dummy_db.search(SearchRequest(collection="Doc", rerank={"property": "text", "query": "q"}))
    assert [r.properties["text"] for r in fetched] == ["hellohellohello", "hellohello", "hello"]
    assert [r.rerank_score for r in fetched] == [15.0, 10.0, 5.0]


def test_generate_single_and_grouped(dummy_db):
    results = dummy_db.search(SearchRequest(
        collection="Doc", near_vector={"vector": [1.0, 0.0]}, limit=3,
        generate={"singleResult": {"prompt": "Describe {text} number {n}"},
                  "groupedResult": {"task": "Summarise", "properties": ["text"]}},
    ))
    assert len(results) == 3
    for r in results:
        assert f"Describe {r.properties['text']} number {r.properties['n']}" in r.generate["singleResult"]
        assert r.generate["error"] is None
    # Go's json.Marshal: compact, one map per result
    texts = ",".join('{"text":"' + r.properties["text"] + '"}' for r in results)
    assert f"prompt: Summarise: [{texts}]." in results[0].generate["groupedResult"]
    assert all(r.generate["groupedResult"] is None for r in results[1:])


def test_generate_reports_empty_property_per_object(dummy_db):
    results = dummy_db.search(SearchRequest(collection="Doc", generate={"singleResult": {"prompt": "{missing}"}}))
    assert all(r.generate["singleResult"] is None for r in results)
    assert all("Following property has empty value: 'missing'" in r.generate["error"] for r in results)


def test_no_module_configured_is_a_clear_error(tmp_path):
    db = Database(make_settings(tmp_path / "d"))
    try:
        db.create_collection({"class": "Plain", "vectorizer": "none"})
        db.batch_objects([{"class": "Plain", "properties": {"a": "x"}}])
        with pytest.raises(UserError, match="no reranker module"):
            db.search(SearchRequest(collection="Plain", rerank={"property": "a", "query": "x"}))
    finally:
        db.close()
