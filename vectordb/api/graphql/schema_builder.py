"""The GraphQL schema generated from the collections: Get, Aggregate and Explore.

Every class becomes an object type named after it (its properties typed by dataType, plus `_additional`),
a field under `Get` returning a list of it, and a field under `Aggregate` returning its metric type.
Cross-references are lists of a union of their target classes' object types.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any, TypeGuard

from graphql import (
    GraphQLArgument,
    GraphQLBoolean,
    GraphQLField,
    GraphQLFloat,
    GraphQLInt,
    GraphQLList,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLString,
    GraphQLUnionType,
    validate_schema,
)

from vectordb.api.graphql import explore, generative_outputs, inputs, resolvers, scalars, vector_literals

log = logging.getLogger(__name__)

_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]*")


def valid_name(name: Any) -> TypeGuard[str]:
    # fullmatch: `$` would accept a trailing newline, which graphql-core then refuses for the whole schema
    return isinstance(name, str) and bool(_NAME.fullmatch(name)) and not name.startswith("__")


def _usable_classes(classes: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """Classes whose names GraphQL accepts; one stored under an invalid name by an older version is left
    out (and said so) rather than failing every query."""
    out = {}
    for class_def in classes:
        name = class_def.get("class")
        if valid_name(name):
            out[name] = class_def
        else:
            log.warning("class %r has a name GraphQL does not allow; it is left out of the GraphQL schema "
                        "(REST still serves it, and it can be deleted)", name)
    return out


def has_vectorizer(class_def: Mapping[str, Any]) -> bool:
    """Whether a module can vectorize query text for this class (legacy vectorizer or any named vector)."""
    named = class_def.get("vectorConfig") or {}
    if named:
        return any(
            next(iter(cfg.get("vectorizer") or {"none": {}}), "none") != "none" for cfg in named.values()
        )
    return (class_def.get("vectorizer") or "none") != "none"


def _is_reference(data_type: list[str]) -> bool:
    return bool(data_type) and data_type[0][:1].isupper()


# ---- shared output types -------------------------------------------------------------------------------

GEO_COORDINATES = GraphQLObjectType(
    "GeoCoordinatesObj", {"latitude": GraphQLField(GraphQLFloat), "longitude": GraphQLField(GraphQLFloat)}
)
PHONE_NUMBER = GraphQLObjectType(
    "PhoneNumberObj",
    {
        "input": GraphQLField(GraphQLString),
        "internationalFormatted": GraphQLField(GraphQLString),
        "countryCode": GraphQLField(GraphQLInt),
        "national": GraphQLField(scalars.INT64),
        "nationalFormatted": GraphQLField(GraphQLString),
        "valid": GraphQLField(GraphQLBoolean),
        "defaultCountry": GraphQLField(GraphQLString),
    },
)
_PRIMITIVES: dict[str, GraphQLOutputType] = {
    "text": GraphQLString,
    "string": GraphQLString,
    "int": scalars.INT64,
    "number": GraphQLFloat,
    "boolean": GraphQLBoolean,
    "date": GraphQLString,
    "uuid": GraphQLString,
    "blob": GraphQLString,
    "geoCoordinates": GEO_COORDINATES,
    "phoneNumber": PHONE_NUMBER,
}

GROUPED_BY = GraphQLObjectType(
    "GroupedByObj", {"path": GraphQLField(inputs.STRING_LIST), "value": GraphQLField(GraphQLString)}
)
GENERATE = GraphQLObjectType(
    "GenerateObj",
    {
        "singleResult": GraphQLField(GraphQLString),
        "groupedResult": GraphQLField(GraphQLString),
        "error": GraphQLField(GraphQLString),
        "debug": GraphQLField(GraphQLObjectType("GenerateDebugObj", {"prompt": GraphQLField(GraphQLString)})),
        **generative_outputs.provider_fields(),
    },
)
RERANK = GraphQLObjectType("RerankObj", {"score": GraphQLField(GraphQLFloat)})

# Aggregate metric types, one per property kind (aggregate/properties.go in Weaviate).
_TOP_OCCURRENCE = GraphQLObjectType(
    "AggregateTopOccurrenceObj", {"value": GraphQLField(GraphQLString), "occurs": GraphQLField(GraphQLInt)}
)
AGGREGATE_TEXT = GraphQLObjectType(
    "AggregateTextObj",
    {
        "count": GraphQLField(GraphQLInt),
        "type": GraphQLField(GraphQLString),
        "topOccurrences": GraphQLField(
            GraphQLList(_TOP_OCCURRENCE), args={"limit": GraphQLArgument(GraphQLInt)}
        ),
    },
)
AGGREGATE_NUMERIC = GraphQLObjectType(
    "AggregateNumericObj",
    {
        "count": GraphQLField(GraphQLInt),
        "type": GraphQLField(GraphQLString),
        **{name: GraphQLField(GraphQLFloat) for name in ("mean", "median", "mode", "maximum", "minimum")},
        "sum": GraphQLField(GraphQLFloat),
    },
)
AGGREGATE_BOOLEAN = GraphQLObjectType(
    "AggregateBooleanObj",
    {
        "count": GraphQLField(GraphQLInt),
        "type": GraphQLField(GraphQLString),
        "totalTrue": GraphQLField(GraphQLInt),
        "totalFalse": GraphQLField(GraphQLInt),
        "percentageTrue": GraphQLField(GraphQLFloat),
        "percentageFalse": GraphQLField(GraphQLFloat),
    },
)
AGGREGATE_DATE = GraphQLObjectType(
    "AggregateDateObj",
    {
        "count": GraphQLField(GraphQLInt),
        "type": GraphQLField(GraphQLString),
        **{name: GraphQLField(GraphQLString) for name in ("minimum", "maximum", "median", "mode")},
    },
)
AGGREGATE_REFERENCE = GraphQLObjectType(
    "AggregateReferenceObj",
    {"type": GraphQLField(GraphQLString), "pointingTo": GraphQLField(inputs.STRING_LIST)},
)
_AGGREGATE_KINDS = {
    "int": AGGREGATE_NUMERIC,
    "number": AGGREGATE_NUMERIC,
    "text": AGGREGATE_TEXT,
    "string": AGGREGATE_TEXT,
    "boolean": AGGREGATE_BOOLEAN,
    "date": AGGREGATE_DATE,
}
AGGREGATE_META = GraphQLObjectType("AggregateMetaObj", {"count": GraphQLField(GraphQLInt)})

EXPLORE = GraphQLObjectType(
    "ExploreObj",
    {
        "className": GraphQLField(GraphQLString),
        "beacon": GraphQLField(GraphQLString),
        "certainty": GraphQLField(GraphQLFloat),
        "distance": GraphQLField(GraphQLFloat),
    },
)


class SchemaBuilder:
    """Builds one schema for a list of class definitions (GET /v1/schema's `classes`)."""

    def __init__(self, classes: Iterable[Mapping[str, Any]]) -> None:
        self.classes = _usable_classes(classes)
        self.objects: dict[str, GraphQLObjectType] = {}
        self.unions: dict[str, GraphQLUnionType] = {}

    def build(self) -> GraphQLSchema:
        for name in self.classes:
            self.objects[name] = self._class_type(name)
        root: dict[str, GraphQLField] = {}
        if self.classes:
            root["Get"] = GraphQLField(
                GraphQLObjectType("GetObjectsObj", {n: self._get_field(n) for n in self.classes}),
                resolve=lambda *_: {},
            )
            root["Aggregate"] = GraphQLField(
                GraphQLObjectType("AggregateObjectsObj", {n: self._aggregate_field(n) for n in self.classes}),
                resolve=lambda *_: {},
            )
        root["Explore"] = self._explore_field()
        schema = GraphQLSchema(query=GraphQLObjectType("WeaviateObj", root), types=[vector_literals.LITERAL_VECTOR])
        errors = validate_schema(schema)
        if errors:
            raise RuntimeError("generated GraphQL schema is invalid: " + "; ".join(e.message for e in errors))
        return schema

    # ---- Get ---------------------------------------------------------------------------------------------

    def _class_type(self, name: str) -> GraphQLObjectType:
        class_def = self.classes[name]

        def fields() -> dict[str, GraphQLField]:
            out: dict[str, GraphQLField] = {}
            for prop in class_def.get("properties") or []:
                prop_name = prop.get("name")
                if not valid_name(prop_name) or prop_name == "_additional":
                    continue
                field = self._property_field(name, prop, [prop_name])
                if field is not None:
                    out[prop_name] = field
            out["_additional"] = GraphQLField(self._additional_type(name))
            return out

        return GraphQLObjectType(name, fields, description=class_def.get("description"))

    def _property_field(
        self, class_name: str, prop: Mapping[str, Any], path: list[str]
    ) -> GraphQLField | None:
        data_type = list(prop.get("dataType") or [])
        if not data_type:
            return None
        if _is_reference(data_type):
            targets = [t for t in data_type if t in self.classes]
            if not targets:
                return None
            return GraphQLField(
                GraphQLList(self._union(class_name, path[0], targets)),
                resolve=resolvers.reference_resolver(path[0], targets),
            )
        base = data_type[0]
        is_list = base.endswith("[]")
        base = base.removesuffix("[]")
        if base == "object":
            output: GraphQLOutputType | None = self._nested_type(class_name, prop, path)
        else:
            output = _PRIMITIVES.get(base)
        if output is None:
            return None
        return GraphQLField(GraphQLList(output) if is_list else output)

    def _nested_type(
        self, class_name: str, prop: Mapping[str, Any], path: list[str]
    ) -> GraphQLObjectType | None:
        fields: dict[str, GraphQLField] = {}
        for nested in prop.get("nestedProperties") or []:
            nested_name = nested.get("name")
            if valid_name(nested_name):
                field = self._property_field(class_name, nested, [*path, nested_name])
                if field is not None:
                    fields[nested_name] = field
        if not fields:
            return None
        type_name = class_name + "".join(p[:1].upper() + p[1:] for p in path) + "Object"
        return GraphQLObjectType(type_name, fields)

    def _union(self, class_name: str, prop_name: str, targets: list[str]) -> GraphQLUnionType:
        type_name = f"{class_name}{prop_name[:1].upper()}{prop_name[1:]}Obj"
        if type_name not in self.unions:
            self.unions[type_name] = GraphQLUnionType(
                type_name,
                lambda: [self.objects[t] for t in targets],
                resolve_type=resolvers.resolve_member_type,
            )
        return self.unions[type_name]

    def _additional_type(self, name: str) -> GraphQLObjectType:
        class_def = self.classes[name]
        fields: dict[str, GraphQLField] = {
            "id": GraphQLField(GraphQLString),
            "vector": GraphQLField(inputs.FLOAT_LIST),
            "distance": GraphQLField(GraphQLFloat),
            "certainty": GraphQLField(GraphQLFloat),
            "score": GraphQLField(GraphQLString),
            "explainScore": GraphQLField(GraphQLString),
            "creationTimeUnix": GraphQLField(GraphQLString),
            "lastUpdateTimeUnix": GraphQLField(GraphQLString),
            "isConsistent": GraphQLField(GraphQLBoolean),
            "group": GraphQLField(self._group_type(name)),
            "generate": GraphQLField(
                GENERATE,
                args={
                    "singleResult": GraphQLArgument(inputs.GENERATE_SINGLE_INPUT),
                    "groupedResult": GraphQLArgument(inputs.GENERATE_GROUPED_INPUT),
                },
            ),
            "rerank": GraphQLField(
                GraphQLList(RERANK),
                args={"property": GraphQLArgument(GraphQLString), "query": GraphQLArgument(GraphQLString)},
            ),
        }
        vector_names = [v for v in (class_def.get("vectorConfig") or {}) if valid_name(v)]
        if vector_names:
            fields["vectors"] = GraphQLField(
                GraphQLObjectType(
                    f"{name}AdditionalVectorsObj", {v: GraphQLField(inputs.FLOAT_LIST) for v in vector_names}
                )
            )
        return GraphQLObjectType(f"{name}AdditionalObj", fields)

    def _group_type(self, name: str) -> GraphQLObjectType:
        return GraphQLObjectType(
            f"{name}AdditionalGroupObj",
            lambda: {
                "id": GraphQLField(GraphQLInt),
                "groupedBy": GraphQLField(GROUPED_BY),
                "count": GraphQLField(GraphQLInt),
                "maxDistance": GraphQLField(GraphQLFloat),
                "minDistance": GraphQLField(GraphQLFloat),
                "hits": GraphQLField(GraphQLList(self.objects[name])),
            },
        )

    def _get_field(self, name: str) -> GraphQLField:
        args: dict[str, GraphQLArgument] = {
            "limit": GraphQLArgument(GraphQLInt),
            "offset": GraphQLArgument(GraphQLInt),
            "after": GraphQLArgument(GraphQLString),
            "autocut": GraphQLArgument(GraphQLInt),
            "where": GraphQLArgument(inputs.WHERE_INPUT),
            "sort": GraphQLArgument(GraphQLList(inputs.SORT_INPUT)),
            **inputs.near_arguments(has_vectorizer(self.classes[name])),
            "bm25": GraphQLArgument(inputs.BM25_INPUT),
            "hybrid": GraphQLArgument(inputs.HYBRID_INPUT),
            "groupBy": GraphQLArgument(inputs.GROUP_BY_INPUT),
            "tenant": GraphQLArgument(GraphQLString),
            "consistencyLevel": GraphQLArgument(inputs.CONSISTENCY_LEVEL),
        }
        return GraphQLField(GraphQLList(self.objects[name]), args=args, resolve=resolvers.get_resolver(name))

    # ---- Aggregate ---------------------------------------------------------------------------------------

    def _aggregate_field(self, name: str) -> GraphQLField:
        class_def = self.classes[name]
        fields: dict[str, GraphQLField] = {
            "meta": GraphQLField(AGGREGATE_META),
            "groupedBy": GraphQLField(GROUPED_BY),
        }
        for prop in class_def.get("properties") or []:
            prop_name = prop.get("name")
            data_type = list(prop.get("dataType") or [])
            if not valid_name(prop_name) or prop_name in fields or not data_type:
                continue
            if _is_reference(data_type):
                fields[prop_name] = GraphQLField(AGGREGATE_REFERENCE)
            elif data_type[0].removesuffix("[]") in _AGGREGATE_KINDS:
                fields[prop_name] = GraphQLField(_AGGREGATE_KINDS[data_type[0].removesuffix("[]")])
        args: dict[str, GraphQLArgument] = {
            "where": GraphQLArgument(inputs.WHERE_INPUT),
            "groupBy": GraphQLArgument(inputs.STRING_LIST),
            "limit": GraphQLArgument(GraphQLInt),
            "objectLimit": GraphQLArgument(GraphQLInt),
            **inputs.near_arguments(has_vectorizer(class_def)),
            "hybrid": GraphQLArgument(inputs.HYBRID_INPUT),
            "tenant": GraphQLArgument(GraphQLString),
        }
        return GraphQLField(
            GraphQLList(GraphQLObjectType(f"Aggregate{name}Obj", fields)),
            args=args,
            resolve=resolvers.aggregate_resolver(name),
        )

    # ---- Explore -----------------------------------------------------------------------------------------

    def _explore_field(self) -> GraphQLField:
        args: dict[str, GraphQLArgument] = {
            **inputs.near_arguments(any(has_vectorizer(c) for c in self.classes.values())),
            "limit": GraphQLArgument(GraphQLInt),
            "offset": GraphQLArgument(GraphQLInt),
            "certainty": GraphQLArgument(GraphQLFloat),
            "distance": GraphQLArgument(GraphQLFloat),
        }
        return GraphQLField(GraphQLList(EXPLORE), args=args, resolve=explore.resolve_explore)


def build_schema(classes: Iterable[Mapping[str, Any]]) -> GraphQLSchema:
    """The GraphQL schema for these class definitions."""
    return SchemaBuilder(classes).build()
