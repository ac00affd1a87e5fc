"""Every built-in module class. The registry is built from this list: each class is the one home of its
name, capability, api_based and vectorizeClassName default.

Importing a module class is cheap: heavy dependencies (onnxruntime, tokenizers) load on first use.
"""

from __future__ import annotations

from modules.anthropic.generative import AnthropicGenerative
from modules.anyscale.generative import AnyscaleGenerative
from modules.aws.generative import AWSGenerative
from modules.aws.text2vec import AWSVectorizer
from modules.base import Module
from modules.cohere.generative import CohereGenerative
from modules.cohere.reranker import CohereReranker
from modules.cohere.text2vec import CohereVectorizer
from modules.contextualai.generative import ContextualAIGenerative
from modules.contextualai.reranker import ContextualAIReranker
from modules.databricks.generative import DatabricksGenerative
from modules.databricks.text2vec import DatabricksVectorizer
from modules.deepseek.generative import DeepseekGenerative
from modules.digitalocean.text2vec import DigitalOceanVectorizer
from modules.dummy.generative import DummyGenerative
from modules.dummy.reranker import DummyReranker
from modules.friendliai.generative import FriendliGenerative
from modules.google.generative import GoogleGenerative
from modules.google.text2vec import GoogleVectorizer
from modules.huggingface.text2vec import HuggingFaceVectorizer
from modules.jinaai.reranker import JinaReranker
from modules.jinaai.text2vec import JinaVectorizer
from modules.mistral.generative import MistralGenerative
from modules.mistral.text2vec import MistralVectorizer
from modules.morph.text2vec import MorphVectorizer
from modules.nvidia.generative import NvidiaGenerative
from modules.nvidia.reranker import NvidiaReranker
from modules.nvidia.text2vec import NvidiaVectorizer
from modules.ollama.generative import OllamaGenerative
from modules.ollama.text2vec import OllamaVectorizer
from modules.openai.generative import OpenAIGenerative
from modules.openai.text2vec import OpenAIVectorizer
from modules.transformers.reranker import TransformersReranker
from modules.transformers.text2vec import TransformersVectorizer
from modules.voyageai.reranker import VoyageReranker
from modules.voyageai.text2vec import VoyageVectorizer
from modules.weaviate.text2vec import WeaviateVectorizer
from modules.xai.generative import XaiGenerative

BUILTIN_MODULES: tuple[type[Module], ...] = (
    OpenAIVectorizer,
    CohereVectorizer,
    CohereReranker,
    OllamaVectorizer,
    JinaVectorizer,
    JinaReranker,
    VoyageVectorizer,
    VoyageReranker,
    MistralVectorizer,
    NvidiaVectorizer,
    NvidiaReranker,
    HuggingFaceVectorizer,
    GoogleVectorizer,
    AWSVectorizer,
    DatabricksVectorizer,
    WeaviateVectorizer,
    MorphVectorizer,
    DigitalOceanVectorizer,
    ContextualAIReranker,
    TransformersVectorizer,
    TransformersReranker,
    DummyReranker,
    DummyGenerative,
    OpenAIGenerative,
    OllamaGenerative,
    CohereGenerative,
    AnthropicGenerative,
    MistralGenerative,
    NvidiaGenerative,
    XaiGenerative,
    DeepseekGenerative,
    FriendliGenerative,
    AnyscaleGenerative,
    GoogleGenerative,
    DatabricksGenerative,
    ContextualAIGenerative,
    AWSGenerative,
)
