"""GET /v1/objects: paging over stored objects by offset or uuid cursor, optionally sorted."""

from __future__ import annotations

from itertools import islice
from typing import TYPE_CHECKING, Any

from vectordb.cluster import as_sharded
from vectordb.errors import UserError
from vectordb.query.deadline import check_deadline
from vectordb.render import object_json

if TYPE_CHECKING:
    from vectordb.cluster.sharded import ShardedCollection
    from vectordb.collection import Collection
    from vectordb.database import Database


def list_objects(
    db: Database,
    class_name: str | None,
    *,
    limit: int | None,
    offset: int,
    after: str | None,
    sort: list[dict[str, Any]],
    include_vector: bool,
    colls: list[Collection] | None = None,
) -> dict[str, Any]:
    """colls: the stores to list (a tenant's), instead of those `class_name` names."""
    limit = db.settings.query_defaults_limit if limit is None else limit
    if limit < 0 or offset < 0:
        raise UserError("invalid param: limit and offset must not be negative")
    if after is not None:
        if class_name is None:
            raise UserError("invalid param 'after': cursor paging needs the 'class' parameter")
        if offset or sort:
            raise UserError("invalid param 'after': cannot be combined with 'offset' or 'sort'")
    if offset + limit > db.settings.query_maximum_results:
        raise UserError(
            f"invalid param: offset+limit ({offset + limit}) is above QUERY_MAXIMUM_RESULTS "
            f"({db.settings.query_maximum_results})"
        )
    if colls is None:
        colls = [db.collection(class_name)] if class_name else list(db.collections.values())
    out: list[dict[str, Any]] = []
    for coll in colls:
        sharded = as_sharded(coll)
        if sharded is not None:
            out.extend(_sharded_page(sharded, offset, limit, after, sort, include_vector, whole=not class_name))
            if not class_name and len(out) >= offset + limit:
                break
            continue
        with coll.reading() as txn:
            if sort:
                from vectordb.query.sort import sort_objects

                try:
                    objs = sort_objects(list(coll.store.iterate(txn)), sort, coll.class_def)
                except ValueError as exc:
                    raise UserError(f"invalid param 'sort': {exc}") from exc
                page = objs[offset : offset + limit] if class_name else objs
            else:
                page = list(islice(coll.store.iterate(txn, after), offset if class_name else 0, offset + limit))
            for obj in page:
                check_deadline()
                vectors = coll.store.vectors(txn, obj["docId"]) if include_vector else None
                out.append(object_json(obj, vectors))
        if not class_name and len(out) >= offset + limit:
            break
    if not class_name:
        out = out[offset : offset + limit]
    return {"objects": out, "totalResults": len(out), "deprecations": None}


def _sharded_page(coll: ShardedCollection, offset: int, limit: int, after: str | None, sort: list[dict[str, Any]],
                  include_vector: bool, *, whole: bool) -> list[dict[str, Any]]:
    """The page merged from every shard's first `offset + limit` in uuid order (all objects when sorting)."""
    from storage.objects import uuid_bytes

    wanted = coll.max_results if sort else offset + limit
    found = [item for page in coll.one_per_shard("page", after, wanted, include_vector).values() for item in page]
    found.sort(key=lambda item: uuid_bytes(item[0]["id"]))
    if sort:
        from vectordb.query.sort import sort_objects

        vectors = {obj["id"]: v for obj, v in found}
        try:
            found = [(o, vectors[o["id"]]) for o in sort_objects([obj for obj, _ in found], sort, coll.class_def)]
        except ValueError as exc:
            raise UserError(f"invalid param 'sort': {exc}") from exc
    page = found[: offset + limit] if whole else found[offset : offset + limit]
    return [object_json(obj, vectors) for obj, vectors in page]
