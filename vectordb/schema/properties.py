"""Property definitions: data types, tokenization, index flags, nested properties and their defaults."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from vectordb.schema._common import (
    CLASS_NAME_RE,
    RESERVED_PROPERTY_NAMES,
    as_dict,
    check_depth,
    check_nested_property_name,
    check_property_name,
    fail,
    go_type,
    lower_first,
)

PRIMITIVE_TYPES = (
    "text", "text[]", "int", "int[]", "number", "number[]", "boolean", "boolean[]", "date", "date[]",
    "uuid", "uuid[]", "geoCoordinates", "phoneNumber", "blob", "object", "object[]",
)  # fmt: skip
DEPRECATED_TYPES = {"string": "text", "string[]": "text[]"}
TEXT_TYPES = ("text", "text[]")
NESTED_TYPES = ("object", "object[]")
RANGE_FILTER_TYPES = ("int", "number", "date")
NOT_NESTABLE_TYPES = ("geoCoordinates", "phoneNumber")
REFERENCE = "cref"

TOKENIZATIONS = ("word", "lowercase", "whitespace", "field", "trigram")
NESTED_TOKENIZATIONS = ("word", "lowercase", "whitespace", "field")
# Weaviate's optional language tokenizers; they need dictionaries this server does not ship.
UNSUPPORTED_TOKENIZATIONS = ("gse", "gse_ch", "kagome_ja", "kagome_kr")

PROPERTY_MODULE_DEFAULTS = {"skip": False, "vectorizePropertyName": False}


def data_type(prop: Mapping[str, Any]) -> str:
    """The property's primitive data type, or "cref" for a cross-reference."""
    first = prop["dataType"][0]
    return first if first in PRIMITIVE_TYPES else REFERENCE


def is_reference(prop: Mapping[str, Any]) -> bool:
    return data_type(prop) == REFERENCE


def _parse_data_type(raw: Any, where: str) -> tuple[list[str], bool]:
    """-> (normalised dataType list, came from the deprecated string type)."""
    if not isinstance(raw, list) or not raw:
        raise fail(f'{where}: dataType must be a list with at least one element, e.g. ["text"]')
    if not all(isinstance(item, str) and item for item in raw):
        raise fail(f"{where}: dataType must be a list of non-empty strings, got {raw!r}")
    shown = "[" + " ".join(raw) + "]"
    first = raw[0]
    if not first[0].isupper():
        if len(raw) != 1:
            raise fail(f"{where}: invalid dataType: {shown}: a primitive data type must be the only element")
        if first in DEPRECATED_TYPES:
            return [DEPRECATED_TYPES[first]], True
        if first not in PRIMITIVE_TYPES:
            allowed = ", ".join(PRIMITIVE_TYPES)
            raise fail(
                f"{where}: invalid dataType: {shown}: unknown primitive data type '{first}'; "
                f"use one of {allowed}, or a list of class names for a cross-reference"
            )
        return [first], False
    targets: list[str] = []
    for name in raw:
        if not CLASS_NAME_RE.fullmatch(name):
            raise fail(
                f"{where}: invalid dataType: {shown}: '{name}' is neither a primitive data type nor a valid "
                "class name for a cross-reference"
            )
        if name not in targets:
            targets.append(name)
    return targets, False


def _tokenization(raw: Any, dtype: str, deprecated_string: bool, where: str, nested: bool) -> str | None:
    if raw is not None and not isinstance(raw, str):
        raise fail(f"{where}: tokenization must be a string, got {go_type(raw)}")
    if dtype not in TEXT_TYPES:
        if raw:
            if dtype == REFERENCE:
                raise fail(f"{where}: tokenization is not allowed for reference data type")
            if dtype in NESTED_TYPES:
                raise fail(f"{where}: tokenization is not allowed for object/object[] data types")
            raise fail(f"{where}: tokenization is not allowed for data type '{dtype}'")
        return None
    if deprecated_string:
        # Weaviate migrates string(word) to text(whitespace) and keeps field; nothing else was valid.
        if raw in (None, "", "word"):
            return "whitespace"
        if raw == "field":
            return "field"
        raise fail(
            f"{where}: tokenization '{raw}' is not allowed for data type 'string'; use 'word' or 'field'"
        )
    if not raw:
        return "word"
    if raw in UNSUPPORTED_TOKENIZATIONS:
        raise fail(
            f"{where}: tokenization '{raw}' is not supported by this server (it has no gse/kagome "
            f"dictionaries); use one of {', '.join(TOKENIZATIONS)}"
        )
    allowed = NESTED_TOKENIZATIONS if nested else TOKENIZATIONS
    if raw not in allowed:
        raise fail(
            f"{where}: tokenization '{raw}' is not allowed for data type '{dtype}'; use one of "
            f"{', '.join(allowed)}"
        )
    return raw


def _flag(prop: Mapping[str, Any], key: str, where: str) -> bool | None:
    value = prop.get(key)
    if value is not None and not isinstance(value, bool):
        raise fail(f"{where}: `{key}` must be true or false, got {go_type(value)}")
    return value


