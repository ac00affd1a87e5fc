"""Contextual AI: reranker-contextualai."""
