"""Mistral: text2vec-mistral."""