def _index_flags(prop: Mapping[str, Any], dtype: str, where: str, nested: bool) -> tuple[bool, bool, bool]:
    filterable = _flag(prop, "indexFilterable", where)
    searchable = _flag(prop, "indexSearchable", where)
    range_filters = _flag(prop, "indexRangeFilters", where)
    inverted = None if nested else _flag(prop, "indexInverted", where)
    is_text = dtype in TEXT_TYPES
    if inverted is not None:
        if filterable is not None or searchable is not None or range_filters is not None:
            raise fail(
                f"{where}: `indexInverted` is deprecated and can not be set together with `indexFilterable`, "
                "`indexSearchable` or `indexRangeFilters`"
            )
        return inverted, inverted and is_text, False
    if filterable is None:
        # Weaviate leaves nested blobs out of the filterable index: they are opaque payloads.
        filterable = not (nested and dtype == "blob")
    elif filterable and nested and dtype == "blob":
        raise fail(f"{where}: indexFilterable is not allowed for blob data type")
    if searchable is None:
        searchable = is_text
    elif searchable and not is_text:
        raise fail(
            f"{where}: `indexSearchable` is allowed only for text/text[] data types. "
            "For other data types set false or leave empty"
        )
    if range_filters is None:
        range_filters = False
    elif range_filters and dtype not in RANGE_FILTER_TYPES:
        raise fail(
            f"{where}: `indexRangeFilters` is allowed only for number/int/date data types. "
            "For other data types set false or leave empty"
        )
    return filterable, searchable, range_filters


def text_analyzer(raw: Any, dtype: str, tokenization: str | None, indexed: bool, where: str) -> dict | None:
    """textAnalyzer checked (asciiFold, asciiFoldIgnore, stopwordPreset); whether a named stopwordPreset
    exists is checked against the class (check_stopword_presets)."""
    if raw is None:
        return None
    cfg = as_dict(raw, f"{where}: textAnalyzer")
    if dtype not in TEXT_TYPES:
        raise fail(f"{where}: processing options are only allowed for text and text[] data types, got '{dtype}'")
    if not indexed:
        raise fail(f"{where}: processing options are only allowed for properties with an inverted index")
    fold = cfg.get("asciiFold") or False
    ignore = cfg.get("asciiFoldIgnore") or []
    preset = cfg.get("stopwordPreset") or ""
    if not isinstance(fold, bool):
        raise fail(f"{where}: textAnalyzer.asciiFold must be true or false, got {go_type(fold)}")
    if not isinstance(ignore, list) or not all(isinstance(c, str) for c in ignore):
        raise fail(f"{where}: textAnalyzer.asciiFoldIgnore must be a list of characters")
    if ignore and not fold:
        raise fail(f"{where}: asciiFoldIgnore requires asciiFold to be enabled")
    for char in ignore:
        if len(unicodedata.normalize("NFC", char)) != 1:
            raise fail(f"{where}: each asciiFoldIgnore entry must be a single character, got {char!r}")
    if not isinstance(preset, str):
        raise fail(f"{where}: textAnalyzer.stopwordPreset must be a string, got {go_type(preset)}")
    if preset and tokenization != "word":
        raise fail(f'{where}: stopwordPreset is only supported with tokenization "word", got "{tokenization}"')
    if not (fold or preset):
        return None  # an empty analyzer changes nothing and is not kept
    out: dict[str, Any] = {"asciiFold": fold}
    if ignore:
        out["asciiFoldIgnore"] = list(ignore)
    if preset:
        out["stopwordPreset"] = preset
    return out


def stopword_preset_uses(props: list[dict], prefix: str = "") -> list[tuple[str, str]]:
    """(property path, preset) for every (nested) property whose textAnalyzer names a stopwordPreset."""
    out = []
    for prop in props:
        path = f"{prefix}{prop['name']}"
        preset = (prop.get("textAnalyzer") or {}).get("stopwordPreset")
        if preset:
            out.append((path, preset))
        out.extend(stopword_preset_uses(prop.get("nestedProperties") or [], f"{path}."))
    return out


def _description(prop: Mapping[str, Any], where: str) -> str | None:
    description = prop.get("description")
    if description is not None and not isinstance(description, str):
        raise fail(f"{where}: description must be a string, got {go_type(description)}")
    return description


def _indexed_property(
    raw: Mapping[str, Any],
    name: str,
    types: list[str],
    dtype: str,
    where: str,
    *,
    deprecated_string: bool,
    nested: bool,
) -> dict[str, Any]:
    """The fields a top-level and a nested property share, checked and in their stored order:
    name, dataType, description, tokenization and the three index flags."""
    tokenization = _tokenization(raw.get("tokenization"), dtype, deprecated_string, where, nested=nested)
    filterable, searchable, range_filters = _index_flags(raw, dtype, where, nested=nested)
    analyzer = text_analyzer(raw.get("textAnalyzer"), dtype, tokenization, filterable or searchable, where)
    prop: dict[str, Any] = {"name": name, "dataType": types}
    description = _description(raw, where)
    if description is not None:
        prop["description"] = description
    if tokenization is not None:
        prop["tokenization"] = tokenization
    prop["indexFilterable"] = filterable
    prop["indexSearchable"] = searchable
    prop["indexRangeFilters"] = range_filters
    if analyzer is not None:
        prop["textAnalyzer"] = analyzer
    return prop


