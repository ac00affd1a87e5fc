"""The README section of one results file: machine, versions, parameters, command, tables, figures, gaps."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from benchmarks.peers import summary
from benchmarks.peers.data import SELECTIVITIES
from benchmarks.peers.summary import fmt, fmt_recall


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return out


def section(results: dict[str, Any], make_command: str | None = None) -> str:
    tag, m, d, p = results["tag"], results["machine"], results["dataset"], results["params"]
    systems = results["systems"]
    ok = summary.ok_systems(results)
    when = time.strftime("%Y-%m-%d", time.localtime(results.get("finished", time.time())))
    lines = [f"### `{tag}`" + (f": {d['name']}" if d["name"] != tag else ""), ""]
    if make_command:
        lines.append(f"Command: `{make_command}`, which runs `{results['command']}`.")
    else:
        lines.append(f"Command: `{results['command']}`.")
    lines += [
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, {m['os']}, Python {m['python']}; "
        f"run on {when}, {results.get('seconds', 0) / 60:.1f} min in all. Other work shared the machine, so "
        "QPS figures carry some noise.",
        "",
        f"Commit measured: `{results.get('commit', 'unknown')}`. Load average (1 min) as each system started and "
        "ended: "
        + ", ".join(
            f"{name} {r['load_average'][0]:.1f} → {r['load_average'][1]:.1f}"
            for name, r in systems.items()
            if r.get("load_average")
        )
        + ".",
        "",
        f"Data: {d['n']:,} x {d['dim']} unit vectors, {d['queries']} held-out queries, exact top-{d['k']} by "
        f"brute force; filter `{d['filter']}`. Index: M={p['M']}, efConstruction={p['ef_construction']}, "
        f"import batches of {p['batch']}; ef sweep {p['efs']}; ef={p['ef']} for the filtered, latency and "
        f"reopen phases; {p['latency_queries']} latency queries per level; at most "
        f"{p['budget_s_per_system']:.0f} s per system.",
        "",
    ]
    rows = []
    for name, r in systems.items():
        versions = ", ".join(f"{k} {v}" for k, v in (r.get("versions") or {}).items())
        status = r.get("status", "?")
        if r.get("error"):
            status += f": {r['error']}"
        rows.append([name, versions or "—", r.get("index_kind", "—"), r.get("storage", "—"), status])
    lines += table(["system", "versions", "what runs", "store", "status"], rows) + [""]

    rows = []
    for name, r in ok.items():
        rss = summary.peak_rss_mb(r)
        rows.append(
            [
                name,
                fmt(summary.import_rate(r)),
                fmt_recall(summary.recall_at(r, p["ef"])),
                *[fmt(summary.qps_at_recall(r, t)) for t in summary.RECALL_TARGETS],
                fmt(rss),
                fmt(summary.reopen_s(r)),
            ]
        )
    lines += table(
        [
            "system",
            "import obj/s",
            f"recall@10 at ef={p['ef']}",
            *[f"QPS at recall ≥ {t}" for t in summary.RECALL_TARGETS],
            "peak RSS MB",
            "reopen s",
        ],
        rows,
    )
    lines += ["", "Filtered search (recall@10 / QPS, one client):", ""]
    rows = []
    for name, r in ok.items():
        f = summary.filtered(r)
        rows.append(
            [name, *[f"{fmt_recall(f[s]['recall'])} / {fmt(f[s]['qps'])}" if s in f else "—" for s in SELECTIVITIES]]
        )
    lines += table(
        [
            "system",
            *[f"{s} % pass" for s in SELECTIVITIES],
        ],
        rows,
    )
    lines += ["", "Latency, ms (vectordb-http over HTTP with GraphQL; the others in process):", ""]
    rows = []
    for name, r in ok.items():
        lat = summary.latency(r)
        rows.append(
            [
                name,
                *[
                    f"{fmt(lat[c]['p50_ms'])} / {fmt(lat[c]['p99_ms'])} ({fmt(lat[c]['qps'])} QPS)"
                    if c in lat
                    else "—"
                    for c in (1, 8)
                ],
            ]
        )
    lines += table(["system", "1 client p50 / p99", "8 clients p50 / p99"], rows)

    notes = []
    for name, r in systems.items():
        for key, value in (r.get("notes") or {}).items():
            notes.append(f"- {name}: {key} = {fmt(value) if isinstance(value, float) else value}")
        for ph, value in (r.get("phases") or {}).items():
            if isinstance(value, dict) and ("error" in value or "skipped" in value):
                notes.append(f"- {name}: phase {ph}: {value.get('error') or value.get('skipped')}")
    if notes:
        lines += ["", "Notes from the run:", "", *notes]

    rows = [
        [measure, "—" if value is None else f"{value:.2f}", target, {True: "yes", False: "**no**", None: "—"}[met]]
        for measure, value, target, met in summary.targets(results)
    ]
    if rows:
        lines += ["", "Issue 12's targets, as ratios within this run:", ""]
        lines += table(["measure", "ratio", "target", "met"], rows)

    margin = f"{summary.AHEAD_RATIO - 1:.0%}"
    lines += ["", f"Where vectordb (embedded) is behind a peer by {margin} or more, with the ratio:", ""]
    lines += [f"- {g}" for g in summary.gaps(results)] or ["- nowhere in this run."]
    lines += ["", "Figures:", ""]
    for fig in ("import", "recall-qps", "filtered", "latency", "memory", "reopen"):
        lines.append(f"![{fig}](results/peers-{tag}-{fig}.png)")
    return "\n".join(lines) + "\n"


def update_readme(readme: Path, results: dict[str, Any], make_command: str | None = None) -> None:
    """Replace (or append) this tag's block between its markers; the rest of the README is left as it is."""
    tag = results["tag"]
    begin, end = f"<!-- peers:{tag}:begin -->", f"<!-- peers:{tag}:end -->"
    block = f"{begin}\n{section(results, make_command)}{end}"
    text = readme.read_text() if readme.exists() else "# Benchmarks\n"
    pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    readme.write_text(text)
