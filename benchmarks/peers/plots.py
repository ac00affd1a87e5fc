"""The PNG figures of one results file (matplotlib, from the `bench` extra)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only: no display on a benchmark machine
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from benchmarks.peers import summary  # noqa: E402
from benchmarks.peers.data import SELECTIVITIES  # noqa: E402

COLORS = {
    "vectordb-embedded": "#d62728",
    "vectordb-http": "#ff9896",
    "hnswlib": "#1f77b4",
    "faiss-hnsw": "#17becf",
    "chromadb": "#2ca02c",
    "lancedb": "#9467bd",
    "qdrant-local": "#8c564b",
    "milvus-lite": "#e377c2",
}


def color(name: str) -> str:
    return COLORS.get(name, "#7f7f7f")


def subtitle(results: dict[str, Any]) -> str:
    d, p, m = results["dataset"], results["params"], results["machine"]
    return (
        f"{d['name']}: n={d['n']:,}, {d['queries']} queries, k={d['k']}, M={p['M']}, "
        f"efConstruction={p['ef_construction']} — {m['cores']} cores"
    )


def bars(ax, names: list[str], values: list[float | None], unit: str, log: bool = False) -> None:
    shown = [v if v is not None else 0.0 for v in values]
    ax.barh(names, shown, color=[color(n) for n in names])
    for i, v in enumerate(values):
        ax.text(shown[i], i, f" {summary.fmt(v)}" if v is not None else " n/a", va="center", fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(unit)
    if log:
        ax.set_xscale("log")
    ax.margins(x=0.2)


def save(fig, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_import(results: dict[str, Any], prefix: Path) -> Path:
    systems = summary.ok_systems(results)
    names = list(systems)
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(names) + 1.5))
    bars(
        ax,
        names,
        [summary.import_rate(systems[n]) for n in names],
        "objects per second (higher is better)",
        log=True,
    )
    ax.set_title(f"Import throughput\n{subtitle(results)}", fontsize=9)
    return save(fig, Path(f"{prefix}-import.png"))


def plot_recall_qps(results: dict[str, Any], prefix: Path) -> Path:
    fig, ax = plt.subplots(figsize=(8, 5.5))
    for name, r in summary.ok_systems(results).items():
        pts = sorted(summary.sweep(r), key=lambda p: p["recall"])
        if not pts:
            continue
        style = {"linewidth": 2.5} if name.startswith("vectordb") else {"linewidth": 1.2}
        ax.plot(
            [p["recall"] for p in pts],
            [p["qps"] for p in pts],
            marker="o",
            markersize=4,
            label=name,
            color=color(name),
            **style,
        )
    ax.set_yscale("log")
    ax.set_xlabel("recall@10")
    ax.set_ylabel("queries per second, one client (log)")
    ax.set_title(
        f"Recall against throughput over ef {results['params']['efs']}\n{subtitle(results)}", fontsize=9
    )
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    return save(fig, Path(f"{prefix}-recall-qps.png"))


def grouped(ax, systems: dict[str, Any], groups: list, get, ylabel: str, log: bool = False) -> None:
    names = list(systems)
    width = 0.8 / max(1, len(names))
    x = np.arange(len(groups))
    for i, name in enumerate(names):
        vals = [get(systems[name], g) for g in groups]
        ax.bar(x + i * width, [v if v is not None else 0 for v in vals], width, label=name, color=color(name))
    ax.set_xticks(x + width * (len(names) - 1) / 2)
    ax.set_ylabel(ylabel)
    if log:
        ax.set_yscale("log")
    ax.grid(True, axis="y", alpha=0.3)


def plot_filtered(results: dict[str, Any], prefix: Path) -> Path:
    systems = summary.ok_systems(results)
    fig, (a, b) = plt.subplots(1, 2, figsize=(12, 5))
    groups = list(SELECTIVITIES)
    grouped(a, systems, groups, lambda r, s: summary.filtered(r).get(s, {}).get("recall"), "recall@10")
    a.set_ylim(0, 1.05)
    grouped(
        b,
        systems,
        groups,
        lambda r, s: summary.filtered(r).get(s, {}).get("qps"),
        "QPS, one client (log)",
        log=True,
    )
    for ax in (a, b):
        ax.set_xticklabels([f"{s} % pass" for s in groups])
        ax.set_xlabel("filter selectivity")
    b.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1, 1))
    fig.suptitle(
        f"Filtered search (bucket < s) at ef={results['params']['ef']}\n{subtitle(results)}", fontsize=9
    )
    return save(fig, Path(f"{prefix}-filtered.png"))


def plot_latency(results: dict[str, Any], prefix: Path) -> Path:
    systems = summary.ok_systems(results)
    fig, (a, b) = plt.subplots(1, 2, figsize=(12, 5))
    groups = [1, 8]
    grouped(
        a, systems, groups, lambda r, c: summary.latency(r).get(c, {}).get("p50_ms"), "p50 ms (log)", log=True
    )
    grouped(
        b, systems, groups, lambda r, c: summary.latency(r).get(c, {}).get("p99_ms"), "p99 ms (log)", log=True
    )
    for ax, title in ((a, "p50"), (b, "p99")):
        ax.set_xticklabels([f"{c} client{'s' if c > 1 else ''}" for c in groups])
        ax.set_title(title)
    b.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1, 1))
    fig.suptitle(
        f"Query latency at ef={results['params']['ef']}: vectordb-http over HTTP (GraphQL), the rest "
        f"in process\n{subtitle(results)}",
        fontsize=9,
    )
    return save(fig, Path(f"{prefix}-latency.png"))


def plot_memory(results: dict[str, Any], prefix: Path) -> Path:
    systems = summary.ok_systems(results)
    names = list(systems)
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(names) + 1.5))
    bars(ax, names, [summary.peak_rss_mb(systems[n]) for n in names], "MB (lower is better)")
    ax.set_title(
        f"Peak RSS over the whole run, less the data set's own arrays (server RSS for "
        f"vectordb-http)\n{subtitle(results)}",
        fontsize=9,
    )
    return save(fig, Path(f"{prefix}-memory.png"))


def plot_reopen(results: dict[str, Any], prefix: Path) -> Path:
    systems = summary.ok_systems(results)
    names = list(systems)
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(names) + 1.5))
    bars(
        ax,
        names,
        [summary.reopen_s(systems[n]) for n in names],
        "seconds to open and answer a query (log)",
        log=True,
    )
    ax.set_title(f"Reopen after close (vectordb-http: server restart)\n{subtitle(results)}", fontsize=9)
    return save(fig, Path(f"{prefix}-reopen.png"))


def plot_all(results: dict[str, Any], prefix: Path) -> list[Path]:
    return [
        plot(results, prefix)
        for plot in (plot_import, plot_recall_qps, plot_filtered, plot_latency, plot_memory, plot_reopen)
    ]
