"""client.collections: create, look up, list and delete collections; a Collection bundles their APIs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from vectordb.client.aggregate import Aggregate
from vectordb.client.config import Config
from vectordb.client.data import Data
from vectordb.client.generate import Generate
from vectordb.client.query import Query
from vectordb.client.schema_types import NamedVector, PropertyLike, property_dict, vector_config_dict
from vectordb.client.transport import Transport


def capitalize(name: str) -> str:
    if not isinstance(name, str) or not name:
        raise ValueError(f"a collection name must be a non-empty string, not {name!r}")
    return name[:1].upper() + name[1:]


class Collection:
    """A handle on one collection: `.config`, `.data`, `.query`, `.generate`, `.aggregate`."""

    def __init__(self, transport: Transport, name: str) -> None:
        self.name = capitalize(name)
        self.config = Config(transport, self.name)
        self.data = Data(transport, self.name)
        self.query = Query(transport, self.name)
        self.generate = Generate(transport, self.name)
        self.aggregate = Aggregate(transport, self.name)
        self._t = transport

    def exists(self) -> bool:
        return self._t.has_class(self.name)

    def __len__(self) -> int:
        return int(self.aggregate.over_all(total_count=True).total_count or 0)

    def __repr__(self) -> str:
        return f"Collection({self.name!r})"


class Collections:
    def __init__(self, transport: Transport) -> None:
        self._t = transport

    def create(
        self,
        name: str,
        *,
        properties: Sequence[PropertyLike] | None = None,
        vectorizer: str | None = None,
        module_config: Mapping[str, Any] | None = None,
        vector_index_config: Mapping[str, Any] | None = None,
        vector_index_type: str = "hnsw",
        vector_config: Mapping[str, Any] | Sequence[NamedVector] | NamedVector | None = None,
        inverted_index_config: Mapping[str, Any] | None = None,
        description: str | None = None,
    ) -> Collection:
        """Create a collection. With `vector_config` it has named vectors; else one vector per object,
        made by `vectorizer` ("none" for vectors you bring; None for the server's default)."""
        body: dict[str, Any] = {"class": capitalize(name)}
        if description is not None:
            body["description"] = description
        vectorizers: list[str] = []
        if vector_config is not None:
            if vectorizer is not None or vector_index_config is not None:
                raise ValueError("with vector_config, set vectorizer and index settings per named vector")
            body["vectorConfig"] = vector_config_dict(vector_config)
            for cfg in body["vectorConfig"].values():
                vectorizers.extend((cfg.get("vectorizer") or {}).keys())
        else:
            if vectorizer is not None:
                body["vectorizer"] = vectorizer
                vectorizers.append(vectorizer)
            body["vectorIndexType"] = vector_index_type
            if vector_index_config is not None:
                body["vectorIndexConfig"] = dict(vector_index_config)
        if module_config is not None:
            body["moduleConfig"] = dict(module_config)
        if inverted_index_config is not None:
            body["invertedIndexConfig"] = dict(inverted_index_config)
        body["properties"] = [property_dict(p, vectorizers) for p in properties or []]
        return self.create_from_dict(body)

    def create_from_dict(self, class_json: Mapping[str, Any]) -> Collection:
        """Create a collection from Weaviate class JSON as is."""
        created = self._t.create_class(dict(class_json))
        return Collection(self._t, created.get("class") or class_json.get("class", ""))

    def get(self, name: str) -> Collection:
        """A handle on a collection; does not check that it exists (see exists)."""
        return Collection(self._t, name)

    def exists(self, name: str) -> bool:
        return self._t.has_class(capitalize(name))

    def list_all(self) -> dict[str, dict[str, Any]]:
        return {c["class"]: c for c in self._t.schema()}

    def delete(self, name: str | Sequence[str]) -> None:
        """Delete one or more collections and all their objects; a missing collection is no error."""
        for n in [name] if isinstance(name, str) else list(name):
            self._t.delete_class(capitalize(n))

    def delete_all(self) -> None:
        for name in list(self.list_all()):
            self._t.delete_class(name)
