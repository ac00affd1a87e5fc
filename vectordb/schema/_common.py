"""Small helpers shared by the schema modules: names, Go-style value rendering, typed option readers."""

from __future__ import annotations

import json
import math
import re
from typing import Any

from vectordb.errors import UserError

# Weaviate's name patterns (entities/schema/validation.go), always applied with fullmatch: `$` would also
# accept a trailing newline, and such a name breaks every GraphQL query.
CLASS_NAME_RE = re.compile(r"[A-Z][_0-9A-Za-z]{0,254}")
PROPERTY_NAME_RE = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,230}")
NESTED_PROPERTY_NAME_RE = re.compile(r"[_A-Za-z][_0-9A-Za-z]*")
VECTOR_NAME_RE = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,229}")
CLASS_NAME_MAX_LENGTH = 255
PROPERTY_NAME_MAX_LENGTH = 231
VECTOR_NAME_MAX_LENGTH = 230
RESERVED_PROPERTY_NAMES = ("_additional", "_id", "id")

# How deep objects may nest in a property value or in a property's nestedProperties (Weaviate has no limit;
# without one a deep value overflowed the stack, and a deep schema made GET /v1/schema fail for everyone).
MAX_NESTING_DEPTH = 32

# Vectorizer families whose modules write {"skip", "vectorizePropertyName"} into every property
# (Weaviate's PropertyConfigDefaults); multi2vec / img2vec / ref2vec modules write nothing.
TEXT_VECTORIZER_PREFIXES = ("text2vec-", "text2multivec-")

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1


def fail(message: str) -> UserError:
    return UserError(message, status=422)


def module_error(where: str, module: str, exc: Exception) -> UserError:
    """A module's ValueError as a 422 naming the module once (the registry may have named it already)."""
    message = str(exc)
    if not message.startswith(f"module '{module}'"):
        message = f"module '{module}': {message}"
    return fail(f"{where}: {message}")


def check_class_name(name: str) -> str:
    """`name` when it is a valid class name; otherwise Weaviate's 422."""
    if len(name) > CLASS_NAME_MAX_LENGTH:
        raise fail(
            f"'{name}' is not a valid class name. Name should not be longer than {CLASS_NAME_MAX_LENGTH} characters"
        )
    if not CLASS_NAME_RE.fullmatch(name):
        raise fail(f"'{name}' is not a valid class name")
    return name


def check_property_name(name: str) -> str:
    if len(name) > PROPERTY_NAME_MAX_LENGTH:
        raise fail(
            f"'{name}' is not a valid property name. Name should not be longer than "
            f"{PROPERTY_NAME_MAX_LENGTH} characters"
        )
    if not PROPERTY_NAME_RE.fullmatch(name):
        raise fail(
            f"'{name}' is not a valid property name. Property names in Weaviate are restricted to valid GraphQL "
            f"names, which must be “/{PROPERTY_NAME_RE.pattern}/”"
        )
    return name


def check_nested_property_name(name: Any, prefix: str) -> str:
    if not isinstance(name, str) or not NESTED_PROPERTY_NAME_RE.fullmatch(name):
        raise fail(
            f"'{name}' is not a valid nested property name of '{prefix}'. NestedProperty names in Weaviate are "
            f"restricted to valid GraphQL names, which must be “/{NESTED_PROPERTY_NAME_RE.pattern}/”"
        )
    return name


def check_vector_name(name: str, where: str) -> str:
    shown = json.dumps(name, ensure_ascii=False)
    if len(name) > VECTOR_NAME_MAX_LENGTH:
        raise fail(
            f"{where}: class.VectorConfig target vector name {shown} is not valid. Target vector name should not "
            f"be longer than {VECTOR_NAME_MAX_LENGTH} characters."
        )
    if not VECTOR_NAME_RE.fullmatch(name):
        raise fail(
            f"{where}: class.VectorConfig target vector name {shown} is not valid, in Weaviate target vector "
            f"names are restricted to valid GraphQL names, which must be “/{VECTOR_NAME_RE.pattern}/”."
        )
    return name


