"""ApiReranker: a reranker module that is only its provider's request and answer mapping.

A provider declares `name`, `client`, `fields` and `max_documents`, and writes `request` (query and documents
-> path and body) and `scores` (answer -> (index, score) pairs). Documents beyond `max_documents` go in chunks
sent concurrently, as Weaviate sends them; every document must come back scored exactly once.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Mapping
from typing import Any, ClassVar

from modules.base import ModuleContext, ModuleError
from modules.kit.vectorizer import ApiModule

#: Chunks of one rerank call in flight at a time.
RERANK_IN_FLIGHT = 4


def indexed_scores(results: Any, score_key: str = "relevance_score") -> list[tuple[int, float]]:
    """The `[{"index", "<score_key>"}]` list most providers answer with."""
    return [(item["index"], item[score_key]) for item in results]


class ApiReranker(ApiModule):
    capability: ClassVar[str] = "reranker"
    max_documents: ClassVar[int]

    def request(self, query: str, documents: list[str], settings: Mapping[str, Any]) -> tuple[str, Any]:
        raise NotImplementedError

    def scores(self, answer: Any) -> list[tuple[int, float]]:
        raise NotImplementedError

    async def rerank(
        self, query: str, documents: list[str], config: Mapping[str, Any], ctx: ModuleContext
    ) -> list[float]:
        if not documents:
            return []
        settings = self._client.for_request(ctx, self.settings(config))
        gate = asyncio.Semaphore(RERANK_IN_FLIGHT)

        async def chunk(part: list[str]) -> list[float]:
            async with gate:
                path, body = self.request(query, part, settings)
                answer = await self._client.post(ctx, settings, path, body, "rerank")
            return self._checked(answer, len(part), settings)

        step = self.max_documents
        parts = [documents[i : i + step] for i in range(0, len(documents), step)]
        results = await asyncio.gather(*(chunk(part) for part in parts))
        return [score for part in results for score in part]

    def _checked(self, answer: Any, count: int, settings: Mapping[str, Any]) -> list[float]:
        provider = self._client.name(settings)
        try:
            pairs = self.scores(answer)
        except (KeyError, IndexError, TypeError, AttributeError, ValueError) as exc:
            raise ModuleError(
                f"malformed rerank response from {provider}: no scores in the answer ({exc!r})", 500
            ) from None
        placed: dict[int, float] = {}
        for index, score in pairs:
            if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < count or index in placed:
                raise ModuleError(f"malformed rerank response from {provider}: result index {index!r}", 500)
            if isinstance(score, bool) or not isinstance(score, int | float) or not math.isfinite(score):
                raise ModuleError(
                    f"malformed rerank response from {provider}: score {score!r} for document {index}", 500
                )
            placed[index] = float(score)
        if len(placed) != count:
            raise ModuleError(f"{provider} returned {len(placed)} scores for {count} documents", 500)
        return [placed[i] for i in range(count)]
