"""The core's batching of vectorizer calls: pack texts into requests up to the module's limits, and keep
several requests in flight.

A module declares its limits (modules.kit.BatchLimits: texts per request, token budget) as `limits`, or as
`batch_limits(config)` when they depend on the collection's settings; one that declares none gets
DEFAULT_LIMITS. How many requests one batch keeps in flight is `VECTORDB_MODULES_IN_FLIGHT`
(default 8). A failed request fails only the texts it carried.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import numpy as np

from modules.base import ModuleContext, ModuleError, Vectorizer
from modules.kit.limits import BatchLimits, pack

DEFAULT_LIMITS = BatchLimits(texts=64)
DEFAULT_IN_FLIGHT = 8
IN_FLIGHT_ENV = "VECTORDB_MODULES_IN_FLIGHT"


def in_flight(env: Mapping[str, str]) -> int:
    raw = (env.get(IN_FLIGHT_ENV) or "").strip()
    if not raw:
        return DEFAULT_IN_FLIGHT
    if not raw.isdigit() or int(raw) < 1:
        raise ModuleError(f"environment variable {IN_FLIGHT_ENV} must be a positive integer, got {raw!r}", 500)
    return int(raw)


async def vectorize_packed(
    module: Vectorizer, texts: list[str], config: Mapping[str, Any], ctx: ModuleContext
) -> list[tuple[tuple[int, int], list[np.ndarray] | BaseException]]:
    """Each [start, end) range of `texts` sent as one request, with its vectors or the exception it raised."""
    by_settings = getattr(module, "batch_limits", None)
    limits = by_settings(config) if callable(by_settings) else getattr(module, "limits", DEFAULT_LIMITS)
    ranges = pack(texts, limits)
    gate = asyncio.Semaphore(in_flight(ctx.env))

    async def one(start: int, end: int) -> list[np.ndarray]:
        async with gate:
            return await module.vectorize(texts[start:end], config, ctx)

    results = await asyncio.gather(*(one(*r) for r in ranges), return_exceptions=True)
    return list(zip(ranges, results, strict=True))
