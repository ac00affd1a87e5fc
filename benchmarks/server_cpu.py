"""CPU per call of the gRPC face, server and client apart: figures that hold on a loaded machine, where wall
clock QPS does not.

    .venv/bin/python -m benchmarks.server_cpu                 # 20k x 128 import, 2,000 nearVector queries
    .venv/bin/python -m benchmarks.server_cpu --n 5000 --queries 500 --threads 1,8

The server is `vectordb serve` in a subprocess, driven by the official weaviate-client 4 exactly as the peers
benchmark's vectordb-grpc adapter drives it (insert_many in batches of 1,000; near_vector with
return_properties=[]). For each phase it prints the server's CPU (utime + stime of its process, from
/proc/<pid>/stat) and this process's CPU (the clients, from resource usage) per imported object and per
query, with the wall-clock rate and the load average beside them.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from benchmarks.peers.base import BuildParams
from benchmarks.peers.data import unit
from benchmarks.peers.vectordb_grpc import VectordbGrpc

K, EF = 10, 64
_TICK = os.sysconf("SC_CLK_TCK")


def process_cpu(pid: int) -> float:
    """Seconds of CPU (user + system) a process has used so far, all its threads."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICK  # utime, stime: fields 14 and 15 of stat(5)


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(label: str, server_pid: int, count: int, unit_name: str, work: Callable[[], None]) -> None:
    load = os.getloadavg()[0]
    server0, client0, wall0 = process_cpu(server_pid), own_cpu(), time.perf_counter()
    work()
    wall = time.perf_counter() - wall0
    server, client = process_cpu(server_pid) - server0, own_cpu() - client0
    print(f"{label:<22} {count / wall:>9,.0f} {unit_name}/s   server {server / count * 1e6:7.0f} us"
          f"   client {client / count * 1e6:7.0f} us per {unit_name}   (load {load:.2f} -> {os.getloadavg()[0]:.2f})",
          flush=True)


def queries_in_threads(adapter: VectordbGrpc, queries: np.ndarray, threads: int) -> None:
    per = len(queries) // threads

    def client(c: int) -> None:
        for q in queries[c * per:(c + 1) * per]:
            adapter.query(q, K, EF)

    pool = [threading.Thread(target=client, args=(c,)) for c in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20_000, help="objects imported")
    parser.add_argument("--dim", type=int, default=128)
    parser.add_argument("--queries", type=int, default=2_000, help="queries per thread count")
    parser.add_argument("--threads", default="1,8", help="client thread counts, comma separated")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    vectors = unit(rng.normal(size=(args.n, args.dim)))
    buckets = rng.integers(0, 100, size=args.n)
    queries = unit(rng.normal(size=(args.queries, args.dim)))
    with tempfile.TemporaryDirectory(prefix="server-cpu-") as tmp:
        adapter = VectordbGrpc(Path(tmp))
        try:
            adapter._start()  # before the measures: the server's start-up CPU stays out of them
            assert adapter.server is not None
            pid = adapter.server.pid
            measure("import (insert_many)", pid, args.n, "object",
                    lambda: adapter.load(vectors, buckets, BuildParams()))
            adapter.query(queries[0], K, EF)  # sets ef once, outside the timed phase
            for threads in (int(t) for t in args.threads.split(",")):
                measure(f"nearVector, {threads} thread(s)", pid, args.queries, "query",
                        lambda t=threads: queries_in_threads(adapter, queries, t))
        finally:
            adapter.close()


if __name__ == "__main__":
    main()
