"""The text a text2vec module receives for an object, built exactly as Weaviate builds it.

Rules (design.md "Vectorization rules", spec/modules.md section 2):
1. The class name (camelCase split) comes first when the module config says `vectorizeClassName` (a missing
   key counts as true, Weaviate's base-settings fallback; the module's own default is written into the schema
   at creation).
2. Properties are visited by name in byte order (`sort.Strings`; for Python strings code-point order is the
   same thing).
3. Without a `properties` source list, a property counts unless its moduleConfig says `skip: true`, and only
   text values count: `text`/`string` values as one piece, `text[]`/`string[]` values one piece per item.
   With a source list, exactly the listed properties count (`skip` is ignored) and non-text values join in:
   int/number/boolean as Go's `%v` prints them, dates as RFC3339 (whole seconds), int[]/number[]/boolean[]
   element-wise, object/object[] as Go's compact JSON.
4. `vectorizePropertyName: true` puts the camelCase-split property name before each piece.
5. Pieces are joined by single spaces; values and names are lowercased only when asked (the
   LOWERCASE_VECTORIZATION_INPUT setting, or a module that always lowercases).
6. Without a source list, an object that yields nothing falls back to the class name.

Deliberate narrowing: Weaviate also feeds `blob` values to text2vec modules, because a validated blob is a Go
string; base64 images are not text, so they are left out here.
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from vectordb.schema.autoschema import guess_data_type

_TEXT_TYPES = {"text", "string"}
_TEXT_ARRAY_TYPES = {"text[]", "string[]"}
# Types whose values only count when the module config names its source properties.
_SOURCE_ONLY_TYPES = {
    "int", "number", "boolean", "date", "int[]", "number[]", "boolean[]", "object", "object[]",
}

INVALID_PROPERTIES_MESSAGE = (
    "invalid properties: didn't find a single property which is vectorizable and is not excluded from "
    "indexing. In addition the class name is excluded from vectorization as well, meaning it cannot be used "
    "to determine the vector position. To fix this add a vectorizable property (text or text[]) which is "
    "not excluded from indexing (moduleConfig skip: false), or set vectorizeClassName to true"
)


def _char_class(ch: str) -> int:
    category = unicodedata.category(ch)
    if category == "Ll":
        return 1
    if category == "Lu":
        return 2
    if category == "Nd":
        return 3
    return 4


def camel_split(src: str) -> list[str]:
    """fatih/camelcase Split: runs of lower, upper, digit and other characters; an upper run followed by a
    lower run hands its last letter over (`PDFLoader` -> `PDF`, `Loader`)."""
    runs: list[list[str]] = []
    last = 0
    for ch in src:
        cls = _char_class(ch)
        if runs and cls == last:
            runs[-1].append(ch)
        else:
            runs.append([ch])
        last = cls
    for i in range(len(runs) - 1):
        if _char_class(runs[i][0]) == 2 and _char_class(runs[i + 1][0]) == 1:
            runs[i + 1].insert(0, runs[i].pop())
    return ["".join(run) for run in runs if run]


def split_camel_case(name: str, lowercase: bool) -> str:
    """Weaviate's separateCamelCase: the parts joined by spaces; a part that is exactly one space is dropped
    (its separator stays, so `a b` stays `a b`)."""
    out: list[str] = []
    for i, part in enumerate(camel_split(name)):
        if part == " ":
            continue
        if i > 0:
            out.append(" ")
        out.append(part.lower() if lowercase else part)
    return "".join(out)


def _go_float(value: float, *, json_style: bool) -> str:
    """A float64 as Go prints it: `%v` (shortest digits, exponent form when the decimal exponent is < -4 or
    >= 6, so 1e6 is `1e+06`) or encoding/json (exponent form when |v| < 1e-6 or >= 1e21, `e-7` not `e-07`)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 and not json_style else "0"
    shortest = Decimal(repr(value)).normalize()
    sign, digits, exponent = shortest.as_tuple()
    assert isinstance(exponent, int)
    exp10 = len(digits) + exponent - 1
    if json_style:
        use_exp = abs(value) < 1e-6 or abs(value) >= 1e21
    else:
        use_exp = exp10 < -4 or exp10 >= 6
    prefix = "-" if sign else ""
    if not use_exp:
        return prefix + format(abs(shortest), "f")
    mantissa = str(digits[0]) + ("." + "".join(map(str, digits[1:])) if len(digits) > 1 else "")
    exp_sign = "-" if exp10 < 0 else "+"
    width = 1 if json_style else 2
    return f"{prefix}{mantissa}e{exp_sign}{abs(exp10):0{width}d}"


def _go_v(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _go_float(value, json_style=False)
    return str(value)


def _go_json(value: Any) -> str:
    """Go's json.Marshal: sorted keys, no spaces, HTML characters escaped, Go float formatting."""
    if isinstance(value, Mapping):
        items = (f"{_go_json(str(k))}:{_go_json(v)}" for k, v in sorted(value.items(), key=lambda kv: kv[0]))
        return "{" + ",".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_go_json(v) for v in value) + "]"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, float):
        return _go_float(value, json_style=True)
    if isinstance(value, int):
        return str(value)
    encoded = json.dumps(str(value), ensure_ascii=False)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        encoded = encoded.replace(raw, escaped)
    return encoded


