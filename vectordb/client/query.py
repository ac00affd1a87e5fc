"""collection.query: fetch, near_vector / near_object / near_text, bm25 and hybrid searches."""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Sequence
from typing import Any

from vectordb.client.encode import as_uuid, ms_to_datetime
from vectordb.client.filters import Filter, FilterLike, where_dict
from vectordb.client.inputs import GroupBy, MetadataQuery, Move, metadata_names
from vectordb.client.results import Group, Metadata, Object, QueryReturn
from vectordb.client.search_params import (
    hybrid_params,
    near_object_params,
    near_text_params,
    near_vector_params,
)
from vectordb.client.sort import SortLike, sort_list
from vectordb.client.transport import Transport
from vectordb.query.request import SearchRequest, SearchResult

_ALWAYS = {"creation_time", "update_time"}
_DEFAULT_METADATA = {
    None: _ALWAYS,
    "near": _ALWAYS | {"distance", "certainty"},
    "score": _ALWAYS | {"score", "explain_score"},
}
# Group members carry only their distance (and vectors), as Weaviate's group hits do.
_GROUP_METADATA = {"distance"}

MetadataLike = MetadataQuery | Sequence[str] | None


def _include(include_vector: bool | str | Sequence[str]) -> bool | list[str]:
    if isinstance(include_vector, str):
        return [include_vector]
    if isinstance(include_vector, bool):
        return include_vector
    return list(include_vector)


def to_object(result: SearchResult, wanted: set[str]) -> Object:
    vectors: dict[str, list[float]] = {}
    if result.vector is not None:
        vectors["default"] = list(result.vector)
    for name, vector in (result.vectors or {}).items():
        vectors[name] = list(vector)
    metadata = Metadata(
        distance=result.distance if "distance" in wanted else None,
        certainty=result.certainty if "certainty" in wanted else None,
        score=result.score if "score" in wanted else None,
        explain_score=result.explain_score if "explain_score" in wanted else None,
        creation_time=ms_to_datetime(result.creation_time_unix) if "creation_time" in wanted else None,
        update_time=ms_to_datetime(result.last_update_time_unix) if "update_time" in wanted else None,
        rerank_score=result.rerank_score,
    )
    return Object(result.id, result.collection, dict(result.properties), vectors, metadata)


def to_query_return(results: list[SearchResult], wanted: set[str], grouped: bool) -> QueryReturn:
    if not grouped:
        return QueryReturn(objects=[to_object(r, wanted) for r in results])
    groups: dict[str, Group] = {}
    objects: list[Object] = []
    member_metadata = wanted & _GROUP_METADATA
    for result in results:
        group = result.group or {}
        members = [to_object(hit, member_metadata) for hit in group.get("hits") or []]
        value = str((group.get("groupedBy") or {}).get("value", ""))
        groups[value] = Group(
            name=value,
            value=value,
            min_distance=group.get("minDistance"),
            max_distance=group.get("maxDistance"),
            number_of_objects=int(group.get("count", len(members))),
            objects=members,
        )
        objects.extend(members)
    return QueryReturn(objects=objects, groups=groups)


