"""Stored objects as Weaviate's JSON `Object`."""

from __future__ import annotations

from typing import Any

import numpy as np

from vectordb.spaces import LEGACY


def vectors_json(vectors: dict[str, np.ndarray]) -> dict[str, Any]:
    """`vector` for the legacy vector, `vectors` for named ones."""
    out: dict[str, Any] = {}
    named = {name: vec.tolist() for name, vec in vectors.items() if name != LEGACY}
    if LEGACY in vectors:
        out["vector"] = vectors[LEGACY].tolist()
    if named:
        out["vectors"] = named
    return out


def object_json(obj: dict[str, Any], vectors: dict[str, np.ndarray] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "class": obj["class"],
        "id": obj["id"],
        "properties": obj["properties"],
        "creationTimeUnix": obj["creationTimeUnix"],
        "lastUpdateTimeUnix": obj["lastUpdateTimeUnix"],
    }
    if vectors is not None:
        out.update(vectors_json(vectors))
    return out


def beacon(class_name: str, object_id: str) -> str:
    return f"weaviate://localhost/{class_name}/{object_id}"
