"""Reading one results file: the figures each plot and the README table show, and vectordb's gaps to peers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

VECTORDB = "vectordb-embedded"
# a peer counts as ahead only past this ratio: smaller gaps are within the run-to-run noise of a shared machine
AHEAD_RATIO = 1.05
RECALL_TARGETS = (0.9, 0.95, 0.99)


def phase(result: dict[str, Any], name: str) -> Any:
    """A phase's value, or None when it was skipped, failed or never ran."""
    value = result.get("phases", {}).get(name)
    if value is None or (isinstance(value, dict) and ("error" in value or "skipped" in value)):
        return None
    return value


def import_rate(result: dict[str, Any]) -> float | None:
    build = phase(result, "build")
    return build["per_s"] if build else None


def sweep(result: dict[str, Any]) -> list[dict[str, float]]:
    return phase(result, "sweep") or []


def qps_at_recall(result: dict[str, Any], target: float) -> float | None:
    """Best QPS among the sweep points reaching `target` recall (ann-benchmarks reads its curves this way)."""
    points = [p["qps"] for p in sweep(result) if p["recall"] >= target]
    return max(points) if points else None


def filtered(result: dict[str, Any]) -> dict[int, dict[str, float]]:
    return {p["selectivity_pct"]: p for p in phase(result, "filtered") or []}


def latency(result: dict[str, Any]) -> dict[int, dict[str, float]]:
    return {p["clients"]: p for p in phase(result, "latency") or []}


def peak_rss_mb(result: dict[str, Any]) -> float | None:
    """Peak RSS the system itself added: the worker's peak less the data set it holds, or a server's peak."""
    if "peak_rss_bytes" not in result or phase(result, "build") is None:
        return None
    server = (result.get("peak_rss_extra_bytes") or {}).get("server")
    if server:
        return server / 2**20
    return (result["peak_rss_bytes"] - result.get("rss_baseline_bytes", 0)) / 2**20


def reopen_s(result: dict[str, Any]) -> float | None:
    value = phase(result, "reopen")
    return value["seconds"] if value else None


def ok_systems(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in results["systems"].items() if phase(r, "build") is not None}


def gaps(results: dict[str, Any]) -> list[str]:
    """One sentence per measure where some peer beats vectordb-embedded: the peers and the ratios."""
    systems = ok_systems(results)
    me = systems.get(VECTORDB)
    if me is None:
        return [f"{VECTORDB} produced no results in this run, so there is nothing to compare."]
    lines: list[str] = []

    def compare(label: str, unit: str, get, higher: bool, margin: float = 0.0) -> None:
        mine = get(me)
        if mine is None:
            return
        ahead = []
        for name, r in systems.items():
            theirs = get(r)
            if name.startswith("vectordb") or theirs is None:
                continue
            ratio = theirs / max(mine, 1e-9) if higher else mine / max(theirs, 1e-9)
            if ratio >= AHEAD_RATIO and abs(theirs - mine) > margin:
                ahead.append((ratio, name, theirs))
        if ahead:
            ahead.sort(reverse=True)
            peers = ", ".join(f"{name} {fmt(theirs)} (**{ratio:.1f}x**)" for ratio, name, theirs in ahead)
            lines.append(f"{label}: vectordb {fmt(mine)} {unit}; behind {peers}")

    compare("import", "objects/s", import_rate, True)
    for target in RECALL_TARGETS:
        compare(f"QPS at recall@10 ≥ {target}", "QPS", lambda r, t=target: qps_at_recall(r, t), True)
    for s in filtered(me):
        compare(f"filtered QPS, {s} % pass", "QPS", lambda r, s=s: filtered(r).get(s, {}).get("qps"), True)
        compare(
            f"filtered recall@10, {s} % pass",
            "",
            lambda r, s=s: filtered(r).get(s, {}).get("recall"),
            True,
            margin=0.01,
        )
    for clients in latency(me):
        for pct in ("p50", "p99"):
            compare(
                f"{pct} latency, {clients} client{'s' if clients > 1 else ''}",
                "ms",
                lambda r, c=clients, k=f"{pct}_ms": latency(r).get(c, {}).get(k),
                False,
            )
    compare("peak RSS", "MB", peak_rss_mb, False)
    compare("reopen", "s", reopen_s, False)
    return lines


def qps_at_ef(result: dict[str, Any], ef: int) -> float | None:
    for p in sweep(result):
        if p["ef"] == ef:
            return p["qps"]
    return None


def targets(results: dict[str, Any]) -> list[tuple[str, float | None, str, bool | None]]:
    """Issue 12's targets as (measure, ratio, target, met) read from one run; None where the run lacks a side."""
    systems = ok_systems(results)
    me, raw = systems.get(VECTORDB), systems.get("hnswlib")
    http = systems.get("vectordb-http")
    ef = results["params"]["ef"]
    rows: list[tuple[str, float | None, str, bool | None]] = []

    def ratio(a: float | None, b: float | None) -> float | None:
        return a / b if a is not None and b else None

    def add(measure: str, value: float | None, target: str, ok: Callable[[float], bool]) -> None:
        rows.append((measure, value, target, None if value is None else ok(value)))

    if me is not None:
        if raw is not None:
            add(
                "embedded QPS at recall ≥ 0.95 / hnswlib's",
                ratio(qps_at_recall(me, 0.95), qps_at_recall(raw, 0.95)),
                "≥ 0.8",
                lambda v: v >= 0.8,
            )
            add("embedded import / hnswlib add_items", ratio(import_rate(me), import_rate(raw)), "≥ 0.8",
                lambda v: v >= 0.8)
            add("embedded peak RSS / hnswlib's", ratio(peak_rss_mb(me), peak_rss_mb(raw)), "≤ 2",
                lambda v: v <= 2)
        one = latency(me).get(1)
        add("embedded p99 / p50, one client", ratio(one["p99_ms"], one["p50_ms"]) if one else None, "≤ 5",
            lambda v: v <= 5)
        unfiltered = qps_at_ef(me, ef)
        for s, point in filtered(me).items():
            value = ratio(point["qps"], unfiltered)
            add(
                f"embedded filtered QPS, {s} % pass / unfiltered at ef={ef} (recall {point['recall']:.3f})",
                value,
                "≥ 0.5, recall ≥ 0.95",
                lambda v, r=point["recall"]: v >= 0.5 and r >= 0.95,
            )
    if http is not None:
        if me is not None:
            add("HTTP (REST JSON) import / embedded", ratio(import_rate(http), import_rate(me)), "≥ 0.6",
                lambda v: v >= 0.6)
        lat = latency(http)
        add(
            "REST+GraphQL QPS, 8 clients / 1 client",
            ratio(lat[8]["qps"], lat[1]["qps"]) if 1 in lat and 8 in lat else None,
            "≥ 2",
            lambda v: v >= 2,
        )
    for name, r in systems.items():
        footprint = (r.get("notes") or {}).get("footprint_ratio")
        if footprint is not None:
            add(
                f"{name}: vectors in memory / float32 (recall {recall_at(r, ef) or 0:.3f} at ef={ef})",
                footprint,
                "≤ 0.35 at recall ≥ 0.9",
                lambda v, r=r: v <= 0.35 and (recall_at(r, ef) or 0) >= 0.9,
            )
    return rows


def recall_at(result: dict[str, Any], ef: int) -> float | None:
    for p in sweep(result):
        if p["ef"] == ef:
            return p["recall"]
    points = sweep(result)
    return points[0]["recall"] if len(points) == 1 else None  # systems that ignore ef have one point


def fmt_recall(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def fmt(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 1:
        return f"{value:.1f}"
    return f"{value:.3f}"
