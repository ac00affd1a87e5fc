"""Distances and certainties of vector search, and the nearText vector arithmetic (Weaviate semantics).

Facts carried over from Weaviate: certainty exists only for the cosine metric and is `1 - distance/2`; a
`distance` argument is an upper bound (kept when `d <= bound`, with a 1e-6 tolerance as the vector indexes
apply it); `certainty` is a lower bound and is turned into the equivalent distance bound; nearText concepts
are averaged element-wise; moveTo / moveAwayFrom shift the query vector by half the force.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

COSINE = "cosine"
# The vector indexes keep a hit whose distance is within this of the bound (floating-point noise).
DISTANCE_TOLERANCE = 1e-6


def certainty_to_distance(certainty: float) -> float:
    return (1.0 - certainty) * 2.0


def distance_to_certainty(distance: float) -> float:
    return 1.0 - distance / 2.0


def require_certainty_metric(metric: str) -> None:
    """Certainty is only meaningful for cosine distance; Weaviate refuses it for every other metric."""
    if metric != COSINE:
        raise ValueError(
            f"can't compute and return certainty when vector index is configured with {metric} distance"
        )


def certainty_of(distance: float, metric: str) -> float:
    """The `_additional.certainty` of a hit; ValueError on non-cosine metrics."""
    require_certainty_metric(metric)
    return distance_to_certainty(distance)


def max_distance(params: Mapping[str, Any] | None, operator: str, metric: str) -> float | None:
    """The distance upper bound a near* argument asks for, or None when it sets no threshold.

    `params` is the operator's argument dict (`certainty`, `distance` keys); `operator` is its GraphQL name
    (nearVector, nearObject, nearText, ...) and appears in the error when both thresholds are given.
    """
    if not params:
        return None
    certainty = params.get("certainty")
    distance = params.get("distance")
    if certainty is not None and distance is not None:
        raise ValueError(
            f"found 'certainty' and 'distance' set in {operator} which are conflicting, choose one instead"
        )
    if distance is not None:
        return float(distance)
    if certainty is not None:
        require_certainty_metric(metric)
        return certainty_to_distance(float(certainty))
    return None


def within(distance: float, bound: float | None) -> bool:
    """Whether a hit at `distance` passes the upper bound `bound` (None: no bound)."""
    if bound is None:
        return True
    return distance <= bound or abs(distance - bound) <= DISTANCE_TOLERANCE


def combine_vectors(vectors: Sequence[Sequence[float] | np.ndarray]) -> np.ndarray:
    """Element-wise mean. Vectors of unequal length are averaged per position over those that have it."""
    if len(vectors) == 0:
        raise ValueError("cannot combine an empty list of vectors")
    arrays = [np.asarray(v, dtype=np.float32).ravel() for v in vectors]
    width = max(a.shape[0] for a in arrays)
    sums = np.zeros(width, dtype=np.float32)
    counts = np.zeros(width, dtype=np.float32)
    for a in arrays:
        sums[: a.shape[0]] += a
        counts[: a.shape[0]] += 1
    # positions no vector reaches stay 0 rather than 0/0
    return np.divide(sums, counts, out=np.zeros_like(sums), where=counts > 0)


def movement_target(
    concepts_vector: Sequence[float] | np.ndarray | None,
    object_vectors: Sequence[Sequence[float] | np.ndarray] = (),
) -> np.ndarray:
    """The point a moveTo / moveAwayFrom moves relative to.

    Weaviate vectorizes the movement's concepts into one (already averaged) vector and then averages that
    with each referenced object's vector, so the concepts weigh as one object.
    """
    parts: list[Sequence[float] | np.ndarray] = []
    if concepts_vector is not None:
        parts.append(concepts_vector)
    parts.extend(object_vectors)
    if not parts:
        raise ValueError("a movement needs concepts or objects to move relative to")
    return combine_vectors(parts)


def _pair(
    vector: Sequence[float] | np.ndarray, target: Sequence[float] | np.ndarray, label: str
) -> tuple[np.ndarray, np.ndarray]:
    v = np.asarray(vector, dtype=np.float32).ravel()
    t = np.asarray(target, dtype=np.float32).ravel()
    if v.shape != t.shape:
        raise ValueError(f"{label}: vector lengths don't match: got {v.shape[0]} and {t.shape[0]}")
    return v, t


def move_to(
    vector: Sequence[float] | np.ndarray, target: Sequence[float] | np.ndarray, force: float
) -> np.ndarray:
    """`v * (1 - force/2) + target * force/2`; force must lie in [0, 1]."""
    v, t = _pair(vector, target, "movement")
    if force < 0 or force > 1:
        raise ValueError(f"movement: force must be between 0 and 1: got {force:f}")
    half = np.float32(force) * np.float32(0.5)
    return v * (np.float32(1) - half) + t * half


def move_away(
    vector: Sequence[float] | np.ndarray, target: Sequence[float] | np.ndarray, force: float
) -> np.ndarray:
    """`v + force/2 * (v - target)`; force must be 0 or positive."""
    v, t = _pair(vector, target, "movement (moveAwayFrom)")
    if force < 0:
        raise ValueError(f"movement (moveAwayFrom): force must be 0 or positive: got {force:f}")
    half = np.float32(force) * np.float32(0.5)
    return v + half * (v - t)
