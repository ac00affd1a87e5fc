"""A class's property by its exact name, and Weaviate's message when there is none.

Query paths are matched exactly as given: unlike `vectordb.schema.find_property`, no first-letter folding,
so a path whose first letter differs in case from the stored name is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def class_property(class_def: Mapping[str, Any], name: str) -> Mapping[str, Any] | None:
    for prop in class_def.get("properties") or []:
        if prop.get("name") == name:
            return prop
    return None


def no_such_property(class_def: Mapping[str, Any], name: str) -> str:
    return (
        f"no such prop with name '{name}' found in class '{class_def.get('class')}' in the schema. "
        "Check your schema files for which properties in this class are available"
    )


def require_property(class_def: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    """The property, or ValueError in Weaviate's words."""
    prop = class_property(class_def, name)
    if prop is None:
        raise ValueError(no_such_property(class_def, name))
    return prop
