"""Typed helpers for collection definitions; each turns into the class JSON the server takes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class DataType(StrEnum):
    TEXT = "text"
    TEXT_ARRAY = "text[]"
    INT = "int"
    INT_ARRAY = "int[]"
    NUMBER = "number"
    NUMBER_ARRAY = "number[]"
    BOOL = "boolean"
    BOOL_ARRAY = "boolean[]"
    DATE = "date"
    DATE_ARRAY = "date[]"
    UUID = "uuid"
    UUID_ARRAY = "uuid[]"
    GEO_COORDINATES = "geoCoordinates"
    PHONE_NUMBER = "phoneNumber"
    BLOB = "blob"
    OBJECT = "object"
    OBJECT_ARRAY = "object[]"


@dataclass
class Property:
    """A data property; `skip_vectorization` / `vectorize_property_name` go to the vectorizer moduleConfig."""

    name: str
    data_type: DataType | str
    description: str | None = None
    tokenization: str | None = None
    index_filterable: bool | None = None
    index_searchable: bool | None = None
    index_range_filters: bool | None = None
    skip_vectorization: bool | None = None
    vectorize_property_name: bool | None = None
    nested_properties: list[Property] | None = None

    def to_dict(self, vectorizers: Sequence[str] = ()) -> dict[str, Any]:
        data_type = self.data_type.value if isinstance(self.data_type, DataType) else str(self.data_type)
        out: dict[str, Any] = {"name": self.name, "dataType": [data_type]}
        optional = {
            "description": self.description,
            "tokenization": self.tokenization,
            "indexFilterable": self.index_filterable,
            "indexSearchable": self.index_searchable,
            "indexRangeFilters": self.index_range_filters,
        }
        out.update({k: v for k, v in optional.items() if v is not None})
        if self.nested_properties:
            out["nestedProperties"] = [p.to_dict() for p in self.nested_properties]
        module_settings = {
            k: v
            for k, v in (
                ("skip", self.skip_vectorization),
                ("vectorizePropertyName", self.vectorize_property_name),
            )
            if v is not None
        }
        modules = [m for m in vectorizers if m and m != "none"]
        if module_settings and modules:
            out["moduleConfig"] = {m: dict(module_settings) for m in modules}
        return out


@dataclass
class ReferenceProperty:
    """A cross-reference property pointing to one or more collections."""

    name: str
    target_collection: str | Sequence[str]
    description: str | None = None

    def to_dict(self, vectorizers: Sequence[str] = ()) -> dict[str, Any]:
        targets = (
            [self.target_collection]
            if isinstance(self.target_collection, str)
            else list(self.target_collection)
        )
        out: dict[str, Any] = {"name": self.name, "dataType": [t[:1].upper() + t[1:] for t in targets]}
        if self.description is not None:
            out["description"] = self.description
        return out


@dataclass
class NamedVector:
    """One entry of `vectorConfig`: a named vector with its own vectorizer and index."""

    name: str
    vectorizer: str = "none"
    module_config: Mapping[str, Any] = field(default_factory=dict)
    vector_index_type: str = "hnsw"
    vector_index_config: Mapping[str, Any] | None = None
    source_properties: Sequence[str] | None = None

    def to_dict(self) -> dict[str, Any]:
        settings = dict(self.module_config)
        if self.source_properties is not None:
            settings["properties"] = list(self.source_properties)
        out: dict[str, Any] = {
            "vectorizer": {self.vectorizer: settings},
            "vectorIndexType": self.vector_index_type,
        }
        if self.vector_index_config is not None:
            out["vectorIndexConfig"] = dict(self.vector_index_config)
        return out


PropertyLike = Property | ReferenceProperty | Mapping[str, Any]


def property_dict(prop: PropertyLike, vectorizers: Sequence[str] = ()) -> dict[str, Any]:
    if isinstance(prop, Property | ReferenceProperty):
        return prop.to_dict(vectorizers)
    if isinstance(prop, Mapping):
        return dict(prop)
    raise TypeError(f"a property must be a Property, ReferenceProperty or dict, not {type(prop).__name__}")


def vector_config_dict(
    vector_config: Mapping[str, Any] | Sequence[NamedVector] | NamedVector,
) -> dict[str, Any]:
    if isinstance(vector_config, NamedVector):
        vector_config = [vector_config]
    if isinstance(vector_config, Mapping):
        return {
            name: (cfg.to_dict() if isinstance(cfg, NamedVector) else dict(cfg))
            for name, cfg in vector_config.items()
        }
    return {nv.name: nv.to_dict() for nv in vector_config}


def vectorizer_names(class_def: Mapping[str, Any]) -> list[str]:
    """The vectorizer modules a class uses: the class vectorizer and those of its named vectors."""
    names = []
    if class_def.get("vectorizer"):
        names.append(str(class_def["vectorizer"]))
    for cfg in (class_def.get("vectorConfig") or {}).values():
        names.extend((cfg.get("vectorizer") or {}).keys())
    return names
