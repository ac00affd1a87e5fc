"""Every API-based module the contract suite runs against, with its fake."""

from __future__ import annotations

from tests.modules.contract import cohere, openai

VECTORIZERS = [openai.VECTORIZER, cohere.VECTORIZER]
RERANKERS = [cohere.RERANKER]
