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
from vectordb.api.grpc.pb import base_pb2, properties_pb2, search_get_pb2
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
    """Renders the results of one Search request as its metadata and properties requests ask."""

    def __init__(self, request: search_get_pb2.SearchRequest, lookup: ClassLookup, fetch: FetchObject) -> None:
        self.meta = request.metadata
        self.props = request.properties if request.HasField("properties") else None
        self.lookup = lookup
        self.fetch = fetch
        self.generative = generative.Wanted(request.generative) if request.HasField("generative") else None
        self._schema_props: dict[str, list[Any]] = {}  # by class: one schema lookup per reply, not per object

    def reply(self, results: list[SearchResult], started: float, grouped: bool) -> search_get_pb2.SearchReply:
        out = search_get_pb2.SearchReply()
        for result in results:
            if result.generate and result.generate.get("error"):
                raise UserError(f"generate: {result.generate['error']}")
        if grouped:
            for result in results:
                out.group_by_results.append(self._group(result))
        else:
            out.results.extend(self._result(r) for r in results)
        combined = next((r.generate["grouped"] for r in results if r.generate and r.generate.get("grouped")), None)
        if combined is not None and self.generative is not None:
            if grouped:
                out.generative_grouped_result = combined.text
            else:
                out.generative_grouped_results.values.append(self.generative.reply(combined, "grouped"))
        out.took = time.perf_counter() - started
        return out

    # one object ------------------------------------------------------------------------------------
    def _result(self, result: SearchResult) -> search_get_pb2.SearchResult:
        out = search_get_pb2.SearchResult(
            metadata=self._metadata(result),
            properties=self._properties(result.collection, result.properties, self.props),
        )
        single = (result.generate or {}).get("single")
        if single is not None and self.generative is not None:
            out.generative.values.append(self.generative.reply(single, "single"))
        return out

    def _metadata(self, result: SearchResult) -> search_get_pb2.MetadataResult:
        meta = self.meta
        out = search_get_pb2.MetadataResult(id=result.id, id_as_bytes=_uuid_bytes(result.id))
        if meta.creation_time_unix:
            out.creation_time_unix, out.creation_time_unix_present = result.creation_time_unix, True
        if meta.last_update_time_unix:
            out.last_update_time_unix, out.last_update_time_unix_present = result.last_update_time_unix, True
        if meta.distance and result.distance is not None:
            out.distance, out.distance_present = result.distance, True
        if meta.certainty and result.certainty is not None:
            out.certainty, out.certainty_present = result.certainty, True
        if meta.score and result.score is not None:
            out.score, out.score_present = result.score, True
        if meta.explain_score and result.explain_score is not None:
            out.explain_score, out.explain_score_present = result.explain_score, True
        if meta.is_consistent:
            out.is_consistent, out.is_consistent_present = True, True
        if result.rerank_score is not None:
            out.rerank_score, out.rerank_score_present = result.rerank_score, True
        if result.vector is not None:
            out.vector_bytes = _packed(result.vector)
        elif result.vectors:
            out.vectors.extend(base_pb2.Vectors(name=name, vector_bytes=_packed(vec), type=_SINGLE)
                               for name, vec in result.vectors.items())
        return out

    def _group(self, leader: SearchResult) -> search_get_pb2.GroupByResult:
        group = leader.group or {}
        out = search_get_pb2.GroupByResult(
            name=str(group.get("groupedBy", {}).get("value", "")),
            min_distance=group.get("minDistance") or 0.0,
            max_distance=group.get("maxDistance") or 0.0,
            number_of_objects=int(group.get("count") or 0),
        )
        for hit in group.get("hits") or []:
            out.objects.append(self._result(hit))
        single = (leader.generate or {}).get("single")
        if single is not None and self.generative is not None:
            out.generative.CopyFrom(self.generative.reply(single, "single"))
        if leader.rerank_score is not None:
            out.rerank.score = leader.rerank_score
        return out

    # properties and references ---------------------------------------------------------------------
    def _properties(
        self, class_name: str, props: Mapping[str, Any], request: search_get_pb2.PropertiesRequest | None
    ) -> search_get_pb2.PropertiesResult:
        schema_props = self._schema_props.get(class_name)
        if schema_props is None:
            schema_props = self._schema_props[class_name] = self.lookup(class_name).get("properties") or []
        if request is None or request.return_all_nonref_properties:
            names = None
        else:
            names = list(request.non_ref_properties) + [o.prop_name for o in request.object_properties]
        # return_properties=[] (ids and metadata only, a common client call) needs no value encoded
        non_ref = properties_pb2.Properties() if names == [] else values.properties(props, schema_props, names)
        out = search_get_pb2.PropertiesResult(target_collection=class_name, non_ref_props=non_ref)
        if request is not None and request.ref_properties:
            out.ref_props_requested = True
            for ref in request.ref_properties:
                out.ref_props.append(self._references(props.get(ref.reference_property), ref))
        return out

    def _references(self, beacons: Any, request: search_get_pb2.RefPropertiesRequest
                    ) -> search_get_pb2.RefPropertiesResult:
        out = search_get_pb2.RefPropertiesResult(prop_name=request.reference_property)
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
            out.properties.append(self._referenced(found, request))
        return out

    def _referenced(self, obj: Mapping[str, Any], request: search_get_pb2.RefPropertiesRequest
                    ) -> search_get_pb2.PropertiesResult:
        sub = request.properties if request.HasField("properties") else None
        out = self._properties(obj["class"], obj.get("properties") or {}, sub)
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
                    out.metadata.vectors.append(base_pb2.Vectors(name=name, vector_bytes=_packed(vec), type=_SINGLE))
        return out
