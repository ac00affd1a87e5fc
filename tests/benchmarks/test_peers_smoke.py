"""Smoke test of the peers benchmark harness on tiny data: vectordb embedded and raw hnswlib only, so no peer
package is needed. The real runs are `make bench` / `make bench-quick`, never part of the test suite."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from benchmarks.peers import data, summary
from benchmarks.peers.report import update_readme

ROOT = Path(__file__).resolve().parents[2]


def test_exact_top_k_matches_a_full_sort() -> None:
    rng = np.random.default_rng(3)
    vectors = data.unit(rng.standard_normal((700, 16)))
    queries = data.unit(rng.standard_normal((9, 16)))
    expected = np.argsort(-(queries @ vectors.T), axis=1, kind="stable")[:, : data.K]
    # a chunk smaller than the data set exercises the merge across chunks
    np.testing.assert_array_equal(data.exact_top_k(vectors, queries, chunk=128), expected)
    assert data.recall(list(expected), expected) == 1.0
    assert data.recall([row[:5] for row in expected], expected) == 0.5


def test_filtered_truth_only_holds_rows_that_pass_the_filter() -> None:
    ds = data.clustered(n=1500, dim=8, n_queries=5, seed=1)
    for s, truth in ds.filtered_truth.items():
        assert (ds.buckets[truth] < s).all()
        rows = np.flatnonzero(ds.buckets < s)
        best = rows[np.argsort(-(ds.queries @ ds.vectors[rows].T), axis=1)[:, : data.K]]
        np.testing.assert_array_equal(np.sort(truth, axis=1), np.sort(best, axis=1))


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    out = tmp_path_factory.mktemp("peers")
    readme = out / "README.md"
    readme.write_text("# Benchmarks\n\nhand-written text that must survive\n")
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.peers.run",
        "--systems",
        "vectordb-embedded,hnswlib",
        "--n",
        "1500",
        "--dim",
        "16",
        "--queries",
        "30",
        "--latency-queries",
        "24",
        "--efs",
        "10,100",
        "--budget",
        "60",
        "--tag",
        "smoke",
        "--results",
        str(out),
        "--readme",
        str(readme),
        "--no-plots",
    ]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads((out / "peers-smoke.json").read_text()), readme


def test_both_systems_finish_every_phase_with_high_recall(tiny_run: tuple[dict, Path]) -> None:
    results, _ = tiny_run
    assert results["dataset"]["n"] == 1500
    for name in ("vectordb-embedded", "hnswlib"):
        r = results["systems"][name]
        assert r["status"] == "ok", r
        phases = r["phases"]
        assert set(phases) == {"build", "sweep", "filtered", "latency", "reopen"}
        assert phases["build"]["per_s"] > 0
        assert [p["ef"] for p in phases["sweep"]] == [10, 100]
        assert phases["sweep"][-1]["recall"] >= 0.95
        assert [p["selectivity_pct"] for p in phases["filtered"]] == [1, 10, 50]
        assert min(p["recall"] for p in phases["filtered"]) >= 0.9
        assert [lvl["clients"] for lvl in phases["latency"]] == [1, 8]
        assert all(0 < lvl["p50_ms"] <= lvl["p99_ms"] for lvl in phases["latency"])
        assert phases["reopen"]["recall_after_reopen"] >= 0.95
        assert r["peak_rss_bytes"] > r["rss_baseline_bytes"] > 0


def test_readme_block_is_written_and_replaced_in_place(tiny_run: tuple[dict, Path]) -> None:
    results, readme = tiny_run
    text = readme.read_text()
    assert "hand-written text that must survive" in text
    assert text.count("<!-- peers:smoke:begin -->") == 1
    assert "| vectordb-embedded |" in text and "| hnswlib |" in text
    assert results["command"] in text
    update_readme(readme, results)  # a second run replaces the block instead of appending another
    again = readme.read_text()
    assert again.count("<!-- peers:smoke:begin -->") == 1
    assert "hand-written text that must survive" in again


def test_gaps_name_the_faster_peer_with_its_ratio() -> None:
    def system(per_s: float, qps: float) -> dict:
        return {"phases": {"build": {"per_s": per_s}, "sweep": [{"ef": 10, "recall": 0.97, "qps": qps}]}}

    results = {"systems": {"vectordb-embedded": system(1000, 500), "hnswlib": system(4000, 250)}}
    lines = summary.gaps(results)
    assert any(line.startswith("import:") and "hnswlib" in line and "4.0x" in line for line in lines)
    # hnswlib is slower at queries, so no QPS line may claim vectordb is behind
    assert not any(line.startswith("QPS") for line in lines)
