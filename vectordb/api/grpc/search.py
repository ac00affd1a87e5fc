"""weaviate.v1 search messages -> the query layer's SearchRequest (and the near*/hybrid dicts Aggregate shares).

The dicts use Weaviate's GraphQL argument names, exactly as the GraphQL face builds them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from vectordb.api.grpc import filters
from vectordb.api.grpc.pb import base_pb2, base_search_pb2, search_get_pb2
from vectordb.errors import UserError
from vectordb.query.request import SearchRequest

_VT = base_pb2.Vectors
_FUSION = {base_search_pb2.Hybrid.FUSION_TYPE_RANKED: "rankedFusion",
           base_search_pb2.Hybrid.FUSION_TYPE_RELATIVE_SCORE: "relativeScoreFusion"}  # fmt: skip
_BM25_OPERATORS = {base_search_pb2.SearchOperatorOptions.OPERATOR_OR: "Or",
                   base_search_pb2.SearchOperatorOptions.OPERATOR_AND: "And"}  # fmt: skip
_MEDIA = ("near_image", "near_audio", "near_video", "near_depth", "near_thermal", "near_imu")
_COMBINATIONS = {
    base_search_pb2.COMBINATION_METHOD_TYPE_SUM: "sum",
    base_search_pb2.COMBINATION_METHOD_TYPE_MIN: "minimum",
    base_search_pb2.COMBINATION_METHOD_TYPE_AVERAGE: "average",
    base_search_pb2.COMBINATION_METHOD_TYPE_RELATIVE_SCORE: "relativeScore",
    base_search_pb2.COMBINATION_METHOD_TYPE_MANUAL: "manualWeights",
}


def decode_vector(vector: base_pb2.Vectors) -> np.ndarray:
    """A Vectors message's packed little-endian float32s (a single vector)."""
    if vector.type == _VT.VECTOR_TYPE_MULTI_FP32:
        raise UserError(f"vector '{vector.name}': multi-vectors (ColBERT) are not supported by this server")
    return _floats(vector.vector_bytes)


def _floats(raw: bytes) -> np.ndarray:
    if len(raw) % 4:
        raise UserError(f"vector_bytes: {len(raw)} bytes is not a whole number of float32 values")
    return np.frombuffer(raw, dtype="<f4")


def _thresholds(message: Any, out: dict[str, Any]) -> None:
    if message.HasField("selection"):
        raise UserError(f"{message.DESCRIPTOR.name}: MMR selection (diversity) is not supported by this server")
    for name in ("certainty", "distance"):
        if message.HasField(name):
            out[name] = getattr(message, name)


def _targets(message: Any, out: dict[str, Any]) -> None:
    """`targets` (or the older `target_vectors`) -> targetVectors, with the combination when there are several."""
    if message.HasField("targets"):
        targets = message.targets
        names = list(targets.target_vectors)
        if len(names) > 1 or targets.weights_for_targets:
            out["targetCombination"] = {
                "method": _COMBINATIONS.get(targets.combination, "minimum"),
                "weights": [{"target": w.target, "weight": w.weight} for w in targets.weights_for_targets],
            }
    else:
        names = list(message.target_vectors)
    if names:
        out["targetVectors"] = names


def near_vector(message: base_search_pb2.NearVector) -> dict[str, Any]:
    out: dict[str, Any] = {}
    _thresholds(message, out)
    _targets(message, out)
    if message.vector_for_targets:
        per_target: dict[str, Any] = {}
        for entry in message.vector_for_targets:
            if len(entry.vectors) > 1:
                raise UserError(f"nearVector: several vectors for target '{entry.name}' are not supported")
            if entry.vectors:
                per_target[entry.name] = decode_vector(entry.vectors[0])
            else:
                per_target[entry.name] = _floats(entry.vector_bytes)
        out["vector"] = per_target
    elif message.vectors:
        if len(message.vectors) > 1:
            raise UserError("nearVector: send one vector per search (or one per target vector)")
        out["vector"] = decode_vector(message.vectors[0])
    elif message.vector_bytes:
        out["vector"] = _floats(message.vector_bytes)
    elif message.vector:
        out["vector"] = list(message.vector)
    elif message.vector_per_target:
        out["vector"] = {name: _floats(raw) for name, raw in message.vector_per_target.items()}
    else:
        raise UserError("nearVector: vector is required")
    return out


