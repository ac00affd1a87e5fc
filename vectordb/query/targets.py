"""Searching several named vectors at once (targetVectors with more than one name), as Weaviate does.

Each target contributes its nearest `window` candidates; every candidate then gets its exact distance on every
target (an object without one of the vectors drops out, but for `minimum`), and the distances are combined:
- `sum`, `average`, `minimum` (the default) of the distances;
- `manualWeights`: the weighted sum, one weight per target;
- `relativeScore`: each target's distances min-max normalised over the candidates, then the weighted sum.
A distance/certainty bound applies to the combined distance.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import lmdb
import numpy as np
from pyroaring import BitMap

from vectordb.collection import Collection
from vectordb.errors import UserError
from vectordb.query import distance as dist
from vectordb.spaces import VectorSpace

METHODS = ("sum", "average", "minimum", "manualWeights", "relativeScore")


def weights_for(spaces: Sequence[VectorSpace], combination: Mapping[str, Any]) -> np.ndarray:
    """One weight per target; the weighted methods need one for every target."""
    method = combination.get("method") or "minimum"
    given = {w["target"]: float(w["weight"]) for w in combination.get("weights") or []}
    if method in ("manualWeights", "relativeScore"):
        missing = [s.label for s in spaces if s.label not in given and s.name not in given]
        if missing:
            raise UserError(f"targetVectors: {method} needs a weight for every target, missing {missing}")
        return np.array([given.get(s.label, given.get(s.name, 1.0)) for s in spaces], dtype=np.float64)
    return np.ones(len(spaces), dtype=np.float64)


def combine(distances: np.ndarray, method: str, weights: np.ndarray) -> np.ndarray:
    """Combined distance per candidate; `distances` has one row per target, one column per candidate."""
    if method == "sum":
        return distances.sum(axis=0)
    if method == "average":
        return distances.mean(axis=0)
    if method == "minimum":
        return distances.min(axis=0)
    if method == "manualWeights":
        return (distances * weights[:, None]).sum(axis=0)
    if method == "relativeScore":
        low = distances.min(axis=1, keepdims=True)
        spread = distances.max(axis=1, keepdims=True) - low
        normalised = np.divide(distances - low, spread, out=np.zeros_like(distances), where=spread > 0)
        return (normalised * weights[:, None]).sum(axis=0)
    raise UserError(f"targetVectors: unknown combination method {method!r}; use one of {', '.join(METHODS)}")


def multi_target_hits(
    coll: Collection,
    txn: lmdb.Transaction,
    spaces: Sequence[VectorSpace],
    queries: Sequence[np.ndarray],
    params: Mapping[str, Any],
    operator: str,
    window: int,
    allow: BitMap | None,
) -> list[tuple[dict[str, Any], float]]:
    """The objects nearest to the queries on all targets, best first, with their combined distance."""
    combination = params.get("targetCombination") or {}
    method = combination.get("method") or "minimum"
    weights = weights_for(spaces, combination)
    indexes = []
    for space, query in zip(spaces, queries, strict=True):
        index = coll.indexes.get(space.name)
        if index is None:
            raise UserError(f"vector '{space.label}' of {coll.name} has no vector index")
        if index.dim and len(query) != index.dim:
            raise UserError(
                f"{operator}: vector lengths don't match for target '{space.label}': the query has {len(query)} "
                f"dimensions, the collection's vectors have {index.dim}"
            )
        indexes.append(index)
    if window == 0:
        return []
    candidates: set[int] = set()
    for index, query in zip(indexes, queries, strict=True):
        ids, _ = index.search(query, window, allow=allow)
        candidates.update(ids.tolist())
    if not candidates:
        return []
    ids = np.array(sorted(candidates), dtype=np.uint64)
    table = np.vstack([index.distances(query, ids) for index, query in zip(indexes, queries, strict=True)])
    # An object lacking one of the vectors drops out, except under `minimum`, which takes the nearest it has.
    present = np.isfinite(table)
    complete = present.any(axis=0) if method == "minimum" else present.all(axis=0)
    ids, table = ids[complete], table[:, complete].astype(np.float64)
    if not len(ids):
        return []
    combined = combine(table, method, weights)
    metric = spaces[0].index_config.get("distance", "cosine")
    try:
        bound = dist.max_distance(params, operator, metric)
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    out = []
    for position in np.argsort(combined, kind="stable"):
        value = float(combined[position])
        if not dist.within(value, bound):
            break
        obj = coll.store.get_by_docid(txn, int(ids[position]))
        if obj is not None:
            out.append((obj, value))
        if len(out) >= window:
            break
    return out
