"""The `consistency_level` query parameter of the REST routes, for the request being served."""

from __future__ import annotations

from fastapi import Request

from vectordb.cluster import consistency


async def consistency_level(request: Request) -> None:
    """Async on purpose: it runs in the request's own context, which the route's worker thread copies."""
    consistency.requested.set(consistency.parse(request.query_params.get("consistency_level")))
