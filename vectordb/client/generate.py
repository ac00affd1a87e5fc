"""collection.generate: every search of collection.query with generation (RAG) on its results, in the v4 client's
shape: `.objects[i].generated` (and `.generative`: text, error, metadata, debug) per object, `.generated` (and
`.generative`) for the grouped task, `.groups[name].generated` with group_by.

Both transports return the same `_additional.generate` (Weaviate's GraphQL shape: singleResult, groupedResult,
error, debug, the provider's metadata field) and one conversion reads it, so embedded and HTTP answers are alike.
"""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from vectordb.client.generate_inputs import (
    Asked,
    GenerativeProvider,
    GroupedTask,
    Rerank,
    SinglePrompt,
    generate_spec,
)
from vectordb.client.graphql_builder import GENERATIVE_METADATA
from vectordb.client.query import MetadataLike, Query, to_query_return
from vectordb.client.results import Group, Object
from vectordb.client.transport import Transport
from vectordb.query.request import SearchResult


@dataclass
class GenerativeSingle:
    text: str | None
    error: str | None = None
    metadata: dict[str, Any] | None = None  # the provider's, as Weaviate names it: {"usage": {...}}
    debug: str | None = None  # the final prompt, when debug was asked


@dataclass
class GenerativeGrouped:
    text: str | None
    error: str | None = None
    metadata: dict[str, Any] | None = None


@dataclass
class GenerativeObject(Object):
    generated: str | None = None
    generative: GenerativeSingle | None = None


@dataclass
class GenerativeReturn:
    objects: list[GenerativeObject]
    generated: str | None = None
    generative: GenerativeGrouped | None = None
    groups: dict[str, Group] | None = None


def _provider_metadata(generate: Mapping[str, Any]) -> dict[str, Any] | None:
    known = {"singleResult", "groupedResult", "error", "debug", "single", "grouped"}
    found = [v for k, v in generate.items() if k not in known and v]
    return dict(found[0]) if found else None


def _single(generate: Mapping[str, Any] | None, asked: Asked) -> GenerativeSingle | None:
    if not generate or not asked.single:
        return None
    debug = generate.get("debug") or {}
    return GenerativeSingle(generate.get("singleResult"), generate.get("error"),
                            _provider_metadata(generate) if asked.single_metadata else None, debug.get("prompt"))


def _grouped(first: Mapping[str, Any] | None, asked: Asked) -> GenerativeGrouped | None:
    if not asked.grouped:
        return None
    first = first or {}
    text = first.get("groupedResult")
    # on the first result GraphQL has one error and one metadata field, the single prompt's when it has one
    error = None if text is not None else first.get("error")
    metadata = _provider_metadata(first) if asked.grouped_metadata else None
    return GenerativeGrouped(text, error, metadata)


def _object(plain: Object, result: SearchResult, asked: Asked) -> GenerativeObject:
    generative = _single(result.generate, asked)
    return GenerativeObject(plain.uuid, plain.collection, plain.properties, plain.vectors, plain.metadata,
                            generated=generative.text if generative else None, generative=generative)


def to_generative_return(results: list[SearchResult], wanted: set[str], grouped: bool,
                         asked: Asked) -> GenerativeReturn:
    plain = to_query_return(results, wanted, grouped)
    first = results[0].generate if results else None
    combined = _grouped(first, asked)
    out = GenerativeReturn([], combined.text if combined else None, combined, plain.groups)
    if not grouped:
        out.objects = [_object(o, r, asked) for o, r in zip(plain.objects, results, strict=True)]
        return out
    for result in results:  # each result leads a group; its single prompt is the group's
        value = str(((result.group or {}).get("groupedBy") or {}).get("value", ""))
        single = _single(result.generate, asked)
        if plain.groups is not None and value in plain.groups:
            plain.groups[value].generated = single.text if single else None
    out.objects = [GenerativeObject(o.uuid, o.collection, o.properties, o.vectors, o.metadata) for o in plain.objects]
    return out


