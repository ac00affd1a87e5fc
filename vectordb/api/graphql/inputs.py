"""Input types and enums shared by every class: where, sort, near*, bm25, hybrid, groupBy.

Field names are Weaviate's GraphQL argument names; the resolvers hand the coerced dicts on unchanged
(apart from the where filter, which arguments.py turns into the REST WhereFilter JSON).
"""

from __future__ import annotations

from graphql import (
    GraphQLArgument,
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLEnumValue,
    GraphQLFloat,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLString,
)

from vectordb.api.graphql import generative_inputs, scalars


def _enum(name: str, values: list[str], description: str) -> GraphQLEnumType:
    return GraphQLEnumType(name, {v: GraphQLEnumValue(v) for v in values}, description=description)


WHERE_OPERATORS = [
    "And", "Or", "Not", "Equal", "NotEqual", "GreaterThan", "GreaterThanEqual", "LessThan", "LessThanEqual",
    "Like", "WithinGeoRange", "IsNull", "ContainsAny", "ContainsAll", "ContainsNone",
]

WHERE_OPERATOR = _enum("WhereOperatorEnum", WHERE_OPERATORS, "operator of a where filter")
SORT_ORDER = _enum("SortOrderEnum", ["asc", "desc"], "sort direction")
FUSION_TYPE = _enum("FusionEnum", ["rankedFusion", "relativeScoreFusion"], "how hybrid fuses its result sets")
CONSISTENCY_LEVEL = _enum("ConsistencyLevelEnum", ["ONE", "QUORUM", "ALL"], "read consistency")

STRING_LIST = GraphQLList(GraphQLString)
FLOAT_LIST = GraphQLList(GraphQLFloat)

GEO_COORDINATES_INPUT = GraphQLInputObjectType(
    "WhereGeoCoordinatesInpObj",
    {
        "latitude": GraphQLInputField(GraphQLNonNull(GraphQLFloat)),
        "longitude": GraphQLInputField(GraphQLNonNull(GraphQLFloat)),
    },
)
GEO_RANGE_INPUT = GraphQLInputObjectType(
    "WhereGeoRangeInpObj",
    {
        "geoCoordinates": GraphQLInputField(GraphQLNonNull(GEO_COORDINATES_INPUT)),
        "distance": GraphQLInputField(
            GraphQLNonNull(
                GraphQLInputObjectType(
                    "WhereGeoRangeDistanceInpObj", {"max": GraphQLInputField(GraphQLNonNull(GraphQLFloat))}
                )
            )
        ),
    },
)

WHERE_INPUT: GraphQLInputObjectType = GraphQLInputObjectType(
    "WhereInpObj",
    lambda: {
        "operator": GraphQLInputField(GraphQLNonNull(WHERE_OPERATOR)),
        "path": GraphQLInputField(STRING_LIST),
        "operands": GraphQLInputField(GraphQLList(WHERE_INPUT)),
        "valueInt": GraphQLInputField(scalars.VALUE_INT),
        "valueNumber": GraphQLInputField(scalars.VALUE_NUMBER),
        "valueBoolean": GraphQLInputField(scalars.VALUE_BOOLEAN),
        "valueString": GraphQLInputField(scalars.VALUE_STRING),
        "valueText": GraphQLInputField(scalars.VALUE_TEXT),
        "valueDate": GraphQLInputField(scalars.VALUE_DATE),
        "valueGeoRange": GraphQLInputField(GEO_RANGE_INPUT),
    },
    description="a where filter: a leaf (path, operator, valueX) or a group (operator And/Or/Not, operands)",
)

SORT_INPUT = GraphQLInputObjectType(
    "SortInpObj",
    {"path": GraphQLInputField(GraphQLNonNull(STRING_LIST)), "order": GraphQLInputField(SORT_ORDER)},
)

TARGET_COMBINATION = _enum("TargetVectorJoinMethodEnum", ["sum", "average", "minimum", "manualWeights",
                                                           "relativeScore"], "how several target vectors combine")
TARGETS_INPUT = GraphQLInputObjectType(
    "TargetsInpObj",
    {
        "targetVectors": GraphQLInputField(GraphQLNonNull(STRING_LIST)),
        "combinationMethod": GraphQLInputField(TARGET_COMBINATION),
        "weights": GraphQLInputField(scalars.TARGET_WEIGHTS),
    },
    description="several target vectors and how their distances combine",
)


def _target_fields() -> dict[str, GraphQLInputField]:
    """Every near* and hybrid input names its targets either way."""
    return {"targetVectors": GraphQLInputField(STRING_LIST), "targets": GraphQLInputField(TARGETS_INPUT)}


NEAR_VECTOR_INPUT = GraphQLInputObjectType(
    "NearVectorInpObj",
    {
        "vector": GraphQLInputField(FLOAT_LIST),
        "vectorPerTarget": GraphQLInputField(scalars.VECTOR_PER_TARGET),
        "certainty": GraphQLInputField(GraphQLFloat),
        "distance": GraphQLInputField(GraphQLFloat),
        **_target_fields(),
    },
)

