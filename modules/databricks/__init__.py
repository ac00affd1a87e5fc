"""Databricks: text2vec-databricks and generative-databricks."""
