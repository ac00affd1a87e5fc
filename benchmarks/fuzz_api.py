"""Fuzz the REST API: schemathesis against the server's own /openapi.json, counting the answers that are 5xx.

    .venv/bin/python -m pip install -e ".[fuzz]"
    .venv/bin/python benchmarks/fuzz_api.py                      # ~4,600 REST + 600 GraphQL requests, 2 min
    .venv/bin/python benchmarks/fuzz_api.py --examples 10 --seed 1

A real server (`vectordb serve`, a fresh data directory, no modules that call out) is started on 127.0.0.1 and
given one collection with objects, so that paths which name it reach past the lookup. Every request and answer is
recorded (HAR). /v1/graphql is fuzzed too, from its introspection. The script prints the number of requests, the
server errors (5xx, a dropped connection, a GraphQL "internal error") by operation with one sample each, and exits
1 when there is any. Not part of `make test`: it takes minutes and its cases are random.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
CLASS = "Article"
SEED_CLASS = {"class": CLASS, "vectorizer": "none", "properties": [
    {"name": "title", "dataType": ["text"]}, {"name": "count", "dataType": ["int"]},
    {"name": "tags", "dataType": ["text[]"]}, {"name": "author", "dataType": [CLASS]},
]}


def _config(ids: list[str]) -> str:
    """schemathesis.toml: paths and bodies name the seeded collection and objects about half the time, so the
    cases reach past "no such collection" into the code that reads the rest of the input."""
    quoted = ", ".join(f'"{i}"' for i in ids)
    bindings = {"path.class_name": "classes", "query.class": "classes", "path.object_id": "ids",
                "body.class": "classes", "body.objects[*].class": "classes", "body.match.class": "classes",
                "path.prop": "props"}
    lines = ["[dictionaries.classes]", f'values = ["{CLASS}"]', "[dictionaries.ids]", f"values = [{quoted}]",
             "[dictionaries.props]", 'values = ["author", "title"]', "[parameters]"]
    lines += [f'"{key}" = {{ dictionary = "{name}", probability = 0.5 }}' for key, name in bindings.items()]
    return "\n".join(lines) + "\n"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server(data: Path, port: int, log: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AUTHENTICATION_", "AUTHORIZATION_"))}
    # no module that would call a provider: fuzzed classes may name any vectorizer
    env.update({"PYTHONPATH": str(ROOT), "ENABLE_MODULES": "", "DEFAULT_VECTORIZER_MODULE": "none",
                "OPENAI_APIKEY": "", "VECTORDB_MAX_REQUEST_BODY_BYTES": str(8 << 20)})
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "vectordb", "serve", "--port", str(port), "--data-dir",
                                 str(data), "--log-level", "warning"], env=env, stdout=out, stderr=out)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited at start:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/v1/.well-known/ready", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not become ready")


def _seed(url: str) -> list[str]:
    ids = [f"00000000-0000-0000-0000-{i:012d}" for i in range(1, 21)]
    with httpx.Client(base_url=url, timeout=30) as http:
        http.post("/v1/schema", json=SEED_CLASS).raise_for_status()
        objects = [{"class": CLASS, "id": object_id, "vector": [float(i), 1.0, 0.5],
                    "properties": {"title": f"title {i}", "count": i, "tags": ["a", "b"]}}
                   for i, object_id in enumerate(ids)]
        http.post("/v1/batch/objects", json={"objects": objects}).raise_for_status()
    return ids


def _operation(method: str, path: str, templates: list[str]) -> str:
    """The spec's path template a request was made for, so the 5xx group by operation."""
    for template in templates:
        pattern = "^" + re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path):
            return f"{method} {template}"
    return f"{method} {path}"


def _server_errors(har: Path) -> tuple[int, list[dict]]:
    """All requests, and those answered 5xx, not at all, or (GraphQL) with an internal error among its errors:
    GraphQL answers a bad query with status 200 and an `errors` list, which is the user's error, not ours."""
    entries = json.loads(har.read_text())["log"]["entries"]
    errors = [e for e in entries if e["response"]["status"] >= 500 or e["response"]["status"] == 0
              or '"message":"internal error' in (e["response"].get("content") or {}).get("text", "")]
    return len(entries), errors


def _schemathesis(location: str, har: Path, args: argparse.Namespace, *extra: str) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", *extra[:2], "run", location, *extra[2:],
         "--checks", "not_a_server_error", "--seed", str(args.seed), "--workers", str(args.workers),
         "--no-shrink", "--request-timeout", "30", "--suppress-health-check", "all", "--continue-on-failure",
         "--report", "har", "--report-har-path", str(har), "--output-truncate", "true"],
        capture_output=True, text=True, cwd=har.parent,  # its crash cache goes with the report, not into the repo
    )
    har.with_suffix(".txt").write_text(run.stdout + run.stderr)
    if not har.exists():
        raise SystemExit(f"schemathesis wrote no report:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=25, help="cases per REST operation when fuzzing (25)")
    parser.add_argument("--graphql-examples", type=int, default=200, help="cases per GraphQL root field (200)")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", type=Path, default=None, help="keep the reports and server log in this directory")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="vectordb-fuzz-")) if args.keep is None else args.keep
    work.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    proc = _start_server(work / "data", port, work / "server.log")
    started = time.monotonic()
    try:
        config = work / "schemathesis.toml"
        config.write_text(_config(_seed(url)))
        templates = list(httpx.get(f"{url}/openapi.json").json()["paths"])
        _schemathesis(f"{url}/openapi.json", work / "rest.har", args, "--config-file", str(config),
                      "--max-examples", str(args.examples), "--phases", "examples,coverage,fuzzing")
        # GraphQL: schemathesis reads the schema by introspection and builds queries over the seeded class
        _schemathesis(f"{url}/v1/graphql", work / "graphql.har", args, "--config-file", str(config),
                      "--max-examples", str(args.graphql_examples))
        alive = proc.poll() is None
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    seconds = time.monotonic() - started
    by_operation: dict[str, list[dict]] = collections.defaultdict(list)
    totals = {}
    for name in ("rest", "graphql"):
        totals[name], errors = _server_errors(work / f"{name}.har")
        for entry in errors:
            request = entry["request"]
            by_operation[_operation(request["method"], httpx.URL(request["url"]).path, templates)].append(entry)
    count = sum(len(entries) for entries in by_operation.values())
    print(f"requests: {totals['rest']} REST + {totals['graphql']} GraphQL  server errors: {count}  "
          f"server alive at the end: {alive}  time: {seconds:.0f}s  seed: {args.seed}  "
          f"examples: {args.examples} REST, {args.graphql_examples} GraphQL")
    for operation, entries in sorted(by_operation.items()):
        sample = entries[0]
        body = (sample["request"].get("postData") or {}).get("text", "")[:300]
        answer = (sample["response"].get("content") or {}).get("text", "")[:300]
        print(f"  {len(entries):4d}  {operation}\n        sent: {body}\n        got {sample['response']['status']}: "
              f"{answer}")
    print(f"reports and server log: {work}")
    return 1 if by_operation or not alive else 0


if __name__ == "__main__":
    raise SystemExit(main())
