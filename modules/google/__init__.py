"""Google: text2vec-google (Vertex AI and AI Studio)."""
