"""Weaviate's REST shapes as pydantic models, for /openapi.json and /docs.

They describe; they do not validate. Each route reads its body itself and answers bad input with Weaviate's
messages in the `{"error": [{"message": ...}]}` shape, as it did before the models existed.
"""
