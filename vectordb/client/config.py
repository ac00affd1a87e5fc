"""collection.config: read the class definition, add properties, change the mutable settings."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from vectordb.client.schema_types import PropertyLike, property_dict, vector_config_dict, vectorizer_names
from vectordb.client.transport import Transport


def deep_merge(base: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """`base` with `changes` laid over it; nested dicts merge key by key."""
    out = copy.deepcopy(dict(base))
    for key, value in changes.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


class Config:
    def __init__(self, transport: Transport, name: str) -> None:
        self._t = transport
        self.name = name

    def get(self) -> dict[str, Any]:
        """The collection's class JSON with every default filled in."""
        return self._t.class_def(self.name)

    def add_property(self, prop: PropertyLike) -> dict[str, Any]:
        vectorizers = vectorizer_names(self._t.class_def(self.name)) if not isinstance(prop, Mapping) else []
        return self._t.add_property(self.name, property_dict(prop, vectorizers))

    def update(
        self,
        *,
        description: str | None = None,
        inverted_index_config: Mapping[str, Any] | None = None,
        vector_index_config: Mapping[str, Any] | None = None,
        vector_config: Mapping[str, Any] | None = None,
        module_config: Mapping[str, Any] | None = None,
        replication_config: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Change mutable settings; nested settings merge into the current ones (ef: 64 keeps the rest)."""
        changes: dict[str, Any] = {}
        if description is not None:
            changes["description"] = description
        if inverted_index_config is not None:
            changes["invertedIndexConfig"] = dict(inverted_index_config)
        if vector_index_config is not None:
            changes["vectorIndexConfig"] = dict(vector_index_config)
        if vector_config is not None:
            changes["vectorConfig"] = vector_config_dict(vector_config)
        if module_config is not None:
            changes["moduleConfig"] = dict(module_config)
        if replication_config is not None:
            changes["replicationConfig"] = dict(replication_config)
        if not changes:
            raise ValueError("nothing to update: pass at least one setting")
        return self._t.update_class(self.name, deep_merge(self._t.class_def(self.name), changes))
