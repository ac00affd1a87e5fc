"""Data objects, references, and where filters."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from pydantic import Field

from vectordb.api.models.common import Model

Vector = list[float]


class Object(Model):
    """One data object. Sent to create, replace or merge one; answered with its id and times filled in."""

    class_: str | None = Field(None, alias="class", min_length=1,
                               description="its collection (required to create one)")
    id: UUID | None = Field(None, description="its UUID; a new one is made when left out")
    properties: dict[str, Any] | None = Field(
        None, description="property name to value; references are lists of {\"beacon\": ...}")
    vector: Vector | None = Field(None, description="its vector, when the collection has no vectorizer")
    vectors: dict[str, Vector | list[Vector]] | None = Field(None, description="named vectors, by name")
    tenant: str | None = None
    creationTimeUnix: int | None = Field(None, description="milliseconds since the epoch, set by the server")
    lastUpdateTimeUnix: int | None = Field(None, description="milliseconds since the epoch, set by the server")
    additional: dict[str, Any] | None = Field(None, description="?include= extras (classification, ...)")


class Deprecation(Model):
    id: str | None = None
    status: str | None = None
    msg: str | None = None


class ObjectsListResponse(Model):
    objects: list[Object]
    totalResults: int
    deprecations: list[Deprecation] | None = None


class SingleRef(Model):
    """A reference to one object."""

    beacon: str | None = Field(None, description="weaviate://localhost/<Class>/<uuid> (the class may be left out)")
    href: str | None = None
    class_: str | None = Field(None, alias="class")
    schema_: dict[str, Any] | None = Field(None, alias="schema")


class WhereFilter(Model):
    """A filter: an operator over operands, or over one property path and one value."""

    operator: str = Field(description="And, Or, Not, Equal, NotEqual, GreaterThan, GreaterThanEqual, LessThan, "
                                      "LessThanEqual, Like, WithinGeoRange, IsNull, ContainsAny, ContainsAll, "
                                      "ContainsNone")
    operands: list[WhereFilter] | None = None
    path: list[str] | None = None
    valueInt: int | None = None
    valueNumber: float | None = None
    valueBoolean: bool | None = None
    valueString: str | None = None
    valueText: str | None = None
    valueDate: str | None = None
    valueIntArray: list[int] | None = None
    valueNumberArray: list[float] | None = None
    valueBooleanArray: list[bool] | None = None
    valueStringArray: list[str] | None = None
    valueTextArray: list[str] | None = None
    valueDateArray: list[str] | None = None
    valueGeoRange: dict[str, Any] | None = Field(
        None, description='{"geoCoordinates": {"latitude": .., "longitude": ..}, "distance": {"max": ..}}')
