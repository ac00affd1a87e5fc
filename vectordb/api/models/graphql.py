"""/v1/graphql."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from vectordb.api.models.common import Model


class GraphQLQuery(Model):
    query: str = Field(min_length=1, description="{ Get { Article(limit: 2) { title } } }")
    operationName: str | None = None
    variables: dict[str, Any] | None = None


class GraphQLError(Model):
    message: str
    locations: list[dict[str, int]] | None = None
    path: list[str | int] | None = None


class GraphQLResponse(Model):
    """Query errors come back with status 200 in `errors`."""

    data: dict[str, Any] | None = None
    errors: list[GraphQLError] | None = None
