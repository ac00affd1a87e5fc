"""What every route needs: the database, the body reader and the API-key check."""

from __future__ import annotations

import hmac

from fastapi import Request

from vectordb.config import Settings
from vectordb.database import Database
from vectordb.errors import Unauthorized


def get_db(request: Request) -> Database:
    return request.app.state.db


def check_api_key(request: Request) -> None:
    authorize(request.app.state.db.settings, request.headers.get("authorization", ""))


def authorize(settings: Settings, header: str) -> None:
    """AUTHENTICATION_APIKEY_*: a Bearer key from the allowed list, unless anonymous access is on.

    `header` is the Authorization header (REST) or the `authorization` metadata (gRPC).
    """
    if not settings.apikey_enabled:
        return
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        if settings.anonymous_access_enabled:
            return
        raise Unauthorized("anonymous access not enabled; please provide an API key (Authorization: Bearer <key>)")
    # Compared as bytes: compare_digest refuses str with non-ASCII characters, and a client may send any.
    given = token.strip().encode("utf-8", "surrogateescape")
    keys = (key.encode("utf-8", "surrogateescape") for key in settings.apikey_allowed_keys)
    if not any(hmac.compare_digest(given, key) for key in keys):
        raise Unauthorized("invalid api key: the key is not in AUTHENTICATION_APIKEY_ALLOWED_KEYS")
