"""groupBy for Get: fold ranked vector-search hits into groups of equal property value (Weaviate semantics).

Facts carried over from Weaviate's shard grouper:
- Hits are visited best first. A hit joins the group of each of its values (every element of an array
  property); a full group (objectsPerGroup reached) is skipped for that value; once `groups` groups exist,
  a hit whose value would open a new one is dropped, with any values it has left.
- Groups come out in the order they were opened, i.e. by their best hit. Weaviate reports each on its best
  hit as `_additional.group = {id, groupedBy: {path, value}, count, maxDistance, minDistance, hits}`;
  `minDistance` / `maxDistance` are the distances of its first and last hit.
- The group value is the property's stored JSON value as text: strings as they are, numbers as Go's JSON
  prints them ("101", "1.5"), booleans "true"/"false", references by beacon. A hit without the property
  (or with an empty array) falls into the group with value "".
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from vectordb.query.props import class_property, no_such_property


def go_json_number(value: float) -> str:
    """A float64 as Go's encoding/json writes it: shortest digits, positional for 1e-6 <= |x| < 1e21."""
    x = float(value)
    if not math.isfinite(x):
        return repr(x)
    if x == int(x) and abs(x) < 1e21:
        return str(int(x))
    magnitude = abs(x)
    if 1e-6 <= magnitude < 1e21:
        return format(Decimal(repr(x)), "f")
    mantissa, exponent = repr(x).split("e")
    sign = exponent[0]
    digits = exponent[1:].lstrip("0") or "0"
    return f"{mantissa}e{sign}{digits}"


def _one(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return go_json_number(value)
    if isinstance(value, Mapping):
        if "beacon" in value:
            return str(value["beacon"])
        # geo coordinates, phone numbers, nested objects: their compact JSON text
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return str(value)


def group_values(value: Any) -> list[str]:
    """The group values one object contributes: one per array element, [""] when it has none."""
    if value is None:
        return [""]
    if isinstance(value, list | tuple):
        if not value:
            return [""]
        return [_one(v) for v in value]
    return [_one(value)]


def group_hits(
    items: Sequence[tuple[Mapping[str, Any], float | None, Any]],
    path: Sequence[str] | str,
    groups: int,
    objects_per_group: int,
    class_def: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Group ranked hits, best first. Each item is `(properties, distance, payload)`.

    Returns the groups in order, each `{id, groupedBy: {path, value}, count, maxDistance, minDistance, hits}`
    where `hits` lists the members' payloads (the caller turns them into result objects). With `class_def`
    an unknown property is refused.
    """
    if isinstance(path, str):
        path = [path]
    if len(path) != 1:
        raise ValueError('groupBy path must name exactly one property, e.g. path: ["category"]')
    name = path[0]
    if class_def is not None and class_property(class_def, name) is None:
        raise ValueError(f"{no_such_property(class_def, name)}: unrecognized property: {name}")

    members: dict[str, list[tuple[float | None, Any]]] = {}
    for properties, distance, payload in items:
        for value in group_values(properties.get(name)):
            current = members.get(value)
            if current is not None and len(current) >= objects_per_group:
                continue
            if current is None:
                if len(members) >= groups:
                    break
                current = members[value] = []
            current.append((distance, payload))

    return [
        {
            "id": index,
            "groupedBy": {"path": [name], "value": value},
            "count": len(group),
            "maxDistance": group[-1][0],
            "minDistance": group[0][0],
            "hits": [payload for _, payload in group],
        }
        for index, (value, group) in enumerate(members.items())
    ]
