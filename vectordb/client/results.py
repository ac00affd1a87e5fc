"""What client calls return: objects with their metadata, query and batch results, aggregations."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Metadata:
    """Search metadata; a field is None when the search does not produce it or it was not asked for."""

    distance: float | None = None
    certainty: float | None = None
    score: float | None = None
    explain_score: str | None = None
    creation_time: dt.datetime | None = None
    update_time: dt.datetime | None = None
    rerank_score: float | None = None  # with collection.generate's rerank


@dataclass
class Object:
    """One stored object. `vectors` maps vector name to vector ("default" for the single vector)."""

    uuid: str
    collection: str
    properties: dict[str, Any]
    vectors: dict[str, list[float]] = field(default_factory=dict)
    metadata: Metadata = field(default_factory=Metadata)

    @property
    def vector(self) -> list[float] | None:
        """The "default" vector, or the only named vector; None when no vector was returned."""
        if "default" in self.vectors:
            return self.vectors["default"]
        if len(self.vectors) == 1:
            return next(iter(self.vectors.values()))
        return None

    @property
    def creation_time(self) -> dt.datetime | None:
        return self.metadata.creation_time

    @property
    def update_time(self) -> dt.datetime | None:
        return self.metadata.update_time


@dataclass
class Group:
    """One group of a group_by query: objects sharing `value` of the grouped property."""

    name: str
    value: str
    min_distance: float | None
    max_distance: float | None
    number_of_objects: int
    objects: list[Object]
    generated: str | None = None  # collection.generate's single prompt, on the group


@dataclass
class QueryReturn:
    objects: list[Object]
    groups: dict[str, Group] | None = None


@dataclass
class BatchResult:
    """insert_many: `uuids` of the stored objects and `errors` of the refused ones, both by input index."""

    uuids: dict[int, str] = field(default_factory=dict)
    errors: dict[int, str] = field(default_factory=dict)
    elapsed: float = 0.0

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)


@dataclass
class AggregateGroup:
    grouped_by_property: str
    grouped_by_value: Any
    total_count: int | None
    properties: dict[str, dict[str, Any]]


@dataclass
class AggregateReturn:
    """`properties` maps property -> {metric: value}, metrics in snake_case (mean, top_occurrences...)."""

    total_count: int | None
    properties: dict[str, dict[str, Any]] = field(default_factory=dict)
    groups: list[AggregateGroup] | None = None
