"""`_additional { rerank generate }`: steps after the search that call reranker and generative modules."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from modules.base import ModuleContext, ModuleError
from vectordb.collection import Collection
from vectordb.errors import UserError
from vectordb.query.request import SearchRequest, SearchResult

if TYPE_CHECKING:
    from vectordb.database import Database

_PLACEHOLDER = re.compile(r"{([\w\s]*?)}")


def _class_module(db: Database, coll: Collection, capability: str) -> tuple[str, dict[str, Any]]:
    """The collection's module of a capability, from its moduleConfig ("reranker-x" / "generative-x").

    moduleConfig may also keep settings of modules that are not on; like Weaviate, the first one that is on wins,
    and only when none is on does the first named answer (and the caller's refusal says how to turn it on)."""
    named = [(name, config) for name, config in (coll.class_def.get("moduleConfig") or {}).items()
             if name.startswith(f"{capability}-")]
    if named:
        name, config = min(named, key=lambda item: not db.modules.is_enabled(item[0]))  # min keeps the first
        return name, dict(config or {})
    example = "reranker-transformers" if capability == "reranker" else "generative-openai"
    raise UserError(
        f"collection {coll.name} has no {capability} module: add one to its moduleConfig, "
        f'e.g. {{"{example}": {{}}}}'
    )


def _search_query(req: SearchRequest) -> str | None:
    for params in (req.bm25, req.hybrid):
        if params and params.get("query"):
            return str(params["query"])
    if req.near_text and req.near_text.get("concepts"):
        concepts = req.near_text["concepts"]
        return " ".join(concepts) if isinstance(concepts, list) else str(concepts)
    return None


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)


def rerank(db: Database, coll: Collection, req: SearchRequest, results: list[SearchResult]) -> list[SearchResult]:
    spec = req.rerank or {}
    prop = spec.get("property")
    if not prop:
        raise UserError("rerank: 'property' is required")
    query = spec.get("query") or _search_query(req)
    if not query:
        raise UserError("rerank: 'query' is required when the search itself has no query text")
    if not results:
        return results
    name, config = _class_module(db, coll, "reranker")
    ctx = ModuleContext(headers=dict(req.headers), env=db.settings.env)
    documents = [_text(r.properties.get(prop)) for r in results]
    try:
        module = db.modules.reranker(name)
        scores = db.loop.run(module.rerank(str(query), documents, config, ctx))
    except ModuleError as exc:
        raise UserError(f"rerank: {name}: {exc.message}", exc.status if exc.status < 500 else 500) from exc
    if len(scores) != len(results):
        raise UserError(f"rerank: {name} returned {len(scores)} scores for {len(results)} documents", 500)
    for result, score in zip(results, scores, strict=True):
        result.rerank_score = float(score)
    return sorted(results, key=lambda r: r.rerank_score or 0.0, reverse=True)


def _fill(prompt: str, properties: Mapping[str, Any]) -> str:
    missing = []

    def value(match: re.Match[str]) -> str:
        name = match.group(1).strip()
        found = properties.get(name)
        if found is None or found == "" or found == []:
            missing.append(name)
            return ""
        return _text(found)

    filled = _PLACEHOLDER.sub(value, prompt)
    if missing:
        raise ValueError(f"Following property has empty value: '{missing[0]}'. Make sure you spell the "
                         "property name correctly, verify that the property exists and has a value")
    return filled


def generate(db: Database, coll: Collection, req: SearchRequest, results: list[SearchResult]) -> None:
    spec = req.generate or {}
    single = (spec.get("singleResult") or {}).get("prompt")
    grouped = spec.get("groupedResult") or {}
    if not single and not grouped.get("task"):
        raise UserError("generate: give singleResult.prompt or groupedResult.task")
    if not results:
        return
    name, config = _class_module(db, coll, "generative")
    ctx = ModuleContext(headers=dict(req.headers), env=db.settings.env)
    try:
        module = db.modules.generative(name)
    except ModuleError as exc:
        raise UserError(f"generate: {exc.message}", exc.status if exc.status < 500 else 500) from exc

    async def one(prompt: str) -> tuple[str | None, str | None]:
        try:
            return await module.generate(prompt, config, ctx), None
        except ModuleError as exc:
            return None, exc.message

    async def one_result(template: str, result: SearchResult) -> tuple[str | None, str | None]:
        try:
            prompt = _fill(template, result.properties)
        except ValueError as exc:
            return None, str(exc)
        return await one(prompt)

    async def run_all() -> tuple[list[tuple[str | None, str | None]], tuple[str | None, str | None] | None]:
        singles = await asyncio.gather(*(one_result(single, r) for r in results)) if single else []
        combined = None
        if grouped.get("task"):
            keep = grouped.get("properties")
            items = [{k: v for k, v in r.properties.items() if not keep or k in keep} for r in results]
            combined = await one(f"{grouped['task']}: {json.dumps(items)}")
        return singles, combined

    singles, combined = db.loop.run(run_all())
    for i, result in enumerate(results):
        out: dict[str, Any] = {"singleResult": None, "groupedResult": None, "error": None}
        if single:
            out["singleResult"], out["error"] = singles[i]
        if combined is not None and i == 0:
            out["groupedResult"] = combined[0]
            out["error"] = out["error"] or combined[1]
        result.generate = out
