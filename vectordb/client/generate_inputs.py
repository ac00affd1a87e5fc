"""The arguments of `collection.generate.*`, in the v4 client's shape: a prompt or task as text or as
`GenerativeParameters.single_prompt(...)` / `.grouped_task(...)` (images, metadata, debug), a per-query provider
as `GenerativeConfig.<provider>(**options)`, and `Rerank`. They become the `generate` of a SearchRequest, which
is Weaviate's GraphQL `generate(singleResult: {...}, groupedResult: {...})` argument."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

#: snake_case option names whose camelCase is not Weaviate's GraphQL spelling.
_OPTION_NAMES = {"base_url": "baseURL"}


def _camel(name: str) -> str:
    if name in _OPTION_NAMES:
        return _OPTION_NAMES[name]
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


@dataclass(frozen=True)
class GenerativeProvider:
    """One provider's per-query options (Weaviate's dynamic RAG), overriding the collection's settings."""

    name: str
    options: dict[str, Any] = field(default_factory=dict)


def _provider(name: str) -> Any:
    def make(**options: Any) -> GenerativeProvider:
        return GenerativeProvider(name, {_camel(k): v for k, v in options.items() if v is not None})

    make.__name__ = name
    make.__doc__ = f"generative-{name} for this query; options in snake_case (base_url, max_tokens, ...)."
    return staticmethod(make)


class GenerativeConfig:
    """`generative_provider=GenerativeConfig.openai(model="gpt-4o-mini", max_tokens=100)`; the module must be on,
    but need not be the collection's own."""

    anthropic = _provider("anthropic")
    anyscale = _provider("anyscale")
    aws = _provider("aws")
    cohere = _provider("cohere")
    contextualai = _provider("contextualai")
    databricks = _provider("databricks")
    deepseek = _provider("deepseek")
    friendliai = _provider("friendliai")
    google = _provider("google")
    mistral = _provider("mistral")
    nvidia = _provider("nvidia")
    ollama = _provider("ollama")
    openai = _provider("openai")
    xai = _provider("xai")


@dataclass(frozen=True)
class SinglePrompt:
    prompt: str
    image_properties: Sequence[str] | None = None
    images: Sequence[str] | None = None  # base64
    metadata: bool = False
    debug: bool = False


@dataclass(frozen=True)
class GroupedTask:
    prompt: str
    non_blob_properties: Sequence[str] | None = None
    image_properties: Sequence[str] | None = None
    images: Sequence[str] | None = None  # base64
    metadata: bool = False


class GenerativeParameters:
    single_prompt = staticmethod(SinglePrompt)
    grouped_task = staticmethod(GroupedTask)


@dataclass(frozen=True)
class Rerank:
    """Rerank the results by `prop` against `query` (else the search's own query text)."""

    prop: str
    query: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"property": self.prop, "query": self.query}


@dataclass(frozen=True)
class Asked:
    """What the caller wants back beside the texts."""

    single_metadata: bool = False
    grouped_metadata: bool = False
    single: bool = False
    grouped: bool = False


def generate_spec(
    single_prompt: str | SinglePrompt | None,
    grouped_task: str | GroupedTask | None,
    grouped_properties: Sequence[str] | None,
    provider: GenerativeProvider | None,
) -> tuple[dict[str, Any], Asked]:
    """The SearchRequest's `generate` and what to return."""
    single = SinglePrompt(single_prompt) if isinstance(single_prompt, str) else single_prompt
    grouped = GroupedTask(grouped_task, grouped_properties) if isinstance(grouped_task, str) else grouped_task
    if single is None and grouped is None:
        raise ValueError("generate needs single_prompt, grouped_task or both")
    spec: dict[str, Any] = {}
    if single is not None:
        spec["singleResult"] = {"prompt": single.prompt, **({"debug": True} if single.debug else {}),
                                **_options(provider, single.images, single.image_properties)}
    if grouped is not None:
        properties = grouped.non_blob_properties or grouped_properties
        spec["groupedResult"] = {"task": grouped.prompt, **({"properties": list(properties)} if properties else {}),
                                 **_options(provider, grouped.images, grouped.image_properties)}
    asked = Asked(single_metadata=bool(single and single.metadata), grouped_metadata=bool(grouped and grouped.metadata),
                  single=single is not None, grouped=grouped is not None)
    return spec, asked


def _options(provider: GenerativeProvider | None, images: Sequence[str] | None,
             image_properties: Sequence[str] | None) -> dict[str, Any]:
    if provider is None:
        if images or image_properties:
            raise ValueError("images and image_properties ride on a provider: give generative_provider too")
        return {}
    options = dict(provider.options)
    if images:
        options["images"] = list(images)
    if image_properties:
        options["imageProperties"] = list(image_properties)
    return {provider.name: options}
