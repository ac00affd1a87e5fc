"""What a text becomes in the index and in a query: Weaviate's POST /v1/tokenize (any tokenization and text
analyzer) and POST /v1/schema/{class}/properties/{prop}/tokenize (a property's own)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from storage.analyzer import Analyzer, analyzer_for, ignore_set
from storage.tokenize import WORD, Stopwords
from vectordb.errors import NotFound, UserError
from vectordb.schema._common import as_dict, lower_first
from vectordb.schema.index_config import normalize_inverted
from vectordb.schema.properties import TOKENIZATIONS, text_analyzer

MAX_TEXT = 10_000


def analyze(body: Any) -> dict[str, list[str]]:
    """The answer of POST /v1/tokenize: {"indexed": tokens stored, "query": tokens a query looks up}."""
    body = as_dict(body, "tokenize")
    text, tokenization = body.get("text"), body.get("tokenization")
    if not isinstance(text, str):
        raise UserError("text is required: the text to tokenize")
    if not isinstance(tokenization, str):
        raise UserError(f"tokenization is required: one of {', '.join(TOKENIZATIONS)}")
    if tokenization not in TOKENIZATIONS:
        raise UserError(f"unsupported tokenization strategy: {tokenization}")
    if len(text) > MAX_TEXT:
        raise UserError("text exceeds maximum allowed length of 10,000 characters")
    # A stopwordPreset goes with any tokenization here, so the analyzer is checked as a word property's.
    config = text_analyzer(body.get("analyzerConfig"), "text", WORD, True, "analyzerConfig") or {}
    if body.get("stopwords") is not None and body.get("stopwordPresets"):
        raise UserError("stopwords and stopwordPresets are mutually exclusive; pass only one")
    inverted = normalize_inverted(
        {"stopwords": body.get("stopwords") or {}, "stopwordPresets": body.get("stopwordPresets") or {}}, "tokenize"
    )
    presets = inverted.get("stopwordPresets") or {}
    stopwords: Stopwords | None = None
    if config.get("stopwordPreset"):
        stopwords = Stopwords.named(config["stopwordPreset"], presets)
        if stopwords is None:
            raise UserError(
                f"unknown stopword preset {config['stopwordPreset']!r}; define it in stopwordPresets or use a "
                "built-in preset ('en', 'none')"
            )
    elif body.get("stopwords") is not None:
        stopwords = Stopwords(inverted["stopwords"])
    elif tokenization == WORD:
        stopwords = Stopwords.named("en", presets)
    analyzer = Analyzer(tokenization, bool(config.get("asciiFold")), ignore_set(config.get("asciiFoldIgnore") or ()))
    indexed = analyzer.tokens(text)
    return {"indexed": indexed, "query": stopwords.remove(indexed) if stopwords else indexed}


def analyze_property(class_def: Mapping[str, Any], prop_name: str, body: Any) -> dict[str, list[str]]:
    """The answer of POST /v1/schema/{class}/properties/{prop}/tokenize (property name case-insensitive)."""
    wanted = prop_name.lower()
    prop = next((p for p in class_def.get("properties") or () if p["name"].lower() == wanted), None)
    if prop is None:
        raise NotFound(f"property {lower_first(prop_name)!r} not found in class {class_def['class']!r}")
    if not prop.get("tokenization"):
        raise UserError("tokenization is not enabled for this property")
    text = as_dict(body, "tokenize").get("text")
    if not isinstance(text, str):
        raise UserError("text is required: the text to tokenize")
    analyzer = analyzer_for(prop, class_def.get("invertedIndexConfig"))
    return {"indexed": analyzer.tokens(text), "query": analyzer.query_tokens(text)}
