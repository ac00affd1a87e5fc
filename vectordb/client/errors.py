"""The one error type both transports raise, so embedded and HTTP code handle failures the same way."""

from __future__ import annotations


class VectordbError(Exception):
    """The database refused a request. `status` is the HTTP status the server answers with (422, 404, ...).

    The embedded transport raises it with the status the server would have sent, so code written against one
    transport works unchanged against the other.
    """

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message if status is None else f"{message} (status {status})")
        self.message = message
        self.status = status


class VectordbConnectionError(VectordbError):
    """The server could not be reached (refused, timed out, dropped the connection)."""
