"""The query vector of nearVector, nearObject, nearText and hybrid."""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from modules.base import ModuleContext, ModuleError
from vectordb.collection import Collection
from vectordb.errors import UserError
from vectordb.ingest import parse_vector
from vectordb.query import distance as dist
from vectordb.references import parse_beacon
from vectordb.spaces import VectorSpace

if TYPE_CHECKING:
    from vectordb.database import Database


def vectorize_query(
    db: Database, coll: Collection, space: VectorSpace, texts: list[str], headers: Mapping[str, str]
) -> np.ndarray:
    """The module's query-flavour vectors of the texts, averaged element-wise."""
    if space.module is None:
        raise UserError(
            f"could not vectorize input for collection {coll.name} with search-type nearText/hybrid: "
            f"vector '{space.label}' has no vectorizer module; pass a vector instead"
        )
    ctx = ModuleContext(headers=dict(headers), env=db.settings.env)
    try:
        module = db.modules.vectorizer(space.module)
        vectors = db.loop.run(module.vectorize_query(texts, space.module_config, ctx))
    except ModuleError as exc:
        raise UserError(f"could not vectorize input: {space.module}: {exc.message}", exc.status) from exc
    return dist.combine_vectors(vectors)


def _object_vector(db: Database, coll: Collection, space: VectorSpace, ref: Mapping[str, Any]) -> np.ndarray:
    target_cls, object_id = coll.name, ref.get("id")
    if ref.get("beacon"):
        cls, object_id, _ = parse_beacon(ref["beacon"])
        target_cls = cls or coll.name
    if not object_id:
        raise UserError("nearObject: 'id' or 'beacon' is required")
    # A tenant's query finds the object in its own store.
    source = coll if target_cls == coll.name else db.collection(target_cls)
    try:
        uuidlib.UUID(str(object_id))
    except ValueError:
        raise UserError(f"nearObject: {str(object_id)[:80]!r} is not a valid uuid") from None
    found = source.get_with_vectors(str(object_id))
    if found is None:
        raise UserError(f"nearObject: no object with id '{object_id}' in {source.name}")
    _, vectors = found
    vector = vectors.get(space.name)
    if vector is None:
        raise UserError(f"nearObject: object '{object_id}' has no vector '{space.label}'")
    return vector


def _near_vector(params: Mapping[str, Any], space: VectorSpace) -> np.ndarray:
    raw = params.get("vector")
    if isinstance(raw, Mapping):
        raw = raw.get(space.label, raw.get(space.name))
    if raw is None and isinstance(params.get("vectorPerTarget"), Mapping):
        raw = params["vectorPerTarget"].get(space.label)
    if raw is None:
        raise UserError("nearVector: 'vector' is required")
    try:
        return parse_vector(raw, "nearVector.vector")
    except UserError as exc:
        raise UserError(exc.message.replace("invalid object: ", "")) from exc


def _moved(db: Database, coll: Collection, space: VectorSpace, vector: np.ndarray,
           params: Mapping[str, Any], headers: Mapping[str, str]) -> np.ndarray:
    for key, move in (("moveTo", dist.move_to), ("moveAwayFrom", dist.move_away)):
        movement = params.get(key)
        if not movement:
            continue
        concepts = movement.get("concepts") or []
        concepts_vector = vectorize_query(db, coll, space, list(concepts), headers) if concepts else None
        objects = [_object_vector(db, coll, space, ref) for ref in movement.get("objects") or []]
        try:
            target = dist.movement_target(concepts_vector, objects)
            vector = move(vector, target, float(movement.get("force", 0)))
        except ValueError as exc:
            raise UserError(f"nearText.{key}: {exc}") from exc
    return vector


def query_vector_for(
    db: Database, coll: Collection, space: VectorSpace, search: str, params: Mapping[str, Any],
    headers: Mapping[str, str],
) -> np.ndarray:
    if search == "near_vector":
        return _near_vector(params, space)
    if search == "near_object":
        return _object_vector(db, coll, space, params)
    if search == "near_text":
        concepts = params.get("concepts")
        if isinstance(concepts, str):
            concepts = [concepts]
        if not concepts or not all(isinstance(c, str) for c in concepts):
            raise UserError("nearText: 'concepts' must be a non-empty list of strings")
        vector = vectorize_query(db, coll, space, list(concepts), headers)
        return _moved(db, coll, space, vector, params, headers)
    # hybrid: a given vector, a nearText/nearVector under `searches`, else the query text's module vector
    if params.get("vector") is not None:
        return _near_vector(params, space)
    searches = params.get("searches") or {}
    if searches.get("nearVector"):
        return _near_vector(searches["nearVector"], space)
    if searches.get("nearText"):
        return query_vector_for(db, coll, space, "near_text", searches["nearText"], headers)
    query = params.get("query")
    if not isinstance(query, str) or not query:
        raise UserError("hybrid: 'query' is required unless a 'vector' is given or alpha is 0")
    return vectorize_query(db, coll, space, [query], headers)
