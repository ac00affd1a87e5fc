"""Reading request bodies: JSON (or msgpack for batch imports), with Weaviate's errors for bad input."""

from __future__ import annotations

from typing import Any

import msgpack
import orjson
from fastapi import Request

from vectordb.errors import BadRequest, UserError

MSGPACK_TYPES = ("application/msgpack", "application/x-msgpack", "application/vnd.msgpack")


async def read_body(request: Request, limit: int) -> Any:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise UserError(f"request body of {declared} bytes is larger than the limit of {limit} bytes", 413)
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise UserError(f"request body is larger than the limit of {limit} bytes", 413)
        chunks.append(chunk)
    raw = b"".join(chunks)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type in MSGPACK_TYPES:
        try:
            return msgpack.unpackb(raw, raw=False, strict_map_key=False)
        except Exception as exc:
            raise BadRequest(f"could not parse the msgpack body: {exc}") from exc
    if not raw.strip():
        raise BadRequest("the request body is empty; a JSON body is required")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise BadRequest(f"could not parse the JSON body: {exc}") from exc


def module_headers(request: Request) -> dict[str, str]:
    """Headers that carry module secrets and settings (X-Openai-Api-Key, X-Cohere-Baseurl, ...)."""
    return {k: v for k, v in request.headers.items() if k.lower().startswith("x-")}
