"""The embedded transport: the client's operations as direct calls on a Database in this process."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

from modules.base import ModuleError
from vectordb.client.errors import VectordbError
from vectordb.client.transport import Transport
from vectordb.errors import UserError
from vectordb.query.request import AggregateRequest, SearchRequest, SearchResult

if TYPE_CHECKING:
    from vectordb.database import Database

T = TypeVar("T")


def _call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a Database call, turning its user-facing errors into the VectordbError the HTTP client raises."""
    try:
        return fn(*args, **kwargs)
    except UserError as exc:
        raise VectordbError(exc.message, exc.status) from exc
    except ModuleError as exc:
        raise VectordbError(exc.message, exc.status if 400 <= exc.status < 600 else 500) from exc


def _is_reference(prop: Mapping[str, Any]) -> bool:
    data_type = prop.get("dataType") or []
    return bool(data_type) and data_type[0][:1].isupper()


class EmbeddedTransport(Transport):
    def __init__(
        self, db: Database, *, owns_db: bool = True, headers: Mapping[str, str] | None = None
    ) -> None:
        self.db = db
        self.owns_db = owns_db
        # what an HTTP client sends as X- headers: module secrets and settings (X-Openai-Api-Key, ...)
        self.headers = dict(headers or {})
        self._closed = False

    # schema ----------------------------------------------------------------------------------------
    def schema(self) -> list[dict[str, Any]]:
        return _call(self.db.schema)

    def class_def(self, name: str) -> dict[str, Any]:
        return _call(lambda: self.db.collection(name).class_def)

    def has_class(self, name: str) -> bool:
        return self.db.has_collection(name)

    def create_class(self, body: Mapping[str, Any]) -> dict[str, Any]:
        return _call(self.db.create_collection, dict(body))

    def update_class(self, name: str, body: Mapping[str, Any]) -> dict[str, Any]:
        return _call(self.db.update_collection, name, dict(body))

    def delete_class(self, name: str) -> None:
        _call(self.db.delete_collection, name)

    def add_property(self, name: str, prop: Mapping[str, Any]) -> dict[str, Any]:
        return _call(self.db.add_property, name, dict(prop))

    # objects ---------------------------------------------------------------------------------------
    def insert_object(self, body: Mapping[str, Any]) -> dict[str, Any]:
        return _call(self.db.insert_object, dict(body), self.headers)

    def get_object(self, name: str, object_id: str, include_vector: bool) -> dict[str, Any] | None:
        return _call(self.db.get_object, name, object_id, include_vector=include_vector)

    def replace_object(self, name: str, object_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        return _call(self.db.replace_object, name, object_id, dict(body), self.headers)

    def merge_object(self, name: str, object_id: str, body: Mapping[str, Any]) -> None:
        _call(self.db.merge_object, name, object_id, dict(body), self.headers)

    def delete_object(self, name: str, object_id: str) -> bool:
        return _call(self.db.delete_object, name, object_id)

    def batch_objects(self, bodies: list[dict[str, Any]]) -> list[str | None]:
        results = _call(self.db.batch_objects, bodies, self.headers)
        return [entry.get("error") or None for entry in results]

    def batch_delete(
        self, name: str, where: Mapping[str, Any], *, dry_run: bool, verbose: bool
    ) -> dict[str, Any]:
        return _call(self.db.batch_delete, name, dict(where), dry_run=dry_run, verbose=verbose)

    def reference_add(self, name: str, object_id: str, prop: str, beacon: str) -> None:
        _call(self.db.reference_add, name, object_id, prop, {"beacon": beacon})

    # queries ---------------------------------------------------------------------------------------
    def search(self, request: SearchRequest, metadata: set[str]) -> list[SearchResult]:
        # the limit GraphQL applies when none is given, so both transports page alike
        limit = self.db.settings.query_defaults_limit_graphql if request.limit is None else request.limit
        request = replace(request, limit=limit, headers={**self.headers, **request.headers})
        results = _call(self.db.search, request)
        class_def = self.class_def(request.collection)
        # A query returns data properties only, as over GraphQL; references are read with data.get.
        references = {p["name"] for p in class_def.get("properties") or [] if _is_reference(p)}
        if references:
            for result in _walk(results):
                result.properties = {k: v for k, v in result.properties.items() if k not in references}
        return results

    def aggregate(self, request: AggregateRequest) -> list[dict[str, Any]]:
        return _call(self.db.aggregate, replace(request, headers={**self.headers, **request.headers}))

    # server ----------------------------------------------------------------------------------------
    def meta(self) -> dict[str, Any]:
        # In process nothing listens: the data directory is where this database lives.
        return self.db.meta(self.db.settings.data_path.resolve().as_uri())

    def is_ready(self) -> bool:
        return bool(self.db.ready) and not self._closed

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self.owns_db:
            self.db.close()


def _walk(results: list[SearchResult]) -> list[SearchResult]:
    """Every result, including the members of groups."""
    out = []
    for result in results:
        out.append(result)
        for hit in (result.group or {}).get("hits") or []:
            if hit is not result:
                out.append(hit)
    return out
