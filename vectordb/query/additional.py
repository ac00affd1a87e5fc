"""`_additional { rerank generate }`: steps after the search that call reranker and generative modules."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from modules.base import Generative, GenerativeRequest, GenerativeResult, ModuleContext, ModuleError
from modules.kit import prompts
from modules.kit.fields import go_list
from vectordb.collection import Collection
from vectordb.errors import UserError
from vectordb.query.request import SearchRequest, SearchResult

if TYPE_CHECKING:
    from vectordb.database import Database

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
    # Without a query of its own or of the search, the reranker gets an empty one, as from Weaviate.
    query = spec.get("query") or _search_query(req) or ""
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


#: Results generated at once, as Weaviate does (up to 10 objects concurrently).
GENERATE_IN_FLIGHT = 10
#: Keys of singleResult / groupedResult that are not a provider's options.
_GENERATE_KEYS = ("prompt", "debug", "task", "properties")

Outcome = tuple[GenerativeResult | None, str | None]


def _provider_options(single: Mapping[str, Any], grouped: Mapping[str, Any]) -> tuple[str | None, dict, dict]:
    """The provider a query names (`singleResult:{openai:{...}}`) and its options for single and grouped."""
    found = {part: {k: v for k, v in spec.items() if k not in _GENERATE_KEYS and v is not None}
             for part, spec in (("single", single), ("grouped", grouped))}
    names = sorted({name for options in found.values() for name in options})
    if len(names) > 1:
        raise UserError(f"generate: multiple providers selected: {go_list(names)}, please choose only one", 422)
    if not names:
        return None, {}, {}
    return names[0], dict(found["single"].get(names[0]) or {}), dict(found["grouped"].get(names[0]) or {})


def _generative(db: Database, coll: Collection, provider: str | None) -> tuple[str, Generative, dict[str, Any]]:
    if provider is None:
        name, config = _class_module(db, coll, "generative")
    else:
        # The named module must be on, but need not be the collection's own.
        name = f"generative-{provider}"
        config = dict((coll.class_def.get("moduleConfig") or {}).get(name) or {})
    try:
        return name, db.modules.generative(name), config
    except ModuleError as exc:
        raise UserError(f"generate: {exc.message}", exc.status if exc.status < 500 else 500) from exc


def _split_images(options: dict[str, Any], module: Generative) -> tuple[dict[str, Any], list[str], list[str]]:
    """The options without the image keys, the literal images, and the blob properties to take images from
    (none for a provider that, like Weaviate's xAI client, forwards only the literal ones)."""
    rest = {k: v for k, v in options.items() if k not in ("images", "imageProperties")}
    properties = [] if getattr(module, "literal_images_only", False) else list(options.get("imageProperties") or [])
    return rest, list(options.get("images") or []), properties


def generate(db: Database, coll: Collection, req: SearchRequest, results: list[SearchResult]) -> None:
    """`_additional.generate` on every result: the prompt rules are modules/kit/prompts.py's, the call the
    generative module's; one result's failure is its own `error`, the others go on."""
    spec = req.generate or {}
    single = dict(spec.get("singleResult") or {})
    grouped = dict(spec.get("groupedResult") or {})
    template, task = single.get("prompt"), grouped.get("task")
    if not template and not task:
        raise UserError("generate: give singleResult.prompt or groupedResult.task")
    provider, single_options, grouped_options = _provider_options(single, grouped)
    if not results:
        return
    name, module, config = _generative(db, coll, provider)
    ctx = ModuleContext(headers=dict(req.headers), env=db.settings.env)
    data_types = {p["name"]: (p.get("dataType") or [""])[0] for p in coll.class_def.get("properties") or []}
    every = [prompts.prompt_properties(r.properties, data_types) for r in results]
    gate = asyncio.Semaphore(GENERATE_IN_FLIGHT)

    async def call(prompt: str, images: list[str], options: Mapping[str, Any], debug: bool,
                   sources: list[prompts.PromptProperties]) -> Outcome:
        texts = tuple(value for source in sources for value in source.text.values() if value)
        async with gate:
            try:
                request = GenerativeRequest(prompt, tuple(images), options, debug, texts)
                return await module.generate(request, config, ctx), None
            except ModuleError as exc:
                if exc.status in (400, 422):  # the query's options or images are wrong: the request's fault
                    raise UserError(f"generate: {name}: {exc.message}", exc.status) from exc
                return None, exc.message

    async def one(props: prompts.PromptProperties) -> Outcome:
        options, literal, image_props = _split_images(single_options, module)
        try:
            prompt = prompts.single_prompt(str(template), props)
        except prompts.EmptyPropertyError as exc:
            return None, str(exc)
        return await call(prompt, prompts.images([props], image_props, literal), options,
                          bool(single.get("debug")), [props])

    async def run_all() -> tuple[Outcome | None, list[Outcome]]:
        combined = None
        if task:  # Weaviate runs the task before the prompts
            options, literal, image_props = _split_images(grouped_options, module)
            keep = grouped.get("properties") or None
            chosen = [prompts.prompt_properties(r.properties, data_types, keep) for r in results]
            combined = await call(prompts.task_prompt(str(task), chosen), prompts.images(every, image_props, literal),
                                  options, bool(grouped.get("debug")), chosen)
        singles = list(await asyncio.gather(*(one(p) for p in every))) if template else []
        return combined, singles

    combined, singles = db.loop.run(run_all())
    provider_key = getattr(module, "option_name", None) if getattr(module, "metadata_fields", None) else None
    for i, result in enumerate(results):
        single_out = singles[i] if singles else (None, None)
        grouped_out = combined if combined is not None and i == 0 else (None, None)
        result.generate = _rendered(single_out, grouped_out, provider_key)


def _rendered(single: Outcome, grouped: Outcome, provider_key: str | None) -> dict[str, Any]:
    """One result's `_additional.generate` as GraphQL shows it, Weaviate's way: the single result's error wins
    over the task's, its debug prompt and metadata replace the task's on result 0. `single` and `grouped` keep
    each part whole for the gRPC reply, which carries them apart."""
    (one, one_error), (task, task_error) = single, grouped
    out: dict[str, Any] = {
        "singleResult": one.text if one else None,
        "groupedResult": task.text if task else None,
        "error": one_error or task_error,
        "debug": None,
        "single": one,
        "grouped": task,
    }
    debug_prompt = (one.debug_prompt if one else None) or (task.debug_prompt if task else None)
    if debug_prompt is not None:
        out["debug"] = {"prompt": debug_prompt}
    if provider_key is not None:
        metadata = (one.metadata if one else None) or (task.metadata if task else None)
        out[provider_key] = dict(metadata) if metadata else None
    return out
