"""Object property values: checked against the class schema and turned into their stored JSON form
(ints as int, numbers as float, dates as canonical RFC3339 strings, uuids lower-case, references as
{"beacon", "href"}, phone numbers parsed), with auto-schema inference for unknown properties."""

from __future__ import annotations

import base64
import binascii
import math
from collections.abc import Callable, Mapping
from typing import Any

import phonenumbers

from vectordb.schema._common import INT64_MAX, INT64_MIN, check_depth, fail, go_type, go_value, lower_first
from vectordb.schema.autoschema import grow_nested, infer_raw
from vectordb.schema.classes import _property_module_defaults
from vectordb.schema.formats import make_ref, normalize_date, parse_beacon, parse_uuid
from vectordb.schema.properties import NESTED_TYPES, REFERENCE, data_type, find_property, normalize_property

_NO_SUCH_PROP = (
    "no such prop with name '{name}' found in class '{cls}' in the schema. "
    "Check your schema files for which properties in this class are available"
)


# ---------------------------------------------------------------- scalars


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"not a string, but {go_type(value)}")
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"not a bool, but {go_type(value)}")
    return value


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"requires an integer, the given value is '{go_value(value)}'")
    if isinstance(value, float):
        # gRPC and some JSON encoders send whole numbers as floats (48.0); only those are integers.
        if not math.isfinite(value) or not value.is_integer():
            raise ValueError(f"requires an integer, the given value is '{go_value(value)}'")
        value = int(value)
    if not INT64_MIN <= value <= INT64_MAX:
        raise ValueError(f"the JSON number '{value}' could not be converted to an int")
    return value


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"requires a float, the given value is '{go_value(value)}'")
    result = float(value)
    if not math.isfinite(result):
        raise ValueError(f"requires a finite float, the given value is '{go_value(value)}'")
    return result


def _date(value: Any) -> str:
    if isinstance(value, str):
        try:
            return normalize_date(value)
        except ValueError:
            pass
    raise ValueError(
        f"requires a string with a RFC3339 formatted date, but the given value is '{go_value(value)}'"
    )


def _uuid(value: Any) -> str:
    if isinstance(value, str):
        try:
            return parse_uuid(value)
        except ValueError:
            pass
    raise ValueError(f"requires a string of UUID format, but the given value is '{go_value(value)}'")


def _blob(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"not a blob base64 string, but {go_type(value)}")
    try:
        if not value or len(value) % 4:
            raise binascii.Error
        base64.b64decode(value, validate=True)
    except binascii.Error:
        raise ValueError("not a valid blob base64 string") from None
    return value


def _coordinate(value: Any, key: str, limit: int) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"invalid {key}: must be a number, but got {go_type(value)}")
    if not -limit <= value <= limit:
        raise ValueError(f"invalid {key}: must be between -{limit} and {limit}, got {go_value(value)}")
    return float(value)


def _geo(value: Any) -> dict:
    if not isinstance(value, dict):
        raise ValueError(f"geoCoordinates must be a map, but got: {go_type(value)}")
    for key in ("longitude", "latitude"):
        if key not in value or value[key] is None:
            raise ValueError(f"geoCoordinates is missing required field '{key}'")
    return {
        "latitude": _coordinate(value["latitude"], "latitude", 90),
        "longitude": _coordinate(value["longitude"], "longitude", 180),
    }


