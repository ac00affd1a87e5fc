"""The FastAPI application: Weaviate's REST and GraphQL API over one Database."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI

from vectordb.api import (
    routes_backups,
    routes_batch,
    routes_meta,
    routes_objects,
    routes_schema,
    routes_tenants,
    routes_tokenize,
)
from vectordb.api.access_log import install_access_log_redaction
from vectordb.api.consistency import consistency_level
from vectordb.api.cors import Cors
from vectordb.api.deps import check_api_key
from vectordb.api.errors import LastResort, install_error_handlers, path_methods
from vectordb.api.graphql.router import router as graphql_router
from vectordb.api.openapi import install_openapi
from vectordb.database import Database


def create_app(db: Database, *, close_on_shutdown: bool = False, listen_url: str | None = None,
               before_close: Callable[[], None] | None = None) -> FastAPI:
    """An app serving `db`. With close_on_shutdown the database is closed (snapshots saved) at shutdown, after
    `before_close` (the other faces draining their calls). `listen_url` is where the server listens, as /v1/meta
    reports it."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        if before_close is not None:
            before_close()
        if close_on_shutdown:
            db.close()

    app = FastAPI(title="vectordb", lifespan=lifespan, openapi_url="/openapi.json", docs_url="/docs", redoc_url=None)
    install_openapi(app)
    install_access_log_redaction()
    app.state.db = db
    app.state.listen_url = listen_url
    install_error_handlers(app)
    app.add_middleware(LastResort)
    app.add_middleware(Cors, settings=db.settings)
    app.include_router(routes_meta.open_router, tags=["well-known"])
    secured = [Depends(check_api_key), Depends(consistency_level)]
    # The tags group /docs as Weaviate's API reference does. No two routers share a path, so their order is only
    # the order routing tries them in: the busiest (queries, imports) first.
    routers = {"graphql": graphql_router, "batch": routes_batch.router, "meta": routes_meta.router,
               "schema": routes_schema.router, "tenants": routes_tenants.router, "objects": routes_objects.router,
               "backups": routes_backups.router, "tokenize": routes_tokenize.router}
    for tag, router in routers.items():
        app.include_router(router, dependencies=secured, tags=[tag])
    app.state.path_methods = path_methods([routes_meta.open_router, *routers.values()])
    return app
