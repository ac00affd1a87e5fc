"""Weaviate's prompt rules for generative search, in one home: how a result's properties become the text a
model sees (`MakeSinglePrompt`, `MakeTaskPrompt`, `ParseImageProperties`).

A result is split into text values (every property rendered as Weaviate renders it) and blob values (images);
a single prompt's `{property}` names are filled from the text values, a grouped task is `"<task>: "` followed
by the text values of all results as Go's json.Marshal writes them.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

PLACEHOLDER = re.compile(r"{([\w\s]*?)}")
BLOB_TYPES = ("blob", "blobHash")


@dataclass(frozen=True)
class PromptProperties:
    """One result as a generative module sees it: text values by name, blob (base64 image) values by name."""

    text: dict[str, str]
    blobs: dict[str, str]


class EmptyPropertyError(ValueError):
    """A `{property}` of a single prompt has no value on this result; only that result fails."""


def _digits(value: float) -> tuple[str, int]:
    """The shortest round-tripping digits of a finite non-zero float and the position of its decimal point."""
    _, digits, exponent = Decimal(repr(abs(value))).as_tuple()
    every = "".join(map(str, digits))
    return every.rstrip("0"), len(every) + int(exponent)


def _exponent_form(digits: str, point: int) -> str:
    exp = point - 1
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{mantissa}e{'-' if exp < 0 else '+'}{abs(exp):02d}"


def _fixed_form(digits: str, point: int) -> str:
    if point <= 0:
        return "0." + "0" * -point + digits
    if point >= len(digits):
        return digits + "0" * (point - len(digits))
    return digits[:point] + "." + digits[point:]


def go_float(value: float, json_style: bool = False) -> str:
    """A float64 as Go prints it: `%v` (strconv 'g', shortest: exponent form from 1e+06 up or below 1e-04) or,
    with json_style, as encoding/json writes it (exponent form from 1e+21 up or below 1e-06, `e-07` as `e-7`)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    digits, point = _digits(value)
    if json_style:
        if abs(value) < 1e-6 or abs(value) >= 1e21:
            text = _exponent_form(digits, point)
            return sign + re.sub(r"e([+-])0(\d)$", r"e\1\2", text)
        return sign + _fixed_form(digits, point)
    exp = point - 1
    if exp < -4 or exp >= 6:
        return sign + _exponent_form(digits, point)
    return sign + _fixed_form(digits, point)


def _go_json_string(text: str) -> str:
    encoded = json.dumps(text, ensure_ascii=False)
    return (encoded.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def go_json(value: Any) -> str:
    """`value` as Go's json.Marshal writes it: compact, map keys sorted, `<>&` escaped, non-ASCII raw, whole
    floats without a fraction."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return go_float(value, json_style=True)
    if isinstance(value, str):
        return _go_json_string(value)
    if isinstance(value, Mapping):
        items = sorted((str(k), v) for k, v in value.items())
        return "{" + ",".join(f"{_go_json_string(k)}:{go_json(v)}" for k, v in items) + "}"
    if isinstance(value, Sequence):
        return "[" + ",".join(go_json(v) for v in value) + "]"
    return _go_json_string(str(value))


def render(value: Any) -> str:
    """A property value as Weaviate puts it into a prompt: text as is, arrays and objects (geo, phone, cross
    references) as JSON, other values as Go's `%v`."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return go_float(float(value))
    if isinstance(value, Mapping | list | tuple):
        return go_json(value)
    return str(value)


def prompt_properties(
    properties: Mapping[str, Any], data_types: Mapping[str, str], keep: Sequence[str] | None = None
) -> PromptProperties:
    """Split one result's properties; `keep` restricts them (groupedResult.properties); nil values are skipped."""
    text: dict[str, str] = {}
    blobs: dict[str, str] = {}
    for name, value in properties.items():
        if value is None or (keep and name not in keep):
            continue
        if data_types.get(name) in BLOB_TYPES:
            blobs[name] = str(value)
        else:
            text[name] = render(value)
    return PromptProperties(text, blobs)


def single_prompt(template: str, props: PromptProperties) -> str:
    """`{name}` replaced by the result's value; a missing or empty value fails the result with Weaviate's
    message."""

    def fill(match: re.Match[str]) -> str:
        name = match.group(1).strip()
        value = props.text.get(name)
        if not value:
            raise EmptyPropertyError(
                f"Following property has empty value: '{name}'. Make sure you spell the property name correctly, "
                "verify that the property exists and has a value"
            )
        return value

    return PLACEHOLDER.sub(fill, template)


def task_prompt(task: str, results: Sequence[PromptProperties]) -> str:
    """`"<task>: " + json(texts)`; `{name}` in the task takes the first result's value, an unknown one becomes
    the bare name."""
    texts = [r.text for r in results if r.text]
    first = texts[0] if texts else {}

    def fill(match: re.Match[str]) -> str:
        name = match.group(1).strip()
        return first.get(name) or name

    return f"{PLACEHOLDER.sub(fill, task)}: {go_json(texts)}"


def images(results: Sequence[PromptProperties], image_properties: Sequence[str], literal: Sequence[str]) -> list[str]:
    """Each result's blobs named in imageProperties, in order, then the literal base64 images."""
    found = [r.blobs[name] for r in results for name in image_properties if r.blobs.get(name)]
    return [*found, *literal]