class _GenerativeQuery(Query):
    """collection.query's searches, with `generate` and `rerank` on the request and a GenerativeReturn back."""

    def __init__(self, transport: Transport, name: str, spec: dict[str, Any], asked: Asked,
                 rerank: Rerank | None) -> None:
        super().__init__(transport, name)
        self.extra: dict[str, Any] = {"generate": spec, "rerank": rerank.to_dict() if rerank else None}
        self.asked = asked

    def _run(self, kind: str | None, return_metadata: MetadataLike, **search: Any) -> Any:
        results, wanted, grouped = self._search(kind, return_metadata, **search, **self.extra)
        return to_generative_return(results, wanted, grouped, self.asked)

    def _wanted_extra(self) -> set[str]:
        return {GENERATIVE_METADATA} if self.asked.single_metadata or self.asked.grouped_metadata else set()


class Generate:
    """`collection.generate.<search>(..., single_prompt=..., grouped_task=..., grouped_properties=...,
    generative_provider=..., rerank=...)`: each search takes the arguments of `collection.query.<search>` and runs
    as it, through a _GenerativeQuery whose `_run` makes the answer a GenerativeReturn."""

    def __init__(self, transport: Transport, name: str) -> None:
        self._t = transport
        self.name = name

    def _query(self, single_prompt: str | SinglePrompt | None, grouped_task: str | GroupedTask | None,
               grouped_properties: Sequence[str] | None, generative_provider: GenerativeProvider | None,
               rerank: Rerank | None) -> _GenerativeQuery:
        spec, asked = generate_spec(single_prompt, grouped_task, grouped_properties, generative_provider)
        return _GenerativeQuery(self._t, self.name, spec, asked, rerank)

    def fetch_objects(self, *, single_prompt: str | SinglePrompt | None = None,
                      grouped_task: str | GroupedTask | None = None, grouped_properties: Sequence[str] | None = None,
                      generative_provider: GenerativeProvider | None = None, rerank: Rerank | None = None,
                      **search: Any) -> GenerativeReturn:
        query = self._query(single_prompt, grouped_task, grouped_properties, generative_provider, rerank)
        return cast(GenerativeReturn, query.fetch_objects(**search))

    def near_vector(self, vector: Any, *, single_prompt: str | SinglePrompt | None = None,
                    grouped_task: str | GroupedTask | None = None, grouped_properties: Sequence[str] | None = None,
                    generative_provider: GenerativeProvider | None = None, rerank: Rerank | None = None,
                    **search: Any) -> GenerativeReturn:
        query = self._query(single_prompt, grouped_task, grouped_properties, generative_provider, rerank)
        return cast(GenerativeReturn, query.near_vector(vector, **search))

    def near_object(self, uuid: str | uuidlib.UUID, *, single_prompt: str | SinglePrompt | None = None,
                    grouped_task: str | GroupedTask | None = None, grouped_properties: Sequence[str] | None = None,
                    generative_provider: GenerativeProvider | None = None, rerank: Rerank | None = None,
                    **search: Any) -> GenerativeReturn:
        query = self._query(single_prompt, grouped_task, grouped_properties, generative_provider, rerank)
        return cast(GenerativeReturn, query.near_object(uuid, **search))

    def near_text(self, query: str | Sequence[str], *, single_prompt: str | SinglePrompt | None = None,
                  grouped_task: str | GroupedTask | None = None, grouped_properties: Sequence[str] | None = None,
                  generative_provider: GenerativeProvider | None = None, rerank: Rerank | None = None,
                  **search: Any) -> GenerativeReturn:
        run = self._query(single_prompt, grouped_task, grouped_properties, generative_provider, rerank)
        return cast(GenerativeReturn, run.near_text(query, **search))

    def bm25(self, query: str, *, single_prompt: str | SinglePrompt | None = None,
             grouped_task: str | GroupedTask | None = None, grouped_properties: Sequence[str] | None = None,
             generative_provider: GenerativeProvider | None = None, rerank: Rerank | None = None,
             **search: Any) -> GenerativeReturn:
        run = self._query(single_prompt, grouped_task, grouped_properties, generative_provider, rerank)
        return cast(GenerativeReturn, run.bm25(query, **search))

    def hybrid(self, query: str | None, *, single_prompt: str | SinglePrompt | None = None,
               grouped_task: str | GroupedTask | None = None, grouped_properties: Sequence[str] | None = None,
               generative_provider: GenerativeProvider | None = None, rerank: Rerank | None = None,
               **search: Any) -> GenerativeReturn:
        run = self._query(single_prompt, grouped_task, grouped_properties, generative_provider, rerank)
        return cast(GenerativeReturn, run.hybrid(query, **search))
