"""Like patterns (`?` one character, `*` any run, everything else literal) matched without backtracking.

A regex built from the pattern backtracks: `*a*a*a*a*a*b` against 200 "a" took minutes inside the regex engine,
which holds the GIL, so the whole server (liveness included) froze. Here the pattern is cut at its stars into
fixed-length segments. The first is pinned to the start of the text, the last to its end, and each one between
is placed at its leftmost fit after the previous one: a fit further left leaves at least as much room for the
rest, so no placement is ever revisited. The cost is O(len(text) * len(pattern)) at worst, and the literal
runs are found with str.find.
"""

from __future__ import annotations

from collections.abc import Callable


class _Segment:
    """A star-free piece of a pattern: literal runs at fixed offsets, `?` in the gaps."""

    def __init__(self, text: str) -> None:
        self.size = len(text)
        self.runs: list[tuple[int, str]] = []
        start = None
        for i, ch in enumerate(text + "?"):
            if ch != "?" and start is None:
                start = i
            elif ch == "?" and start is not None:
                self.runs.append((start, text[start:i]))
                start = None

    def fits_at(self, text: str, at: int) -> bool:
        return all(text.startswith(run, at + offset) for offset, run in self.runs)

    def leftmost(self, text: str, start: int, end: int) -> int:
        """The first position p >= start with text[p:p+size] matching and p + size <= end, or -1."""
        last = end - self.size
        if last < start:
            return -1
        if not self.runs:
            return start
        offset, run = self.runs[0]
        found = text.find(run, start + offset, last + offset + len(run))
        while found != -1:
            at = found - offset
            if self.fits_at(text, at):
                return at
            found = text.find(run, found + 1, last + offset + len(run))
        return -1


def compile_like(pattern: str) -> Callable[[str], bool]:
    """A function telling whether a whole text matches the Like pattern."""
    pieces = pattern.split("*")
    if len(pieces) == 1:
        only = _Segment(pattern)
        return lambda text: len(text) == only.size and only.fits_at(text, 0)
    first, last = _Segment(pieces[0]), _Segment(pieces[-1])
    middle = [_Segment(p) for p in pieces[1:-1] if p]

    def matches(text: str) -> bool:
        end = len(text) - last.size
        if end < first.size or not first.fits_at(text, 0) or not last.fits_at(text, end):
            return False
        at = first.size
        for segment in middle:
            found = segment.leftmost(text, at, end)
            if found < 0:
                return False
            at = found + segment.size
        return True

    return matches
