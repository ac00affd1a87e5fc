"""Deterministic modules for tests, as Weaviate ships them (reranker-dummy, generative-dummy)."""
