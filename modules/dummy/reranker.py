"""reranker-dummy: scores each document by its length, so tests can predict the order.

Weaviate's dummy takes Go's `len(doc)`, a byte count, so the length here is in UTF-8 bytes too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from modules.base import ModuleContext


class DummyReranker:
    name: ClassVar[str] = "reranker-dummy"
    capability: ClassVar[str] = "reranker"
    api_based: ClassVar[bool] = False

    def class_defaults(self) -> dict[str, Any]:
        return {}

    def validate(self, config: Mapping[str, Any]) -> None:
        """Any settings are fine: the dummy reads none."""

    def meta(self) -> dict[str, Any]:
        return {"name": "Reranker - Dummy"}

    async def rerank(
        self, query: str, documents: list[str], config: Mapping[str, Any], ctx: ModuleContext
    ) -> list[float]:
        return [float(len(doc.encode("utf-8"))) for doc in documents]