NEAR_OBJECT_INPUT = GraphQLInputObjectType(
    "NearObjectInpObj",
    {
        "id": GraphQLInputField(GraphQLString),
        "beacon": GraphQLInputField(GraphQLString),
        "certainty": GraphQLInputField(GraphQLFloat),
        "distance": GraphQLInputField(GraphQLFloat),
        **_target_fields(),
    },
)

_MOVE_OBJECT_INPUT = GraphQLInputObjectType(
    "MoveObjectInpObj",
    {"id": GraphQLInputField(GraphQLString), "beacon": GraphQLInputField(GraphQLString)},
)


def _move_input(name: str) -> GraphQLInputObjectType:
    return GraphQLInputObjectType(
        name,
        {
            "concepts": GraphQLInputField(STRING_LIST),
            "objects": GraphQLInputField(GraphQLList(_MOVE_OBJECT_INPUT)),
            "force": GraphQLInputField(GraphQLNonNull(GraphQLFloat)),
        },
    )


NEAR_TEXT_INPUT = GraphQLInputObjectType(
    "NearTextInpObj",
    {
        "concepts": GraphQLInputField(GraphQLNonNull(STRING_LIST)),
        "certainty": GraphQLInputField(GraphQLFloat),
        "distance": GraphQLInputField(GraphQLFloat),
        **_target_fields(),
        "autocorrect": GraphQLInputField(GraphQLBoolean),
        "moveTo": GraphQLInputField(_move_input("NearTextMoveToInpObj")),
        "moveAwayFrom": GraphQLInputField(_move_input("NearTextMoveAwayFromInpObj")),
    },
)

SEARCH_OPERATOR_INPUT = GraphQLInputObjectType(
    "SearchOperatorInpObj",
    {
        "operator": GraphQLInputField(scalars.SEARCH_OPERATOR),
        "minimumOrTokensMatch": GraphQLInputField(GraphQLInt),
    },
)

BM25_INPUT = GraphQLInputObjectType(
    "Bm25InpObj",
    {
        "query": GraphQLInputField(GraphQLNonNull(GraphQLString)),
        "properties": GraphQLInputField(STRING_LIST),
        "searchOperator": GraphQLInputField(SEARCH_OPERATOR_INPUT),
    },
)

HYBRID_SEARCHES_INPUT = GraphQLInputObjectType(
    "HybridSearchesInpObj",
    {"nearVector": GraphQLInputField(NEAR_VECTOR_INPUT), "nearText": GraphQLInputField(NEAR_TEXT_INPUT)},
)

HYBRID_INPUT = GraphQLInputObjectType(
    "HybridInpObj",
    {
        "query": GraphQLInputField(GraphQLString),
        "alpha": GraphQLInputField(GraphQLFloat),
        "vector": GraphQLInputField(FLOAT_LIST),
        "properties": GraphQLInputField(STRING_LIST),
        "fusionType": GraphQLInputField(FUSION_TYPE),
        "maxVectorDistance": GraphQLInputField(GraphQLFloat),
        **_target_fields(),
        "bm25SearchOperator": GraphQLInputField(SEARCH_OPERATOR_INPUT),
        "searches": GraphQLInputField(HYBRID_SEARCHES_INPUT),
    },
)

GROUP_BY_INPUT = GraphQLInputObjectType(
    "GroupByInpObj",
    {
        "path": GraphQLInputField(GraphQLNonNull(STRING_LIST)),
        "groups": GraphQLInputField(GraphQLInt),
        "objectsPerGroup": GraphQLInputField(GraphQLInt),
    },
)

GENERATE_SINGLE_INPUT = GraphQLInputObjectType(
    "GenerateSingleResultInpObj",
    {
        "prompt": GraphQLInputField(GraphQLNonNull(GraphQLString)), "debug": GraphQLInputField(GraphQLBoolean),
        **generative_inputs.provider_fields(),
    },
)
GENERATE_GROUPED_INPUT = GraphQLInputObjectType(
    "GenerateGroupedResultInpObj",
    {
        "task": GraphQLInputField(GraphQLNonNull(GraphQLString)),
        "properties": GraphQLInputField(STRING_LIST),
        "debug": GraphQLInputField(GraphQLBoolean),
        **generative_inputs.provider_fields(),
    },
)


def near_arguments(with_near_text: bool) -> dict[str, GraphQLArgument]:
    """nearVector / nearObject, and nearText when a vectorizer module can turn concepts into a vector."""
    args = {
        "nearVector": GraphQLArgument(NEAR_VECTOR_INPUT),
        "nearObject": GraphQLArgument(NEAR_OBJECT_INPUT),
    }
    if with_near_text:
        args["nearText"] = GraphQLArgument(NEAR_TEXT_INPUT)
    return args

