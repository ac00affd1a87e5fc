"""Voyage AI: text2vec-voyageai and reranker-voyageai."""