def _rfc3339(value: Any) -> str | None:
    """Go's time.RFC3339: whole seconds, `Z` for UTC, else the offset as +hh:mm."""
    if isinstance(value, datetime):
        when = value
    else:
        try:
            when = datetime.fromisoformat(str(value))
        except ValueError:
            return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    offset = when.utcoffset()
    stamp = when.strftime("%Y-%m-%dT%H:%M:%S")
    if not offset:
        return stamp + "Z"
    total = int(offset.total_seconds())
    sign = "+" if total >= 0 else "-"
    hours, minutes = divmod(abs(total) // 60, 60)
    return f"{stamp}{sign}{hours:02d}:{minutes:02d}"


def _pieces(data_type: str, value: Any, with_sources: bool) -> list[str]:
    if data_type in _TEXT_TYPES:
        return [value] if isinstance(value, str) else []
    if data_type in _TEXT_ARRAY_TYPES:
        return [v for v in value if isinstance(v, str)] if isinstance(value, list | tuple) else []
    if not with_sources or data_type not in _SOURCE_ONLY_TYPES:
        return []
    if data_type == "date":
        stamp = _rfc3339(value)
        return [stamp] if stamp is not None else []
    if data_type in ("object", "object[]"):
        # Go marshals an empty object[] to nothing (it is an empty []any), a present object always.
        if data_type == "object[]" and not value:
            return []
        return [_go_json(value)]
    if isinstance(value, list | tuple):
        return [_go_v(v) for v in value]
    return [_go_v(value)]


def _property_config(prop_def: Mapping[str, Any] | None, module_name: str) -> Mapping[str, Any]:
    if not prop_def:
        return {}
    config = (prop_def.get("moduleConfig") or {}).get(module_name)
    return config if isinstance(config, Mapping) else {}


def _flag(config: Mapping[str, Any], key: str, default: bool) -> bool:
    # Weaviate ignores a setting that is not a bool and uses the default.
    value = config.get(key, default)
    return value if isinstance(value, bool) else default


def source_properties(module_config: Mapping[str, Any]) -> list[str] | None:
    """The `properties` source list of a module config, or None when there is none."""
    names = module_config.get("properties")
    if isinstance(names, list | tuple) and names:
        return [str(n) for n in names]
    return None


def object_text(
    class_name: str,
    class_def_properties: list[dict],
    properties: Mapping[str, Any],
    module_name: str,
    module_config: Mapping[str, Any],
    lowercase: bool,
) -> str:
    """The text to vectorize for one object (see the module docstring for the rules)."""
    sources = source_properties(module_config)
    defs = {p.get("name"): p for p in class_def_properties}
    pieces: list[str] = []
    if _flag(module_config, "vectorizeClassName", True):
        pieces.append(split_camel_case(class_name, lowercase))
    for name in sorted(properties):
        value = properties[name]
        if value is None:
            continue
        prop_def = defs.get(name)
        prop_config = _property_config(prop_def, module_name)
        if sources is not None:
            if name not in sources:
                continue
        elif _flag(prop_config, "skip", False):
            continue
        data_types = (prop_def or {}).get("dataType") or [guess_data_type(value)]
        prefix = ""
        if _flag(prop_config, "vectorizePropertyName", False):
            prefix = split_camel_case(name, lowercase) + " "
        for piece in _pieces(data_types[0], value, sources is not None):
            pieces.append(prefix + (piece.lower() if lowercase else piece))
    if sources is None and not pieces:
        pieces.append(split_camel_case(class_name, lowercase))
    return " ".join(pieces)


def can_yield_text(class_def: Mapping[str, Any], module_name: str, module_config: Mapping[str, Any]) -> bool:
    """Whether objects of this class can ever produce text for the module (checked at class creation).

    False only when the class name is not vectorized and no property of a vectorizable type is indexed for
    the module. A refused class gets INVALID_PROPERTIES_MESSAGE prefixed with `module '<name>': `.
    """
    if _flag(module_config, "vectorizeClassName", True):
        return True
    sources = source_properties(module_config)
    allowed = _TEXT_TYPES | _TEXT_ARRAY_TYPES
    if sources is not None:
        allowed = allowed | _SOURCE_ONLY_TYPES
    for prop in class_def.get("properties") or []:
        data_types = prop.get("dataType") or []
        if not data_types or data_types[0] not in allowed:
            continue
        if sources is not None:
            if prop.get("name") in sources:
                return True
        elif not _flag(_property_config(prop, module_name), "skip", False):
            return True
    return False


def needs_revectorize(
    class_name: str,
    class_def_properties: list[dict],
    old_properties: Mapping[str, Any] | None,
    new_properties: Mapping[str, Any],
    module_name: str,
    module_config: Mapping[str, Any],
    lowercase: bool,
) -> bool:
    """Whether an update changes the module's text, so the old vector cannot be kept (Weaviate compares the
    texts too, so edits to skipped or non-text properties keep the vector)."""
    if old_properties is None:
        return True
    args = (class_name, class_def_properties)
    old = object_text(*args, old_properties, module_name, module_config, lowercase)
    new = object_text(*args, new_properties, module_name, module_config, lowercase)
    return old != new
