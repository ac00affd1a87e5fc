"""vectordb embedded beside raw hnswlib, pass by pass in alternation on the same data, for ratios that hold
on a shared machine.

The peers harness runs one system after another, so load that comes and goes between them moves their ratio;
here each ef gets several rounds of (hnswlib pass, vectordb pass) back to back, and the ratio is taken per
round. Filtered passes alternate with unfiltered ones in the same way, each after a warm-up.

    .venv/bin/python -m benchmarks.interleaved                 # 20k x 128 clustered, as bench-quick
    .venv/bin/python -m benchmarks.interleaved --n 100000
"""

from __future__ import annotations

import argparse
import logging
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.peers import data as datasets
from benchmarks.peers.base import BuildParams
from benchmarks.peers.hnswlib_raw import RawHnswlib
from benchmarks.peers.vectordb_embedded import VectordbEmbedded

log = logging.getLogger("benchmarks.interleaved")
K = datasets.K


def timed(search, queries: np.ndarray) -> tuple[float, float, float, list[np.ndarray]]:
    """QPS over the pass, p50 and p99 in ms, and what was found."""
    for q in queries[:10]:
        search(q)
    lat, found = [], []
    for q in queries:
        t0 = time.perf_counter()
        found.append(search(q))
        lat.append(time.perf_counter() - t0)
    arr = np.asarray(lat)
    return len(arr) / arr.sum(), float(np.percentile(arr, 50) * 1e3), float(np.percentile(arr, 99) * 1e3), found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--efs", default="10,20,40,100")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    data = datasets.make("clustered", args.n, 128, args.queries)
    params = BuildParams()
    emb = VectordbEmbedded(Path(tempfile.mkdtemp(prefix="interleaved-vdb-")))
    raw = RawHnswlib(Path(tempfile.mkdtemp(prefix="interleaved-hnsw-")))
    emb.build(data.vectors, data.buckets, params)
    raw.build(data.vectors, data.buckets, params)
    print(f"clustered {args.n} x 128, {args.queries} queries, load average {os.getloadavg()[0]:.1f} at start")
    print("ef  | hnswlib QPS p50/p99 ms | vectordb QPS p50/p99 ms | recall | ratio per round (median)")
    for ef in [int(x) for x in args.efs.split(",")]:
        ratios, rows = [], []
        for _ in range(args.rounds):
            a = timed(lambda q, ef=ef: raw.query(q, K, ef), data.queries)
            b = timed(lambda q, ef=ef: emb.query(q, K, ef), data.queries)
            ratios.append(b[0] / a[0])
            rows.append((a, b))
        a, b = rows[int(np.argsort(ratios)[len(ratios) // 2])]
        print(f"{ef:<4}| {a[0]:7,.0f} {a[1]:.3f}/{a[2]:.2f} | {b[0]:7,.0f} {b[1]:.3f}/{b[2]:.2f} | "
              f"{datasets.recall(b[3], data.truth):.3f} | {' '.join(f'{r:.2f}' for r in ratios)} "
              f"({float(np.median(ratios)):.2f})")
    print("filtered, ef=100, each pass beside an unfiltered ef=100 pass of vectordb's own (ratio per round):")
    for s in datasets.SELECTIVITIES:
        ratios, rows = [], []
        for _ in range(args.rounds):
            unfiltered = timed(lambda q: emb.query(q, K, 100), data.queries)[0]
            qps, _p50, _p99, found = timed(lambda q, s=s: emb.query_filtered(q, K, 100, s), data.queries)
            ratios.append(qps / unfiltered)
            rows.append((unfiltered, qps, datasets.recall(found, data.filtered_truth[s])))
        unfiltered, qps, rec = rows[int(np.argsort(ratios)[len(ratios) // 2])]
        print(f"  {s:>2} % pass: {qps:7,.0f} QPS (unfiltered {unfiltered:7,.0f}), recall {rec:.3f}, "
              f"{' '.join(f'{r:.2f}' for r in ratios)} ({float(np.median(ratios)):.2f}x unfiltered)")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    emb.close()


if __name__ == "__main__":
    main()
