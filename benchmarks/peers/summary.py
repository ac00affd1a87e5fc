"""Reading one results file: the figures each plot and the README table show, and vectordb's gaps to peers."""

from __future__ import annotations

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
