"""Cohere: text2vec-cohere and reranker-cohere."""
