"""HTTP checks of a vectordb container, run by scripts/container_check.sh with the host's python3 (stdlib only:
a new machine has no curl and no project venv needed for this).

    container_probe.py wait   URL [--timeout S]      ready within S seconds
    container_probe.py grpc   HOST:PORT               an HTTP/2 (gRPC) server answers there
    container_probe.py write  URL --search text|vector   create a class, insert an object, find it by search
    container_probe.py verify URL --search text|vector   the object (and its vector index) survived a restart

Exit status 0 when the check holds; otherwise 1 and one line on stderr saying what was expected and what came.
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import time
import urllib.error
import urllib.request
from typing import Any

CLASS = "ContainerCheck"
OBJECT_ID = "4c1a2f6e-9b7d-4e3a-8f51-2d6c0b9e7a13"
TEXTS = {
    OBJECT_ID: "A cat sat on the mat and purred",
    "0e7b9c2d-5a14-4f8e-b3c6-71d2e4a9f058": "Quarterly tax returns are due in April",
    "9d3f6a81-2c47-4b5e-a0d9-e8f1c7b24a66": "The train to Lyon leaves at noon",
}
VECTORS = {
    OBJECT_ID: [1.0, 0.0, 0.0, 0.0],
    "0e7b9c2d-5a14-4f8e-b3c6-71d2e4a9f058": [0.0, 1.0, 0.0, 0.0],
    "9d3f6a81-2c47-4b5e-a0d9-e8f1c7b24a66": [0.0, 0.0, 1.0, 0.0],
}


class CheckFailed(Exception):
    pass


def _call(url: str, method: str = "GET", body: Any = None, timeout: float = 30) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            raw = resp.read()
            return resp.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        try:
            return exc.code, json.loads(raw)
        except ValueError:
            return exc.code, raw.decode(errors="replace")


def _expect(url: str, method: str, body: Any = None, status: int = 200) -> Any:
    got, payload = _call(url, method, body)
    if got != status:
        raise CheckFailed(f"{method} {url}: expected {status}, got {got}: {payload}")
    return payload


def wait(base: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        try:
            status, payload = _call(f"{base}/v1/.well-known/ready", timeout=2)
            if status == 200:
                return
            last = f"{status} {payload}"
        except (urllib.error.URLError, OSError) as exc:
            last = str(exc)
        time.sleep(0.5)
    raise CheckFailed(f"{base} not ready after {timeout:.0f}s (last: {last})")


def grpc(address: str) -> None:
    """gRPC runs over HTTP/2: a server answers the client's connection preface with a SETTINGS frame."""
    host, _, port = address.rpartition(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        # the preface, then an empty SETTINGS frame: length 0 (3 bytes), type 4, flags 0, stream 0 (4 bytes)
        sock.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + bytes([0, 0, 0, 4, 0, 0, 0, 0, 0]))
        header = b""
        while len(header) < 9:
            chunk = sock.recv(9 - len(header))
            if not chunk:
                break
            header += chunk
    if len(header) < 9 or header[3] != 0x04:
        raise CheckFailed(f"no HTTP/2 SETTINGS frame from the gRPC port {address}: got {header!r}")


def _search(base: str, search: str) -> list[dict[str, Any]]:
    near = 'nearText: {concepts: ["kitten"]}' if search == "text" else "nearVector: {vector: [0.9, 0.1, 0, 0]}"
    query = f"{{ Get {{ {CLASS}(limit: 3, {near}) {{ title _additional {{ id distance }} }} }} }}"
    payload = _expect(f"{base}/v1/graphql", "POST", {"query": query})
    if payload.get("errors"):
        raise CheckFailed(f"{search} search failed: {payload['errors']}")
    hits = payload["data"]["Get"][CLASS]
    if not hits or hits[0]["_additional"]["id"] != OBJECT_ID:
        raise CheckFailed(f"{search} search should rank {OBJECT_ID} ({TEXTS[OBJECT_ID]!r}) first, got {hits}")
    return hits


def write(base: str, search: str) -> None:
    meta = _expect(f"{base}/v1/meta", "GET")
    if search == "text" and "text2vec-transformers" not in meta.get("modules", {}):
        raise CheckFailed(f"text2vec-transformers is not on: /v1/meta modules = {meta.get('modules')}")
    schema = _expect(f"{base}/v1/schema", "POST",
                     {"class": CLASS, "properties": [{"name": "title", "dataType": ["text"]}]})
    want = "text2vec-transformers" if search == "text" else "none"
    if schema.get("vectorizer") != want:  # DEFAULT_VECTORIZER_MODULE of the compose file applies
        raise CheckFailed(f"class vectorizer should be {want!r} (DEFAULT_VECTORIZER_MODULE), got {schema}")
    for uuid, text in TEXTS.items():
        obj: dict[str, Any] = {"class": CLASS, "id": uuid, "properties": {"title": text}}
        if search == "vector":
            obj["vector"] = VECTORS[uuid]
        _expect(f"{base}/v1/objects", "POST", obj)
    _search(base, search)


def verify(base: str, search: str) -> None:
    obj = _expect(f"{base}/v1/objects/{CLASS}/{OBJECT_ID}", "GET")
    if obj["properties"].get("title") != TEXTS[OBJECT_ID]:
        raise CheckFailed(f"object {OBJECT_ID} came back changed: {obj}")
    _search(base, search)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("step", choices=["wait", "grpc", "write", "verify"])
    parser.add_argument("url")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--search", choices=["text", "vector"], default="text")
    args = parser.parse_args()
    base = args.url.rstrip("/")
    try:
        if args.step == "wait":
            wait(base, args.timeout)
        elif args.step == "grpc":
            grpc(args.url)
        elif args.step == "write":
            write(base, args.search)
        else:
            verify(base, args.search)
    except (CheckFailed, urllib.error.URLError, OSError, KeyError, TypeError) as exc:
        print(f"container check failed: {exc}", file=sys.stderr)
        return 1
    print(f"{args.step} {args.url} ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
