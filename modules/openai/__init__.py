"""OpenAI (and Azure OpenAI, and OpenAI-compatible servers) modules."""