def near_object(message: base_search_pb2.NearObject) -> dict[str, Any]:
    out: dict[str, Any] = {"id": message.id}
    _thresholds(message, out)
    _targets(message, out)
    return out


def _move(move: base_search_pb2.NearTextSearch.Move) -> dict[str, Any]:
    return {"force": move.force, "concepts": list(move.concepts), "objects": [{"id": u} for u in move.uuids]}


def near_text(message: base_search_pb2.NearTextSearch) -> dict[str, Any]:
    out: dict[str, Any] = {"concepts": list(message.query)}
    _thresholds(message, out)
    _targets(message, out)
    if message.HasField("move_to"):
        out["moveTo"] = _move(message.move_to)
    if message.HasField("move_away"):
        out["moveAwayFrom"] = _move(message.move_away)
    return out


def _search_operator(message: base_search_pb2.SearchOperatorOptions) -> dict[str, Any]:
    operator = _BM25_OPERATORS.get(message.operator)
    if operator is None:
        raise UserError("bm25: searchOperator must be And or Or (and_cross is not supported)")
    out: dict[str, Any] = {"operator": operator}
    if message.HasField("minimum_or_tokens_match"):
        out["minimumOrTokensMatch"] = message.minimum_or_tokens_match
    return out


def bm25(message: base_search_pb2.BM25) -> dict[str, Any]:
    out: dict[str, Any] = {"query": message.query, "properties": list(message.properties) or None}
    if message.HasField("search_operator"):
        out["searchOperator"] = _search_operator(message.search_operator)
    return out


def hybrid(message: base_search_pb2.Hybrid) -> dict[str, Any]:
    if message.use_alpha_param:
        alpha = message.alpha_param if message.HasField("alpha_param") else 0.75
    else:
        alpha = message.alpha
    if message.HasField("selection"):
        raise UserError("hybrid: MMR selection (diversity) is not supported by this server")
    out: dict[str, Any] = {"query": message.query, "alpha": alpha, "properties": list(message.properties) or None,
                           "fusionType": _FUSION.get(message.fusion_type)}
    _targets(message, out)
    if message.HasField("bm25_search_operator"):
        out["bm25SearchOperator"] = _search_operator(message.bm25_search_operator)
    if message.HasField("vector_distance"):
        out["maxVectorDistance"] = message.vector_distance
    if message.vector_bytes:
        out["vector"] = _floats(message.vector_bytes)
    elif message.vectors:
        if len(message.vectors) > 1:
            raise UserError("hybrid: send one vector per search")
        out["vector"] = decode_vector(message.vectors[0])
    elif message.vector:
        out["vector"] = list(message.vector)
    if message.HasField("near_vector"):
        inner = near_vector(message.near_vector)
        out["searches"] = {"nearVector": inner}
        for key in ("targetVectors", "targetCombination"):
            if key in inner and key not in out:
                out[key] = inner[key]
        if out.get("maxVectorDistance") is None and inner.get("distance") is not None:
            out["maxVectorDistance"] = inner["distance"]
    elif message.HasField("near_text"):
        inner = near_text(message.near_text)
        out["searches"] = {"nearText": inner}
        if "targetVectors" in inner and "targetVectors" not in out:
            out["targetVectors"] = inner["targetVectors"]
    return out


_SEARCH_FIELDS: dict[str, tuple[str, Callable[[Any], dict[str, Any]]]] = {
    "near_vector": ("near_vector", near_vector), "near_object": ("near_object", near_object),
    "near_text": ("near_text", near_text), "hybrid": ("hybrid", hybrid),
    "hybrid_search": ("hybrid", hybrid), "bm25_search": ("bm25", bm25)}  # fmt: skip


