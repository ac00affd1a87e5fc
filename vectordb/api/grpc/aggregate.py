"""Aggregate: protobuf <-> the query layer's AggregateRequest and its GraphQL-shaped groups."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from vectordb.api.grpc import filters
from vectordb.api.grpc.pb import aggregate_pb2
from vectordb.api.grpc.search import searches
from vectordb.database import Database
from vectordb.errors import UserError
from vectordb.query.request import AggregateRequest

_Reply = aggregate_pb2.AggregateReply
_Agg = _Reply.Aggregations.Aggregation
# request flag -> the query layer's metric name, per aggregation kind
_NUMERIC = {"count": "count", "type": "type", "sum": "sum", "mean": "mean", "mode": "mode", "median": "median",
            "maximum": "maximum", "minimum": "minimum"}  # fmt: skip
_METRICS = {
    "int": _NUMERIC,
    "number": _NUMERIC,
    "text": {"count": "count", "type": "type", "top_occurences": "topOccurrences"},
    "boolean": {"count": "count", "type": "type", "total_true": "totalTrue", "total_false": "totalFalse",
                "percentage_true": "percentageTrue", "percentage_false": "percentageFalse"},
    "date": {"count": "count", "type": "type", "median": "median", "mode": "mode", "maximum": "maximum",
             "minimum": "minimum"},
    "reference": {"type": "type", "pointing_to": "pointingTo"},
}
_REPLY_FIELDS = {"topOccurrences": "top_occurences", "totalTrue": "total_true", "totalFalse": "total_false",
                 "percentageTrue": "percentage_true", "percentageFalse": "percentage_false",
                 "pointingTo": "pointing_to"}  # fmt: skip
_REPLY_TYPES = {"int": _Agg.Integer, "number": _Agg.Number, "text": _Agg.Text, "boolean": _Agg.Boolean,
                "date": _Agg.Date, "reference": _Agg.Reference}  # fmt: skip


def _fields(request: aggregate_pb2.AggregateRequest) -> tuple[dict[str, list[str]], dict[str, str], dict[str, int]]:
    """(property -> metrics, property -> aggregation kind, property -> topOccurrences limit)."""
    fields: dict[str, list[str]] = {}
    kinds: dict[str, str] = {}
    top: dict[str, int] = {}
    for agg in request.aggregations:
        kind = agg.WhichOneof("aggregation")
        if kind is None:
            raise UserError(f"aggregate: property '{agg.property}' names no aggregation")
        flags = getattr(agg, kind)
        fields[agg.property] = [metric for flag, metric in _METRICS[kind].items() if getattr(flags, flag)]
        if kind == "text" and "topOccurrences" not in fields[agg.property]:
            # Weaviate counts a text property's top occurrences whatever flags are set, and sends them back.
            fields[agg.property].append("topOccurrences")
        kinds[agg.property] = kind
        if kind == "text" and flags.HasField("top_occurences_limit"):
            top[agg.property] = flags.top_occurences_limit
    return fields, kinds, top


def _aggregation(name: str, kind: str, metrics: Mapping[str, Any]) -> _Agg:
    message = _REPLY_TYPES[kind]()
    for metric, value in metrics.items():
        if value is None:
            continue
        field = _REPLY_FIELDS.get(metric, metric)
        if metric == "topOccurrences":
            message.top_occurences.items.extend(
                _Agg.Text.TopOccurrences.TopOccurrence(value=str(o["value"]), occurs=o["occurs"]) for o in value)
        elif metric == "pointingTo":
            message.pointing_to.extend(value)
        elif kind == "int" and metric in ("sum", "mode", "maximum", "minimum"):
            setattr(message, field, int(value))
        else:
            setattr(message, field, value)
    return _Agg(property=name, **{kind: message})


def _grouped_by(path: list[str], value: str, class_def: Mapping[str, Any]) -> _Reply.Group.GroupedBy:
    prop: Mapping[str, Any] = next((p for p in class_def.get("properties") or [] if p["name"] == path[0]), {})
    base = (prop.get("dataType") or ["text"])[0].removesuffix("[]")
    out = _Reply.Group.GroupedBy(path=path)
    if base == "int":
        out.int = int(value)
    elif base == "number":
        out.number = float(value)
    elif base == "boolean":
        out.boolean = value == "true"
    else:
        out.text = value
    return out


def aggregate(db: Database, request: aggregate_pb2.AggregateRequest, headers: Mapping[str, str]
              ) -> aggregate_pb2.AggregateReply:
    started = time.perf_counter()
    name = db.class_def(request.collection)["class"]
    fields, kinds, top = _fields(request)
    group_by = [request.group_by.property] if request.HasField("group_by") else None
    query = AggregateRequest(
        collection=name,
        fields=fields,
        meta_count=True,
        where=(filters.where(request.filters, name, db.class_def)
               if request.HasField("filters") else None),
        group_by=group_by,
        limit=request.limit if request.HasField("limit") else None,
        object_limit=request.object_limit if request.HasField("object_limit") else None,
        tenant=request.tenant or None,
        top_occurrences_limit=top,
        headers=dict(headers),
        **searches(request),
    )
    groups = db.aggregate(query)
    reply = aggregate_pb2.AggregateReply()
    for group in groups:
        aggregations = _Reply.Aggregations(
            aggregations=[_aggregation(name, kinds[name], group[name]) for name in fields])
        count = group["meta"]["count"]
        if group_by:
            grouped_by = group["groupedBy"]
            reply.grouped_results.groups.append(_Reply.Group(
                objects_count=count, aggregations=aggregations,
                grouped_by=_grouped_by(grouped_by["path"], grouped_by["value"], db.class_def(name))))
        else:
            if request.objects_count:
                reply.single_result.objects_count = count
            reply.single_result.aggregations.CopyFrom(aggregations)
    if group_by and not groups:
        reply.grouped_results.SetInParent()
    reply.took = time.perf_counter() - started
    return reply
