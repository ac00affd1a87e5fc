"""Weaviate Embeddings: text2vec-weaviate."""
