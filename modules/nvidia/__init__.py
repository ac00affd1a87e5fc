"""NVIDIA: text2vec-nvidia and reranker-nvidia."""
