"""Weaviate's error shape, and turning exceptions into it."""

from __future__ import annotations

import logging
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.responses import Response
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


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(UserError)
    async def _user_error(_: Request, exc: UserError) -> Response:
        return error_response(exc.status, exc.message)

    @app.exception_handler(ModuleError)
    async def _module_error(_: Request, exc: ModuleError) -> Response:
        return error_response(exc.status if 400 <= exc.status < 600 else 500, exc.message)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, exc: StarletteHTTPException) -> Response:
        return error_response(exc.status_code, str(exc.detail))

    @app.exception_handler(Exception)
    async def _internal(_: Request, exc: Exception) -> Response:
        log.exception("internal error")
        return error_response(500, f"internal error: {type(exc).__name__}: {exc}")
