"""What a query's selection set asks for, read before the search runs.

The core needs to know up front whether vectors are wanted, and the arguments of `_additional.generate` /
`rerank` (Get), or which metrics each property wants (Aggregate). Fragments and inline fragments are
followed; aliases do not matter here (the field name does).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLResolveInfo,
    InlineFragmentNode,
    SelectionSetNode,
    get_named_type,
)
from graphql.execution.values import get_argument_values

Fields = dict[str, list[FieldNode]]


def _collect(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    out: Fields,
    seen: set[str],
) -> None:
    if selection_set is None:
        return
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            out.setdefault(selection.name.value, []).append(selection)
        elif isinstance(selection, InlineFragmentNode):
            _collect(selection.selection_set, fragments, out, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name not in seen and name in fragments:
                seen.add(name)
                _collect(fragments[name].selection_set, fragments, out, seen)


def sub_fields(nodes: Iterable[FieldNode], fragments: dict[str, FragmentDefinitionNode]) -> Fields:
    """The fields selected under `nodes`, by field name, with fragments merged in."""
    out: Fields = {}
    for node in nodes:
        _collect(node.selection_set, fragments, out, set())
    return {name: found for name, found in out.items() if not name.startswith("__")}


def _object_type(type_: Any) -> GraphQLObjectType | None:
    named = get_named_type(type_)
    return named if isinstance(named, GraphQLObjectType) else None


def _arguments(
    parent: GraphQLObjectType | None, name: str, node: FieldNode, info: GraphQLResolveInfo
) -> dict[str, Any]:
    if parent is None or name not in parent.fields:
        return {}
    return get_argument_values(parent.fields[name], node, info.variable_values)


@dataclass
class GetWants:
    include_vector: bool | list[str] = False
    generate: dict[str, Any] | None = None
    rerank: dict[str, Any] | None = None


def _vector_wants(additional: Fields, fragments: dict[str, FragmentDefinitionNode]) -> bool | list[str]:
    if "vector" in additional:
        return True
    if "vectors" in additional:
        return sorted(sub_fields(additional["vectors"], fragments))
    return False


def _merge_vector_wants(a: bool | list[str], b: bool | list[str]) -> bool | list[str]:
    if a is True or b is True:
        return True
    merged = sorted(set(a or []) | set(b or []))
    return merged or False


def get_wants(info: GraphQLResolveInfo) -> GetWants:
    """Vectors, generate and rerank asked for under a Get class field (including inside group hits)."""
    fragments = info.fragments
    wants = GetWants()
    additional_nodes = sub_fields(info.field_nodes, fragments).get("_additional", [])
    if not additional_nodes:
        return wants
    additional = sub_fields(additional_nodes, fragments)
    class_type = _object_type(info.return_type)
    additional_type = _object_type(class_type.fields["_additional"].type) if class_type else None
    wants.include_vector = _vector_wants(additional, fragments)
    if "group" in additional:
        hits = sub_fields(additional["group"], fragments).get("hits", [])
        hit_additional = sub_fields(sub_fields(hits, fragments).get("_additional", []), fragments)
        hit_vectors = _vector_wants(hit_additional, fragments)
        wants.include_vector = _merge_vector_wants(wants.include_vector, hit_vectors)
    if "generate" in additional:
        args = _arguments(additional_type, "generate", additional["generate"][0], info)
        wants.generate = {k: dict(v) for k, v in args.items() if v is not None} or None
        if wants.generate is None:
            raise ValueError("generate: give singleResult: {prompt} and/or groupedResult: {task}")
    if "rerank" in additional:
        args = _arguments(additional_type, "rerank", additional["rerank"][0], info)
        wants.rerank = {k: v for k, v in args.items() if v is not None}
    return wants


@dataclass
class AggregateWants:
    fields: dict[str, list[str]]
    top_occurrences_limit: dict[str, int]
    meta_count: bool


# Output fields of an Aggregate class type that are not properties.
AGGREGATE_NON_PROPERTIES = ("meta", "groupedBy")


def aggregate_wants(info: GraphQLResolveInfo) -> AggregateWants:
    """Per property, the metric names selected (and topOccurrences limits); whether meta.count is asked."""
    fragments = info.fragments
    selected = sub_fields(info.field_nodes, fragments)
    class_type = _object_type(info.return_type)
    fields: dict[str, list[str]] = {}
    limits: dict[str, int] = {}
    for name, nodes in selected.items():
        if name in AGGREGATE_NON_PROPERTIES:
            continue
        metrics = sub_fields(nodes, fragments)
        fields[name] = list(metrics)
        if "topOccurrences" in metrics:
            prop_type = _object_type(class_type.fields[name].type) if class_type else None
            args = _arguments(prop_type, "topOccurrences", metrics["topOccurrences"][0], info)
            if args.get("limit") is not None:
                limits[name] = int(args["limit"])
    meta_count = "count" in sub_fields(selected.get("meta", []), fragments)
    return AggregateWants(fields=fields, top_occurrences_limit=limits, meta_count=meta_count)
