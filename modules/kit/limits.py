"""How much one upstream request may carry, and the packing of texts up to it.

A module declares its provider's limits; the core (vectordb/vectorize_batch.py) packs a batch into requests up
to them and keeps several in flight. Token budgets are counted in UTF-8 bytes: a token covers at least one
byte, so a byte budget the size of the token budget can never exceed it, and no tokenizer is needed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BatchLimits:
    texts: int
    #: The provider's token budget per request, counted as UTF-8 bytes; None: no budget.
    tokens: int | None = None


def pack(texts: list[str], limits: BatchLimits) -> list[tuple[int, int]]:
    """[start, end) ranges of `texts`, in order, each within the limits (a text over the budget goes alone,
    and the provider says what it thinks of it)."""
    ranges: list[tuple[int, int]] = []
    start, size = 0, 0
    for i, text in enumerate(texts):
        length = len(text.encode("utf-8")) if limits.tokens is not None else 0
        full = i - start >= limits.texts or (limits.tokens is not None and size + length > limits.tokens)
        if i > start and full:
            ranges.append((start, i))
            start, size = i, 0
        size += length
    if start < len(texts):
        ranges.append((start, len(texts)))
    return ranges