def searches(message: Any) -> dict[str, Any]:
    """The near*/bm25/hybrid operators a Search or Aggregate request carries, as the query layer names them."""
    out: dict[str, dict[str, Any]] = {}
    present = {field.name for field, _ in message.ListFields()}
    for field, (name, build) in _SEARCH_FIELDS.items():
        if field in present:
            out[name] = build(getattr(message, field))
    for field in _MEDIA:
        if field in present:
            name = "near" + "".join(part.title() for part in field.split("_")[1:])
            raise UserError(f"{name} needs a multi2vec module, which this server does not have")
    return out


#: gRPC option names whose camelCase is not Weaviate's GraphQL spelling.
_OPTION_NAMES = {"base_url": "baseURL", "log_probs": "logprobs", "top_log_probs": "topLogprobs"}


def _option_value(field: Any, value: Any) -> Any:
    if field.message_type is not None:  # TextArray
        return list(value.values)
    if field.enum_type is not None:  # REASONING_EFFORT_LOW -> low
        return field.enum_type.values_by_number[value].name.rsplit("_", 1)[-1].lower()
    return value


def _provider(queries: Any) -> dict[str, Any]:
    """`queries[0]` (the only one Weaviate reads) as `{provider: {option: value}}`, the GraphQL shape, so both
    faces build the same generative request."""
    if not queries:
        return {}
    query = queries[0]
    kind = query.WhichOneof("kind")
    if kind is None:
        return {}
    options: dict[str, Any] = {}
    for field, value in getattr(query, kind).ListFields():
        if field.enum_type is not None and value == 0:
            continue  # *_UNSPECIFIED
        head, *rest = field.name.split("_")
        name = _OPTION_NAMES.get(field.name, head + "".join(part.title() for part in rest))
        options[name] = _option_value(field, value)
    return {kind: options}


def _generate(message: Any) -> dict[str, Any] | None:
    single = message.single.prompt if message.HasField("single") else message.single_response_prompt
    if message.HasField("grouped"):
        task = message.grouped.task
        props = list(message.grouped.properties.values) if message.grouped.HasField("properties") else None
    else:
        task, props = message.grouped_response_task, list(message.grouped_properties) or None
    out: dict[str, Any] = {}
    if single:
        out["singleResult"] = {"prompt": single, "debug": message.single.debug, **_provider(message.single.queries)}
    if task:
        out["groupedResult"] = {"task": task, "properties": props, "debug": message.grouped.debug,
                                **_provider(message.grouped.queries)}
    return out or None


def _include_vector(metadata: search_get_pb2.MetadataRequest) -> bool | list[str]:
    if metadata.vector:
        return True
    return list(metadata.vectors) or False


def search_request(
    message: search_get_pb2.SearchRequest, lookup: filters.ClassLookup, headers: Mapping[str, str]
) -> SearchRequest:
    """The SearchRequest of a gRPC Search call."""
    if message.HasField("boost"):
        raise UserError("boost is not supported by this server")
    collection = message.collection
    found = searches(message)
    group_by = None
    if message.HasField("group_by"):
        g = message.group_by
        group_by = {"path": list(g.path), "groups": g.number_of_groups, "objectsPerGroup": g.objects_per_group}
    rerank = None
    if message.HasField("rerank"):
        rerank = {"property": message.rerank.property,
                  "query": message.rerank.query if message.rerank.HasField("query") else None}
    return SearchRequest(
        collection=collection,
        limit=message.limit or None,
        offset=message.offset,
        after=message.after or None,
        autocut=message.autocut or None,
        where=filters.where(message.filters, collection, lookup) if message.HasField("filters") else None,
        sort=[{"path": list(s.path), "order": "asc" if s.ascending else "desc"} for s in message.sort_by],
        group_by=group_by,
        tenant=message.tenant or None,
        include_vector=_include_vector(message.metadata),
        rerank=rerank,
        generate=_generate(message.generative) if message.HasField("generative") else None,
        headers=dict(headers),
        **found,
    )
