"""xAI: generative-xai."""
