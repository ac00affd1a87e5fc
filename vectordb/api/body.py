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
            decoded = msgpack.unpackb(raw, raw=False, strict_map_key=False)
        except Exception as exc:
            raise BadRequest(f"could not parse the msgpack body: {exc}") from exc
        _check_json_types(decoded, "body")
        return decoded
    if not raw.strip():
        raise BadRequest("the request body is empty; a JSON body is required")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise BadRequest(f"could not parse the JSON body: {exc}") from exc


def module_headers(request: Request) -> dict[str, str]:
    """Headers that carry module secrets and settings (X-Openai-Api-Key, X-Cohere-Baseurl, ...)."""
    return {k: v for k, v in request.headers.items() if k.lower().startswith("x-")}


def _check_json_types(value: Any, path: str) -> None:
    """msgpack can carry what JSON cannot (int keys, bytes, ExtType, Timestamp); the API takes JSON's types only,
    and bytes only as a vector (`vector`, or a value of `vectors`: little-endian float32, the fast import path)."""
    stack = [(value, path, "")]
    while stack:
        item, at, place = stack.pop()
        if isinstance(item, dict):
            for key, child in item.items():
                if not isinstance(key, str):
                    raise UserError(f"msgpack body: {at} has a key of type {_kind(key)}; map keys must be strings")
                stack.append((child, f"{at}.{key}", _place(place, key)))
        elif isinstance(item, list):
            stack.extend((child, f"{at}.{i}", "props" if place == "props" else "") for i, child in enumerate(item))
        elif isinstance(item, bytes) and place == "vector":
            continue
        elif not (item is None or isinstance(item, bool | int | float | str)):
            raise UserError(f"msgpack body: {at} is of type {_kind(item)}; only JSON's types are accepted")


def _place(parent: str, key: str) -> str:
    """Where a map's value sits: a vector, the named vectors, inside properties (never a vector), or elsewhere."""
    if parent == "props" or key == "properties":
        return "props"
    if parent == "vectors" or key == "vector":
        return "vector"
    return "vectors" if key == "vectors" else ""


def _kind(value: Any) -> str:
    if isinstance(value, bytes):
        return "bin (bytes)"
    if isinstance(value, msgpack.ExtType):
        return f"ext {value.code}"
    return type(value).__name__
