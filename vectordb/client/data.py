"""collection.data: insert, read, update, replace, delete objects; insert_many in batches."""

from __future__ import annotations

import time
import uuid as uuidlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from vectordb.client.encode import as_uuid, json_properties, ms_to_datetime, object_vectors
from vectordb.client.filters import FilterLike, where_dict
from vectordb.client.inputs import DataObject
from vectordb.client.results import BatchResult, Metadata, Object
from vectordb.client.transport import Transport

DEFAULT_BATCH_SIZE = 1000
_WRAPPER_KEYS = {"properties", "uuid", "vector"}


def object_from_json(body: Mapping[str, Any]) -> Object:
    """An Object from Weaviate's REST object JSON."""
    vectors: dict[str, list[float]] = {}
    if body.get("vector") is not None:
        vectors["default"] = list(body["vector"])
    for name, vector in (body.get("vectors") or {}).items():
        vectors[name] = list(vector)
    return Object(
        uuid=str(body["id"]),
        collection=str(body.get("class", "")),
        properties=dict(body.get("properties") or {}),
        vectors=vectors,
        metadata=Metadata(
            creation_time=ms_to_datetime(body.get("creationTimeUnix")),
            update_time=ms_to_datetime(body.get("lastUpdateTimeUnix")),
        ),
    )


def object_body(
    collection: str, properties: Mapping[str, Any] | None, uuid: str | uuidlib.UUID | None, vector: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {"class": collection, "properties": json_properties(properties)}
    if uuid is not None:
        body["id"] = as_uuid(uuid)
    single, named = object_vectors(vector)
    if single is not None:
        body["vector"] = single
    if named is not None:
        body["vectors"] = named
    return body


def _unpack(item: Any) -> tuple[Mapping[str, Any] | None, Any, Any]:
    """(properties, uuid, vector) of one insert_many item."""
    if isinstance(item, DataObject):
        return item.properties, item.uuid, item.vector
    if not isinstance(item, Mapping):
        raise TypeError(f"each object must be a dict or a DataObject, not {type(item).__name__}")
    # {"properties": ..., "uuid": ..., "vector": ...} wraps an object; any other dict is the properties.
    if "properties" in item and set(item) <= _WRAPPER_KEYS and isinstance(item["properties"], Mapping | None):
        return item.get("properties"), item.get("uuid"), item.get("vector")
    return item, None, None


class Data:
    def __init__(self, transport: Transport, name: str) -> None:
        self._t = transport
        self.name = name

    def insert(
        self,
        properties: Mapping[str, Any] | None = None,
        uuid: str | uuidlib.UUID | None = None,
        vector: Any = None,
    ) -> str:
        """Store one object (a vector list, or {name: vector} for named vectors); returns its uuid."""
        body = object_body(self.name, properties, uuid if uuid is not None else uuidlib.uuid4(), vector)
        return str(self._t.insert_object(body)["id"])

    def insert_many(
        self,
        objects: Iterable[DataObject | Mapping[str, Any]],
        batch_size: int = DEFAULT_BATCH_SIZE,
        progress: bool = False,
    ) -> BatchResult:
        """Store many objects in batches; a refused object fails alone, its error kept by input index.

        `progress=True` draws a progress bar on the terminal (objects done of the total, time left)."""
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        started = time.perf_counter()
        items = list(objects)
        bodies = []
        for item in items:
            properties, uuid, vector = _unpack(item)
            bodies.append(
                object_body(self.name, properties, uuid if uuid is not None else uuidlib.uuid4(), vector)
            )
        result = BatchResult()
        bar = _ProgressBar(len(bodies), f"inserting into {self.name}") if progress else None
        try:
            for start in range(0, len(bodies), batch_size):
                chunk = bodies[start : start + batch_size]
                for offset, error in enumerate(self._t.batch_objects(chunk)):
                    index = start + offset
                    if error:
                        result.errors[index] = error
                    else:
                        result.uuids[index] = chunk[offset]["id"]
                if bar is not None:
                    bar.advance(len(chunk))
        finally:
            if bar is not None:
                bar.close()
        result.elapsed = time.perf_counter() - started
        return result

    def get(self, uuid: str | uuidlib.UUID, include_vector: bool = False) -> Object | None:
        found = self._t.get_object(self.name, as_uuid(uuid), include_vector)
        return None if found is None else object_from_json(found)

    def exists(self, uuid: str | uuidlib.UUID) -> bool:
        return self._t.get_object(self.name, as_uuid(uuid), False) is not None

    def update(
        self, uuid: str | uuidlib.UUID, properties: Mapping[str, Any] | None = None, vector: Any = None
    ) -> None:
        """Merge the given properties into the stored object (PATCH); the others keep their values."""
        object_id = as_uuid(uuid)
        self._t.merge_object(self.name, object_id, object_body(self.name, properties, object_id, vector))

    def replace(
        self, uuid: str | uuidlib.UUID, properties: Mapping[str, Any] | None = None, vector: Any = None
    ) -> None:
        """Replace the stored object's properties entirely (PUT)."""
        object_id = as_uuid(uuid)
        self._t.replace_object(self.name, object_id, object_body(self.name, properties, object_id, vector))

    def delete(self, uuid: str | uuidlib.UUID) -> bool:
        """True when an object was deleted, False when there was none with this uuid."""
        return self._t.delete_object(self.name, as_uuid(uuid))

    def delete_many(
        self, where: FilterLike, *, dry_run: bool = False, verbose: bool = False
    ) -> dict[str, Any]:
        """Delete every object matching the filter: {"matches", "successful", "failed", ...}."""
        filters = where_dict(where)
        if filters is None:
            raise ValueError("delete_many needs a filter; use collections.delete to drop everything")
        return self._t.batch_delete(self.name, filters, dry_run=dry_run, verbose=verbose)

    def reference_add(
        self,
        from_uuid: str | uuidlib.UUID,
        from_property: str,
        to: str | uuidlib.UUID | Sequence[str | uuidlib.UUID],
        to_collection: str | None = None,
    ) -> None:
        """Add references from one object's reference property to one or more objects."""
        targets = [to] if isinstance(to, str | uuidlib.UUID) else list(to)
        prefix = (
            f"weaviate://localhost/{to_collection[:1].upper() + to_collection[1:]}/"
            if to_collection
            else ("weaviate://localhost/")
        )
        for target in targets:
            self._t.reference_add(self.name, as_uuid(from_uuid), from_property, prefix + as_uuid(target))


class _ProgressBar:
    """A rich progress bar on the terminal, shown only when insert_many is asked for one."""

    def __init__(self, total: int, description: str) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self._progress = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()
        )
        self._task = self._progress.add_task(description, total=total)
        self._progress.start()

    def advance(self, n: int) -> None:
        self._progress.advance(self._task, n)

    def close(self) -> None:
        self._progress.stop()
