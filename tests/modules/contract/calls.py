"""Calling a module as the server does: registry defaults merged under the settings, a request context."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import numpy as np

from modules import http
from modules.base import ModuleContext
from modules.registry import Registry

FAST = {"VECTORDB_MODULES_RETRY_BASE_DELAY": "0.01", "VECTORDB_MODULES_RETRY_ATTEMPTS": "3"}
RERANK_QUERY = "which is longest?"


def _run(name: str, config: Mapping[str, Any], headers: Mapping[str, str] | None,
         env: Mapping[str, str] | None, call: Any) -> Any:
    full_env = {**FAST, "ENABLE_MODULES": name, **(env or {})}
    registry = Registry.from_env(full_env)
    module = registry.get(name)
    merged = {**registry.class_defaults(name), **config}
    ctx = ModuleContext(headers=dict(headers or {}), env=full_env)

    async def main() -> Any:
        try:
            return await call(module, merged, ctx)
        finally:
            await http.aclose()

    return asyncio.run(main())


def embed(
    module: str, texts: list[str], config: Mapping[str, Any], headers: Mapping[str, str] | None = None,
    env: Mapping[str, str] | None = None, query: bool = False,
) -> list[np.ndarray]:
    async def call(m: Any, merged: Mapping[str, Any], ctx: ModuleContext) -> list[np.ndarray]:
        return await (m.vectorize_query if query else m.vectorize)(texts, merged, ctx)

    return _run(module, config, headers, env, call)


def rerank(
    module: str, documents: list[str], config: Mapping[str, Any], headers: Mapping[str, str] | None = None,
    env: Mapping[str, str] | None = None,
) -> list[float]:
    async def call(m: Any, merged: Mapping[str, Any], ctx: ModuleContext) -> list[float]:
        return await m.rerank(RERANK_QUERY, documents, merged, ctx)

    return _run(module, config, headers, env, call)
