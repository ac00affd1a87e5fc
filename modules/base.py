"""The capability protocols every module implements, and what a module is told about a request.

A module is named `<capability>-<provider>` exactly as in Weaviate. The registry (modules/registry.py) decides
which modules are on; the core only ever talks to modules through these protocols.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, runtime_checkable

import numpy as np


class ModuleError(Exception):
    """A module could not do its job. `status` is the HTTP status the API should answer with.

    Messages never contain an API key.
    """

    def __init__(self, message: str, status: int = 500) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class ModuleContext:
    """Per-request secrets (headers such as X-Openai-Api-Key) and the process environment."""

    headers: Mapping[str, str] = field(default_factory=dict)
    env: Mapping[str, str] = field(default_factory=dict)

    def header(self, name: str) -> str | None:
        """Header lookup is case-insensitive, as Go canonicalises header names."""
        wanted = name.lower()
        for key, value in self.headers.items():
            if key.lower() == wanted and value:
                return value
        return None

    def secret(self, header: str, env_var: str) -> str | None:
        """The header wins over the environment variable."""
        return self.header(header) or self.env.get(env_var) or None


@runtime_checkable
class Module(Protocol):
    # Facts of the module class (the registry reads them before building an instance), hence ClassVar.
    name: ClassVar[str]
    #: "text2vec" | "generative" | "reranker"
    capability: ClassVar[str]
    #: API-based modules are switched on together by ENABLE_API_BASED_MODULES.
    api_based: ClassVar[bool]

    def class_defaults(self) -> dict[str, Any]:
        """Settings written into a collection's moduleConfig at creation."""
        ...

    def validate(self, config: Mapping[str, Any]) -> None:
        """Raise ValueError naming the bad setting."""
        ...

    def meta(self) -> dict[str, Any]:
        """What /v1/meta shows under modules.<name>."""
        ...


@runtime_checkable
class Vectorizer(Module, Protocol):
    #: Default of `vectorizeClassName` written into the schema.
    vectorize_class_name: ClassVar[bool]

    async def vectorize(
        self, texts: list[str], config: Mapping[str, Any], ctx: ModuleContext
    ) -> list[np.ndarray]:
        """Document flavour: one vector per text, in order."""
        ...

    async def vectorize_query(
        self, texts: list[str], config: Mapping[str, Any], ctx: ModuleContext
    ) -> list[np.ndarray]:
        """Query flavour, for nearText and hybrid."""
        ...


@dataclass(frozen=True)
class GenerativeRequest:
    """One call to a generative module: the prompt already built (a single result's prompt or a grouped task),
    the base64 images that go with it, and the per-query provider options (GraphQL `singleResult:{openai:{...}}`,
    gRPC `queries[0]`), which override the collection's settings field by field."""

    prompt: str
    images: tuple[str, ...] = ()
    options: Mapping[str, Any] = field(default_factory=dict)
    debug: bool = False
    #: The non-empty text values of the result(s) the prompt was built from, in order (Contextual AI grounds
    #: its answer on them).
    texts: tuple[str, ...] = ()


@dataclass(frozen=True)
class GenerativeResult:
    """What came back: the text, the provider's metadata (token usage, a thinking model's thinking), and the
    final prompt when the request asked for debug."""

    text: str
    metadata: Mapping[str, Any] = field(default_factory=dict)
    debug_prompt: str | None = None


@runtime_checkable
class Generative(Module, Protocol):
    """Per-query options name the module by its provider (`openai` → generative-openai)."""

    async def generate(
        self, request: GenerativeRequest, config: Mapping[str, Any], ctx: ModuleContext
    ) -> GenerativeResult: ...


@runtime_checkable
class Reranker(Module, Protocol):
    async def rerank(
        self, query: str, documents: list[str], config: Mapping[str, Any], ctx: ModuleContext
    ) -> list[float]: ...
