"""Jina AI: text2vec-jinaai and reranker-jinaai."""
