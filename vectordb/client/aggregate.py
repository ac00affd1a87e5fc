"""collection.aggregate: counts and property metrics over all objects or a near* / hybrid result set."""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Mapping, Sequence
from typing import Any

from vectordb.client.filters import FilterLike, where_dict
from vectordb.client.inputs import (
    DEFAULT_METRICS,
    GroupByAggregate,
    Metrics,
    metric_python_name,
    metric_wire_name,
)
from vectordb.client.results import AggregateGroup, AggregateReturn
from vectordb.client.search_params import (
    hybrid_params,
    near_object_params,
    near_text_params,
    near_vector_params,
)
from vectordb.client.transport import Transport
from vectordb.query.aggregate import AGGREGATION_KINDS
from vectordb.query.request import AggregateRequest

MetricsLike = Metrics | Sequence[Metrics] | Mapping[str, Sequence[str] | None] | None
GroupByLike = str | GroupByAggregate | None


def _kind(class_def: Mapping[str, Any], prop: str) -> str:
    for p in class_def.get("properties") or []:
        if p.get("name") == prop:
            data_type = (p.get("dataType") or [""])[0]
            if data_type[:1].isupper():
                return "reference"
            kind = AGGREGATION_KINDS.get(data_type.removesuffix("[]"))
            if kind is None:
                raise ValueError(f"property {prop!r} has data type {data_type}, which cannot be aggregated")
            return kind
    raise ValueError(f"collection {class_def.get('class')} has no property {prop!r}")


def _metrics_list(return_metrics: MetricsLike) -> list[Metrics]:
    if return_metrics is None:
        return []
    if isinstance(return_metrics, Metrics):
        return [return_metrics]
    if isinstance(return_metrics, Mapping):
        return [Metrics(prop, list(m) if m is not None else None) for prop, m in return_metrics.items()]
    return list(return_metrics)


def _python_metrics(values: Mapping[str, Any]) -> dict[str, Any]:
    return {metric_python_name(k): v for k, v in values.items()}


def to_aggregate_return(rows: list[dict[str, Any]], props: Sequence[str], grouped: bool) -> AggregateReturn:
    def parts(row: Mapping[str, Any]) -> tuple[int | None, dict[str, dict[str, Any]]]:
        count = (row.get("meta") or {}).get("count")
        return (None if count is None else int(count)), {p: _python_metrics(row.get(p) or {}) for p in props}

    if not grouped:
        total, properties = parts(rows[0] if rows else {})
        return AggregateReturn(total_count=total, properties=properties)
    groups = []
    for row in rows:
        total, properties = parts(row)
        grouped_by = row.get("groupedBy") or {}
        path = grouped_by.get("path") or [""]
        groups.append(AggregateGroup(path[0], grouped_by.get("value"), total, properties))
    return AggregateReturn(total_count=None, groups=groups)


class Aggregate:
    def __init__(self, transport: Transport, name: str) -> None:
        self._t = transport
        self.name = name

    def _run(
        self,
        total_count: bool,
        return_metrics: MetricsLike,
        filters: FilterLike | None,
        group_by: GroupByLike,
        object_limit: int | None,
        **search: Any,
    ) -> AggregateReturn:
        metrics = _metrics_list(return_metrics)
        fields: dict[str, list[str]] = {}
        top_limits: dict[str, int] = {}
        if metrics:
            class_def = self._t.class_def(self.name)
            for m in metrics:
                names = m.metrics if m.metrics is not None else DEFAULT_METRICS[_kind(class_def, m.prop)]
                fields[m.prop] = [metric_wire_name(n) for n in names]
                if m.top_occurrences_limit is not None:
                    top_limits[m.prop] = int(m.top_occurrences_limit)
        if not total_count and not fields:
            raise ValueError("nothing to aggregate: ask for total_count or return_metrics")
        if isinstance(group_by, str):
            group_by = GroupByAggregate(group_by)
        request = AggregateRequest(
            collection=self.name,
            fields=fields,
            meta_count=total_count,
            where=where_dict(filters),
            group_by=[group_by.prop] if group_by is not None else None,
            limit=group_by.limit if group_by is not None else None,
            object_limit=object_limit,
            top_occurrences_limit=top_limits,
            **search,
        )
        return to_aggregate_return(self._t.aggregate(request), list(fields), group_by is not None)

    def over_all(
        self,
        total_count: bool = True,
        return_metrics: MetricsLike = None,
        filters: FilterLike | None = None,
        group_by: GroupByLike = None,
        object_limit: int | None = None,
    ) -> AggregateReturn:
        return self._run(total_count, return_metrics, filters, group_by, object_limit)

    def near_vector(
        self,
        vector: Any,
        distance: float | None = None,
        certainty: float | None = None,
        object_limit: int | None = None,
        target_vector: str | None = None,
        total_count: bool = True,
        return_metrics: MetricsLike = None,
        filters: FilterLike | None = None,
        group_by: GroupByLike = None,
    ) -> AggregateReturn:
        params = near_vector_params(vector, distance, certainty, target_vector)
        return self._run(total_count, return_metrics, filters, group_by, object_limit, near_vector=params)

    def near_object(
        self,
        uuid: str | uuidlib.UUID,
        distance: float | None = None,
        certainty: float | None = None,
        object_limit: int | None = None,
        target_vector: str | None = None,
        total_count: bool = True,
        return_metrics: MetricsLike = None,
        filters: FilterLike | None = None,
        group_by: GroupByLike = None,
    ) -> AggregateReturn:
        params = near_object_params(uuid, distance, certainty, target_vector)
        return self._run(total_count, return_metrics, filters, group_by, object_limit, near_object=params)

    def near_text(
        self,
        query: str | Sequence[str],
        distance: float | None = None,
        certainty: float | None = None,
        object_limit: int | None = None,
        target_vector: str | None = None,
        total_count: bool = True,
        return_metrics: MetricsLike = None,
        filters: FilterLike | None = None,
        group_by: GroupByLike = None,
    ) -> AggregateReturn:
        params = near_text_params(query, distance, certainty, target_vector)
        return self._run(total_count, return_metrics, filters, group_by, object_limit, near_text=params)

    def hybrid(
        self,
        query: str | None,
        alpha: float = 0.75,
        vector: Any = None,
        query_properties: Sequence[str] | None = None,
        object_limit: int | None = None,
        target_vector: str | None = None,
        total_count: bool = True,
        return_metrics: MetricsLike = None,
        filters: FilterLike | None = None,
        group_by: GroupByLike = None,
    ) -> AggregateReturn:
        params = hybrid_params(query, alpha, vector, query_properties, target_vector)
        return self._run(total_count, return_metrics, filters, group_by, object_limit, hybrid=params)

