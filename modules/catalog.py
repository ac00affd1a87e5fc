"""Every built-in module class. The registry is built from this list: each class is the one home of its
name, capability, api_based and vectorizeClassName default.

Importing a module class is cheap: heavy dependencies (onnxruntime, tokenizers) load on first use.
"""

from __future__ import annotations

from modules.base import Module
from modules.cohere.reranker import CohereReranker
from modules.cohere.text2vec import CohereVectorizer
from modules.dummy.generative import DummyGenerative
from modules.dummy.reranker import DummyReranker
from modules.openai.text2vec import OpenAIVectorizer
from modules.transformers.reranker import TransformersReranker
from modules.transformers.text2vec import TransformersVectorizer

BUILTIN_MODULES: tuple[type[Module], ...] = (
    OpenAIVectorizer,
    CohereVectorizer,
    CohereReranker,
    TransformersVectorizer,
    TransformersReranker,
    DummyReranker,
    DummyGenerative,
)
