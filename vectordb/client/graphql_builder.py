"""SearchRequest / AggregateRequest to Weaviate GraphQL query text, and the GraphQL answers back.

The HTTP transport builds the same SearchRequest the embedded transport hands to the Database, prints it
as a `{ Get { ... } }` / `{ Aggregate { ... } }` query, and parses the answer into the same SearchResult /
aggregate dicts, so code above the transport cannot tell the two apart.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from modules.catalog import BUILTIN_MODULES
from vectordb.query.request import AggregateRequest, SearchRequest, SearchResult

#: The wanted-metadata name under which collection.generate asks for the provider's metadata field.
GENERATIVE_METADATA = "generative_metadata"

SEARCH_ARGUMENTS = {
    "near_vector": "nearVector",
    "near_object": "nearObject",
    "near_text": "nearText",
    "bm25": "bm25",
    "hybrid": "hybrid",
}
VECTOR_SEARCHES = ("near_vector", "near_object", "near_text")
SCORE_SEARCHES = ("bm25", "hybrid")

# Keys whose values GraphQL takes as bare enum names, not strings.
_ENUM_KEYS = {"operator", "order", "fusionType"}
# REST's explicit array keys; GraphQL's value scalars take a list instead.
_ARRAY_KEYS = {
    "valueTextArray": "valueText",
    "valueStringArray": "valueString",
    "valueIntArray": "valueInt",
    "valueNumberArray": "valueNumber",
    "valueBooleanArray": "valueBoolean",
    "valueDateArray": "valueDate",
}
_PHONE_FIELDS = "input internationalFormatted countryCode national nationalFormatted valid defaultCountry"


class Enum(str):
    """A value printed bare (GraphQL enum), not quoted."""


# Printing values -----------------------------------------------------------------------------------


def literal(value: Any) -> str:
    """A Python value as a GraphQL input literal."""
    if isinstance(value, Enum):
        return str(value)
    if value is None:
        return "null"
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, np.floating):
        if not np.isfinite(value):
            raise ValueError(f"cannot send {value} in a query: numbers must be finite")
        # the shortest text that reads back as the same float32 / float64
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot send {value} in a query: numbers must be finite")
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{key}: {literal(v)}" for key, v in value.items()) + "}"
    if isinstance(value, np.ndarray):
        return "[" + ", ".join(literal(v) for v in value.astype(np.float32, copy=False)) + "]"
    if isinstance(value, Sequence):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    raise TypeError(f"cannot send a {type(value).__name__} in a GraphQL query: {value!r}")


def where_input(where: Mapping[str, Any]) -> dict[str, Any]:
    """A REST WhereFilter as GraphQL's where input (enum operator, list-valued valueX)."""
    out: dict[str, Any] = {}
    for key, value in where.items():
        if key == "operator":
            out[key] = Enum(str(value))
        elif key == "operands":
            out[key] = [where_input(o) for o in value]
        elif key in _ARRAY_KEYS:
            out[_ARRAY_KEYS[key]] = list(value)
        elif key == "path" and isinstance(value, str):
            out[key] = [value]
        else:
            out[key] = value
    return out