def normalize_nested(raw: Any, prefix: str) -> list[dict]:
    """Validate the nestedProperties of object property `prefix` and fill their defaults."""
    if raw is None or (isinstance(raw, list) and not raw):
        raise fail(
            f"property '{prefix}': At least one nested property is required for data type object/object[]"
        )
    if not isinstance(raw, list):
        raise fail(f"property '{prefix}': nestedProperties must be a list, got {go_type(raw)}")
    out: list[dict] = []
    seen: set[str] = set()
    for item in raw:
        item = as_dict(item, f"property '{prefix}': nested property")
        name = check_nested_property_name(item.get("name"), prefix)
        where = f"property '{prefix}.{name}'"
        if name in seen:
            raise fail(f"{where}: nested property name is used more than once")
        seen.add(name)
        raw_type = item.get("dataType")
        if isinstance(raw_type, list) and len(raw_type) == 1 and raw_type[0] in DEPRECATED_TYPES:
            raise fail(f"{where}: data type '{raw_type[0]}' is deprecated and not allowed as nested property")
        types, _ = _parse_data_type(raw_type, where)
        dtype = types[0] if types[0] in PRIMITIVE_TYPES else REFERENCE
        if dtype == REFERENCE:
            raise fail(f"{where}: reference data type not allowed")
        if dtype in NOT_NESTABLE_TYPES:
            raise fail(f"{where}: data type '{dtype}' not allowed as nested property")
        prop = _indexed_property(item, name, types, dtype, where, deprecated_string=False, nested=True)
        if dtype in NESTED_TYPES:
            prop["nestedProperties"] = normalize_nested(item.get("nestedProperties"), f"{prefix}.{name}")
        elif item.get("nestedProperties"):
            raise fail(f"{where}: nestedProperties not allowed for data types other than object/object[]")
        out.append(prop)
    return out


def normalize_property(raw: Any, class_name: str, module_defaults: Mapping[str, Mapping[str, Any]]) -> dict:
    """Validate one top-level property and return it with every default filled.

    `module_defaults` maps each vectorizer module of the class to the per-property settings it writes
    (Weaviate's PropertyConfigDefaults); user-given values win over them. Unknown keys are dropped.
    """
    raw = as_dict(raw, f"class '{class_name}': property")
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        raise fail(f"class '{class_name}': every property needs a non-empty 'name'")
    # Weaviate stores property names with a lower-case first letter and looks them up the same way.
    name = lower_first(name)
    check_property_name(name)
    if name in RESERVED_PROPERTY_NAMES:
        raise fail(f"'{name}' is a reserved property name")
    check_depth(raw, f"property '{name}'", own_levels=1)
    where = f"property '{name}'"
    types, deprecated_string = _parse_data_type(raw.get("dataType"), where)
    dtype = types[0] if types[0] in PRIMITIVE_TYPES else REFERENCE
    prop = _indexed_property(raw, name, types, dtype, where, deprecated_string=deprecated_string, nested=False)
    module_config = _property_module_config(raw.get("moduleConfig"), module_defaults, where)
    if module_config:
        prop["moduleConfig"] = module_config
    if dtype in NESTED_TYPES:
        prop["nestedProperties"] = normalize_nested(raw.get("nestedProperties"), name)
    elif raw.get("nestedProperties"):
        raise fail(f"{where}: nestedProperties not allowed for data types other than object/object[]")
    return prop


def _property_module_config(raw: Any, module_defaults: Mapping[str, Mapping[str, Any]], where: str) -> dict:
    given = as_dict(raw, f"{where}: moduleConfig")
    out: dict[str, dict] = {}
    for module, cfg in given.items():
        out[module] = dict(as_dict(cfg, f"{where}: moduleConfig.{module}"))
    for module, defaults in module_defaults.items():
        out[module] = {**defaults, **out.get(module, {})}
    for module, cfg in out.items():
        for key in ("skip", "vectorizePropertyName"):
            if key in cfg and not isinstance(cfg[key], bool):
                raise fail(
                    f"{where}: moduleConfig.{module}.{key} must be true or false, got {go_type(cfg[key])}"
                )
    return out


def find_property(class_def: Mapping[str, Any], name: str) -> dict | None:
    """The property called `name` (first letter case-insensitive, as Weaviate looks it up)."""
    wanted = lower_first(name)
    for prop in class_def.get("properties") or ():
        if prop["name"] == wanted:
            return prop
    return None