def _phone(value: Any) -> dict:
    if not isinstance(value, dict):
        raise ValueError(f"phoneNumber must be a map, but got: {go_type(value)}")
    if "input" not in value:
        raise ValueError("phoneNumber is missing required field 'input'")
    text = value["input"]
    if not isinstance(text, str):
        raise ValueError("phoneNumber.input must be a string")
    country = value.get("defaultCountry") or ""
    if not isinstance(country, str):
        raise ValueError("phoneNumber.defaultCountry must be a string")
    country = country.upper()
    try:
        number = phonenumbers.parse(text, country or None)
    except phonenumbers.NumberParseException as exc:
        if exc.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE:
            raise ValueError(
                "invalid phone number: invalid or missing defaultCountry - this field is optional if the "
                "specified "
                "number is in the international format, but required if the number is in national format, "
                "use "
                "ISO 3166-1 alpha-2"
            ) from None
        raise ValueError(f"invalid phone number: {exc._msg}") from None
    out = {
        "input": text,
        "internationalFormatted": phonenumbers.format_number(
            number, phonenumbers.PhoneNumberFormat.INTERNATIONAL
        ),
        "countryCode": number.country_code,
        "national": number.national_number,
        "nationalFormatted": phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL),
        "valid": phonenumbers.is_valid_number(number),
    }
    if country:
        out["defaultCountry"] = country
    return out


_SCALARS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "text": ("text", _text),
    "int": ("integer", _int),
    "number": ("number", _number),
    "boolean": ("boolean", _bool),
    "date": ("date", _date),
    "uuid": ("uuid", _uuid),
    "blob": ("blob", _blob),
    "geoCoordinates": ("geoCoordinates", _geo),
    "phoneNumber": ("phoneNumber", _phone),
}


def _array(value: Any, label: str, coerce: Callable[[Any], Any]) -> list:
    if not isinstance(value, list):
        raise ValueError(f"not a {label} array, but {go_type(value)}")
    out = []
    for item in value:
        try:
            out.append(coerce(item))
        except ValueError as exc:
            raise ValueError(f"invalid {label} array value '{go_value(item)}': {exc}") from None
    return out


# ---------------------------------------------------------------- objects and references


def _object(value: Any, nested: list[dict], path: str) -> dict:
    if not isinstance(value, dict):
        raise ValueError(f"object must be a map, but got: {go_type(value)}")
    by_name = {p["name"]: p for p in nested}
    out = {}
    for key, item in value.items():
        prop = by_name.get(key)
        if prop is None:
            raise ValueError(f"unknown property '{path}.{key}'")
        if item is None:
            continue
        try:
            out[key] = _nested_value(prop, item, f"{path}.{key}")
        except ValueError as exc:
            raise ValueError(f"property '{path}.{key}': {exc}") from None
    return out


def _object_array(value: Any, nested: list[dict], path: str) -> list:
    if not isinstance(value, list):
        raise ValueError(f"not an object array, but {go_type(value)}")
    out = []
    for i, item in enumerate(value):
        try:
            out.append(_object(item, nested, path))
        except ValueError as exc:
            raise ValueError(f"invalid object '{i}' in array: {exc}") from None
    return out


def _nested_value(prop: dict, value: Any, path: str) -> Any:
    dtype = prop["dataType"][0]
    if dtype == "object":
        return _object(value, prop["nestedProperties"], path)
    if dtype == "object[]":
        return _object_array(value, prop["nestedProperties"], path)
    if dtype.endswith("[]"):
        label, coerce = _SCALARS[dtype[:-2]]
        return _array(value, label, coerce)
    return _SCALARS[dtype][1](value)


def _references(value: Any, prop: dict, class_name: str) -> list[dict]:
    name = prop["name"]
    if isinstance(value, dict):
        raise ValueError(f"reference must be an array, but got a map: {go_value(value)}")
    if not isinstance(value, list):
        raise ValueError(f"invalid ref type. Needs to be []map, got {go_type(value)}")
    targets = prop["dataType"]
    out = []
    for item in value:
        if not isinstance(item, dict):
            raise ValueError(
                f"multiple references in {class_name}.{name} should be a list of maps, but we got: "
                f"{go_type(item)}"
            )
        if "beacon" not in item:
            raise ValueError(
                f"class '{class_name}' with property '{name}' requires exactly 1 argument: 'beacon' is "
                "missing, "
                "check your input schema"
            )
        if set(item) - {"beacon", "href"}:
            raise ValueError(
                f"class '{class_name}' with property '{name}' requires exactly 1 argument: 'beacon'; "
                f"got the keys {sorted(item)}"
            )
        beacon = item["beacon"]
        if not isinstance(beacon, str):
            raise ValueError(f"beacon property is not a string: {go_type(beacon)}")
        target_class, target = parse_beacon(beacon)
        if target_class is None and len(targets) == 1:
            target_class = targets[0]
        if target_class is not None and target_class not in targets:
            raise ValueError(
                f"beacon '{beacon}' points to class '{target_class}', but property '{name}' references "
                + ", ".join(f"'{t}'" for t in targets)
            )
        out.append(make_ref(target_class, target))
    return out


