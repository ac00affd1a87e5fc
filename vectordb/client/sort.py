"""Sort builder: `Sort.by_property("year", ascending=False).by_property("title")`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class Sort:
    """An ordered list of sort clauses; each `by_*` call returns a new Sort with one more clause."""

    def __init__(self, clauses: Sequence[dict[str, Any]] = ()) -> None:
        self._clauses = list(clauses)

    def then(self, path: str, ascending: bool = True) -> Sort:
        if not path:
            raise ValueError("a sort clause needs a property name")
        return Sort([*self._clauses, {"path": [path], "order": "asc" if ascending else "desc"}])

    # Chainable from both the class and an instance: Sort.by_property(...).by_property(...).
    class _Builder:
        def __init__(self, path_of: Any) -> None:
            self._path_of = path_of

        def __get__(self, instance: Sort | None, owner: type[Sort]) -> Any:
            path_of = self._path_of

            def build(*args: Any, **kwargs: Any) -> Sort:
                path, ascending = path_of(*args, **kwargs)
                return (owner() if instance is None else instance).then(path, ascending)

            return build

    by_property = _Builder(lambda name, ascending=True: (name, ascending))
    by_creation_time = _Builder(lambda ascending=True: ("_creationTimeUnix", ascending))
    by_update_time = _Builder(lambda ascending=True: ("_lastUpdateTimeUnix", ascending))
    by_id = _Builder(lambda ascending=True: ("_id", ascending))

    def to_list(self) -> list[dict[str, Any]]:
        return [dict(c, path=list(c["path"])) for c in self._clauses]

    def __repr__(self) -> str:
        return f"Sort({self._clauses!r})"


SortLike = Sort | Mapping[str, Any] | Sequence[Any]


def sort_list(sort: SortLike | None) -> list[dict[str, Any]]:
    """A Sort, one raw {"path", "order"} dict, or a list of either, as the list of clauses."""
    if sort is None:
        return []
    if isinstance(sort, Sort):
        return sort.to_list()
    if isinstance(sort, Mapping):
        return [_clause(sort)]
    out: list[dict[str, Any]] = []
    for item in sort:
        out.extend(item.to_list() if isinstance(item, Sort) else [_clause(item)])
    return out


def _clause(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, Mapping) or "path" not in raw:
        raise TypeError(f"a sort clause must be a Sort or a dict with 'path' and 'order', not {raw!r}")
    path = raw["path"]
    return {"path": [path] if isinstance(path, str) else list(path), "order": raw.get("order", "asc")}
