"""Every API-based module the contract suite runs against, with its fake."""

from __future__ import annotations

from tests.modules.contract import cohere, jinaai, mistral, more, nvidia, ollama, openai, voyageai

VECTORIZERS = [
    openai.VECTORIZER, cohere.VECTORIZER, ollama.VECTORIZER, jinaai.VECTORIZER, voyageai.VECTORIZER,
    mistral.VECTORIZER, nvidia.VECTORIZER, more.MORPH, more.DIGITALOCEAN, more.DATABRICKS, more.HUGGINGFACE,
    more.WEAVIATE, more.GOOGLE, more.AWS,
]
RERANKERS = [cohere.RERANKER, jinaai.RERANKER, voyageai.RERANKER, nvidia.RERANKER, more.CONTEXTUALAI]
