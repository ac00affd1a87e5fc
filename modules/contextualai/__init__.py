"""Contextual AI: reranker-contextualai and generative-contextualai."""
