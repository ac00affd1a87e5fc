"""Cross-references: which classes a property points to, and adding, replacing or removing beacons."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from vectordb.errors import NotFound, UserError
from vectordb.render import beacon as make_beacon

if TYPE_CHECKING:
    from vectordb.collection import Collection
    from vectordb.database import Database

_BEACON = re.compile(
    r"^weaviate://localhost/(?:(?P<cls>[A-Za-z][_0-9A-Za-z]*)/)?"
    r"(?P<id>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})(?:/(?P<prop>[_A-Za-z][_0-9A-Za-z]*))?$"
)


def reference_targets(prop: Mapping[str, Any]) -> list[str]:
    """The target classes of a cross-reference property (data types that are class names)."""
    return [t for t in prop.get("dataType") or [] if t[:1].isupper()]


def parse_beacon(raw: Any) -> tuple[str | None, str, str | None]:
    """(class or None, uuid, property or None) of a beacon string."""
    match = _BEACON.match(raw) if isinstance(raw, str) else None
    if match is None:
        raise UserError(f"invalid beacon {raw!r}: expected weaviate://localhost/<Class>/<uuid>")
    return match["cls"], match["id"].lower(), match["prop"]


def change_reference(
    db: Database,
    class_name: str,
    object_id: str,
    prop: str,
    ref: Mapping[str, Any] | None,
    *,
    replace_all: list[Mapping[str, Any]] | None = None,
    remove: bool = False,
    tenant: str | None = None,
) -> None:
    """Add one reference (or remove it, or replace the whole list) on an object's reference property."""
    with db.shard(class_name, tenant) as coll:
        _change(db, coll, object_id, prop, ref, replace_all, remove)


def _change(db: Database, coll: Collection, object_id: str, prop: str, ref: Mapping[str, Any] | None,
            replace_all: list[Mapping[str, Any]] | None, remove: bool) -> None:
    prop_def = next((p for p in coll.class_def.get("properties") or [] if p["name"] == prop), None)
    if prop_def is None or not reference_targets(prop_def):
        raise UserError(f"property '{prop}' of class {coll.name} is not a cross-reference property")
    with coll.write_lock:
        obj = coll.get(object_id)
        if obj is None:
            raise NotFound(f"no object with id '{object_id}' in class {coll.name}")
        current = list(obj["properties"].get(prop) or [])
        if replace_all is not None:
            current = [dict(r) for r in replace_all]
        elif remove:
            _, target_id, _ = parse_beacon((ref or {}).get("beacon"))
            current = [r for r in current if parse_beacon(r.get("beacon"))[1] != target_id]
        else:
            target_cls, target_id, _ = parse_beacon((ref or {}).get("beacon"))
            targets = reference_targets(prop_def)
            target_cls = target_cls or (targets[0] if len(targets) == 1 else None)
            if target_cls is None or not _target_exists(db, coll, target_cls, target_id):
                raise UserError(f"reference target {ref!r} does not exist")
            current.append({"beacon": make_beacon(target_cls, target_id)})
        db.merge_object(coll.name, obj["id"], {"properties": {prop: current}, "tenant": coll.tenant})


def _target_exists(db: Database, coll: Collection, target_cls: str, target_id: str) -> bool:
    """A reference from a tenant points into the same tenant of a multi-tenant class."""
    tenant = coll.tenant if target_cls in db.tenanted else None
    return db.get_object(target_cls, target_id, tenant=tenant) is not None