def _enums(value: Any) -> Any:
    """Mark the enum-valued keys of a search argument (fusionType, operator, order) recursively."""
    if isinstance(value, Mapping):
        return {
            k: (Enum(str(v)) if k in _ENUM_KEYS and isinstance(v, str) else _enums(v))
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [_enums(v) for v in value]
    return value


def _drop_none(params: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if v is not None}


# Get -----------------------------------------------------------------------------------------------


def _is_reference(prop: Mapping[str, Any]) -> bool:
    data_type = prop.get("dataType") or []
    return bool(data_type) and data_type[0][:1].isupper()


def property_selection(props: Sequence[Mapping[str, Any]]) -> list[str]:
    """Every data property as a GraphQL selection, with sub-selections for geo, phone and nested objects."""
    fields = []
    for prop in props:
        if _is_reference(prop):
            continue
        name = prop["name"]
        data_type = (prop.get("dataType") or [""])[0]
        if data_type == "geoCoordinates":
            fields.append(f"{name} {{ latitude longitude }}")
        elif data_type == "phoneNumber":
            fields.append(f"{name} {{ {_PHONE_FIELDS} }}")
        elif data_type in ("object", "object[]"):
            nested = property_selection(prop.get("nestedProperties") or [])
            if nested:
                fields.append(f"{name} {{ {' '.join(nested)} }}")
        else:
            fields.append(name)
    return fields


def search_kind(request: SearchRequest) -> str | None:
    for attr in SEARCH_ARGUMENTS:
        if getattr(request, attr) is not None:
            return attr
    return None


def _target_space(class_def: Mapping[str, Any], request: SearchRequest) -> Mapping[str, Any]:
    """The vector config the search runs on: the class's own, or the targeted / only named vector."""
    named = class_def.get("vectorConfig") or {}
    if not named:
        return {"vectorIndexConfig": class_def.get("vectorIndexConfig") or {}}
    kind = search_kind(request)
    targets = (getattr(request, kind) or {}).get("targetVectors") if kind else None
    if targets:
        return named.get(targets[0]) or {}
    return next(iter(named.values())) if len(named) == 1 else {}


def additional_selection(
    request: SearchRequest, class_def: Mapping[str, Any], metadata: set[str], *, in_group: bool = False
) -> str:
    fields = ["id"]
    # group members carry id, distance and vectors only (Weaviate's group hits)
    if "creation_time" in metadata and not in_group:
        fields.append("creationTimeUnix")
    if "update_time" in metadata and not in_group:
        fields.append("lastUpdateTimeUnix")
    kind = search_kind(request)
    if kind in VECTOR_SEARCHES:
        if "distance" in metadata or request.group_by:
            fields.append("distance")
        metric = (_target_space(class_def, request).get("vectorIndexConfig") or {}).get("distance", "cosine")
        # certainty exists for cosine only; the server refuses it for other metrics
        if "certainty" in metadata and metric == "cosine" and not in_group:
            fields.append("certainty")
    if kind in SCORE_SEARCHES and not in_group:
        if "score" in metadata:
            fields.append("score")
        if "explain_score" in metadata:
            fields.append("explainScore")
    if request.include_vector:
        named = list((class_def.get("vectorConfig") or {}).keys())
        wanted = (
            named if request.include_vector is True else [n for n in request.include_vector if n in named]
        )
        if not named and (request.include_vector is True or "default" in request.include_vector):
            fields.append("vector")
        if wanted:
            fields.append("vectors { " + " ".join(wanted) + " }")
    return " ".join(fields)


def _metadata_selection(shape: Mapping[str, Any]) -> str:
    """A module's `metadata_fields` as a GraphQL selection (a list selects its items' fields)."""
    fields = []
    for key, sub in shape.items():
        item = sub[0] if isinstance(sub, list) else sub
        fields.append(f"{key} {{ {_metadata_selection(item)} }}" if isinstance(item, Mapping) else key)
    return " ".join(fields)


def _generate_provider(request: SearchRequest, class_def: Mapping[str, Any]) -> str | None:
    """The provider a generate answers with: the one the query names, else the collection's first."""
    for part in (request.generate or {}).values():
        named = [k for k in part if k not in ("prompt", "debug", "task", "properties")]
        if named:
            return named[0]
    configured = [k for k in class_def.get("moduleConfig") or {} if k.startswith("generative-")]
    return configured[0].removeprefix("generative-") if configured else None


def generate_selection(request: SearchRequest, class_def: Mapping[str, Any], with_metadata: bool) -> str:
    """`generate(singleResult: {...}, groupedResult: {...}) { ... }`, with the provider's metadata field (as the
    module declares it) when asked."""
    fields = "singleResult groupedResult error debug { prompt }"
    provider = _generate_provider(request, class_def) if with_metadata else None
    module = next((m for m in BUILTIN_MODULES if getattr(m, "option_name", None) == provider), None)
    shape = getattr(module, "metadata_fields", None)
    if provider and shape:
        fields += f" {provider} {{ {_metadata_selection(shape)} }}"
    return f"generate{_arguments_text(request.generate or {})} {{ {fields} }}"


def rerank_selection(request: SearchRequest) -> str:
    return f"rerank{_arguments_text(_drop_none(request.rerank or {}))} {{ score }}"


def get_arguments(request: SearchRequest) -> dict[str, Any]:
    args: dict[str, Any] = {}
    if request.limit is not None:
        args["limit"] = request.limit
    if request.offset:
        args["offset"] = request.offset
    if request.after is not None:
        args["after"] = request.after
    if request.autocut is not None:
        args["autocut"] = request.autocut
    if request.where is not None:
        args["where"] = where_input(request.where)
    if request.sort:
        args["sort"] = [{"path": list(c["path"]), "order": Enum(c.get("order", "asc"))} for c in request.sort]
    for attr, name in SEARCH_ARGUMENTS.items():
        params = getattr(request, attr)
        if params is not None:
            args[name] = _enums(_drop_none(params))
    if request.group_by:
        args["groupBy"] = dict(request.group_by)
    if request.tenant:
        args["tenant"] = request.tenant
    return args


def _arguments_text(args: Mapping[str, Any]) -> str:
    if not args:
        return ""
    return "(" + ", ".join(f"{key}: {literal(value)}" for key, value in args.items()) + ")"


def build_get(request: SearchRequest, class_def: Mapping[str, Any], metadata: set[str]) -> str:
    props = " ".join(property_selection(class_def.get("properties") or []))
    additional = additional_selection(request, class_def, metadata)
    if request.generate:
        additional += " " + generate_selection(request, class_def, GENERATIVE_METADATA in metadata)
    if request.rerank:
        additional += " " + rerank_selection(request)
    if request.group_by:
        hit_additional = additional_selection(request, class_def, metadata, in_group=True)
        additional += (
            " group { id groupedBy { path value } count maxDistance minDistance "
            f"hits {{ {props} _additional {{ {hit_additional} }} }} }}"
        )
    head = class_def["class"] + _arguments_text(get_arguments(request))
    return f"{{ Get {{ {head} {{ {props} _additional {{ {additional} }} }} }} }}"


def _strip_nulls(value: Any) -> Any:
    """GraphQL answers null for a property an object lacks; stored objects simply lack it."""
    if isinstance(value, dict):
        return {k: _strip_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_strip_nulls(v) for v in value]
    return value


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _int(value: Any) -> int:
    return 0 if value is None or value == "" else int(value)


def parse_result(entry: Mapping[str, Any], collection: str) -> SearchResult:
    additional = entry.get("_additional") or {}
    properties = {k: _strip_nulls(v) for k, v in entry.items() if k != "_additional" and v is not None}
    result = SearchResult(
        id=str(additional.get("id")),
        collection=collection,
        properties=properties,
        creation_time_unix=_int(additional.get("creationTimeUnix")),
        last_update_time_unix=_int(additional.get("lastUpdateTimeUnix")),
        vector=additional.get("vector"),
        vectors=additional.get("vectors") or None,
        distance=_float(additional.get("distance")),
        certainty=_float(additional.get("certainty")),
        score=_float(additional.get("score")),  # a string in Weaviate's GraphQL
        explain_score=additional.get("explainScore"),
        rerank_score=_float((additional.get("rerank") or [{}])[0].get("score")),
        generate=additional.get("generate"),
    )
    group = additional.get("group")
    if group:
        hits = [parse_result(hit, collection) for hit in group.get("hits") or []]
        result.group = {**group, "hits": hits}
    return result


def parse_get(data: Mapping[str, Any], collection: str) -> list[SearchResult]:
    entries = ((data.get("Get") or {}).get(collection)) or []
    return [parse_result(entry, collection) for entry in entries]


# Aggregate -----------------------------------------------------------------------------------------


def build_aggregate(request: AggregateRequest) -> str:
    args: dict[str, Any] = {}
    if request.where is not None:
        args["where"] = where_input(request.where)
    if request.group_by:
        args["groupBy"] = list(request.group_by)
    if request.limit is not None:
        args["limit"] = request.limit
    if request.object_limit is not None:
        args["objectLimit"] = request.object_limit
    for attr in ("near_vector", "near_object", "near_text", "hybrid"):
        params = getattr(request, attr)
        if params is not None:
            args[SEARCH_ARGUMENTS[attr]] = _enums(_drop_none(params))
    if request.tenant:
        args["tenant"] = request.tenant
    fields = []
    if request.meta_count:
        fields.append("meta { count }")
    if request.group_by:
        fields.append("groupedBy { path value }")
    for prop, metrics in request.fields.items():
        parts = []
        for metric in metrics:
            if metric == "topOccurrences":
                limit = request.top_occurrences_limit.get(prop)
                arg = f"(limit: {int(limit)})" if limit is not None else ""
                parts.append(f"topOccurrences{arg} {{ value occurs }}")
            else:
                parts.append(metric)
        if parts:
            fields.append(f"{prop} {{ {' '.join(parts)} }}")
    if not fields:
        raise ValueError("nothing to aggregate: ask for total_count or return_metrics")
    name = request.collection
    return f"{{ Aggregate {{ {name}{_arguments_text(args)} {{ {' '.join(fields)} }} }} }}"


def parse_aggregate(data: Mapping[str, Any], collection: str) -> list[dict[str, Any]]:
    return list(((data.get("Aggregate") or {}).get(collection)) or [])
