"""What every route needs: the database, the body reader, the API-key check and the adminlist."""

from __future__ import annotations

import hmac

from fastapi import Request

from vectordb.api.authz import ANONYMOUS, permit, rest_access
from vectordb.config import Settings
from vectordb.database import Database
from vectordb.errors import Unauthorized


def get_db(request: Request) -> Database:
    return request.app.state.db


async def check_api_key(request: Request) -> None:
    """Async so that FastAPI calls it on the event loop: a sync dependency would cost each request a hop to a
    worker thread and back, for a check that does no I/O."""
    settings = request.app.state.db.settings
    user = authorize(settings, request.headers.get("authorization", ""))
    route = request.scope.get("route")
    access = rest_access(request.method, getattr(route, "path", request.url.path), request.path_params)
    if access is not None:
        permit(settings, user, *access)


def authorize(settings: Settings, header: str) -> str:
    """AUTHENTICATION_APIKEY_*: a Bearer key from the allowed list, unless anonymous access is on. Returns the
    user the key belongs to ("anonymous" without a key), whom the adminlist then checks.

    `header` is the Authorization header (REST) or the `authorization` metadata (gRPC).
    """
    if not settings.apikey_enabled:
        return ANONYMOUS
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        if settings.anonymous_access_enabled:
            return ANONYMOUS
        raise Unauthorized("anonymous access not enabled; please provide an API key (Authorization: Bearer <key>)")
    # Compared as bytes: compare_digest refuses str with non-ASCII characters, and a client may send any.
    given = token.strip().encode("utf-8", "surrogateescape")
    matches = [hmac.compare_digest(given, key.encode("utf-8", "surrogateescape"))
               for key in settings.apikey_allowed_keys]
    if not any(matches):
        raise Unauthorized("invalid api key: the key is not in AUTHENTICATION_APIKEY_ALLOWED_KEYS")
    users = settings.apikey_users
    # One user owns every key; otherwise the user at the key's position (Weaviate's static API-key client).
    return users[0] if len(users) == 1 else users[matches.index(True)]
