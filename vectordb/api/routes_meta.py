"""Liveness, readiness, meta and nodes."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from vectordb.api.deps import get_db
from vectordb.api.errors import JSON
from vectordb.api.models.common import LinksResponse, RootResponse
from vectordb.api.models.meta import Meta, NodesStatusResponse
from vectordb.api.openapi import doc
from vectordb.api.startup import listen_url

open_router = APIRouter()
router = APIRouter()


@open_router.get("/v1/.well-known/live", **doc(ok_text="the server is up", errors=()))
async def live() -> Response:
    return Response(status_code=200)


@open_router.get("/v1/.well-known/ready", **doc(ok_text="the server is ready", errors=(),
                                                     empty={503: "not ready yet"}))
async def ready(request: Request) -> Response:
    db = getattr(request.app.state, "db", None)
    return Response(status_code=200 if db is not None and db.ready else 503)


@open_router.get("/v1/.well-known/openid-configuration",
                 **doc(status=404, ok_text="no OpenID Connect is configured here", errors=()))
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


@router.get("/v1/meta", **doc(ok=Meta, errors=(401, 500)))
async def meta(request: Request) -> Response:
    return JSON(await run_in_threadpool(get_db(request).meta, _hostname(request)))


_DOCS = "https://docs.weaviate.io/weaviate/api/rest#tag/"
# Weaviate's /v1 list, less classifications (not served here).
_LINKS = [
    {"name": "Meta information about this instance/cluster", "href": "/v1/meta"},
    {"name": "view complete schema", "href": "/v1/schema", "documentationHref": _DOCS + "schema"},
    {"name": "CRUD schema", "href": "/v1/schema{/:className}", "documentationHref": _DOCS + "schema"},
    {"name": "CRUD objects", "href": "/v1/objects{/:id}", "documentationHref": _DOCS + "objects"},
    {"name": "check if Weaviate is live (returns 200 on GET when live)", "href": "/v1/.well-known/live",
     "documentationHref": _DOCS + "well-known"},
    {"name": "check if Weaviate is ready (returns 200 on GET when ready)", "href": "/v1/.well-known/ready",
     "documentationHref": _DOCS + "well-known"},
    {"name": "view link to openid configuration (returns 404 on GET if no openid is configured)",
     "href": "/v1/.well-known/openid-configuration", "documentationHref": _DOCS + "well-known"},
]


@open_router.get("/", **doc(status=301, ok=RootResponse, ok_text="moved to /v1", errors=()))
async def root() -> Response:
    body = {"links": {"href": "/v1", "name": "api v1", "documentationHref": "https://docs.weaviate.io/weaviate"}}
    return JSON(body, status_code=301, headers={"Location": "/v1"})


# Open like Weaviate's: a client discovers the API before it has a key.
@open_router.get("/v1/", include_in_schema=False)
@open_router.get("/v1", **doc(ok=LinksResponse, ok_text="links to the API's parts", errors=()))
async def links() -> Response:
    return JSON({"links": _LINKS})


@router.get("/v1/nodes", **doc(ok=NodesStatusResponse, errors=(401, 500)))
async def nodes(request: Request, output: str = "minimal") -> Response:
    db = get_db(request)
    return JSON(await run_in_threadpool(db.nodes, verbose=output == "verbose"))


@router.get("/v1/nodes/{class_name}", **doc(ok=NodesStatusResponse, errors=(401, 404, 500)))
async def nodes_class(request: Request, class_name: str, output: str = "minimal") -> Response:
    db = get_db(request)
    return JSON(await run_in_threadpool(db.nodes, verbose=output == "verbose", class_name=class_name))
