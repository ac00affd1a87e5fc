"""DeepSeek: generative-deepseek."""
