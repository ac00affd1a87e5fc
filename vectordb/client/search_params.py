"""The near* and hybrid argument dicts that collection.query and collection.aggregate both send.

Keys keep the order in which they are added, which is the order they are printed in a GraphQL query.
"""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Sequence
from typing import Any

from vectordb.client.encode import as_uuid, float_vector
from vectordb.client.inputs import Move


def certainty_or_distance(distance: float | None, certainty: float | None) -> dict[str, Any]:
    if distance is not None and certainty is not None:
        raise ValueError("give either distance or certainty, not both")
    if distance is not None:
        return {"distance": float(distance)}
    if certainty is not None:
        return {"certainty": float(certainty)}
    return {}


def target_vectors(target_vector: str | None) -> dict[str, Any]:
    return {"targetVectors": [target_vector]} if target_vector else {}


def near_vector_params(
    vector: Any, distance: float | None, certainty: float | None, target_vector: str | None
) -> dict[str, Any]:
    return {
        "vector": float_vector(vector, "near_vector vector"),
        **certainty_or_distance(distance, certainty),
        **target_vectors(target_vector),
    }


def near_object_params(
    uuid: str | uuidlib.UUID, distance: float | None, certainty: float | None, target_vector: str | None
) -> dict[str, Any]:
    return {"id": as_uuid(uuid), **certainty_or_distance(distance, certainty), **target_vectors(target_vector)}


def near_text_params(
    query: str | Sequence[str],
    distance: float | None,
    certainty: float | None,
    target_vector: str | None,
    move_to: Move | None = None,
    move_away: Move | None = None,
) -> dict[str, Any]:
    params: dict[str, Any] = {
        "concepts": [query] if isinstance(query, str) else list(query),
        **certainty_or_distance(distance, certainty),
        **target_vectors(target_vector),
    }
    if move_to is not None:
        params["moveTo"] = move_to.to_dict()
    if move_away is not None:
        params["moveAwayFrom"] = move_away.to_dict()
    return params


def hybrid_params(
    query: str | None,
    alpha: float,
    vector: Any,
    query_properties: Sequence[str] | None,
    target_vector: str | None,
    fusion_type: str | None = None,
    max_vector_distance: float | None = None,
) -> dict[str, Any]:
    """Aggregate sends no fusion type or distance bound; query checks `fusion_type` before calling this."""
    params: dict[str, Any] = {"query": query or "", "alpha": float(alpha)}
    if fusion_type is not None:
        params["fusionType"] = fusion_type
    params.update(target_vectors(target_vector))
    if vector is not None:
        params["vector"] = float_vector(vector, "hybrid vector")
    if query_properties is not None:
        params["properties"] = list(query_properties)
    if max_vector_distance is not None:
        params["maxVectorDistance"] = float(max_vector_distance)
    return params
