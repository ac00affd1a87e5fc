"""vectordb: a Weaviate-compatible vector database, embedded or as a server."""