def nesting_depth(value: Any, limit: int) -> int:
    """How many levels of objects `value` nests, counting a list directly inside a list as a level too (an
    object[] is one level); stops counting past `limit`. Iterative, so no input is too deep to measure."""
    containers = (dict, list, tuple)
    deepest = 0
    stack: list[tuple[Any, int, bool]] = [(value, 0, False)]
    while stack:
        item, depth, in_list = stack.pop()
        if isinstance(item, dict):
            depth += 1
            stack.extend((v, depth, False) for v in item.values() if isinstance(v, containers))
        elif isinstance(item, list | tuple):
            depth += in_list
            stack.extend((v, depth, True) for v in item if isinstance(v, containers))
        deepest = max(deepest, depth)
        if deepest > limit:
            break
    return deepest


def check_depth(value: Any, what: str, *, own_levels: int = 0) -> None:
    """Refuse `value` when its objects nest deeper than MAX_NESTING_DEPTH below its own `own_levels` (1 for a
    property definition, whose nestedProperties start one level down)."""
    if nesting_depth(value, MAX_NESTING_DEPTH + own_levels) > MAX_NESTING_DEPTH + own_levels:
        raise fail(f"{what} nests objects deeper than {MAX_NESTING_DEPTH} levels, the limit of this server")


def check_settings_depth(body: dict, where: str) -> None:
    """Every setting of a class body but its properties, which are checked one by one as definitions."""
    for key, value in body.items():
        if key != "properties":
            check_depth(value, f"{where}: {key}")


def upper_first(name: str) -> str:
    return name[:1].upper() + name[1:]


def lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def is_text_vectorizer(module: str) -> bool:
    return module.startswith(TEXT_VECTORIZER_PREFIXES)


def is_generative(module: str) -> bool:
    return module.startswith("generative-")


def is_reranker(module: str) -> bool:
    return module.startswith("reranker-")


def go_type(value: Any) -> str:
    """The Go type name Weaviate prints for a decoded JSON value, so messages read the same."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "map[string]interface {}"
    if isinstance(value, list | tuple):
        return "[]interface {}"
    return type(value).__name__


def go_value(value: Any) -> str:
    """Render a value the way Go's %v does for decoded JSON (true, 3, 3.5, <nil>)."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and math.isfinite(value):
        return str(int(value))
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"), default=str)
    return str(value)


def as_dict(value: Any, where: str) -> dict:
    """A JSON object option; null counts as empty."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise fail(f"{where} must be an object, got {go_type(value)}")
    return value


def opt_bool(cfg: dict, key: str, default: bool, where: str) -> bool:
    value = cfg.get(key)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise fail(f"{where}.{key} must be a boolean, got {go_type(value)} '{go_value(value)}'")
    return value


def opt_int(cfg: dict, key: str, default: int, where: str) -> int:
    value = cfg.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise fail(f"{where}.{key} must be an integer, got {go_type(value)} '{go_value(value)}'")
    if isinstance(value, float):
        if not value.is_integer():
            raise fail(f"{where}.{key} must be an integer, got '{go_value(value)}'")
        value = int(value)
    return value


def opt_number(cfg: dict, key: str, default: float, where: str) -> float:
    value = cfg.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise fail(f"{where}.{key} must be a number, got {go_type(value)} '{go_value(value)}'")
    return float(value)


def opt_str(cfg: dict, key: str, default: str, where: str) -> str:
    value = cfg.get(key)
    if value is None or value == "":
        return default
    if not isinstance(value, str):
        raise fail(f"{where}.{key} must be a string, got {go_type(value)} '{go_value(value)}'")
    return value


def opt_choice(cfg: dict, key: str, default: str, choices: tuple[str, ...], where: str) -> str:
    value = opt_str(cfg, key, default, where)
    if value not in choices:
        allowed = ", ".join(f"'{c}'" for c in choices)
        raise fail(f"{where}.{key} '{value}' is not supported; use one of {allowed}")
    return value
