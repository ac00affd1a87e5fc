"""Weaviate's error shape, and turning exceptions into it."""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any

import orjson
from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from modules.base import ModuleError
from vectordb.errors import UserError

log = logging.getLogger(__name__)


class JSON(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_SERIALIZE_NUMPY)


def error_body(message: str) -> dict[str, Any]:
    return {"error": [{"message": message}]}


def error_response(status: int, message: str) -> JSON:
    return JSON(error_body(message), status_code=status)


def path_methods(routers: list[APIRouter]) -> list[tuple[re.Pattern[str], frozenset[str]]]:
    """Each route's path pattern and methods, read from the routers once, for the Allow header of a 405."""
    return [(route.path_regex, frozenset(route.methods or ())) for router in routers for route in router.routes
            if isinstance(route, APIRoute)]


def allowed_methods(request: Request) -> str:
    """Every method some route serves on this path (Starlette's own Allow names only the first route's), and
    OPTIONS, which the CORS layer answers everywhere."""
    methods = {"OPTIONS"}
    for pattern, route_methods in request.app.state.path_methods:
        if pattern.match(request.url.path):
            methods |= route_methods
    return ", ".join(sorted(methods))


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(UserError)
    async def _user_error(_: Request, exc: UserError) -> Response:
        return error_response(exc.status, exc.message)

    @app.exception_handler(RequestValidationError)
    async def _invalid_param(_: Request, exc: RequestValidationError) -> Response:
        # FastAPI's own checks of declared parameters, in Weaviate's shape rather than FastAPI's {"detail": ...}
        problems = [f"invalid param '{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'body'}': {e.get('msg')}"
                    for e in exc.errors()]
        return error_response(422, "; ".join(problems) or "invalid request")

    @app.exception_handler(ModuleError)
    async def _module_error(_: Request, exc: ModuleError) -> Response:
        return error_response(exc.status if 400 <= exc.status < 600 else 500, exc.message)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        response = error_response(exc.status_code, str(exc.detail))
        response.headers.update(exc.headers or {})
        if exc.status_code == 405:
            response.headers["Allow"] = allowed_methods(request)
        return response



def internal_error_message(exc: BaseException) -> str:
    """Logs an unexpected exception under a fresh id; the client gets the id, never the exception's text."""
    error_id = uuid.uuid4().hex[:12]
    log.error("internal error %s", error_id, exc_info=exc)
    return f"internal error {error_id}: the server failed to answer this request; its log has the details"


class LastResort:
    """Pure ASGI, just inside CORS: an exception no handler took still gets an answer, a 500 in Weaviate's shape.

    Starlette's own fallback answers and then re-raises, which makes the server drop the connection, so a
    keep-alive client's next request fails too. Here the exception ends with the answer.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            if started:  # half an answer is out: only closing the connection can tell the client
                raise
            response = error_response(500, internal_error_message(exc))
            await response(scope, receive, send)
