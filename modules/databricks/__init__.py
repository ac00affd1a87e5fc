"""Databricks: text2vec-databricks."""
