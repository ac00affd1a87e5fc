"""What a search asks for and what it gets back: the one shape GraphQL, REST and the client share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class SearchRequest:
    """A Get query on one collection. Search operator dicts use Weaviate's GraphQL argument names."""

    collection: str
    limit: int | None = None
    offset: int = 0
    after: str | None = None
    autocut: int | None = None
    where: dict[str, Any] | None = None  # REST WhereFilter JSON (operator, operands, path, valueX)
    sort: list[dict[str, Any]] = field(default_factory=list)  # [{"path": [...], "order": "asc"|"desc"}]
    near_vector: dict[str, Any] | None = None  # {vector, certainty, distance, targetVectors}
    near_object: dict[str, Any] | None = None  # {id, beacon, certainty, distance, targetVectors}
    near_text: dict[str, Any] | None = None  # {concepts, certainty, distance, moveTo, moveAwayFrom, targetVectors}
    # {query, properties, searchOperator}; on a shard also `corpus`, the whole collection's statistics
    bm25: dict[str, Any] | None = None
    # {query, alpha, vector, properties, fusionType, maxVectorDistance, targetVectors}
    hybrid: dict[str, Any] | None = None
    group_by: dict[str, Any] | None = None  # {path, groups, objectsPerGroup}
    tenant: str | None = None
    include_vector: bool | list[str] = False  # True: every vector; a list: those named vectors
    rerank: dict[str, Any] | None = None  # {property, query}
    generate: dict[str, Any] | None = None  # {singleResult: {prompt}, groupedResult: {task, properties}}
    headers: dict[str, str] = field(default_factory=dict)  # per-request module secrets
    consistency_level: str | None = None  # ONE | QUORUM | ALL: replicas asked on a sharded collection


@dataclass(slots=True)
class SearchResult:
    id: str
    collection: str
    properties: dict[str, Any]
    creation_time_unix: int
    last_update_time_unix: int
    vector: list[float] | None = None
    vectors: dict[str, list[float]] | None = None
    distance: float | None = None
    certainty: float | None = None
    score: float | None = None
    explain_score: str | None = None
    rerank_score: float | None = None
    generate: dict[str, Any] | None = None
    group: dict[str, Any] | None = None  # {id, groupedBy: {path, value}, count, maxDistance, minDistance, hits}


@dataclass
class AggregateRequest:
    collection: str
    fields: dict[str, list[str]]  # property -> requested metrics (count, sum, mean, topOccurrences, ...)
    meta_count: bool = True
    where: dict[str, Any] | None = None
    group_by: list[str] | None = None
    limit: int | None = None  # number of groups
    object_limit: int | None = None
    near_vector: dict[str, Any] | None = None
    near_object: dict[str, Any] | None = None
    near_text: dict[str, Any] | None = None
    hybrid: dict[str, Any] | None = None
    tenant: str | None = None
    top_occurrences_limit: dict[str, int] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
