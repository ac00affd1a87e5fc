"""Hybrid search: fuse a dense (vector) and a sparse (bm25) result set into one ranking, as Weaviate does.

A result set is `(hits, weight, name)`; each hit is `(key, raw_value)` or `(key, raw_value, prior_explain)`.
The key is the object's id (it is printed in explainScore and breaks final ties, ascending). What the raw
value means depends on the set's name, which follows Weaviate:

- `"vector,<search>"` (see `dense_name`): a dense set, raw value = distance; it ranks by `1 - distance`.
- `"keyword,bm25"` (`KEYWORD`): a sparse set, raw value = bm25 score.

Weaviate computes in float32 and formats numbers in explainScore with Go's `%v`; both are reproduced so the
scores, tie-breaks and strings match. Use `hybrid_sets` to build the sets in Weaviate's order (dense first).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from decimal import Decimal
from functools import cmp_to_key
from typing import Any

import numpy as np

KEYWORD = "keyword,bm25"
DENSE_PREFIX = "vector"
# reciprocal-rank constant: a hit at 0-based rank i contributes weight / (i + 60)
RRF_K = 60
# scores whose squared difference is below this are ties (Weaviate's comparison)
_TIE = 1e-14

Hit = tuple  # (key, raw_value) or (key, raw_value, prior_explain)
ResultSet = tuple[Sequence[Hit], float, str]
Fused = tuple[Hashable, float, str]


def dense_name(search: str = "hybridVector") -> str:
    """Set name of the dense side: search is hybridVector (query vectorized), nearVector or nearText."""
    return f"{DENSE_PREFIX},{search}"


def hybrid_sets(
    dense: Sequence[Hit] | None,
    sparse: Sequence[Hit] | None,
    alpha: float,
    dense_search: str = "hybridVector",
) -> list[ResultSet]:
    """Weaviate's set list for a hybrid query: dense (weight alpha) then sparse (weight 1 - alpha).

    A side whose weight is 0 is left out, as Weaviate does not run it at all.
    """
    sets: list[ResultSet] = []
    if alpha > 0 and dense is not None:
        sets.append((dense, alpha, dense_name(dense_search)))
    if 1 - alpha > 0 and sparse is not None:
        sets.append((sparse, 1 - alpha, KEYWORD))
    return sets


def format_go_float(value: float | np.floating[Any], bits: int = 32) -> str:
    """Go's `%v` of a float32 (bits=32) or float64: the shortest digits that round-trip, in exponent form
    when the decimal exponent is below -4 or at least 6 (`1e+06`, `1.5e-05`), else positional (`0.25`)."""
    x = float(np.float32(value)) if bits == 32 else float(value)
    if x != x:
        return "NaN"
    if x in (float("inf"), float("-inf")):
        return "+Inf" if x > 0 else "-Inf"
    shortest = (
        np.format_float_scientific(np.float32(x), unique=True, trim="-") if bits == 32 else repr(x)
    )
    dec = Decimal(shortest)
    if dec == 0:
        return "-0" if str(dec).startswith("-") else "0"
    sign, digits, _ = dec.normalize().as_tuple()
    lead = "-" if sign else ""
    sci = dec.normalize().adjusted()  # the exponent of the leading digit
    text = "".join(str(d) for d in digits)
    if sci < -4 or sci >= 6:
        mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
        return f"{lead}{mantissa}e{'-' if sci < 0 else '+'}{abs(sci):02d}"
    if sci < 0:
        return f"{lead}0.{'0' * (-sci - 1)}{text}"
    if len(text) <= sci + 1:
        return f"{lead}{text}{'0' * (sci + 1 - len(text))}"
    return f"{lead}{text[: sci + 1]}.{text[sci + 1 :]}"


def _secondary(name: str, raw: float) -> np.float32:
    """The value a set ranks by: 1 - distance for dense sets, the score itself for sparse ones."""
    if name.startswith(DENSE_PREFIX):
        return np.float32(1) - np.float32(raw)
    return np.float32(raw)


def _unpack(hit: Hit) -> tuple[Hashable, float, str]:
    if len(hit) == 2:
        return hit[0], hit[1], ""
    if len(hit) == 3:
        return hit[0], hit[1], hit[2] or ""
    raise ValueError(f"a hit is (key, value) or (key, value, explain), got {len(hit)} fields")


class _Doc:
    __slots__ = ("key", "score", "secondary", "explain")

    def __init__(self, key: Hashable, score: np.float32, secondary: np.float32, explain: str) -> None:
        self.key = key
        self.score = score
        self.secondary = secondary
        self.explain = explain


def _compare(a: _Doc, b: _Doc) -> int:
    # descending score; near-equal scores fall back to the ranking value, then the id ascending
    d = float(b.score - a.score)
    if d * d >= _TIE:
        return -1 if a.score > b.score else 1
    d2 = float(b.secondary - a.secondary)
    if d2 * d2 >= _TIE:
        return -1 if a.secondary > b.secondary else 1
    ka, kb = str(a.key), str(b.key)
    return (ka > kb) - (ka < kb)


def _finish(docs: dict[Hashable, _Doc]) -> list[Fused]:
    ordered = sorted(docs.values(), key=cmp_to_key(_compare))
    return [(d.key, float(d.score), d.explain) for d in ordered]


def ranked_fusion(sets: Sequence[ResultSet]) -> list[Fused]:
    """Reciprocal rank fusion: a hit at rank i of a set with weight w gains w / (i + 60)."""
    docs: dict[Hashable, _Doc] = {}
    for hits, weight, name in sets:
        for rank, hit in enumerate(hits):
            key, raw, prior = _unpack(hit)
            contribution = np.float32(weight / (rank + RRF_K))
            line = (
                f"Hybrid (Result Set {name}) Document {key} "
                f"contributed {format_go_float(contribution)} to the score"
            )
            previous = docs.get(key)
            if previous is None:
                docs[key] = _Doc(key, contribution, _secondary(name, raw), f"{prior}\n{line}")
            else:
                # the doc keeps the ranking value of the last set it appears in, as in Weaviate
                docs[key] = _Doc(
                    key, contribution + previous.score, _secondary(name, raw), f"{previous.explain}\n{line}"
                )
    return _finish(docs)


def relative_score_fusion(sets: Sequence[ResultSet]) -> list[Fused]:
    """Min-max normalise each set to [0, 1] (all-equal values normalise to 1), weight and sum per doc."""
    docs: dict[Hashable, _Doc] = {}
    for hits, weight, name in sets:
        unpacked = [_unpack(h) for h in hits]
        values = [_secondary(name, raw) for _, raw, _ in unpacked]
        if not values:
            continue
        low, high = min(values), max(values)
        w = np.float32(weight)
        for (key, _raw, prior), value in zip(unpacked, values, strict=True):
            score = w if high == low else w * ((value - low) / (high - low))
            line = (
                f"Hybrid (Result Set {name}) Document {key}: original score {format_go_float(value)}, "
                f"normalized score: {format_go_float(score)}"
            )
            previous = docs.get(key)
            if previous is not None:
                score = score + previous.score
                line += " - " + previous.explain
            docs[key] = _Doc(key, np.float32(score), value, f"{prior}\n{line}")
    return _finish(docs)


def fuse(sets: Sequence[ResultSet], fusion_type: str = "relativeScoreFusion") -> list[Fused]:
    """Dispatch on the GraphQL `fusionType` value (default relativeScoreFusion, Weaviate >= 1.24)."""
    if fusion_type == "relativeScoreFusion":
        return relative_score_fusion(sets)
    if fusion_type == "rankedFusion":
        return ranked_fusion(sets)
    raise ValueError(
        f"unknown fusionType '{fusion_type}': use 'rankedFusion' or 'relativeScoreFusion'"
    )
