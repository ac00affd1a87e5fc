"""The JSON types of request bodies, checked where a request comes in.

The database validates meaning (names, data types, vector lengths); this checks only that each known field has
the JSON type Weaviate's OpenAPI spec gives it, so a list where a string belongs (`{"class": [null, null]}`) is
a 422 naming the field instead of an exception deep inside. The wording is go-swagger's, as Weaviate answers it:
`properties.0.dataType.0 in body must be of type string: "array"`. A null field counts as absent, as there; a null
list item does not.
"""

from __future__ import annotations

from typing import Any

from vectordb.errors import UserError

INT64 = (-(2**63), 2**63 - 1)


class Shape:
    """One JSON type; `fields` types an object's known keys, `items` a list's items, `values` a map's values."""

    def __init__(
        self,
        kind: str,
        fields: dict[str, Shape] | None = None,
        items: Shape | None = None,
        values: Shape | None = None,
    ) -> None:
        self.kind, self.fields, self.items, self.values = kind, fields or {}, items, values


def obj(**fields: Shape) -> Shape:
    return Shape("object", fields={name.rstrip("_"): shape for name, shape in fields.items()})


def array(items: Shape | None = None) -> Shape:
    return Shape("array", items=items)


def mapping(values: Shape) -> Shape:
    return Shape("object", values=values)


STRING, INTEGER, NUMBER, BOOLEAN, OBJECT, ANY = (Shape(k) for k in ("string", "integer", "number", "boolean",
                                                                    "object", "any"))


def check(body: Any, shape: Shape) -> None:
    """Raise a 422 for the first field whose JSON type is not the shape's.

    A body that is not even of the shape's type is left to the route, whose message says what it wants.
    """
    if _json_type(body) != shape.kind:
        return
    stack = [(body, shape, "")]
    while stack:
        item, expected, at = stack.pop()
        if item is None or expected.kind == "any":
            continue
        if _json_type(item) != expected.kind and not (expected.kind == "number" and _json_type(item) == "integer"):
            where = f"{at} in body" if at else "body"
            raise UserError(f'{where} must be of type {expected.kind}: "{_json_type(item)}"')
        if expected.kind == "integer" and not INT64[0] <= item <= INT64[1]:
            raise UserError(f"{at} in body should be a 64-bit integer, got {item}")
        prefix = f"{at}." if at else ""
        if isinstance(item, dict):
            for key, child in item.items():
                child_shape = expected.fields.get(key, expected.values)
                if child_shape is not None:
                    stack.append((child, child_shape, f"{prefix}{key}"))
        elif isinstance(item, list) and expected.items is not None:
            for i, child in enumerate(item):
                if child is None and expected.items.kind != "any":  # absent fields may be null, items may not
                    raise UserError(f'{prefix}{i} in body must be of type {expected.items.kind}: "null"')
                stack.append((child, expected.items, f"{prefix}{i}"))


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null" if value is None else type(value).__name__


def _property(nested: Shape | None) -> Shape:
    fields = dict(name=STRING, dataType=array(STRING), description=STRING, tokenization=STRING,
                  indexFilterable=BOOLEAN, indexSearchable=BOOLEAN, indexInverted=BOOLEAN, indexRangeFilters=BOOLEAN,
                  moduleConfig=mapping(OBJECT), textAnalyzer=obj(asciiFold=BOOLEAN, asciiFoldIgnore=array(STRING),
                                                                   stopwordPreset=STRING),
                  disableDuplicatedReferences=BOOLEAN)
    shape = obj(**fields)
    shape.fields["nestedProperties"] = array(nested or shape)
    return shape


NESTED_PROPERTY = _property(None)
PROPERTY = _property(NESTED_PROPERTY)
VECTOR_INDEX_CONFIG = obj(
    distance=STRING, skip=BOOLEAN, ef=INTEGER, efConstruction=INTEGER, maxConnections=INTEGER, dynamicEfMin=INTEGER,
    dynamicEfMax=INTEGER, dynamicEfFactor=INTEGER, vectorCacheMaxObjects=INTEGER, flatSearchCutoff=INTEGER,
    cleanupIntervalSeconds=INTEGER, filterStrategy=STRING, pq=OBJECT, bq=OBJECT, sq=OBJECT, rq=OBJECT,
    multivector=OBJECT,
)
CLASS = obj(
    class_=STRING, description=STRING, vectorizer=STRING, vectorIndexType=STRING,
    vectorIndexConfig=VECTOR_INDEX_CONFIG, properties=array(PROPERTY), moduleConfig=mapping(OBJECT),
    invertedIndexConfig=obj(cleanupIntervalSeconds=INTEGER, bm25=obj(k1=NUMBER, b=NUMBER),
                            stopwords=obj(preset=STRING, additions=array(STRING), removals=array(STRING)),
                            indexTimestamps=BOOLEAN, indexNullState=BOOLEAN, indexPropertyLength=BOOLEAN,
                            usingBlockMaxWAND=BOOLEAN, stopwordPresets=mapping(array(STRING))),
    multiTenancyConfig=obj(enabled=BOOLEAN, autoTenantCreation=BOOLEAN, autoTenantActivation=BOOLEAN),
    replicationConfig=obj(factor=INTEGER, asyncEnabled=BOOLEAN, deletionStrategy=STRING),
    shardingConfig=OBJECT,
    vectorConfig=mapping(obj(vectorizer=OBJECT, vectorIndexType=STRING, vectorIndexConfig=VECTOR_INDEX_CONFIG)),
)
OBJECT_BODY = obj(
    class_=STRING, id=STRING, properties=OBJECT, vector=array(), vectors=OBJECT, tenant=STRING,
    creationTimeUnix=INTEGER, lastUpdateTimeUnix=INTEGER, additional=OBJECT,
)
WHERE = obj(operator=STRING, path=array(STRING), valueInt=INTEGER, valueNumber=NUMBER, valueBoolean=BOOLEAN,
            valueString=STRING, valueText=STRING, valueDate=STRING, valueIntArray=array(INTEGER),
            valueNumberArray=array(NUMBER), valueBooleanArray=array(BOOLEAN), valueStringArray=array(STRING),
            valueTextArray=array(STRING), valueDateArray=array(STRING),
            valueGeoRange=obj(geoCoordinates=obj(latitude=NUMBER, longitude=NUMBER), distance=obj(max=NUMBER)))
WHERE.fields["operands"] = array(WHERE)
BATCH_OBJECTS = obj(objects=array(), fields=array(STRING))
BATCH_DELETE = obj(match=obj(class_=STRING, where=WHERE), output=STRING, dryRun=BOOLEAN,
                   deletionTimeUnixMilli=INTEGER)
REFERENCE = obj(beacon=STRING, href=STRING, class_=STRING, schema=OBJECT)
BATCH_REFERENCE = obj(from_=STRING, to=STRING, tenant=STRING)
