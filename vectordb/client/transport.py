"""The operations a transport carries. Everything above it (collections, data, query) is shared code.

Inputs and outputs are the server's JSON forms (class JSON, object JSON, WhereFilter JSON) and the query
dataclasses of vectordb.query.request, so both transports hand back the same shapes.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any

from vectordb.query.request import AggregateRequest, SearchRequest, SearchResult


class Transport(ABC):
    # schema ----------------------------------------------------------------------------------------
    @abstractmethod
    def schema(self) -> list[dict[str, Any]]: ...

    @abstractmethod
    def class_def(self, name: str) -> dict[str, Any]:
        """The class JSON; VectordbError 404 when there is no such collection."""

    @abstractmethod
    def has_class(self, name: str) -> bool: ...

    @abstractmethod
    def create_class(self, body: Mapping[str, Any]) -> dict[str, Any]: ...

    @abstractmethod
    def update_class(self, name: str, body: Mapping[str, Any]) -> dict[str, Any]: ...

    @abstractmethod
    def delete_class(self, name: str) -> None: ...

    @abstractmethod
    def add_property(self, name: str, prop: Mapping[str, Any]) -> dict[str, Any]: ...

    # objects ---------------------------------------------------------------------------------------
    @abstractmethod
    def insert_object(self, body: Mapping[str, Any]) -> dict[str, Any]: ...

    @abstractmethod
    def get_object(self, name: str, object_id: str, include_vector: bool) -> dict[str, Any] | None: ...

    @abstractmethod
    def replace_object(self, name: str, object_id: str, body: Mapping[str, Any]) -> dict[str, Any]: ...

    @abstractmethod
    def merge_object(self, name: str, object_id: str, body: Mapping[str, Any]) -> None: ...

    @abstractmethod
    def delete_object(self, name: str, object_id: str) -> bool: ...

    @abstractmethod
    def batch_objects(self, bodies: list[dict[str, Any]]) -> list[str | None]:
        """Upsert many objects; one error message (or None for success) per body, in order."""

    @abstractmethod
    def batch_delete(
        self, name: str, where: Mapping[str, Any], *, dry_run: bool, verbose: bool
    ) -> dict[str, Any]:
        """The `results` part of Weaviate's batch delete answer: matches, successful, failed, objects."""

    @abstractmethod
    def reference_add(self, name: str, object_id: str, prop: str, beacon: str) -> None: ...

    # queries ---------------------------------------------------------------------------------------
    @abstractmethod
    def search(self, request: SearchRequest, metadata: set[str]) -> list[SearchResult]:
        """Run a Get. `metadata` names what the caller will read (distance, score, ...), so a transport
        may skip fetching the rest."""

    @abstractmethod
    def aggregate(self, request: AggregateRequest) -> list[dict[str, Any]]:
        """One dict per group (one in all without groupBy), in GraphQL's Aggregate shape."""

    # server ----------------------------------------------------------------------------------------
    @abstractmethod
    def meta(self) -> dict[str, Any]: ...

    @abstractmethod
    def is_ready(self) -> bool: ...

    @abstractmethod
    def close(self) -> None: ...
