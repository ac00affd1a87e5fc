"""Field resolvers: Get and Aggregate class fields call the Database; reference fields fetch their targets.

A failing class field becomes a GraphQL error (HTTP 200) and that field is null; the rest of the query still
runs, as in Weaviate.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graphql import GraphQLError, GraphQLResolveInfo

from modules.base import ModuleError
from vectordb.api.errors import internal_error_message
from vectordb.api.graphql import arguments, render
from vectordb.api.graphql.selection import aggregate_wants, get_wants, sub_fields
from vectordb.errors import UserError
from vectordb.references import parse_beacon

if TYPE_CHECKING:
    from vectordb.database import Database

log = logging.getLogger(__name__)

Resolver = Callable[..., Any]


@dataclass
class Context:
    """Per request: the database, the module headers, and the referenced objects fetched so far."""

    db: Database
    headers: dict[str, str] = field(default_factory=dict)
    fetched: dict[tuple[str, str, bool], dict[str, Any] | None] = field(default_factory=dict)


def graphql_error(exc: Exception) -> GraphQLError:
    """The GraphQL error for an exception from the core: its message when it is the user's to fix."""
    if isinstance(exc, GraphQLError):
        return exc
    if isinstance(exc, UserError | ModuleError):
        return GraphQLError(exc.message, original_error=exc)
    if isinstance(exc, ValueError):
        return GraphQLError(str(exc), original_error=exc)
    return GraphQLError(internal_error_message(exc), original_error=exc)


def get_resolver(class_name: str) -> Resolver:
    def resolve(_root: Any, info: GraphQLResolveInfo, **args: Any) -> list[dict[str, Any]]:
        ctx: Context = info.context
        try:
            request = arguments.search_request(
                class_name, args, get_wants(info), ctx.db.settings.query_defaults_limit_graphql, ctx.headers
            )
            results = ctx.db.search(request)
        except Exception as exc:
            raise graphql_error(exc) from exc
        return [render.result_output(result) for result in results]

    return resolve


def aggregate_resolver(class_name: str) -> Resolver:
    def resolve(_root: Any, info: GraphQLResolveInfo, **args: Any) -> list[dict[str, Any]]:
        ctx: Context = info.context
        try:
            request = arguments.aggregate_request(class_name, args, aggregate_wants(info), ctx.headers)
            return ctx.db.aggregate(request)
        except Exception as exc:
            raise graphql_error(exc) from exc

    return resolve


def _wants_vector(info: GraphQLResolveInfo) -> bool:
    selected = sub_fields(info.field_nodes, info.fragments)
    additional = sub_fields(selected.get("_additional", []), info.fragments)
    return "vector" in additional or "vectors" in additional


def _fetch(ctx: Context, class_name: str, object_id: str, with_vector: bool) -> dict[str, Any] | None:
    key = (class_name, object_id, with_vector)
    if key not in ctx.fetched:
        try:
            found = ctx.db.get_object(class_name, object_id, include_vector=with_vector)
        except UserError:  # the target class is gone
            found = None
        ctx.fetched[key] = None if found is None else render.object_output(found)
    return ctx.fetched[key]


def reference_resolver(prop_name: str, targets: Iterable[str]) -> Resolver:
    """Resolve a cross-reference property: each beacon's object, when it (still) exists."""
    members = list(targets)

    def resolve(parent: Any, info: GraphQLResolveInfo) -> list[dict[str, Any]] | None:
        refs = parent.get(prop_name) if isinstance(parent, dict) else None
        if refs is None:
            return None
        ctx: Context = info.context
        with_vector = _wants_vector(info)
        out = []
        for ref in refs if isinstance(refs, list) else [refs]:
            try:
                cls, object_id, _ = parse_beacon(ref.get("beacon") if isinstance(ref, dict) else None)
            except UserError:
                log.debug("skipping malformed reference %r in %s", ref, prop_name)
                continue
            for candidate in [cls] if cls else members:
                if candidate not in members:
                    continue
                target = _fetch(ctx, candidate, object_id, with_vector)
                if target is not None:
                    out.append(target)
                    break
        return out

    return resolve


def resolve_member_type(value: Any, _info: GraphQLResolveInfo, _type: Any) -> str | None:
    return value.get(render.CLASS_KEY) if isinstance(value, dict) else None
