"""The per-provider option objects of `generate(singleResult:{prompt, <provider>:{...}}, groupedResult:{...})`,
built from the generative modules' own declarations (their `option_name`, `options` and field types), so the
GraphQL face and the modules share one list of keys."""

from __future__ import annotations

from graphql import (
    GraphQLBoolean,
    GraphQLFloat,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInt,
    GraphQLList,
    GraphQLString,
)

from modules.catalog import BUILTIN_MODULES
from modules.kit.generative import ApiGenerative

_TYPES: dict[type, GraphQLInputType] = {
    str: GraphQLString, float: GraphQLFloat, int: GraphQLInt, bool: GraphQLBoolean,
    list: GraphQLList(GraphQLString),
}


def _provider_input(module: type[ApiGenerative]) -> GraphQLInputObjectType:
    fields = {key: GraphQLInputField(_TYPES[module.fields[key].type]) for key in module.options}
    if module.takes_images:
        fields["images"] = GraphQLInputField(GraphQLList(GraphQLString))
        fields["imageProperties"] = GraphQLInputField(GraphQLList(GraphQLString))
    title = module.option_name[:1].upper() + module.option_name[1:]
    return GraphQLInputObjectType(f"Generative{title}InpObj", fields)


PROVIDER_INPUTS: dict[str, GraphQLInputObjectType] = {
    module.option_name: _provider_input(module)
    for module in BUILTIN_MODULES
    if issubclass(module, ApiGenerative)
}


def provider_fields() -> dict[str, GraphQLInputField]:
    return {name: GraphQLInputField(kind) for name, kind in PROVIDER_INPUTS.items()}
