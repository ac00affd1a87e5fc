"""Filters on sub-properties of object / object[] properties: `cars.make`, `country.garages.cars[0].year`.

Weaviate's semantics (its nested filtering, test/acceptance_with_python/test_nested_props_*):
- A leaf is existential over the array elements on its path: `cars.make = Toyota` matches a document with at
  least one such car; a document with no cars matches no leaf, whatever the operator (NotEqual, IsNull and
  ContainsNone included).
- Leaves under one logical operator correlate at their lowest common ancestor (the longest shared prefix of their
  paths, pins included): `cars.make = Toyota AND cars.color = red` needs one car with both, while
  `cars.make = Toyota AND category = x` is an ordinary document-level AND. `Not` inverts at that same ancestor
  (some car fails the inner clause).
- `name[N]` pins a segment to the array element at position N.
- A text leaf matches when every token of the filter value is among the tokens of one value (one element of a
  text[]); Like matches token by token; ContainsNone holds when some element is outside the list.

A correlated clause is checked against each stored document (the nested values are not in the inverted index),
so its cost grows with the collection; document-level operators around it still use the index.
"""

from __future__ import annotations

import math
import re
import uuid as uuidlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from storage.analyzer import Analyzer, analyzer_for
from storage.inverted import rfc3339_micros
from storage.wildcard import compile_like

_SEGMENT = re.compile(r"^(?P<name>[^\[\]]+)(?:\[(?P<pin>\d+)\])?$")
NESTED_TYPES = ("object", "object[]")

Segment = tuple[str, int | None]


def is_nested_path(name: str) -> bool:
    return "." in name or "[" in name


def segments(name: str) -> list[Segment]:
    out: list[Segment] = []
    for raw in name.split("."):
        match = _SEGMENT.match(raw)
        if match is None:
            raise ValueError(f"nested path {name!r}: segment {raw!r} is not a property name or name[N]")
        pin = match.group("pin")
        out.append((match.group("name"), None if pin is None else int(pin)))
    return out


@dataclass
class Leaf:
    """One checked nested leaf: where it sits, what it tests, and how its text is tokenized."""

    path: list[Segment]  # the object levels above the leaf, root property first
    name: str
    pin: int | None
    base: str  # the leaf's data type without []
    op: str
    value: Any
    analyzer: Analyzer


def resolve(name: str, root: dict, op: str) -> tuple[list[Segment], dict]:
    """The segments of nested path `name` (first segment: the object property `root`) and its leaf property."""
    root_type = (root.get("dataType") or [""])[0]
    segs = segments(name)
    if segs[0][1] is not None and not root_type.endswith("[]"):
        raise ValueError(f"property {segs[0][0]!r} is of type {root_type!r} — [N] indexing requires an array type")
    if len(segs) == 1:
        raise ValueError(f"property {name!r} is of type {root_type!r}; use dot notation to filter on a sub-property")
    props = root.get("nestedProperties") or []
    leaf: dict = {}
    for i, (seg, pin) in enumerate(segs[1:], start=1):
        found = next((p for p in props if p.get("name") == seg), None)
        if found is None:
            raise ValueError(f"nested path {name!r}: sub-property {seg!r} not found")
        data_type = (found.get("dataType") or [""])[0]
        if pin is not None and not data_type.endswith("[]"):
            raise ValueError(
                f"nested path {name!r}: sub-property {seg!r} is of type {data_type!r} — [N] indexing requires "
                "an array type"
            )
        if i < len(segs) - 1 and data_type not in NESTED_TYPES:
            raise ValueError(
                f"nested path {name!r}: sub-property {seg!r} must be object or object[], got {data_type!r}"
            )
        props, leaf = found.get("nestedProperties") or [], found
    data_type = (leaf.get("dataType") or [""])[0]
    if op != "IsNull" and data_type in NESTED_TYPES:
        raise ValueError(
            f"nested path {name!r}: sub-property {leaf['name']!r} is of type {data_type!r}; filtering on object "
            "types is not supported, specify a primitive sub-property"
        )
    if op != "IsNull" and leaf.get("indexFilterable") is False:
        raise ValueError(f"nested path {name!r}: sub-property {leaf['name']!r} is not filterable")
    return segs, leaf


def make_leaf(segs: list[Segment], leaf: dict, op: str, value: Any, inverted_config: dict) -> Leaf:
    """The leaf of a resolved path with its checked filter value, in a collection with this
    invertedIndexConfig."""
    base = (leaf.get("dataType") or [""])[0].removesuffix("[]")
    if op != "IsNull":
        value = [_typed(base, v) for v in value] if isinstance(value, list) else _typed(base, value)
    return Leaf(
        path=segs[:-1], name=segs[-1][0], pin=segs[-1][1], base=base, op=op, value=value,
        analyzer=analyzer_for(leaf, inverted_config),
    )  # fmt: skip


