"""A generated text as a weaviate.v1 GenerativeReply: the text, `debug.full_prompt` when the part asked for debug,
and the provider's `GenerativeMetadata` when its `queries[0].return_metadata` is set (Weaviate's replier)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from google.protobuf import json_format

from modules.base import GenerativeResult
from vectordb.api.grpc.pb import generative_pb2

log = logging.getLogger(__name__)

#: Providers whose GraphQL metadata nests the proto message's fields one level down.
_NESTED = {"cohere": "meta"}


def _proto_shape(provider: str, metadata: Mapping[str, Any]) -> dict[str, Any]:
    inner = metadata.get(_NESTED[provider]) if provider in _NESTED else metadata
    out = {k: v for k, v in dict(inner or {}).items() if v is not None}
    if isinstance(out.get("warnings"), list):  # a TextArray in the proto
        out["warnings"] = {"values": out["warnings"]}
    return out


def metadata(provider: str, found: Mapping[str, Any]) -> generative_pb2.GenerativeMetadata:
    """The metadata in the provider's message. A provider whose message has no fields (Ollama, AWS, Anyscale,
    the dummy) leaves the oneof unset, as Weaviate does."""
    out = generative_pb2.GenerativeMetadata()
    kind = generative_pb2.GenerativeMetadata.DESCRIPTOR.fields_by_name.get(provider)
    if kind is None or not kind.message_type.fields:
        return out
    try:
        json_format.ParseDict({provider: _proto_shape(provider, found)}, out, ignore_unknown_fields=True)
    except json_format.ParseError as exc:
        # The answer was already generated: a metadata shape the proto cannot carry loses only the metadata.
        log.warning("generative metadata of %s does not fit its gRPC message: %s", provider, exc)
        out = generative_pb2.GenerativeMetadata()
        getattr(out, provider).SetInParent()
    return out


class Wanted:
    """What one Search's `generative` asks to come back beside the texts."""

    def __init__(self, message: generative_pb2.GenerativeSearch) -> None:
        self.debug = {"single": message.single.debug, "grouped": message.grouped.debug}
        self.provider: dict[str, str | None] = {}
        self.with_metadata: dict[str, bool] = {}
        for part in ("single", "grouped"):
            queries = getattr(message, part).queries
            self.provider[part] = queries[0].WhichOneof("kind") if queries else None
            self.with_metadata[part] = bool(queries) and queries[0].return_metadata

    def reply(self, result: GenerativeResult, part: str) -> generative_pb2.GenerativeReply:
        out = generative_pb2.GenerativeReply(result=result.text)
        if self.debug[part] and result.debug_prompt is not None:
            out.debug.full_prompt = result.debug_prompt
        provider = self.provider[part]
        if self.with_metadata[part] and provider:
            out.metadata.CopyFrom(metadata(provider, result.metadata))
        return out
