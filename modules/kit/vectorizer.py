"""ApiVectorizer: a text2vec module that is only its provider's request and answer mapping.

A provider declares `name`, `client` (its ProviderClient class), `fields`, `limits` and
`vectorize_class_name`, and writes `request` (texts -> path and body) and `vectors` (answer -> one list of
numbers per text, in input order). Everything else is here: settings, empty-text refusal, splitting at the
limits, and the checks on what came back (count, shape, NaN).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from modules.base import ModuleContext, ModuleError
from modules.kit import fields as kit_fields
from modules.kit.client import ProviderClient
from modules.kit.fields import Field
from modules.kit.limits import BatchLimits, pack


class ApiModule:
    """What every API-based module shares: its settings, its client and its /v1/meta entry."""

    name: ClassVar[str]
    capability: ClassVar[str]
    api_based: ClassVar[bool] = True
    client: ClassVar[type[ProviderClient]]
    fields: ClassVar[dict[str, Field]] = {}
    meta_name: ClassVar[str] = ""
    documentation: ClassVar[str] = ""

    def __init__(self) -> None:
        self._client = self.client()

    def class_defaults(self) -> dict[str, Any]:
        return kit_fields.class_defaults(self.fields)

    def validate(self, config: Mapping[str, Any]) -> None:
        kit_fields.validate(self.fields, config)
        self.check(kit_fields.settings(self.fields, config))

    def check(self, settings: Mapping[str, Any]) -> None:
        """Checks across settings, beyond each field's own (a provider overrides this when it has any)."""

    def settings(self, config: Mapping[str, Any]) -> dict[str, Any]:
        try:
            self.validate(config)
        except ValueError as exc:
            raise ModuleError(f"module '{self.name}': {exc}", 422) from None
        return kit_fields.settings(self.fields, config)

    def meta(self) -> dict[str, Any]:
        return {"name": self.meta_name, "documentationHref": self.documentation}


class ApiVectorizer(ApiModule):
    capability: ClassVar[str] = "text2vec"
    vectorize_class_name: ClassVar[bool] = True
    limits: ClassVar[BatchLimits]

    def class_defaults(self) -> dict[str, Any]:
        return {"vectorizeClassName": self.vectorize_class_name, **super().class_defaults()}

    def batch_limits(self, config: Mapping[str, Any]) -> BatchLimits:
        """The limits for a collection's settings (a provider whose limit depends on them overrides this)."""
        return self.limits

    def request(self, texts: list[str], settings: Mapping[str, Any], flavour: str) -> tuple[str, Any]:
        """The path (appended to the base URL) and JSON body for one request; flavour: document | query."""
        raise NotImplementedError

    def vectors(self, answer: Any, count: int) -> list[Any]:
        """One vector per text, in input order, from the provider's parsed answer."""
        raise NotImplementedError

    async def vectorize(self, texts: list[str], config: Mapping[str, Any], ctx: ModuleContext) -> list[np.ndarray]:
        return await self._embed(texts, config, ctx, "document")

    async def vectorize_query(
        self, texts: list[str], config: Mapping[str, Any], ctx: ModuleContext
    ) -> list[np.ndarray]:
        return await self._embed(texts, config, ctx, "query")

    async def _embed(
        self, texts: list[str], config: Mapping[str, Any], ctx: ModuleContext, flavour: str
    ) -> list[np.ndarray]:
        for i, text in enumerate(texts):
            if not text:
                raise ModuleError(f"{self.name}: text {i} of the batch is empty; there is nothing to embed", 422)
        if not texts:
            return []
        settings = self._client.for_request(ctx, self.settings(config))
        out: list[np.ndarray] = []
        # The core already packs to the limits; this keeps a direct caller (a query, a test) within them too.
        for start, end in pack(texts, self.batch_limits(settings)):
            chunk = texts[start:end]
            path, body = self.request(chunk, settings, flavour)
            answer = await self._client.post(ctx, settings, path, body, "vectorization")
            out.extend(self._checked(answer, len(chunk), settings))
        return out

    def _checked(self, answer: Any, count: int, settings: Mapping[str, Any]) -> list[np.ndarray]:
        provider = self._client.name(settings)
        try:
            raw = self.vectors(answer, count)
        except (KeyError, IndexError, TypeError, AttributeError, ValueError) as exc:
            raise ModuleError(
                f"malformed response from {provider}: no embeddings in the answer ({exc!r})", 500
            ) from None
        if not isinstance(raw, list) or len(raw) != count:
            got = len(raw) if isinstance(raw, list) else "no"
            raise ModuleError(f"{provider} returned {got} embeddings for {count} inputs", 500)
        vectors = []
        for i, item in enumerate(raw):
            try:
                vector = np.asarray(item, dtype=np.float32)
            except (TypeError, ValueError):
                vector = np.zeros((0,), np.float32)
            if vector.ndim != 1 or not vector.size:
                raise ModuleError(f"malformed response from {provider}: embedding {i} is not a list of numbers", 500)
            if not np.isfinite(vector).all():
                raise ModuleError(f"malformed response from {provider}: embedding {i} contains NaN or infinity", 500)
            vectors.append(vector)
        if len({v.shape[0] for v in vectors}) > 1:
            raise ModuleError(f"malformed response from {provider}: embeddings of different lengths in one answer", 500)
        return vectors
