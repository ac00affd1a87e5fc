"""Text analyzers as Weaviate has them: POST /v1/tokenize, a property's tokenize endpoint, textAnalyzer
(asciiFold, asciiFoldIgnore, stopwordPreset) and invertedIndexConfig.stopwordPresets in BM25 and filters."""

from __future__ import annotations

import pytest


def tokenize(http, **body):
    return http.post("/v1/tokenize", json=body)


@pytest.mark.parametrize("body,indexed,query", [
    ({"text": "The quick fox", "tokenization": "word"}, ["the", "quick", "fox"], ["quick", "fox"]),
    ({"text": "the quick", "tokenization": "lowercase"}, ["the", "quick"], ["the", "quick"]),
    ({"text": "  Hello World ", "tokenization": "field"}, ["Hello World"], ["Hello World"]),
    ({"text": "L'école est fermée", "tokenization": "word", "analyzerConfig": {"asciiFold": True}},
     ["l", "ecole", "est", "fermee"], ["l", "ecole", "est", "fermee"]),
    ({"text": "Łódź école", "tokenization": "word", "analyzerConfig": {"asciiFold": True, "asciiFoldIgnore": ["é"]}},
     ["lodz", "école"], ["lodz", "école"]),
    ({"text": "le chat et la", "tokenization": "word", "analyzerConfig": {"stopwordPreset": "fr"},
      "stopwordPresets": {"fr": ["le", "la"]}}, ["le", "chat", "et", "la"], ["chat", "et"]),
    ({"text": "the hello", "tokenization": "word", "stopwordPresets": {"en": ["hello"]}},
     ["the", "hello"], ["the"]),
    ({"text": "the quick is", "tokenization": "word", "stopwords": {"removals": ["the"]}},
     ["the", "quick", "is"], ["the", "quick"]),
])  # fmt: skip
def test_generic_tokenize(http, body, indexed, query) -> None:
    answer = tokenize(http, **body)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"indexed": indexed, "query": query}


@pytest.mark.parametrize("body", [
    {}, {"text": "x"}, {"tokenization": "word"}, {"text": "x", "tokenization": "nope"},
    {"text": "x", "tokenization": "word", "analyzerConfig": {"stopwordPreset": "missing"}},
    {"text": "x", "tokenization": "word", "stopwords": {"preset": "en"}, "stopwordPresets": {"a": ["b"]}},
    {"text": "x", "tokenization": "word", "stopwordPresets": {"a": []}},
    {"text": "x", "tokenization": "word", "analyzerConfig": {"asciiFoldIgnore": ["é"]}},
    {"text": "x", "tokenization": "word", "analyzerConfig": {"asciiFold": True, "asciiFoldIgnore": ["ab"]}},
])  # fmt: skip
def test_generic_tokenize_refuses_bad_input(http, body) -> None:
    answer = tokenize(http, **body)
    assert answer.status_code == 422
    assert answer.json()["error"][0]["message"]


@pytest.fixture
def analyzed(http):
    answer = http.post("/v1/schema", json={
        "class": "Analyzed", "vectorizer": "none",
        "invertedIndexConfig": {"stopwords": {"preset": "none", "additions": ["le"]},
                                "stopwordPresets": {"fr": ["le", "la"]}},
        "properties": [
            {"name": "title", "dataType": ["text"], "textAnalyzer": {"asciiFold": True, "asciiFoldIgnore": ["é"]}},
            {"name": "body", "dataType": ["text"], "textAnalyzer": {"asciiFold": True}},
            {"name": "french", "dataType": ["text"], "textAnalyzer": {"stopwordPreset": "fr"}},
            {"name": "english", "dataType": ["text"], "textAnalyzer": {"stopwordPreset": "en"}},
            {"name": "count", "dataType": ["int"]},
        ],
    })  # fmt: skip
    assert answer.status_code == 200, answer.text
    return http


def test_property_tokenize(analyzed) -> None:
    path = "/v1/schema/analyzed/properties/{}/tokenize"
    assert analyzed.post(path.format("Title"), json={"text": "Łódź école"}).json()["indexed"] == ["lodz", "école"]
    assert analyzed.post(path.format("french"), json={"text": "le chat la"}).json()["query"] == ["chat"]
    # A property's preset replaces the collection's stopwords, additions included.
    assert analyzed.post(path.format("english"), json={"text": "the le"}).json()["query"] == ["le"]
    assert analyzed.post(path.format("nothing"), json={"text": "x"}).status_code == 404
    assert analyzed.post("/v1/schema/Missing/properties/title/tokenize", json={"text": "x"}).status_code == 404
    assert analyzed.post(path.format("count"), json={"text": "x"}).status_code == 422
    assert analyzed.post(path.format("title"), json={}).status_code == 422


def test_folding_and_presets_apply_to_search_and_filters(analyzed) -> None:
    analyzed.post("/v1/objects", json={"class": "Analyzed", "properties": {
        "title": "L'école Łódź", "body": "L'école Łódź", "french": "le chat", "english": "le chat"}})  # fmt: skip

    def count(query: str) -> int:
        answer = analyzed.post("/v1/graphql", json={"query": "{ Get { Analyzed(" + query + ") { title } } }"})
        return len(answer.json()["data"]["Get"]["Analyzed"])

    assert count('bm25: {query: "ecole", properties: ["body"]}') == 1
    assert count('bm25: {query: "lodz", properties: ["title"]}') == 1
    assert count('bm25: {query: "ecole", properties: ["title"]}') == 0  # é kept
    assert count('where: {path: ["body"], operator: Equal, valueText: "école"}') == 1
    assert count('where: {path: ["title"], operator: Like, valueText: "écol*"}') == 1
    assert count('where: {path: ["english"], operator: Equal, valueText: "le"}') == 1


def test_stopword_presets_in_use_cannot_be_removed(analyzed) -> None:
    class_def = analyzed.get("/v1/schema/Analyzed").json()
    assert class_def["invertedIndexConfig"]["stopwordPresets"] == {"fr": ["le", "la"]}
    class_def["invertedIndexConfig"]["stopwordPresets"] = {}
    answer = analyzed.put("/v1/schema/Analyzed", json=class_def)
    assert answer.status_code == 422
    assert 'preset "fr"' in answer.json()["error"][0]["message"]
    assert 'property "french"' in answer.json()["error"][0]["message"]
    class_def["invertedIndexConfig"]["stopwordPresets"] = {"fr": ["la"]}
    assert analyzed.put("/v1/schema/Analyzed", json=class_def).status_code == 200
    path = "/v1/schema/Analyzed/properties/french/tokenize"
    assert analyzed.post(path, json={"text": "le la"}).json()["query"] == ["le"]
    class_def["properties"][0]["textAnalyzer"]["asciiFoldIgnore"] = []
    assert analyzed.put("/v1/schema/Analyzed", json=class_def).status_code == 422  # folding is immutable


@pytest.mark.parametrize("analyzer,message", [
    ({"stopwordPreset": "xx"}, "unknown stopword preset"),
    ({"asciiFoldIgnore": ["é"]}, "asciiFoldIgnore requires asciiFold"),
])  # fmt: skip
def test_bad_text_analyzers_are_refused(http, analyzer, message) -> None:
    answer = http.post("/v1/schema", json={"class": "Bad", "properties": [
        {"name": "t", "dataType": ["text"], "textAnalyzer": analyzer}]})  # fmt: skip
    assert answer.status_code == 422
    assert message in answer.json()["error"][0]["message"]
