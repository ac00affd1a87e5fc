"""Property values between the stored JSON form and weaviate.v1's typed messages.

Out (search results): each value is encoded by its property's schema data type as a `properties.Value`
(number arrays as packed float64, int arrays as packed int64). In (batch objects): the client's Struct plus
its typed array fields become the same JSON-like dict a REST body carries; the schema then casts it (ints
arrive as doubles) exactly as it does for REST.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
from google.protobuf import struct_pb2

from vectordb.api.grpc.pb import base_pb2, batch_pb2, properties_pb2
from vectordb.errors import UserError
from vectordb.schema.autoschema import guess_data_type

Value = properties_pb2.Value
_SCALAR_FIELDS = {
    "text": "text_value", "string": "text_value", "int": "int_value", "number": "number_value",
    "boolean": "bool_value", "date": "date_value", "uuid": "uuid_value", "blob": "blob_value",
}  # fmt: skip


def _fill_phone(out: properties_pb2.PhoneNumber, value: Mapping[str, Any]) -> None:
    out.country_code = int(value.get("countryCode") or 0)
    out.default_country = str(value.get("defaultCountry") or "")
    out.input = str(value.get("input") or "")
    out.international_formatted = str(value.get("internationalFormatted") or "")
    out.national = int(value.get("national") or 0)
    out.national_formatted = str(value.get("nationalFormatted") or "")
    out.valid = bool(value.get("valid"))


def _fill_list(out: properties_pb2.ListValue, base: str, values: list[Any], nested: list[dict[str, Any]]) -> None:
    """`values` into the ListValue kind of `base`; an empty array is that kind with no values."""
    if base == "int":
        out.int_values.values = np.asarray(values, dtype="<i8").tobytes()
        out.int_values.SetInParent()
    elif base == "number":
        out.number_values.values = np.asarray(values, dtype="<f8").tobytes()
        out.number_values.SetInParent()
    elif base == "object":
        out.object_values.SetInParent()
        for item in values:
            fill_properties(out.object_values.values.add(), item, property_types(nested), in_object=True)
    else:
        kind, items = _LIST_KINDS.get(base, "text_values"), values
        if kind == "text_values":
            items = [v if isinstance(v, str) else str(v) for v in values]
        target = getattr(out, kind)
        target.SetInParent()
        target.values.extend(items)


_LIST_KINDS = {"boolean": "bool_values", "date": "date_values", "uuid": "uuid_values"}


def fill_value(out: Value, data_type: str, raw: Any, nested: list[dict[str, Any]] | None = None) -> None:
    """One stored value into `out`, the typed Value of its schema data type ("text", "int[]", "object", ...)."""
    if raw is None:
        out.null_value = 0
        return
    field = _SCALAR_FIELDS.get(data_type)
    if field is not None:
        if field == "text_value" and not isinstance(raw, str):
            raw = str(raw)
        setattr(out, field, raw)
    elif data_type.endswith("[]"):
        _fill_list(out.list_value, data_type[:-2], list(raw), nested or [])
    elif data_type == "geoCoordinates":
        out.geo_value.longitude = float(raw.get("longitude") or 0)
        out.geo_value.latitude = float(raw.get("latitude") or 0)
    elif data_type == "phoneNumber":
        _fill_phone(out.phone_value, raw)
        out.phone_value.SetInParent()
    elif data_type == "object":
        fill_properties(out.object_value, raw, property_types(nested or []), in_object=True)
        out.object_value.SetInParent()
    else:
        out.text_value = raw if isinstance(raw, str) else str(raw)


def property_types(schema_props: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """A class's (or an object property's) schema properties by name: what `fill_properties` types by."""
    return {p["name"]: p for p in schema_props}


def fill_properties(
    out: properties_pb2.Properties, values: Mapping[str, Any], types: Mapping[str, Mapping[str, Any]],
    names: Iterable[str] | None = None, in_object: bool = False,
) -> None:
    """The non-reference `values` into `out`; `names` selects some (a missing one is null). `types`: from
    `property_types`. `in_object`: the values are an object property's, whose nested properties have no geo or
    phone type."""
    wanted = names if names is not None else [k for k in values if _returned_by_default(types.get(k))]
    fields = out.fields
    for name in wanted:
        prop = types.get(name)
        raw = values.get(name)
        if prop is None:
            # typed as auto-schema would type it; a list of references gets a class name, left out like one
            prop = {"dataType": [guess_data_type(raw, in_object)]}
        if is_reference(prop):
            continue
        data_type = (prop.get("dataType") or ["text"])[0]
        fill_value(fields[name], data_type, raw, prop.get("nestedProperties"))


def _returned_by_default(prop: Mapping[str, Any] | None) -> bool:
    # Weaviate leaves references and blobs out of "all properties".
    return prop is None or not (is_reference(prop) or (prop.get("dataType") or [""])[0] == "blob")


def is_reference(prop: Mapping[str, Any]) -> bool:
    data_type = prop.get("dataType") or [""]
    return bool(data_type[0][:1].isupper())


# ---------------------------------------------------------------------------------------------------- in


def _struct(message: struct_pb2.Struct) -> dict[str, Any]:
    """A Struct as the JSON object it stands for (json_format.MessageToDict's result, at a fraction of its
    cost per object: this runs for every object of a batch)."""
    return {key: _json_value(value) for key, value in message.fields.items()}


def _json_value(value: struct_pb2.Value) -> Any:
    kind = value.WhichOneof("kind")
    if kind == "number_value":
        number = value.number_value
        if math.isinf(number) or math.isnan(number):
            raise UserError("invalid object: a property value is NaN or infinity, which JSON cannot carry")
        return number
    if kind == "string_value":
        return value.string_value
    if kind == "bool_value":
        return value.bool_value
    if kind == "struct_value":
        return _struct(value.struct_value)
    if kind == "list_value":
        return [_json_value(item) for item in value.list_value.values]
    return None


def _object_value(value: base_pb2.ObjectPropertiesValue) -> dict[str, Any]:
    out: dict[str, Any] = {}
    _collect(value, out, ())
    return out


_ARRAY_FIELDS = frozenset(("int_array_properties", "text_array_properties", "boolean_array_properties"))


def _collect(message: Any, out: dict[str, Any], schema_props: Iterable[Mapping[str, Any]]) -> None:
    """The fields a BatchObject.Properties (or an ObjectPropertiesValue) carries, into `out`. Only the fields
    set are visited: an object usually has its Struct and nothing else."""
    for field, value in message.ListFields():
        name = field.name
        if name == "non_ref_properties":
            out.update(_struct(value))
        elif name in _ARRAY_FIELDS:
            for prop in value:
                out[prop.prop_name] = list(prop.values)
        elif name == "number_array_properties":
            for prop in value:
                out[prop.prop_name] = (np.frombuffer(prop.values_bytes, dtype="<f8").tolist() if prop.values_bytes
                                       else list(prop.values))
        elif name == "object_properties":
            for prop in value:
                out[prop.prop_name] = _object_value(prop.value)
        elif name == "object_array_properties":
            for prop in value:
                out[prop.prop_name] = [_object_value(v) for v in prop.values]
        elif name == "empty_list_props":
            for prop_name in value:
                out[prop_name] = []
        elif name == "single_target_ref_props":
            targets = {p["name"]: p.get("dataType") or [] for p in schema_props if is_reference(p)}
            for ref in value:
                classes = targets.get(ref.prop_name)
                if classes is None:
                    raise UserError(f"property '{ref.prop_name}' is not a reference property of this collection")
                target = classes[0] if len(classes) == 1 else None
                out[ref.prop_name] = [_beacon(target, u) for u in ref.uuids]
        elif name == "multi_target_ref_props":
            for ref in value:
                out[ref.prop_name] = [_beacon(ref.target_collection, u) for u in ref.uuids]


def _beacon(target: str | None, uuid: str) -> dict[str, str]:
    return {"beacon": f"weaviate://localhost/{target}/{uuid}" if target else f"weaviate://localhost/{uuid}"}


def batch_properties(message: batch_pb2.BatchObject.Properties, schema_props: Iterable[Mapping[str, Any]]
                     ) -> dict[str, Any]:
    """A BatchObject's properties as the JSON-like dict of a REST object body."""
    out: dict[str, Any] = {}
    _collect(message, out, schema_props)
    return out
