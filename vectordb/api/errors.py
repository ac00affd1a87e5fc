"""Weaviate's error shape, and turning exceptions into it."""

from __future__ import annotations

import logging
import re
from typing import Any

import orjson
from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

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

    @app.exception_handler(Exception)
    async def _internal(_: Request, exc: Exception) -> Response:
        log.exception("internal error")
        return error_response(500, f"internal error: {type(exc).__name__}: {exc}")
