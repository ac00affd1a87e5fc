"""Anyscale: generative-anyscale."""
