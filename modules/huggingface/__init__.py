"""Hugging Face: text2vec-huggingface."""
