"""CORS as Weaviate does it: every answer carries the allow headers, and OPTIONS is answered on every path."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vectordb.config import Settings


class Cors:
    """Pure ASGI, so streamed answers pass untouched; a preflight never reaches routing or the API-key check."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.headers = [
            (b"access-control-allow-origin", settings.cors_allow_origin.encode("latin-1")),
            (b"access-control-allow-methods", settings.cors_allow_methods.encode("latin-1")),
            (b"access-control-allow-headers", settings.cors_allow_headers.encode("latin-1")),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS":
            await send({"type": "http.response.start", "status": 200,
                        "headers": [*self.headers, (b"content-length", b"0")]})
            await send({"type": "http.response.body", "body": b""})
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *self.headers]}
            await send(message)

        await self.app(scope, receive, send_with_cors)
