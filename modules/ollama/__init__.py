"""Ollama: text2vec-ollama."""
