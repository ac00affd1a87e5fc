"""shardingConfig.desiredCount and replicationConfig.factor on a cluster.

The schema code keeps one node's rules (both 1); on a cluster the two counts are taken out of the body, the
rest is normalized as usual, and the counts are put back with the fields Weaviate derives from them.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from vectordb.errors import UserError


def _count(raw: Any, field: str) -> int:
    if raw is None:
        return 1
    if isinstance(raw, bool) or not isinstance(raw, int | float) or raw != int(raw) or raw < 1:
        raise UserError(f"{field} must be a positive integer, got {raw!r}", 422)
    return int(raw)


def take_counts(body: Mapping[str, Any]) -> tuple[dict[str, Any], int, int]:
    """The body without desiredCount and factor, and the two (1 when not given)."""
    out = dict(body)
    counts = []
    for key, field in (("shardingConfig", "desiredCount"), ("replicationConfig", "factor")):
        section = out.get(key)
        if section is None:
            counts.append(1)
            continue
        if not isinstance(section, Mapping):
            raise UserError(f"{key} must be an object", 422)
        section = dict(section)
        counts.append(_count(section.pop(field, None), f"{key}.{field}"))
        out[key] = section
    return out, counts[0], counts[1]


def put_counts(class_def: dict[str, Any], desired: int, factor: int) -> dict[str, Any]:
    sharding = class_def["shardingConfig"]
    virtual = desired * sharding["virtualPerPhysical"]
    sharding.update(desiredCount=desired, actualCount=desired, desiredVirtualCount=virtual,
                    actualVirtualCount=virtual)
    class_def["replicationConfig"]["factor"] = factor
    return class_def


def is_sharded(class_def: Mapping[str, Any]) -> bool:
    return class_def["shardingConfig"]["desiredCount"] > 1 or class_def["replicationConfig"]["factor"] > 1


def updated(old: dict[str, Any], body: Mapping[str, Any], update: Any) -> dict[str, Any]:
    """PUT /v1/schema/{class} on a sharded class: `update` is the one-node schema update."""
    desired, factor = old["shardingConfig"]["desiredCount"], old["replicationConfig"]["factor"]
    rest, new_desired, new_factor = take_counts(body)
    given = body.get("shardingConfig"), body.get("replicationConfig")
    if given[0] is not None and "desiredCount" in given[0] and new_desired != desired:
        raise UserError(f"re-sharding not supported yet: shard count is immutable: attempted change from "
                        f'"{desired}" to "{new_desired}"', 422)
    if given[1] is not None and "factor" in given[1] and new_factor != factor:
        raise UserError(f"replicationConfig.factor of a sharded collection cannot change here (from {factor} "
                        f"to {new_factor})", 422)
    return put_counts(update(put_counts(copy.deepcopy(old), 1, 1), rest), desired, factor)