class Query:
    def __init__(self, transport: Transport, name: str) -> None:
        self._t = transport
        self.name = name

    def _run(self, kind: str | None, return_metadata: MetadataLike, **search: Any) -> QueryReturn:
        return to_query_return(*self._search(kind, return_metadata, **search))

    def _wanted_extra(self) -> set[str]:
        """Further names for the transport's wanted set (collection.generate's provider metadata)."""
        return set()

    def _search(
        self,
        kind: str | None,
        return_metadata: MetadataLike,
        *,
        limit: int | None = None,
        offset: int = 0,
        after: str | None = None,
        autocut: int | None = None,
        filters: FilterLike | None = None,
        sort: SortLike | None = None,
        group_by: GroupBy | None = None,
        include_vector: bool | str | Sequence[str] = False,
        **search: Any,
    ) -> tuple[list[SearchResult], set[str], bool]:
        """The results, the metadata wanted and whether they are groups."""
        if limit is not None and limit < 0:
            raise ValueError("limit must not be negative")
        wanted = metadata_names(return_metadata, _DEFAULT_METADATA[kind]) | self._wanted_extra()
        request = SearchRequest(
            collection=self.name,
            limit=limit,
            offset=offset,
            after=as_uuid(after) if after is not None else None,
            autocut=autocut,
            where=where_dict(filters),
            sort=sort_list(sort),
            group_by=group_by.to_dict() if group_by is not None else None,
            include_vector=_include(include_vector),
            **search,
        )
        return self._t.search(request, wanted), wanted, group_by is not None

    def fetch_objects(
        self,
        limit: int | None = None,
        offset: int = 0,
        after: str | uuidlib.UUID | None = None,
        filters: FilterLike | None = None,
        sort: SortLike | None = None,
        include_vector: bool | str | Sequence[str] = False,
        return_metadata: MetadataLike = None,
    ) -> QueryReturn:
        """Objects in uuid order (or by `sort`), optionally filtered; `after` pages by uuid cursor."""
        return self._run(
            None,
            return_metadata,
            limit=limit,
            offset=offset,
            after=str(after) if after is not None else None,
            filters=filters,
            sort=sort,
            include_vector=include_vector,
        )

    def fetch_object_by_id(
        self,
        uuid: str | uuidlib.UUID,
        include_vector: bool | str | Sequence[str] = False,
        return_metadata: MetadataLike = None,
    ) -> Object | None:
        found = self._run(
            None,
            return_metadata,
            limit=1,
            filters=Filter.by_id().equal(as_uuid(uuid)),
            include_vector=include_vector,
        )
        return found.objects[0] if found.objects else None

    def near_vector(
        self,
        vector: Any,
        limit: int | None = None,
        distance: float | None = None,
        certainty: float | None = None,
        filters: FilterLike | None = None,
        target_vector: str | None = None,
        group_by: GroupBy | None = None,
        autocut: int | None = None,
        offset: int = 0,
        include_vector: bool | str | Sequence[str] = False,
        return_metadata: MetadataLike = None,
    ) -> QueryReturn:
        params = near_vector_params(vector, distance, certainty, target_vector)
        return self._run(
            "near",
            return_metadata,
            limit=limit,
            offset=offset,
            autocut=autocut,
            filters=filters,
            group_by=group_by,
            include_vector=include_vector,
            near_vector=params,
        )

    def near_object(
        self,
        uuid: str | uuidlib.UUID,
        limit: int | None = None,
        distance: float | None = None,
        certainty: float | None = None,
        filters: FilterLike | None = None,
        target_vector: str | None = None,
        group_by: GroupBy | None = None,
        autocut: int | None = None,
        offset: int = 0,
        include_vector: bool | str | Sequence[str] = False,
        return_metadata: MetadataLike = None,
    ) -> QueryReturn:
        params = near_object_params(uuid, distance, certainty, target_vector)
        return self._run(
            "near",
            return_metadata,
            limit=limit,
            offset=offset,
            autocut=autocut,
            filters=filters,
            group_by=group_by,
            include_vector=include_vector,
            near_object=params,
        )

    def near_text(
        self,
        query: str | Sequence[str],
        limit: int | None = None,
        distance: float | None = None,
        certainty: float | None = None,
        move_to: Move | None = None,
        move_away: Move | None = None,
        filters: FilterLike | None = None,
        target_vector: str | None = None,
        group_by: GroupBy | None = None,
        autocut: int | None = None,
        offset: int = 0,
        include_vector: bool | str | Sequence[str] = False,
        return_metadata: MetadataLike = None,
    ) -> QueryReturn:
        params = near_text_params(query, distance, certainty, target_vector, move_to, move_away)
        return self._run(
            "near",
            return_metadata,
            limit=limit,
            offset=offset,
            autocut=autocut,
            filters=filters,
            group_by=group_by,
            include_vector=include_vector,
            near_text=params,
        )

    def bm25(
        self,
        query: str,
        query_properties: Sequence[str] | None = None,
        limit: int | None = None,
        offset: int = 0,
        filters: FilterLike | None = None,
        group_by: GroupBy | None = None,
        autocut: int | None = None,
        operator: str | None = None,
        minimum_match: int | None = None,
        include_vector: bool | str | Sequence[str] = False,
        return_metadata: MetadataLike = None,
    ) -> QueryReturn:
        """Keyword search; `query_properties` may boost ("title^2"); operator "and"/"or" joins the tokens."""
        params: dict[str, Any] = {"query": query}
        if query_properties is not None:
            params["properties"] = list(query_properties)
        search_operator = _search_operator(operator, minimum_match)
        if search_operator:
            params["searchOperator"] = search_operator
        return self._run(
            "score",
            return_metadata,
            limit=limit,
            offset=offset,
            autocut=autocut,
            filters=filters,
            group_by=group_by,
            include_vector=include_vector,
            bm25=params,
        )

    def hybrid(
        self,
        query: str | None,
        alpha: float = 0.75,
        vector: Any = None,
        query_properties: Sequence[str] | None = None,
        fusion_type: str = "relativeScoreFusion",
        max_vector_distance: float | None = None,
        target_vector: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        filters: FilterLike | None = None,
        group_by: GroupBy | None = None,
        autocut: int | None = None,
        include_vector: bool | str | Sequence[str] = False,
        return_metadata: MetadataLike = None,
    ) -> QueryReturn:
        """Keyword and vector search fused: alpha 1 is pure vector, 0 pure bm25."""
        if fusion_type not in ("relativeScoreFusion", "rankedFusion"):
            raise ValueError(f"fusion_type must be relativeScoreFusion or rankedFusion, not {fusion_type!r}")
        params = hybrid_params(query, alpha, vector, query_properties, target_vector, fusion_type, max_vector_distance)
        return self._run(
            "score",
            return_metadata,
            limit=limit,
            offset=offset,
            autocut=autocut,
            filters=filters,
            group_by=group_by,
            include_vector=include_vector,
            hybrid=params,
        )


def _search_operator(operator: str | None, minimum_match: int | None) -> dict[str, Any] | None:
    if operator is None and minimum_match is None:
        return None
    name = (operator or "or").capitalize()
    if name not in ("And", "Or"):
        raise ValueError(f"operator must be 'and' or 'or', not {operator!r}")
    out: dict[str, Any] = {"operator": name}
    if minimum_match is not None:
        out["minimumOrTokensMatch"] = int(minimum_match)
    return out
