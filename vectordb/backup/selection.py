"""Which classes a backup or a restore takes: `include` / `exclude`, with Weaviate's `*` and `?` wildcards."""

from __future__ import annotations

from collections.abc import Sequence
from fnmatch import fnmatchcase
from typing import Any

from vectordb.errors import UserError


def class_list(body: dict[str, Any], field: str) -> list[str]:
    value = body.get(field)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise UserError(f"{field} in body must be of type array of strings")
    return value


def check_lists(include: list[str], exclude: list[str]) -> None:
    if include and exclude:
        raise UserError("malformed request: 'include' and 'exclude' cannot both contain values")
    seen: set[str] = set()
    for name in include:
        if name in seen:
            raise UserError(f"class list 'include' contains duplicate: {name}")
        seen.add(name)


def expand(patterns: Sequence[str], candidates: Sequence[str]) -> list[str]:
    """Each pattern with a wildcard becomes the candidates it matches; a plain name stays as it is."""
    found: list[str] = []
    for pattern in patterns:
        if "*" in pattern or "?" in pattern:
            found += [c for c in candidates if fnmatchcase(c, pattern) and c not in found]
        elif pattern not in found:
            found.append(pattern)
    return found


def choose(include: list[str], exclude: list[str], candidates: Sequence[str]) -> list[str]:
    """`include` (all when empty) less `exclude`."""
    chosen = expand(include, candidates) or list(candidates)
    dropped = set(expand(exclude, candidates))
    return [name for name in chosen if name not in dropped]
