"""`vectordb.open()` turns on the same local model as `make serve`, says so, and a new collection's log is calm."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

import vectordb
from vectordb.config import LOCAL_MODEL_DEFAULTS

ROOT = Path(__file__).resolve().parents[2]
MODULE_VARIABLES = ("ENABLE_MODULES", "DEFAULT_VECTORIZER_MODULE")


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in MODULE_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_make_serve_turns_on_the_same_modules_as_open() -> None:
    recipe = (ROOT / "Makefile").read_text()
    for name, value in LOCAL_MODEL_DEFAULTS.items():
        assert re.search(rf'{name}="\$\${{{name}:-{re.escape(value)}}}"', recipe), (name, value)


def test_open_turns_on_the_local_model_and_says_so(tmp_path, clean_env, caplog) -> None:
    with caplog.at_level(logging.INFO):
        client = vectordb.open(tmp_path / "data")
    try:
        said = [r.getMessage() for r in caplog.records if r.name == "vectordb"]
        assert len(said) == 1 and "local model is on" in said[0]
        assert "DEFAULT_VECTORIZER_MODULE=text2vec-transformers" in said[0] and "'none'" in said[0]
        articles = client.collections.create("Article", properties=[{"name": "title", "dataType": ["text"]}])
        assert articles.config.get()["vectorizer"] == "text2vec-transformers"
        assert {"text2vec-transformers", "reranker-transformers"} <= set(client.get_meta()["modules"])
    finally:
        client.close()


def test_what_the_caller_sets_wins_and_is_not_announced(tmp_path, clean_env, caplog, monkeypatch) -> None:
    monkeypatch.setenv("ENABLE_MODULES", "generative-dummy")
    with caplog.at_level(logging.INFO):
        client = vectordb.open(tmp_path / "data", DEFAULT_VECTORIZER_MODULE="none")
    try:
        assert not [r for r in caplog.records if r.name == "vectordb"]
        assert client.collections.create("Plain").config.get()["vectorizer"] == "none"
        modules = set(client.get_meta()["modules"])
        assert "generative-dummy" in modules and "text2vec-transformers" not in modules
    finally:
        client.close()


def test_a_new_or_empty_collection_logs_nothing_that_reads_like_damage(tmp_path, clean_env, caplog) -> None:
    with caplog.at_level(logging.INFO):  # what a user sees by default
        client = vectordb.open(tmp_path / "data", DEFAULT_VECTORIZER_MODULE="none")
        client.collections.create("Empty")
        client.close()
        vectordb.open(tmp_path / "data", DEFAULT_VECTORIZER_MODULE="none").close()
    words = re.compile(r"rebuil|damage|missing|no snapshot|ignoring", re.IGNORECASE)
    assert not [r.getMessage() for r in caplog.records if words.search(r.getMessage())]
