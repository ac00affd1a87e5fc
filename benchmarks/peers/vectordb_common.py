"""What the embedded and HTTP vectordb adapters share: the class definition and object bodies."""

from __future__ import annotations

import uuid
from typing import Any

import numpy as np

from benchmarks.peers.base import BuildParams

CLASS = "Bench"


def class_def(params: BuildParams) -> dict[str, Any]:
    return {
        "class": CLASS,
        "vectorizer": "none",
        "properties": [{"name": "bucket", "dataType": ["int"]}],
        "vectorIndexConfig": {
            "distance": params.distance,
            "maxConnections": params.M,
            "efConstruction": params.ef_construction,
        },
    }


def object_id(row: int) -> str:
    return str(uuid.UUID(int=row + 1))


def row_of(object_id: str) -> int:
    # int() of the hex digits, not uuid.UUID: the harness's own parsing took a tenth of an embedded query
    return int(object_id.replace("-", ""), 16) - 1


def bodies(vectors: np.ndarray, buckets: np.ndarray, start: int) -> list[dict[str, Any]]:
    return [
        {"class": CLASS, "id": object_id(start + i), "properties": {"bucket": int(b)}, "vector": v}
        for i, (v, b) in enumerate(zip(vectors, buckets, strict=True))
    ]


def bucket_filter(max_bucket: int) -> dict[str, Any]:
    return {"operator": "LessThan", "path": ["bucket"], "valueInt": int(max_bucket)}
