"""The vector spaces of a collection: the legacy single vector or each named vector of `vectorConfig`.

Internally the legacy vector is named "" (an object's `vector`); named vectors keep their names (`vectors`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

LEGACY = ""


def vector_problem(vector: np.ndarray, length: int | None) -> str | None:
    """Why a vector cannot go into an index whose vectors have `length` (None: it can, or the index is empty
    and this vector fixes the length)."""
    if not np.isfinite(vector).all():
        return "contains NaN or infinity"
    if length is not None and len(vector) != length:
        return f"has length {len(vector)}, but this collection's vectors have length {length}"
    return None


@dataclass(frozen=True)
class VectorSpace:
    name: str
    module: str | None  # the vectorizer module, None for "none"
    module_config: dict[str, Any]
    index_type: str
    index_config: dict[str, Any]

    @property
    def indexed(self) -> bool:
        return not self.index_config.get("skip", False)

    @property
    def label(self) -> str:
        """How users name this vector ("default" for the legacy one, as the v4 client does)."""
        return self.name or "default"


def spaces(class_def: dict[str, Any]) -> dict[str, VectorSpace]:
    named = class_def.get("vectorConfig") or {}
    if named:
        out = {}
        for name, cfg in named.items():
            vectorizer = cfg.get("vectorizer") or {"none": {}}
            module, settings = next(iter(vectorizer.items()))
            out[name] = VectorSpace(
                name=name,
                module=None if module == "none" else module,
                module_config=dict(settings or {}),
                index_type=cfg.get("vectorIndexType", "hnsw"),
                index_config=dict(cfg.get("vectorIndexConfig") or {}),
            )
        return out
    module = class_def.get("vectorizer") or "none"
    return {
        LEGACY: VectorSpace(
            name=LEGACY,
            module=None if module == "none" else module,
            module_config=dict((class_def.get("moduleConfig") or {}).get(module) or {}),
            index_type=class_def.get("vectorIndexType", "hnsw"),
            index_config=dict(class_def.get("vectorIndexConfig") or {}),
        )
    }


def resolve_target(all_spaces: dict[str, VectorSpace], targets: list[str] | None) -> VectorSpace:
    """The space a query targets: the only one, or the one named in targetVectors."""
    if targets:
        if len(targets) > 1:
            raise ValueError("searching several targetVectors at once is not supported yet; name one")
        name = targets[0]
        if name in all_spaces:
            return all_spaces[name]
        if name == "default" and LEGACY in all_spaces:
            return all_spaces[LEGACY]
        raise ValueError(f"targetVectors: no vector named {name!r}; this collection has {sorted(all_spaces)}")
    if len(all_spaces) == 1:
        return next(iter(all_spaces.values()))
    raise ValueError(
        f"this collection has several named vectors {sorted(all_spaces)}: choose one with targetVectors"
    )
