"""What every route shares: the error shape and links."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Model(BaseModel):
    """Weaviate's camelCase field names; a field a client leaves out is simply absent."""

    model_config = ConfigDict(populate_by_name=True, extra="allow")


class ErrorItem(Model):
    message: str = Field(description="what is wrong, naming the field at fault")


class ErrorResponse(Model):
    """Every 4xx and 5xx answer with a body."""

    error: list[ErrorItem]


class Link(Model):
    href: str | None = None
    rel: str | None = None
    name: str | None = None
    documentationHref: str | None = None


class LinksResponse(Model):
    links: list[Link]


class RootResponse(Model):
    """The body of `GET /`'s redirect to /v1."""

    links: Link
