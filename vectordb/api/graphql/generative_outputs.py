"""The provider metadata fields of `_additional { generate { <provider> { ... } } }` (token usage and the
like), built from each generative module's `metadata_fields`, the one declaration of that shape."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    GraphQLBoolean,
    GraphQLField,
    GraphQLFloat,
    GraphQLInt,
    GraphQLList,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLString,
)

from modules.catalog import BUILTIN_MODULES
from modules.kit.generative import ApiGenerative

_SCALARS: dict[Any, GraphQLOutputType] = {str: GraphQLString, float: GraphQLFloat, int: GraphQLInt,
                                          bool: GraphQLBoolean}


def _title(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def _type(name: str, shape: Any) -> GraphQLOutputType:
    if isinstance(shape, Mapping):
        return GraphQLObjectType(name + "Obj", {key: GraphQLField(_type(name + _title(key), sub))
                                                for key, sub in shape.items()})
    if isinstance(shape, list):
        return GraphQLList(_type(name, shape[0]))
    return _SCALARS[shape]


def provider_fields() -> dict[str, GraphQLField]:
    """`<option_name>: Generative<Provider>MetadataObj` for every provider that reports metadata."""
    return {
        module.option_name: GraphQLField(_type(f"Generative{_title(module.option_name)}Metadata",
                                               module.metadata_fields))
        for module in BUILTIN_MODULES
        if issubclass(module, ApiGenerative) and module.metadata_fields
    }
