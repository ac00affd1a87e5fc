"""Declarative module settings: each moduleConfig key is declared once, as a `Field`.

From a module's `fields` come the defaults written into a collection's schema (`class_defaults`), the checks
run at collection creation (`validate`, worded as Weaviate words them), the settings a request works with
(`settings`: the collection's values over every default) and what /v1/meta shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

_TYPE_WORDS = {
    str: "a string", bool: "a boolean", int: "a positive integer", float: "a number", list: "an array",
    dict: "an object",
}


def go_list(values: Any) -> str:
    """A list as Go's %v prints it, which is how Weaviate's messages show the choices: [a b c]."""
    return "[" + " ".join(str(v) for v in values) + "]"


@dataclass(frozen=True)
class Field:
    """One moduleConfig key.

    `default` None means "not set unless the collection sets it". `stored` defaults are written into the
    schema at creation, as Weaviate's ClassConfigDefaults are; the others apply without being written.
    `choices_message` words a refused choice ({key}, {value} and {choices} are filled in).
    """

    default: Any = None
    type: type = str
    choices: tuple[Any, ...] = ()
    url: bool = False
    stored: bool = True
    choices_message: str = "wrong {key} {value!r}, available values are: {choices}"

    def check(self, key: str, value: Any) -> None:
        if value is None or (value == "" and self.type is str):
            return
        if not _has_type(value, self.type):
            raise ValueError(f"{key} must be {_TYPE_WORDS[self.type]}, got {value!r}")
        if self.choices and value not in self.choices:
            raise ValueError(self.choices_message.format(key=key, value=value, choices=go_list(self.choices)))
        if self.url:
            parts = urlsplit(value)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(f"{key} {value!r} is not an http(s) URL with a host")


def _has_type(value: Any, wanted: type) -> bool:
    if wanted is int:
        return not isinstance(value, bool) and isinstance(value, int | float) and value == int(value) and value > 0
    if wanted is float:
        return not isinstance(value, bool) and isinstance(value, int | float)
    return isinstance(value, wanted)


def class_defaults(fields: Mapping[str, Field]) -> dict[str, Any]:
    return {key: f.default for key, f in fields.items() if f.stored and f.default is not None}


def validate(fields: Mapping[str, Field], config: Mapping[str, Any]) -> None:
    """ValueError naming the first bad setting; keys the module does not declare are left alone, as Weaviate
    leaves them (vectorizeClassName, properties, and settings of newer versions)."""
    for key, field in fields.items():
        field.check(key, config.get(key))


def settings(fields: Mapping[str, Field], config: Mapping[str, Any]) -> dict[str, Any]:
    """The collection's settings over every declared default; an empty string counts as unset."""
    merged = {key: f.default for key, f in fields.items()}
    merged.update({k: v for k, v in config.items() if v is not None and v != ""})
    for key, field in fields.items():
        if field.type is int and isinstance(merged.get(key), float):
            merged[key] = int(merged[key])
    return merged
