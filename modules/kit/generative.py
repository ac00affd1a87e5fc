"""ApiGenerative: a generative module that is only its provider's request and answer mapping.

A provider declares `name`, `client`, `fields`, `option_name` (its key in per-query options), `options` (the
fields a query may override), whether it takes images and `metadata_fields` (the shape of its metadata), and
writes `request` (a GenerativeRequest and the merged settings -> path and body) and `answer` (the parsed answer
-> text and metadata). The prompt is already
built when it arrives (modules/kit/prompts.py has Weaviate's rules); the per-query options are checked with the
same fields as the collection's settings and override them field by field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from modules.base import GenerativeRequest, GenerativeResult, ModuleContext, ModuleError
from modules.kit.vectorizer import ApiModule

#: Per-query options that move the request to another host: like a base-URL header, they never get a key from
#: the server's environment.
HOST_OPTIONS = ("baseURL", "apiEndpoint", "resourceName", "endpoint")


class ApiGenerative(ApiModule):
    capability: ClassVar[str] = "generative"
    option_name: ClassVar[str]
    #: Settings a query may override (Weaviate's per-provider GraphQL / gRPC keys), each one of `fields`.
    options: ClassVar[tuple[str, ...]] = ()
    #: Whether the provider's wire carries images (vision models).
    takes_images: ClassVar[bool] = False
    #: The metadata `answer` returns, as Weaviate's GraphQL names it under `_additional.generate.<option_name>`:
    #: field name -> int | float | str | bool, a nested map, or a one-item list of either (a list of those).
    #: Empty: the provider reports none.
    metadata_fields: ClassVar[Mapping[str, Any]] = {}
    #: Its per-query options that name a host (a provider whose `endpoint` is a name, not a URL, says fewer).
    host_options: ClassVar[tuple[str, ...]] = HOST_OPTIONS

    def request(self, request: GenerativeRequest, settings: Mapping[str, Any]) -> tuple[str, Any]:
        raise NotImplementedError

    def answer(self, answer: Any, settings: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        """The generated text and the provider's metadata (usage, ...)."""
        raise NotImplementedError

    def merged(self, config: Mapping[str, Any], options: Mapping[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(options) - set(self.options))
        if unknown:
            raise ModuleError(
                f"{self.option_name}: unknown option {unknown[0]!r} (this provider takes: "
                f"{', '.join(self.options)})", 422,
            )
        return self.settings({**config, **{k: v for k, v in options.items() if v is not None}})

    async def generate(
        self, request: GenerativeRequest, config: Mapping[str, Any], ctx: ModuleContext
    ) -> GenerativeResult:
        if request.images and not self.takes_images:
            raise ModuleError(f"{self.name} does not take images", 422)
        settings = self._client.for_request(ctx, self.merged(config, request.options))
        movers = [key for key in self.host_options if request.options.get(key)]
        if movers and self._client.key(ctx, settings)[1]:
            header, env_var = self._client.key_names(settings)
            raise ModuleError(
                f"{self.option_name}.{movers[0]} is set by the query, but the request carries no {header}: a host "
                f"taken from a request never receives the server's key ({env_var}); send {header} with the request",
                400,
            )
        path, body = self.request(request, settings)
        answer = await self._client.post(ctx, settings, path, body, "generate")
        provider = self._client.name(settings)
        try:
            text, metadata = self.answer(answer, settings)
        except (KeyError, IndexError, TypeError, AttributeError, ValueError) as exc:
            raise ModuleError(f"malformed generate response from {provider}: no text in the answer ({exc!r})",
                              500) from None
        if not isinstance(text, str):
            raise ModuleError(f"malformed generate response from {provider}: the text is {type(text).__name__}",
                              500)
        return GenerativeResult(text, metadata, request.prompt if request.debug else None)
