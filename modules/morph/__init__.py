"""Morph: text2vec-morph."""
