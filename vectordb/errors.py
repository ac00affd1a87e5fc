"""Errors a user can act on, each carrying the HTTP status Weaviate answers with."""

from __future__ import annotations


class UserError(Exception):
    """Invalid input: the message says what is wrong and names the field at fault."""

    status = 422

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status


class BadRequest(UserError):
    status = 400


class NotFound(UserError):
    status = 404


class Unauthorized(UserError):
    status = 401


class Forbidden(UserError):
    status = 403


class InsufficientStorage(UserError):
    """The disk is full: the write was not made (HTTP 507 Insufficient Storage)."""

    status = 507
