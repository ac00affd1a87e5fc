"""Liveness, readiness, meta and nodes."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from vectordb.api.deps import get_db
from vectordb.api.errors import JSON
from vectordb.api.startup import listen_url

open_router = APIRouter()
router = APIRouter()


@open_router.get("/v1/.well-known/live")
async def live() -> Response:
    return Response(status_code=200)


@open_router.get("/v1/.well-known/ready")
async def ready(request: Request) -> Response:
    db = getattr(request.app.state, "db", None)
    return Response(status_code=200 if db is not None and db.ready else 503)


@open_router.get("/v1/.well-known/openid-configuration")
async def openid() -> Response:
    # No OIDC here; clients take 404 to mean "no OIDC".
    return Response(status_code=404)


def _hostname(request: Request) -> str:
    """The address the server was told to listen on; without one (an app run by hand), the socket's own."""
    configured = getattr(request.app.state, "listen_url", None)
    if configured:
        return configured
    server = request.scope.get("server")
    if not server or server[1] is None:  # a unix socket has no port
        return str(request.base_url).rstrip("/")
    return listen_url(server[0], server[1], request.url.scheme)


@router.get("/v1/meta")
async def meta(request: Request) -> Response:
    return JSON(await run_in_threadpool(get_db(request).meta, _hostname(request)))


@router.get("/v1/")
@router.get("/v1")
async def links() -> Response:
    names = ["meta", "schema", "objects", "batch", "graphql", "nodes"]
    return JSON({"links": [{"name": n, "href": f"/v1/{n}", "documentationHref": ""} for n in names]})


@router.get("/v1/nodes")
async def nodes(request: Request, output: str = "minimal") -> Response:
    db = get_db(request)
    return JSON(await run_in_threadpool(db.nodes, verbose=output == "verbose"))


@router.get("/v1/nodes/{class_name}")
async def nodes_class(request: Request, class_name: str, output: str = "minimal") -> Response:
    db = get_db(request)
    return JSON(await run_in_threadpool(db.nodes, verbose=output == "verbose", class_name=class_name))
