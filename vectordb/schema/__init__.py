"""Collections and their properties: Weaviate's class JSON with every default filled, property value
validation, auto-schema inference and the rules for updating a class.

The stored class JSON is exactly what GET /v1/schema/{class} returns.
"""

from vectordb.schema._common import MAX_NESTING_DEPTH, lower_first, nesting_depth
from vectordb.schema.autoschema import guess_data_type, infer_property
from vectordb.schema.classes import (
    ModuleCatalog,
    add_property,
    class_vectorizers,
    merge_properties,
    normalize_class,
    property_defaults,
    vector_config,
    vector_names,
)
from vectordb.schema.formats import make_ref, normalize_date, parse_beacon, parse_date, parse_uuid
from vectordb.schema.properties import PRIMITIVE_TYPES, data_type, find_property, is_reference
from vectordb.schema.update import update_class
from vectordb.schema.values import coerce_value, validate_properties

__all__ = [
    "MAX_NESTING_DEPTH",
    "PRIMITIVE_TYPES",
    "ModuleCatalog",
    "add_property",
    "class_vectorizers",
    "coerce_value",
    "data_type",
    "find_property",
    "guess_data_type",
    "infer_property",
    "is_reference",
    "lower_first",
    "make_ref",
    "merge_properties",
    "nesting_depth",
    "normalize_class",
    "normalize_date",
    "parse_beacon",
    "parse_date",
    "parse_uuid",
    "property_defaults",
    "update_class",
    "validate_properties",
    "vector_config",
    "vector_names",
]
