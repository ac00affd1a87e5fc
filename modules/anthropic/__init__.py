"""Anthropic: generative-anthropic."""
