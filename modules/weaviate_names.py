"""The names of Weaviate's own modules, so an error can tell a real Weaviate module this server does not implement
apart from a misspelt name.

Source: the folders of weaviate/weaviate `modules/` (commit adcffc5, August 2026) plus the legacy names those
modules still answer to (`text2vec-palm`, `generative-palm`, `multi2vec-palm`, `text2colbert-jinaai`).
"""

from __future__ import annotations

WEAVIATE_MODULES: frozenset[str] = frozenset(
    {
        # text2vec
        "text2vec-aws", "text2vec-bigram", "text2vec-cohere", "text2vec-contextionary", "text2vec-databricks",
        "text2vec-digitalocean", "text2vec-google", "text2vec-gpt4all", "text2vec-huggingface", "text2vec-jinaai",
        "text2vec-mistral", "text2vec-model2vec", "text2vec-morph", "text2vec-nvidia", "text2vec-octoai",
        "text2vec-ollama", "text2vec-openai", "text2vec-palm", "text2vec-transformers", "text2vec-voyageai",
        "text2vec-weaviate",
        # multi-vector and multi-modal vectorizers
        "text2multivec-jinaai", "text2colbert-jinaai", "multi2multivec-jinaai", "multi2multivec-weaviate",
        "multi2vec-aws", "multi2vec-bind", "multi2vec-clip", "multi2vec-cohere", "multi2vec-dummy",
        "multi2vec-google", "multi2vec-jinaai", "multi2vec-nvidia", "multi2vec-palm", "multi2vec-twelvelabs",
        "multi2vec-voyageai", "img2vec-neural", "ref2vec-centroid",
        # generative
        "generative-anthropic", "generative-anyscale", "generative-aws", "generative-cohere",
        "generative-contextualai", "generative-databricks", "generative-deepseek", "generative-dummy",
        "generative-friendliai", "generative-google", "generative-mistral", "generative-nvidia",
        "generative-octoai", "generative-ollama", "generative-openai", "generative-palm", "generative-xai",
        # reranker
        "reranker-cohere", "reranker-contextualai", "reranker-dummy", "reranker-jinaai", "reranker-nvidia",
        "reranker-transformers", "reranker-voyageai",
        # other readers and helpers
        "qna-openai", "qna-transformers", "ner-transformers", "sum-transformers", "text-spellcheck",
        # infrastructure
        "backup-azure", "backup-filesystem", "backup-gcs", "backup-s3", "offload-s3", "usage-gcs", "usage-s3",
    }
)


def is_weaviate_module(name: str) -> bool:
    return name in WEAVIATE_MODULES


def not_implemented_message(name: str) -> str:
    """The one wording for a Weaviate module this server lacks (read after a location prefix or alone)."""
    return f"module '{name}' is a Weaviate module that this server does not implement yet"
