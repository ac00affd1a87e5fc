"""Running a read query off the event loop, under the query deadline.

The query runs in a worker thread so the event loop (liveness, other requests) keeps answering. At the
deadline the request is answered with QueryTimeout even if the thread is stuck somewhere that never checks the
deadline (a slow module call): the thread is abandoned and stops at its next check, or when its call returns.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import anyio
from fastapi import Request

from vectordb.api.deps import get_db
from vectordb.query.deadline import QueryTimeout, query_deadline

T = TypeVar("T")


async def run_query(request: Request, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    seconds = get_db(request).settings.query_timeout_seconds
    call = functools.partial(fn, *args, **kwargs)
    with query_deadline(seconds):
        if not seconds:
            return await anyio.to_thread.run_sync(call)
        with anyio.move_on_after(seconds):
            return await anyio.to_thread.run_sync(call, abandon_on_cancel=True)
        raise QueryTimeout(seconds)  # reached only when the deadline cancelled the wait
