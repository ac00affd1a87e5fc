"""Texts per second through text2vec-transformers in process, against raw onnxruntime on the same model.

Both sides use the same tokenizer (truncation at the model's 256 wordpieces), the same batch size and a
session with the same options (modules.transformers.onnx_embedder.make_session). The raw side is what one
would write by hand: tokenize a batch padded to its longest member, run, masked mean, normalise. A second raw
figure sorts the texts by length first, as the module does, to show what that alone is worth.

    .venv/bin/python benchmarks/vectorize.py [--count 2000] [--batch-size 32] [--repeat 3]

Prints a table and writes benchmarks/results/vectorize.json.

With `--upstream`, it measures the core's batching of an API-based module instead: `--count` texts (default
10,000) through text2vec-cohere, packed by the core (vectordb/vectorize_batch.py) and sent to a fake Cohere
(benchmarks/upstream_fake.py, its own process) that takes `--latency` seconds per request and at most 96 texts.
The ideal is limit x in-flight / latency texts per second; the script prints the rate, its ratio to the ideal
and the request count, and writes benchmarks/results/vectorize_upstream.json:

    .venv/bin/python benchmarks/vectorize.py --upstream [--count 10000] [--latency 0.05] [--in-flight 8]
 More measurements (such as an end-to-end import)
plug in by adding a builder to MEASUREMENTS: it takes the texts and the arguments and returns a callable that
processes all the texts once; measure_all times it alongside the others.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from modules.base import ModuleContext  # noqa: E402
from modules.transformers.onnx_embedder import (  # noqa: E402
    EncodedBatch,
    default_model_files,
    default_threads,
    get_embedder,
    load_tokenizer,
    make_session,
    read_max_length,
)
from modules.transformers.text2vec import TransformersVectorizer  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "vectorize.json"

SUBJECTS = ["the committee", "a small cat", "my neighbour", "the new engine", "our team", "the river", "a doctor"]
VERBS = ["approved", "chased", "repaired", "described", "ignored", "measured", "painted", "visited"]
OBJECTS = ["the budget", "a red ball", "the old bridge", "three reports", "the harbour", "a quiet village"]
TAILS = [
    "after a long meeting",
    "before sunrise",
    "with great care",
    "despite the rain",
    "for the second time",
    "without telling anyone",
    "in the northern district",
    "because the deadline was close",
]


def generate_sentences(count: int, seed: int = 7) -> list[str]:
    """Sentences of 5 to about 60 words, so batches carry realistic padding."""
    rng = random.Random(seed)
    sentences = []
    for _ in range(count):
        clauses = [
            f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TAILS)}"
            for _ in range(rng.randint(1, 6))
        ]
        sentences.append(", and ".join(clauses).capitalize() + ".")
    return sentences


def raw_onnxruntime(texts: list[str], args: argparse.Namespace, sort: bool = False) -> Callable[[], object]:
    files = default_model_files()
    tokenizer = load_tokenizer(files.tokenizer, read_max_length(files.config_dir))
    session = make_session(files.model, args.threads)
    names = [item.name for item in session.get_inputs()]
    ordered = sorted(texts, key=len) if sort else texts

    def run() -> np.ndarray:
        rows = []
        for start in range(0, len(ordered), args.batch_size):
            batch = EncodedBatch(tokenizer.encode_batch(ordered[start : start + args.batch_size]), 0)
            (states,) = session.run(["last_hidden_state"], batch.feed(names))
            mask = batch.attention_mask[:, :, None].astype(np.float32)
            pooled = (states * mask).sum(axis=1) / mask.sum(axis=1)
            rows.append(pooled / np.linalg.norm(pooled, axis=1, keepdims=True))
        return np.concatenate(rows)

    return run


def module_in_process(texts: list[str], args: argparse.Namespace) -> Callable[[], object]:
    embedder = get_embedder()
    embedder.batch_size = args.batch_size
    if args.threads:
        embedder.session = make_session(embedder.files.model, args.threads)
    module = TransformersVectorizer()
    config = module.class_defaults()
    ctx = ModuleContext(env={})
    calls = [texts[start : start + args.call_size] for start in range(0, len(texts), args.call_size)]

    async def vectorize_all() -> None:
        for call in calls:
            await module.vectorize(call, config, ctx)

    return lambda: asyncio.run(vectorize_all())


def database_import(texts: list[str], args: argparse.Namespace) -> Callable[[], object]:
    """End to end: text objects into a collection whose default vectorizer is the local model."""
    import tempfile

    from vectordb.config import Settings
    from vectordb.database import Database

    tmp = tempfile.mkdtemp(prefix="vectorize-bench-")
    db = Database(Settings.from_env({"PERSISTENCE_DATA_PATH": tmp,
                                     "DEFAULT_VECTORIZER_MODULE": "text2vec-transformers"}))
    db.create_collection({"class": "Sentence", "properties": [{"name": "text", "dataType": ["text"]}]})
    rounds = iter(range(1_000_000))

    def run() -> None:
        # fresh ids each round so every object is vectorized (an unchanged text would keep its vector)
        base = next(rounds) * len(texts)
        for start in range(0, len(texts), args.call_size):
            chunk = texts[start : start + args.call_size]
            objs = [{"class": "Sentence", "id": f"00000000-0000-0000-0000-{base + start + i:012x}",
                     "properties": {"text": t}} for i, t in enumerate(chunk)]
            results = db.batch_objects(objs)
            assert not any(r["error"] for r in results)

    return run


#: name -> builder(texts, args) -> a callable that processes all texts once.
MEASUREMENTS: dict[str, Callable[[list[str], argparse.Namespace], Callable[[], object]]] = {
    "raw_onnxruntime": raw_onnxruntime,
    "raw_onnxruntime_length_sorted": lambda texts, args: raw_onnxruntime(texts, args, sort=True),
    "module_in_process": module_in_process,
    "database_import_end_to_end": database_import,
}


def measure_all(texts: list[str], args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    """Best time of each over `repeat` rounds. The contenders take turns within each round, so a machine
    whose load changes over the run slows them alike rather than whichever happened to run then."""
    runners = {name: build(texts, args) for name, build in MEASUREMENTS.items()}
    for run in runners.values():
        run()  # warm-up: first runs allocate and pick kernels
    best = dict.fromkeys(runners, float("inf"))
    for _ in range(args.repeat):
        for name, run in runners.items():
            start = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - start)
    return {name: {"texts_per_second": len(texts) / seconds, "best_seconds": seconds} for name, seconds in best.items()}


def upstream(args: argparse.Namespace) -> None:
    """The core's packing and in-flight requests against a fake provider with a fixed latency."""
    import socket
    import subprocess

    import httpx

    from modules import http
    from modules.cohere.text2vec import CohereVectorizer
    from vectordb.vectorize_batch import vectorize_packed

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    module = CohereVectorizer()
    limit = module.limits.texts
    fake = subprocess.Popen([sys.executable, str(ROOT / "benchmarks" / "upstream_fake.py"), "--port", str(port),
                             "--latency", str(args.latency), "--limit", str(limit), "--dims", str(args.dims)])
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{url}/stats", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise SystemExit("the fake upstream did not start") from None
                time.sleep(0.1)
        texts = generate_sentences(args.count)
        config = {**module.class_defaults(), "baseURL": url}
        ctx = ModuleContext(env={"COHERE_APIKEY": "bench-key", "VECTORDB_MODULES_IN_FLIGHT": str(args.in_flight)})

        cpu: list[float] = []

        async def once() -> float:
            start, start_cpu = time.perf_counter(), time.process_time()
            packed = await vectorize_packed(module, texts, config, ctx)
            seconds = time.perf_counter() - start
            cpu.append(time.process_time() - start_cpu)
            failed = [result for _, result in packed if isinstance(result, BaseException)]
            if failed:
                raise SystemExit(f"{len(failed)} requests failed: {failed[0]}")
            return seconds

        async def runs() -> float:
            # One event loop for all runs, as in the server: its connections stay open between batches.
            try:
                await once()  # warm-up: connections and the fake's cached answers
                return min([await once() for _ in range(args.repeat)])
            finally:
                await http.aclose()

        before = httpx.get(f"{url}/stats").json()["requests"]
        best = asyncio.run(runs())
        stats = httpx.get(f"{url}/stats").json()
    finally:
        fake.terminate()
        fake.wait(timeout=30)
    requests = (stats["requests"] - before) // (args.repeat + 1)
    rate = args.count / best
    ideal = limit * args.in_flight / args.latency
    print(f"{args.count} texts through text2vec-cohere, fake latency {args.latency * 1000:.0f} ms, "
          f"{limit} texts/request, {args.in_flight} in flight, {args.dims}-d vectors")
    print(f"requests per run      {requests}  (most in flight at once: {stats['most_in_flight']}, "
          f"refused: {stats['refused']})")
    print(f"best of {args.repeat}             {best:.3f} s  = {rate:,.0f} texts/s")
    print(f"ideal                 {ideal:,.0f} texts/s  (limit x in-flight / latency)")
    print(f"ratio to ideal        {rate / ideal:.2f}")
    # Below the ideal, this says whether the client's own work or a busy machine took the time.
    print(f"client CPU per run    {min(cpu):.3f} s  (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    report = {
        "module": "text2vec-cohere", "texts": args.count, "latency_s": args.latency, "texts_per_request": limit,
        "in_flight": args.in_flight, "dims": args.dims, "requests_per_run": requests, "best_seconds": best,
        "texts_per_second": rate, "ideal_texts_per_second": ideal, "ratio_to_ideal": rate / ideal,
        "client_cpu_seconds_per_run": min(cpu),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }
    out = RESULTS.with_name("vectorize_upstream.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"saved {out.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=0, help="texts (default 2000; --upstream: 10000)")
    parser.add_argument("--upstream", action="store_true", help="measure the core's batching against a fake API")
    parser.add_argument("--latency", type=float, default=0.05, help="--upstream: seconds per request")
    parser.add_argument("--in-flight", type=int, default=8, help="--upstream: requests in flight")
    parser.add_argument("--dims", type=int, default=256, help="--upstream: vector length")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--call-size", type=int, default=200, help="texts per vectorize() call")
    parser.add_argument("--threads", type=int, default=0, help="onnxruntime intra-op threads (0: one per core)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.upstream:
        args.count = args.count or 10_000
        upstream(args)
        return
    args.count = args.count or 2000

    texts = generate_sentences(args.count)
    results = measure_all(texts, args)
    for name, result in results.items():
        print(f"{name:32s} {result['texts_per_second']:9.1f} texts/s")
    ratio = results["module_in_process"]["texts_per_second"] / results["raw_onnxruntime"]["texts_per_second"]
    print(f"{'module / raw':32s} {ratio:9.2f}x")

    report = {
        "model": "sentence-transformers/all-MiniLM-L6-v2 (int8 ONNX)",
        "texts": args.count,
        "batch_size": args.batch_size,
        "threads": args.threads or default_threads(),
        "repeat": args.repeat,
        "texts_per_call": args.call_size,
        "machine": {
            "python": platform.python_version(),
            "processor": platform.machine(),
            # Other work on the machine moves these figures; the load says how much there was.
            "load_average_1m": round(os.getloadavg()[0], 2),
        },
        "results": results,
        "module_vs_raw": round(ratio, 3),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(f"saved {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
