"""A deadline for the query running in the current context, checked at the points where a query loops.

The API sets it before handing a query to a worker thread (the thread inherits the context), and query code
calls `check_deadline()` where long work can pile up: filter evaluation, Like scans, per-result rendering.
A query past its deadline stops there with `QueryTimeout` instead of holding a worker thread for good.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from vectordb.errors import UserError

_deadline: ContextVar[tuple[float, float] | None] = ContextVar("query_deadline", default=None)


class QueryTimeout(UserError):
    """The query ran past VECTORDB_QUERY_TIMEOUT."""

    status = 408

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"the query did not finish within its deadline of {seconds:g}s (VECTORDB_QUERY_TIMEOUT); "
            "narrow it (a smaller limit, a more selective filter, fewer wildcards) or raise the setting"
        )


@contextmanager
def query_deadline(seconds: float | None) -> Iterator[None]:
    """Within the block, queries in this context must end `seconds` from now (None or 0: no deadline)."""
    token = _deadline.set((time.monotonic() + seconds, seconds) if seconds else None)
    try:
        yield
    finally:
        _deadline.reset(token)


def check_deadline() -> None:
    """Raise QueryTimeout when the current context's query deadline has passed."""
    current = _deadline.get()
    if current is not None and time.monotonic() > current[0]:
        raise QueryTimeout(current[1])
