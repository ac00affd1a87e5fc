"""The HTTP transport: REST for schema, objects and batches, GraphQL for queries and aggregations."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import httpx
import msgpack
import numpy as np

from vectordb.client import graphql_builder as gql
from vectordb.client.errors import VectordbConnectionError, VectordbError
from vectordb.client.transport import Transport
from vectordb.query.request import AggregateRequest, SearchRequest, SearchResult

log = logging.getLogger(__name__)

# How long a fetched class definition is trusted for building queries; this client's own schema changes and
# writes (auto-schema may add properties) drop it at once.
SCHEMA_CACHE_SECONDS = 5.0


def _capitalize(name: str) -> str:
    return name[:1].upper() + name[1:]


def _error_message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip()
        return text or f"HTTP {response.status_code} {response.reason_phrase}"
    if isinstance(body, Mapping):
        errors = body.get("error") or body.get("errors")
        if isinstance(errors, list) and errors:
            return "; ".join(str(e.get("message", e)) if isinstance(e, Mapping) else str(e) for e in errors)
        if "detail" in body:
            return str(body["detail"])
        if "message" in body:
            return str(body["message"])
    return str(body)


def _has_error_body(response: httpx.Response) -> bool:
    """A 404 with an error message means "no such collection", an empty 404 "no such object"."""
    return bool(response.content.strip())


def _pack_vector(vector: Any) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def _msgpack_object(body: Mapping[str, Any]) -> dict[str, Any]:
    """An object body for the msgpack batch: vectors travel as little-endian float32 bytes."""
    out = dict(body)
    if out.get("vector") is not None:
        out["vector"] = _pack_vector(out["vector"])
    if out.get("vectors"):
        out["vectors"] = {name: _pack_vector(v) for name, v in out["vectors"].items()}
    return out


def _json_ready(body: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(body)
    if isinstance(out.get("vector"), np.ndarray):
        out["vector"] = out["vector"].tolist()
    if out.get("vectors"):
        out["vectors"] = {
            k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in out["vectors"].items()
        }
    return out


class HttpTransport(Transport):
    def __init__(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        api_key: str | None = None,
        timeout: float | httpx.Timeout = 60.0,
    ) -> None:
        all_headers = {"Accept": "application/json", **dict(headers or {})}
        if api_key:
            all_headers["Authorization"] = f"Bearer {api_key}"
        self.url = url.rstrip("/")
        self.http = httpx.Client(base_url=self.url, headers=all_headers, timeout=timeout)
        self._schema_cache: dict[str, tuple[float, dict[str, Any]]] = {}
        self._cache_lock = threading.Lock()

    # plumbing --------------------------------------------------------------------------------------
    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            return self.http.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            raise VectordbConnectionError(
                f"could not reach {self.url}{path}: {type(exc).__name__}: {exc}"
            ) from exc

    def _ok(self, response: httpx.Response) -> httpx.Response:
        if response.status_code >= 400:
            raise VectordbError(_error_message(response), response.status_code)
        return response

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        return self._ok(self._request(method, path, **kwargs)).json()

    def _forget(self, name: str | None = None) -> None:
        with self._cache_lock:
            if name is None:
                self._schema_cache.clear()
            else:
                self._schema_cache.pop(_capitalize(name), None)

    @staticmethod
    def _object_path(name: str, object_id: str) -> str:
        return f"/v1/objects/{quote(_capitalize(name))}/{quote(object_id)}"

    # schema ----------------------------------------------------------------------------------------
    def schema(self) -> list[dict[str, Any]]:
        return list(self._json("GET", "/v1/schema").get("classes") or [])

    def _fetch_class(self, name: str) -> dict[str, Any]:
        response = self._request("GET", f"/v1/schema/{quote(_capitalize(name))}")
        if response.status_code == 404:
            raise VectordbError(f"collection {_capitalize(name)} not found", 404)
        return self._ok(response).json()

    def class_def(self, name: str) -> dict[str, Any]:
        return self._fetch_class(name)

    def _cached_class(self, name: str) -> dict[str, Any]:
        key = _capitalize(name)
        now = time.monotonic()
        with self._cache_lock:
            hit = self._schema_cache.get(key)
        if hit is not None and now - hit[0] < SCHEMA_CACHE_SECONDS:
            return hit[1]
        class_def = self._fetch_class(key)
        with self._cache_lock:
            self._schema_cache[key] = (now, class_def)
        return class_def

    def has_class(self, name: str) -> bool:
        response = self._request("GET", f"/v1/schema/{quote(_capitalize(name))}")
        if response.status_code == 404:
            return False
        self._ok(response)
        return True

    def create_class(self, body: Mapping[str, Any]) -> dict[str, Any]:
        self._forget()
        return self._json("POST", "/v1/schema", json=dict(body))

    def update_class(self, name: str, body: Mapping[str, Any]) -> dict[str, Any]:
        self._forget(name)
        return self._json("PUT", f"/v1/schema/{quote(_capitalize(name))}", json=dict(body))

    def delete_class(self, name: str) -> None:
        self._forget(name)
        self._ok(self._request("DELETE", f"/v1/schema/{quote(_capitalize(name))}"))

    def add_property(self, name: str, prop: Mapping[str, Any]) -> dict[str, Any]:
        self._forget(name)
        return self._json("POST", f"/v1/schema/{quote(_capitalize(name))}/properties", json=dict(prop))

    # objects ---------------------------------------------------------------------------------------
    def insert_object(self, body: Mapping[str, Any]) -> dict[str, Any]:
        self._forget(body.get("class"))
        return self._json("POST", "/v1/objects", json=_json_ready(body))

    def get_object(self, name: str, object_id: str, include_vector: bool) -> dict[str, Any] | None:
        params = {"include": "vector"} if include_vector else None
        response = self._request("GET", self._object_path(name, object_id), params=params)
        if response.status_code == 404 and not _has_error_body(response):
            return None
        return self._ok(response).json()

    def replace_object(self, name: str, object_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        self._forget(name)
        return self._json("PUT", self._object_path(name, object_id), json=_json_ready(body))

    def merge_object(self, name: str, object_id: str, body: Mapping[str, Any]) -> None:
        self._forget(name)
        self._ok(self._request("PATCH", self._object_path(name, object_id), json=_json_ready(body)))

    def delete_object(self, name: str, object_id: str) -> bool:
        response = self._request("DELETE", self._object_path(name, object_id))
        if response.status_code == 404 and not _has_error_body(response):
            return False
        self._ok(response)
        return True

    def batch_objects(self, bodies: list[dict[str, Any]]) -> list[str | None]:
        for name in {b.get("class") for b in bodies if b.get("class")}:
            self._forget(name)
        payload = msgpack.packb({"objects": [_msgpack_object(b) for b in bodies]}, use_bin_type=True)
        response = self._ok(
            self._request(
                "POST", "/v1/batch/objects", content=payload, headers={"Content-Type": "application/msgpack"}
            )
        )
        entries = response.json()
        if not isinstance(entries, list) or len(entries) != len(bodies):
            raise VectordbError(
                f"the server answered a batch of {len(bodies)} objects with "
                f"{len(entries) if isinstance(entries, list) else 'no list of'} results",
                response.status_code,
            )
        out: list[str | None] = []
        for entry in entries:
            result = (entry or {}).get("result") or {}
            errors = ((result.get("errors") or {}).get("error")) or []
            if errors:
                out.append("; ".join(str(e.get("message", e)) for e in errors))
            else:
                out.append(None)
        return out

    def batch_delete(
        self, name: str, where: Mapping[str, Any], *, dry_run: bool, verbose: bool
    ) -> dict[str, Any]:
        body = {
            "match": {"class": _capitalize(name), "where": dict(where)},
            "output": "verbose" if verbose else "minimal",
            "dryRun": dry_run,
        }
        return self._json("DELETE", "/v1/batch/objects", json=body).get("results") or {}

    def reference_add(self, name: str, object_id: str, prop: str, beacon: str) -> None:
        self._forget(name)
        path = f"{self._object_path(name, object_id)}/references/{quote(prop)}"
        self._ok(self._request("POST", path, json={"beacon": beacon}))

    # queries ---------------------------------------------------------------------------------------
    def graphql(self, query: str) -> dict[str, Any]:
        """Run a GraphQL query; its `errors` become a VectordbError."""
        log.debug("graphql: %s", query)
        body = self._json("POST", "/v1/graphql", json={"query": query})
        errors = body.get("errors") if isinstance(body, Mapping) else None
        if errors:
            messages = [str(e.get("message", e)) if isinstance(e, Mapping) else str(e) for e in errors]
            raise VectordbError("; ".join(messages), 422)
        return (body or {}).get("data") or {}

    def search(self, request: SearchRequest, metadata: set[str]) -> list[SearchResult]:
        class_def = self._cached_class(request.collection)
        try:
            query = gql.build_get(request, class_def, metadata)
        except (TypeError, ValueError) as exc:
            raise VectordbError(str(exc), 422) from exc
        return gql.parse_get(self.graphql(query), class_def["class"])

    def aggregate(self, request: AggregateRequest) -> list[dict[str, Any]]:
        name = self._cached_class(request.collection)["class"]
        try:
            query = gql.build_aggregate(request)
        except (TypeError, ValueError) as exc:
            raise VectordbError(str(exc), 422) from exc
        return gql.parse_aggregate(self.graphql(query), name)

    # server ----------------------------------------------------------------------------------------
    def meta(self) -> dict[str, Any]:
        return self._json("GET", "/v1/meta")

    def is_ready(self) -> bool:
        try:
            return self._request("GET", "/v1/.well-known/ready").status_code == 200
        except VectordbConnectionError:
            return False

    def close(self) -> None:
        self.http.close()
