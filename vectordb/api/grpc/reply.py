"""The query layer's SearchResults -> a weaviate.v1 SearchReply.

What the client reads (grpc.md §4.3): `id_as_bytes` on every object, a value only when its `_present` flag is
set, typed property values, `vector_bytes` for the legacy vector or `vectors` for named ones, group-by
results in `group_by_results`, and generative output in `generative` / `generative_grouped_results`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from vectordb.api.grpc import generative, values
from vectordb.api.grpc.pb import base_pb2, search_get_pb2
from vectordb.errors import UserError
from vectordb.query.request import SearchResult
from vectordb.references import parse_beacon

# (class name, uuid, with vectors) -> the object's REST JSON, or None when it is gone
FetchObject = Callable[[str | None, str, bool], dict[str, Any] | None]
ClassLookup = Callable[[str], Mapping[str, Any]]
_SINGLE = base_pb2.Vectors.VECTOR_TYPE_SINGLE_FP32


def _uuid_bytes(object_id: str) -> bytes:
    # Stored ids are canonical uuid strings: their hex digits are the 16 bytes (uuid.UUID parses 4x slower).
    return bytes.fromhex(object_id.replace("-", ""))


def _packed(vector: Any) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


class ReplyBuilder:
    """Renders the results of one Search request as its metadata and properties requests ask, filling the reply
    message in place (no intermediate messages copied in)."""

    def __init__(self, request: search_get_pb2.SearchRequest, lookup: ClassLookup, fetch: FetchObject) -> None:
        meta = self.meta = request.metadata
        self.props = request.properties if request.HasField("properties") else None
        self.names = _names(self.props)
        # the metadata flags, read once per request rather than once per object
        self.wants = (meta.creation_time_unix, meta.last_update_time_unix, meta.distance, meta.certainty,
                      meta.score, meta.explain_score, meta.is_consistent)
        self.lookup = lookup
        self.fetch = fetch
        self.generative = generative.Wanted(request.generative) if request.HasField("generative") else None
        self._types: dict[str, Mapping[str, Mapping[str, Any]]] = {}  # by class: one schema lookup per reply

    def reply(self, results: list[SearchResult], started: float, grouped: bool) -> search_get_pb2.SearchReply:
        out = search_get_pb2.SearchReply()
        for result in results:
            if result.generate and result.generate.get("error"):
                raise UserError(f"generate: {result.generate['error']}")
        if grouped:
            for result in results:
                self._group(out.group_by_results.add(), result)
        else:
            add = out.results.add
            for result in results:
                self._result(add(), result)
        combined = next((r.generate["grouped"] for r in results if r.generate and r.generate.get("grouped")), None)
        if combined is not None and self.generative is not None:
            if grouped:
                out.generative_grouped_result = combined.text
            else:
                out.generative_grouped_results.values.append(self.generative.reply(combined, "grouped"))
        out.took = time.perf_counter() - started
        return out

    # one object ------------------------------------------------------------------------------------
    def _result(self, out: search_get_pb2.SearchResult, result: SearchResult) -> None:
        self._metadata(out.metadata, result)
        self._properties(out.properties, result.collection, result.properties, self.props, self.names)
        single = (result.generate or {}).get("single")
        if single is not None and self.generative is not None:
            out.generative.values.append(self.generative.reply(single, "single"))

    def _metadata(self, out: search_get_pb2.MetadataResult, result: SearchResult) -> None:
        out.id = result.id
        out.id_as_bytes = _uuid_bytes(result.id)
        created, updated, distance, certainty, score, explain, consistent = self.wants
        if created:
            out.creation_time_unix, out.creation_time_unix_present = result.creation_time_unix, True
        if updated:
            out.last_update_time_unix, out.last_update_time_unix_present = result.last_update_time_unix, True
        if distance and result.distance is not None:
            out.distance, out.distance_present = result.distance, True
        if certainty and result.certainty is not None:
            out.certainty, out.certainty_present = result.certainty, True
        if score and result.score is not None:
            out.score, out.score_present = result.score, True
        if explain and result.explain_score is not None:
            out.explain_score, out.explain_score_present = result.explain_score, True
        if consistent:
            out.is_consistent, out.is_consistent_present = True, True
        if result.rerank_score is not None:
            out.rerank_score, out.rerank_score_present = result.rerank_score, True
        if result.vector is not None:
            out.vector_bytes = _packed(result.vector)
        elif result.vectors:
            for name, vec in result.vectors.items():
                _vector(out.vectors.add(), name, vec)

    def _group(self, out: search_get_pb2.GroupByResult, leader: SearchResult) -> None:
        group = leader.group or {}
        out.name = str(group.get("groupedBy", {}).get("value", ""))
        out.min_distance = group.get("minDistance") or 0.0
        out.max_distance = group.get("maxDistance") or 0.0
        out.number_of_objects = int(group.get("count") or 0)
        for hit in group.get("hits") or []:
            self._result(out.objects.add(), hit)
        single = (leader.generate or {}).get("single")
        if single is not None and self.generative is not None:
            out.generative.CopyFrom(self.generative.reply(single, "single"))
        if leader.rerank_score is not None:
            out.rerank.score = leader.rerank_score

    # properties and references ---------------------------------------------------------------------
    def _properties(
        self, out: search_get_pb2.PropertiesResult, class_name: str, props: Mapping[str, Any],
        request: search_get_pb2.PropertiesRequest | None, names: list[str] | None,
    ) -> None:
        out.target_collection = class_name
        # return_properties=[] (ids and metadata only, a common client call) needs no value encoded
        if names != []:
            types = self._types.get(class_name)
            if types is None:
                types = self._types[class_name] = values.property_types(
                    self.lookup(class_name).get("properties") or [])
            values.fill_properties(out.non_ref_props, props, types, names)
        if request is not None and request.ref_properties:
            out.ref_props_requested = True
            for ref in request.ref_properties:
                self._references(out.ref_props.add(), props.get(ref.reference_property), ref)

    def _references(self, out: search_get_pb2.RefPropertiesResult, beacons: Any,
                    request: search_get_pb2.RefPropertiesRequest) -> None:
        out.prop_name = request.reference_property
        with_vector = request.metadata.vector or bool(request.metadata.vectors)
        for ref in beacons or []:
            try:
                class_name, object_id, _ = parse_beacon(ref.get("beacon") if isinstance(ref, Mapping) else None)
            except UserError:
                continue
            if request.target_collection and class_name and class_name != request.target_collection:
                continue
            found = self.fetch(class_name or request.target_collection or None, object_id, with_vector)
            if found is None:
                continue
            self._referenced(out.properties.add(), found, request)

    def _referenced(self, out: search_get_pb2.PropertiesResult, obj: Mapping[str, Any],
                    request: search_get_pb2.RefPropertiesRequest) -> None:
        sub = request.properties if request.HasField("properties") else None
        self._properties(out, obj["class"], obj.get("properties") or {}, sub, _names(sub))
        meta = request.metadata
        out.metadata.id = obj["id"]
        out.metadata.id_as_bytes = _uuid_bytes(obj["id"])
        if meta.creation_time_unix:
            out.metadata.creation_time_unix = obj["creationTimeUnix"]
            out.metadata.creation_time_unix_present = True
        if meta.last_update_time_unix:
            out.metadata.last_update_time_unix = obj["lastUpdateTimeUnix"]
            out.metadata.last_update_time_unix_present = True
        if meta.vector or meta.vectors:
            wanted = set(meta.vectors)
            if obj.get("vector") is not None and (meta.vector or "default" in wanted):
                out.metadata.vector_bytes = _packed(obj["vector"])
            for name, vec in (obj.get("vectors") or {}).items():
                if meta.vector or name in wanted:
                    _vector(out.metadata.vectors.add(), name, vec)


def _names(request: search_get_pb2.PropertiesRequest | None) -> list[str] | None:
    """The non-reference properties a PropertiesRequest selects; None for all of them."""
    if request is None or request.return_all_nonref_properties:
        return None
    return list(request.non_ref_properties) + [o.prop_name for o in request.object_properties]


def _vector(out: base_pb2.Vectors, name: str, vector: Any) -> None:
    out.name, out.vector_bytes, out.type = name, _packed(vector), _SINGLE