# ---------------------------------------------------------------- the object


def coerce_value(prop: Mapping[str, Any], value: Any, class_name: str) -> Any:
    """One non-null property value in its stored form; UserError (422) naming the property and type."""
    dtype = data_type(prop)
    name = prop["name"]
    try:
        if dtype == REFERENCE:
            return _references(value, dict(prop), class_name)
        if dtype in NESTED_TYPES:
            try:
                return _nested_value(dict(prop), value, name)
            except ValueError as exc:
                raise ValueError(
                    f"invalid {dtype} property '{name}' on class '{class_name}': {exc}"
                ) from None
        if dtype.endswith("[]"):
            label, coerce = _SCALARS[dtype[:-2]]
            try:
                return _array(value, label, coerce)
            except ValueError as exc:
                raise ValueError(
                    f"invalid {label} array property '{name}' on class '{class_name}': {exc}"
                ) from None
        label, coerce = _SCALARS[dtype]
        try:
            return coerce(value)
        except ValueError as exc:
            raise ValueError(f"invalid {label} property '{name}' on class '{class_name}': {exc}") from None
    except ValueError as exc:
        raise fail(f"invalid object: {exc}") from None


def validate_properties(
    class_def: Mapping[str, Any], props: Any, *, autoschema: bool
) -> tuple[dict, list[dict]]:
    """Check an object's properties against its class and return (stored-form properties, property
    definitions auto-schema adds). Null values are dropped. Property names match with the first letter
    case-insensitive and come back with the stored spelling.

    With `autoschema`, an unknown property is inferred from its value and returned complete (module
    defaults included), and an object property whose value carries new nested keys is returned grown;
    apply them with `merge_properties`. Without it an unknown property is a 422.
    """
    if props is None:
        return {}, []
    class_name = class_def["class"]
    if not isinstance(props, dict):
        raise fail(f"invalid object: could not recognize object's properties: {go_value(props)}")
    module_defaults: dict[str, dict] | None = None  # only a new property needs them
    out: dict[str, Any] = {}
    added: dict[str, dict] = {}
    for key, value in props.items():
        if not isinstance(key, str):
            raise fail(f"invalid object: property names must be strings, got {go_type(key)}")
        name = lower_first(key)
        if isinstance(value, dict | list | tuple):  # a scalar nests nothing
            check_depth(value, f"invalid object: property '{name}'")
        prop = added.get(name) or find_property(class_def, name)
        if prop is None:
            if not autoschema:
                if value is None:
                    continue
                raise fail("invalid object: " + _NO_SUCH_PROP.format(name=name, cls=class_name))
            try:
                raw = infer_raw(name, value)
            except ValueError as exc:
                raise fail(f"invalid object: property '{name}' on class '{class_name}': {exc}") from None
            if module_defaults is None:
                module_defaults = _property_module_defaults(class_def)
            prop = normalize_property(raw, class_name, module_defaults)
            added[name] = prop
        elif autoschema and value is not None and data_type(prop) in NESTED_TYPES:
            grown = grow_nested(prop, value)
            if grown is not None:
                prop = added[name] = grown
        if value is None:
            continue
        out[name] = coerce_value(prop, value, class_name)
    return out, list(added.values())
