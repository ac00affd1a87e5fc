"""/v1/batch: many objects, delete by filter, many references."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from vectordb.api.models.common import ErrorResponse, Model
from vectordb.api.models.objects import Object, WhereFilter


class BatchObjects(Model):
    objects: list[Object] = Field(min_length=1)
    fields: list[str] | None = None


class BatchResult(Model):
    status: Literal["SUCCESS", "FAILED"]
    errors: ErrorResponse | None = None


class ObjectsGetResponse(Object):
    """One object of a batch as sent (without its vectors), with its id and its own result."""

    result: BatchResult


class BatchDeleteMatch(Model):
    class_: str = Field(alias="class", min_length=1)
    where: WhereFilter


class BatchDelete(Model):
    match: BatchDeleteMatch
    output: Literal["minimal", "verbose"] | None = None
    dryRun: bool | None = None
    deletionTimeUnixMilli: int | None = None


class BatchDeleteObject(Model):
    id: str
    status: Literal["SUCCESS", "DRYRUN", "FAILED"]
    errors: ErrorResponse | None = None


class BatchDeleteResults(Model):
    matches: int
    limit: int
    successful: int
    failed: int
    objects: list[BatchDeleteObject] | None = None


class BatchDeleteResponse(Model):
    match: BatchDeleteMatch
    output: str
    dryRun: bool
    deletionTimeUnixMilli: int | None = None
    results: BatchDeleteResults


class BatchReference(Model):
    from_: str = Field(alias="from", description="weaviate://localhost/<Class>/<uuid>/<referenceProperty>")
    to: str = Field(description="weaviate://localhost/<Class>/<uuid> (the class may be left out)")
    tenant: str | None = None


class BatchReferenceResponse(BatchReference):
    result: BatchResult
