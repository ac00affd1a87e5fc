"""benchmarks/server_cpu.py on tiny data: it runs the server, imports, queries and prints CPU per call."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from benchmarks.server_cpu import process_cpu

ROOT = Path(__file__).resolve().parents[2]


def test_process_cpu_counts_this_process() -> None:
    before = process_cpu(os.getpid())
    sum(i * i for i in range(2_000_000))
    assert process_cpu(os.getpid()) > before


def test_it_prints_server_and_client_cpu_per_object_and_per_query() -> None:
    # the client's connect asks pypi.org for its latest version: keep it on a closed loopback port
    env = {**os.environ, "HTTPS_PROXY": "http://127.0.0.1:9", "NO_PROXY": "127.0.0.1,localhost"}
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.server_cpu", "--n", "300", "--dim", "16", "--queries", "64",
         "--threads", "1,2"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=True,
    ).stdout
    lines = out.splitlines()
    assert [line.split("  ")[0] for line in lines] == [
        "import (insert_many)", "nearVector, 1 thread(s)", "nearVector, 2 thread(s)"]
    for line in lines:  # /proc counts in 10 ms ticks: 64 queries of ~1 ms each make several
        server, client = (float(x) for x in re.findall(r"(?:server|client)\s+(\d+) us", line))
        assert server > 0 and client > 0, line
