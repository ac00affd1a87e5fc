"""The provider kit: what every API-based module shares, so a provider is only its wire format.

See design.md, section "Provider kit".
"""

from modules.kit.client import ProviderClient
from modules.kit.fields import Field
from modules.kit.limits import BatchLimits
from modules.kit.openai_compat import OpenAICompatibleVectorizer
from modules.kit.reranker import ApiReranker, indexed_scores
from modules.kit.vectorizer import ApiVectorizer

__all__ = [
    "ApiReranker", "ApiVectorizer", "BatchLimits", "Field", "OpenAICompatibleVectorizer", "ProviderClient",
    "indexed_scores",
]
