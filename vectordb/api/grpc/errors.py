"""Exceptions -> gRPC status codes the v4 client expects.

The client retries UNAVAILABLE for about a minute before it gives up, so only a passing fault (the server
shutting down) gets it; everything the user must fix is INVALID_ARGUMENT / NOT_FOUND / ... with the message
that REST would give.
"""

from __future__ import annotations

import logging

import grpc

from modules.base import ModuleError
from vectordb.errors import UserError

log = logging.getLogger(__name__)

_BY_HTTP_STATUS = {
    400: grpc.StatusCode.INVALID_ARGUMENT,
    401: grpc.StatusCode.UNAUTHENTICATED,
    403: grpc.StatusCode.PERMISSION_DENIED,
    404: grpc.StatusCode.NOT_FOUND,
    409: grpc.StatusCode.ALREADY_EXISTS,
    413: grpc.StatusCode.RESOURCE_EXHAUSTED,
    422: grpc.StatusCode.INVALID_ARGUMENT,
    429: grpc.StatusCode.RESOURCE_EXHAUSTED,
}


class ShuttingDown(Exception):
    """The database is closing: a passing fault the client may retry."""


def status_of(exc: BaseException) -> tuple[grpc.StatusCode, str]:
    if isinstance(exc, ShuttingDown):
        return grpc.StatusCode.UNAVAILABLE, "the server is shutting down"
    if isinstance(exc, UserError | ModuleError):
        return _BY_HTTP_STATUS.get(exc.status, grpc.StatusCode.UNKNOWN), exc.message
    log.exception("gRPC call failed")
    return grpc.StatusCode.INTERNAL, f"internal error ({type(exc).__name__}); see the server log"
