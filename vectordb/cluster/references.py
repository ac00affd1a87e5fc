"""Filters on reference properties over shards: a replica's store holds one class, so it cannot look into the
class a reference points to. The coordinator resolves each reference path (`[refProp, Target, prop, ...]`) to the
uuids of the target objects that match, as one node's filter does, and sends them with the leaf; the replica's
filter takes them from there instead of resolving them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vectordb.errors import UserError

if TYPE_CHECKING:
    from vectordb.database import Database

# The key of a reference leaf under which the coordinator sends the uuids its sub-filter matched.
RESOLVED = "resolvedTargets"


def resolve_references(db: Database, class_def: dict[str, Any], where: Any) -> Any:
    """`where` with every well-formed reference leaf carrying its matching target uuids; the rest unchanged
    (a malformed filter then fails on the replica with one node's message)."""
    if not isinstance(where, dict):
        return where
    operands = where.get("operands")
    if isinstance(operands, list):
        return {**where, "operands": [resolve_references(db, class_def, o) for o in operands]}
    path = where.get("path")
    if not isinstance(path, list) or len(path) < 3 or len(path) % 2 == 0:
        return where
    target = _target(class_def, str(path[0]), str(path[1]))
    if target is None:
        return where
    sub = {k: v for k, v in where.items() if k not in ("path", "operands")}
    return {**where, RESOLVED: sorted(db.resolve_reference_filter(target, {**sub, "path": path[2:]}))}


def _target(class_def: dict[str, Any], prop_name: str, target: str) -> str | None:
    for prop in class_def.get("properties") or []:
        if prop["name"] == prop_name:
            data_type = prop.get("dataType") or []
            for name in (target, target[:1].upper() + target[1:]):
                if name in data_type:
                    return name
    return None


def resolved_targets(class_name: str, where: dict[str, Any]) -> set[str]:
    """A replica's resolver: the uuids the coordinator sent."""
    targets = where.get(RESOLVED)
    if targets is None:
        raise UserError(f"a filter on a reference to {class_name} reached a shard replica unresolved")
    return set(targets)
