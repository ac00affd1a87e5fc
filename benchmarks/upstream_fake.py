"""A fake Cohere embed API for benchmarks: a fixed latency per request and Cohere's batch limit.

    python benchmarks/upstream_fake.py --port 8099 [--latency 0.05] [--limit 96] [--dims 256]

It runs in its own process (uvicorn, asyncio), so the latency it adds is the only thing it costs the client
being measured. `POST /v2/embed` answers Cohere's v2 shape after `--latency` seconds, and refuses (400) more
than `--limit` texts, as Cohere does; `GET /stats` gives the number of requests and the most in flight at once.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any

import uvicorn


def make_app(latency: float, limit: int, dims: int) -> Any:
    stats = {"requests": 0, "texts": 0, "in_flight": 0, "most_in_flight": 0, "refused": 0}
    answers: dict[int, bytes] = {}

    def answer(count: int) -> bytes:
        # Every text gets the same vector: the client's cost of reading it is what matters, not its value.
        if count not in answers:
            vector = [round(0.001 * (j + 1), 6) for j in range(dims)]
            answers[count] = json.dumps({
                "id": "bench", "response_type": "embeddings_by_type", "embeddings": {"float": [vector] * count},
                "meta": {"api_version": {"version": "2"}},
            }).encode()
        return answers[count]

    async def send(send_fn: Any, status: int, body: bytes) -> None:
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send_fn({"type": "http.response.start", "status": status, "headers": headers})
        await send_fn({"type": "http.response.body", "body": body})

    async def app(scope: dict, receive: Any, send_fn: Any) -> None:
        if scope["type"] != "http":
            return
        if scope["path"] == "/stats":
            await send(send_fn, 200, json.dumps(stats).encode())
            return
        raw = b""
        while True:
            message = await receive()
            raw += message.get("body", b"")
            if not message.get("more_body"):
                break
        texts = json.loads(raw)["texts"]
        stats["requests"] += 1
        if len(texts) > limit:
            stats["refused"] += 1
            await send(send_fn, 400, json.dumps({"message": f"too many texts: {len(texts)} > {limit}"}).encode())
            return
        stats["texts"] += len(texts)
        stats["in_flight"] += 1
        stats["most_in_flight"] = max(stats["most_in_flight"], stats["in_flight"])
        await asyncio.sleep(latency)
        stats["in_flight"] -= 1
        await send(send_fn, 200, answer(len(texts)))

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--limit", type=int, default=96)
    parser.add_argument("--dims", type=int, default=256)
    args = parser.parse_args()
    app = make_app(args.latency, args.limit, args.dims)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
