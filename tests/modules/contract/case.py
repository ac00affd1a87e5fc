"""What the contract suite needs to know of a provider: how its fake speaks, and how to point the module at it.

A fake is a FakeUpstream (a real HTTP server on 127.0.0.1) whose answers a case builds in the provider's wire
format; every success body a case builds is parsed with the provider's official SDK type where one exists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.modules.fake_upstream import Recorded


def expected_vector(text: str) -> list[float]:
    """What every fake answers for a text: a function of the text, so order mistakes show."""
    return [float(len(text)), float(ord(text[0])), 0.5]


def expected_score(document: str) -> float:
    return float(len(document)) / 100


def bearer(request: Recorded) -> str | None:
    value = request.headers.get("authorization", "")
    return value[len("Bearer "):] if value.startswith("Bearer ") else None


@dataclass
class VectorizerCase:
    module: str
    #: Settings that point the module at a fake at `url`.
    config: Callable[[str], dict[str, Any]]
    #: The texts a request carries.
    texts: Callable[[Recorded], list[str]]
    #: A success body carrying these vectors, for this request.
    answer: Callable[[Recorded, list[Any]], Any]
    #: An error body carrying this message.
    error: Callable[[int, str], Any]
    key_header: str | None
    key_env: str | None
    baseurl_header: str | None = None
    #: The provider works without a key (a self-hosted server).
    key_optional: bool = False
    #: On with the API-based modules (Weaviate's switch), rather than through ENABLE_MODULES.
    api_based: bool = True
    #: Further headers every request must carry.
    headers: dict[str, str] = field(default_factory=dict)
    #: The key a request carried.
    sent_key: Callable[[Recorded], str | None] = bearer
    #: Answers place vectors by an index, so a shuffled answer must still come back in input order.
    shuffle: Callable[[Any], Any] | None = None
    #: (settings, fragment of the message) refused at collection creation.
    bad_settings: list[tuple[dict[str, Any], str]] = field(default_factory=list)

    def __str__(self) -> str:
        return self.module


@dataclass
class RerankerCase:
    module: str
    config: Callable[[str], dict[str, Any]]
    #: (query, documents) a request carries.
    documents: Callable[[Recorded], tuple[str, list[str]]]
    #: A success body scoring document i with scores[i] (in any order the provider may use).
    answer: Callable[[Recorded, list[float]], Any]
    error: Callable[[int, str], Any]
    key_header: str | None
    key_env: str | None
    baseurl_header: str | None = None
    api_based: bool = True
    sent_key: Callable[[Recorded], str | None] = bearer
    bad_settings: list[tuple[dict[str, Any], str]] = field(default_factory=list)

    def __str__(self) -> str:
        return self.module
