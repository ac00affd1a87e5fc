"""Consistency levels: how many replicas of a shard must answer a read or acknowledge a write.

The REST faces set the level of the request being served (`consistency_level` query parameter) in a context
variable; queries carry it in their request. Weaviate's default is QUORUM.
"""

from __future__ import annotations

from contextvars import ContextVar

from vectordb.errors import UserError

LEVELS = ("ONE", "QUORUM", "ALL")
DEFAULT = "QUORUM"

requested: ContextVar[str | None] = ContextVar("vectordb_consistency_level", default=None)


def parse(value: str | None, field: str = "consistency_level") -> str | None:
    if value is None or value == "":
        return None
    if value not in LEVELS:
        raise UserError(f"invalid {field} {value!r}: use one of ONE, QUORUM, ALL", 422)
    return value


def required(level: str | None, replicas: int) -> int:
    """Replicas that must answer at `level` out of `replicas`."""
    level = level or requested.get() or DEFAULT
    if level == "ONE":
        return 1
    if level == "ALL":
        return replicas
    return replicas // 2 + 1


def current(level: str | None = None) -> str:
    return level or requested.get() or DEFAULT
