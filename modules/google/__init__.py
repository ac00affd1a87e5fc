"""Google: text2vec-google and generative-google (Vertex AI and AI Studio)."""