def _typed(base: str, value: Any) -> Any:
    if base == "date":
        return rfc3339_micros(value)
    if base == "uuid":
        return str(uuidlib.UUID(value))
    return value


def common_prefix(paths: list[list[Segment]]) -> list[Segment]:
    out: list[Segment] = []
    for level in zip(*paths, strict=False):
        if any(seg != level[0] for seg in level):
            break
        out.append(level[0])
    return out


def elements(ctx: Any, path: list[Segment]) -> Iterator[dict]:
    """The objects reached from ctx along path, through every array element (or the pinned one)."""
    if not path:
        if isinstance(ctx, dict):
            yield ctx
        return
    (name, pin), rest = path[0], path[1:]
    value = ctx.get(name) if isinstance(ctx, dict) else None
    if isinstance(value, list):
        items = value if pin is None else value[pin : pin + 1]
    else:
        items = [value] if value is not None and pin is None else []
    for item in items:
        yield from elements(item, rest)


def holds(leaf: Leaf, element: dict) -> bool:
    """The leaf's test on one element of its parent path."""
    raw = element.get(leaf.name)
    if leaf.pin is not None:
        raw = raw[leaf.pin : leaf.pin + 1] if isinstance(raw, list) else None
        raw = raw or None
    if leaf.op == "IsNull":
        return (raw is None or raw == [] or raw == "") == leaf.value
    items = [v for v in (raw if isinstance(raw, list) else [raw]) if v is not None]
    if not items:
        return False
    match = _matcher(leaf)
    op = leaf.op
    if op == "NotEqual":
        return not any(match(item, leaf.value) for item in items)
    if op in ("ContainsAny", "ContainsAll", "ContainsNone"):
        values = leaf.value if isinstance(leaf.value, list) else [leaf.value]
        if op == "ContainsAll":
            return all(any(match(item, v) for item in items) for v in values)
        found = [any(match(item, v) for v in values) for item in items]
        return any(found) if op == "ContainsAny" else not all(found)
    return any(match(item, leaf.value) for item in items)


def _matcher(leaf: Leaf) -> Callable[[Any, Any], bool]:
    """(stored value, filter value) -> bool for the leaf's operator, on one scalar."""
    op, base = leaf.op, leaf.base
    if base == "text":
        analyzer = leaf.analyzer
        if op == "Like":
            return lambda item, v: _like(analyzer.tokens(str(item)), analyzer.pattern_tokens(v))
        if op in ("Equal", "NotEqual", "ContainsAny", "ContainsAll", "ContainsNone"):
            return lambda item, v: _has_tokens(analyzer.tokens(str(item)), analyzer.query_tokens(v))
    key = _key(base)
    if op in ("Equal", "NotEqual", "ContainsAny", "ContainsAll", "ContainsNone"):
        return lambda item, v: _safe(key, item) == v
    compare = _COMPARE[op]
    return lambda item, v: (k := _safe(key, item)) is not None and compare(k, v)


def _has_tokens(tokens: list[str], wanted: list[str]) -> bool:
    return bool(wanted) and set(wanted).issubset(tokens)


def _like(tokens: list[str], patterns: list[str]) -> bool:
    return bool(patterns) and all(any(compile_like(p)(t) for t in tokens) for p in patterns)


def _key(base: str) -> Callable[[Any], Any]:
    if base == "date":
        return rfc3339_micros
    if base == "uuid":
        return lambda v: str(uuidlib.UUID(str(v)))
    if base in ("int", "number"):
        return lambda v: float(v) if isinstance(v, int | float) and not isinstance(v, bool) else math.nan
    return lambda v: v


def _safe(key: Callable[[Any], Any], item: Any) -> Any:
    try:
        return key(item)
    except (ValueError, TypeError):
        return None


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "GreaterThan": lambda a, b: a > b,
    "GreaterThanEqual": lambda a, b: a >= b,
    "LessThan": lambda a, b: a < b,
    "LessThanEqual": lambda a, b: a <= b,
}


def exists(node: Any, ctx: Any, depth: int) -> bool:
    """Some element at node.scope below ctx (already bound to depth levels) satisfies node.

    `node` is a parsed filter clause (vectordb.query.filters.Node) whose nested leaves carry `leaf` and whose
    every clause carries `scope`, the common prefix of its leaves' paths.
    """
    return any(_at(node, element, len(node.scope)) for element in elements(ctx, node.scope[depth:]))


def _at(node: Any, element: dict, depth: int) -> bool:
    if node.leaf is not None:
        return holds(node.leaf, element)
    if node.op == "And":
        return all(exists(child, element, depth) for child in node.children)
    if node.op == "Or":
        return any(exists(child, element, depth) for child in node.children)
    return not _at(node.children[0], element, depth)
