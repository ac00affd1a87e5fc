"""Collections (Weaviate's "classes"), their properties and configuration blocks."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from vectordb.api.models.common import Model
from vectordb.schema._common import CLASS_NAME_RE, NESTED_PROPERTY_NAME_RE, PROPERTY_NAME_RE, VECTOR_NAME_RE
from vectordb.schema.index_config import (
    DELETION_STRATEGIES,
    DISTANCES,
    FILTER_STRATEGIES,
    INDEX_TYPES,
    STOPWORD_PRESETS,
)
from vectordb.schema.properties import NESTED_TOKENIZATIONS, TOKENIZATIONS


def _enum(values: tuple[str, ...]) -> dict[str, Any]:
    return {"enum": list(values)}


DATA_TYPE = ("one data type: text, text[], int, int[], number, number[], boolean, boolean[], date, date[], uuid, "
             "uuid[], geoCoordinates, phoneNumber, blob, object, object[], or class names for a reference")


class TextAnalyzerConfig(Model):
    asciiFold: bool | None = None
    asciiFoldIgnore: list[str] | None = None
    stopwordPreset: str | None = None


class _Indexed(Model):
    """What a property and a nested property share."""

    dataType: list[Annotated[str, Field(min_length=1)]] = Field(description=DATA_TYPE, min_length=1)
    description: str | None = None
    indexFilterable: bool | None = None
    indexSearchable: bool | None = None
    indexRangeFilters: bool | None = None
    nestedProperties: list[NestedProperty] | None = Field(None, description="for object and object[]")
    textAnalyzer: TextAnalyzerConfig | None = None


class NestedProperty(_Indexed):
    name: str = Field(pattern=f"^{NESTED_PROPERTY_NAME_RE.pattern}$")
    tokenization: str | None = Field(None, json_schema_extra=_enum(NESTED_TOKENIZATIONS))


class Property(_Indexed):
    name: str = Field(pattern=f"^{PROPERTY_NAME_RE.pattern}$")
    tokenization: str | None = Field(None, json_schema_extra=_enum(TOKENIZATIONS))
    moduleConfig: dict[str, dict[str, Any]] | None = Field(
        None, description='per module, e.g. {"text2vec-openai": {"skip": false, "vectorizePropertyName": false}}')
    indexInverted: bool | None = Field(None, description="deprecated: indexFilterable and indexSearchable")
    disableDuplicatedReferences: bool | None = None


class VectorIndexConfig(Model):
    """HNSW's or flat's settings; anything left out takes Weaviate's default."""

    distance: str | None = Field(None, json_schema_extra=_enum(DISTANCES))
    skip: bool | None = None
    ef: int | None = None
    efConstruction: int | None = None
    maxConnections: int | None = None
    dynamicEfMin: int | None = None
    dynamicEfMax: int | None = None
    dynamicEfFactor: int | None = None
    vectorCacheMaxObjects: int | None = None
    flatSearchCutoff: int | None = None
    cleanupIntervalSeconds: int | None = None
    filterStrategy: str | None = Field(None, json_schema_extra=_enum(FILTER_STRATEGIES))
    pq: dict[str, Any] | None = None
    bq: dict[str, Any] | None = None
    sq: dict[str, Any] | None = None
    rq: dict[str, Any] | None = None
    multivector: dict[str, Any] | None = None
    skipDefaultQuantization: bool | None = None
    trackDefaultQuantization: bool | None = None


class VectorConfig(Model):
    """One named vector."""

    vectorizer: dict[str, dict[str, Any]] | None = Field(
        None, description='exactly one module and its settings, e.g. {"text2vec-openai": {"properties": ["title"]}}'
                          ' or {"none": {}}')
    vectorIndexType: str | None = Field(None, json_schema_extra=_enum(INDEX_TYPES))
    vectorIndexConfig: VectorIndexConfig | None = None


class BM25Config(Model):
    k1: float | None = None
    b: float | None = None


class StopwordConfig(Model):
    preset: str | None = Field(None, json_schema_extra=_enum(STOPWORD_PRESETS))
    additions: list[str] | None = None
    removals: list[str] | None = None


class InvertedIndexConfig(Model):
    cleanupIntervalSeconds: int | None = None
    bm25: BM25Config | None = None
    stopwords: StopwordConfig | None = None
    indexTimestamps: bool | None = None
    indexNullState: bool | None = None
    indexPropertyLength: bool | None = None
    usingBlockMaxWAND: bool | None = None
    stopwordPresets: dict[str, list[str]] | None = None


class TokenizeRequest(Model):
    text: str
    tokenization: str | None = Field(None, json_schema_extra=_enum(TOKENIZATIONS))
    analyzerConfig: TextAnalyzerConfig | None = None
    stopwords: StopwordConfig | None = None
    stopwordPresets: dict[str, list[str]] | None = None


class TokenizeResponse(Model):
    indexed: list[str]
    query: list[str]


class ReplicationConfig(Model):
    factor: int | None = None
    asyncEnabled: bool | None = None
    deletionStrategy: str | None = Field(None, json_schema_extra=_enum(DELETION_STRATEGIES))


class MultiTenancyConfig(Model):
    enabled: bool | None = None
    autoTenantCreation: bool | None = None
    autoTenantActivation: bool | None = None


class Class(Model):
    """A collection. Sent to create or update one; answered complete, with every default filled in."""

    class_: str = Field(alias="class", pattern=f"^{CLASS_NAME_RE.pattern}$",
                        description="the name; its first letter is upper case")
    description: str | None = None
    properties: list[Property] | None = None
    vectorizer: str | None = Field(None, description='the module that makes the vectors, or "none"')
    moduleConfig: dict[str, dict[str, Any]] | None = Field(None, description="settings per module")
    vectorIndexType: str | None = Field(None, json_schema_extra=_enum(INDEX_TYPES))
    vectorIndexConfig: VectorIndexConfig | None = None
    # Not `| None`: the schema says "an object of named vectors" without a null branch; absent is still allowed.
    vectorConfig: dict[Annotated[str, Field(pattern=f"^{VECTOR_NAME_RE.pattern}$")], VectorConfig] = Field(
        None, description="named vectors, by name", json_schema_extra={"additionalProperties": False})  # type: ignore[arg-type]
    invertedIndexConfig: InvertedIndexConfig | None = None
    replicationConfig: ReplicationConfig | None = None
    shardingConfig: dict[str, Any] | None = None
    multiTenancyConfig: MultiTenancyConfig | None = None


class Schema(Model):
    classes: list[Class]
    name: str | None = None
    maintainer: str | None = None


class Tenant(Model):
    name: str = Field(description="letters, digits, '_' and '-', 1 to 64 of them")
    activityStatus: str | None = Field(
        None, description="HOT or COLD (ACTIVE and INACTIVE are taken too; answers say HOT or COLD)"
    )


class ShardStatus(Model):
    name: str
    status: str = Field(description="READY, READONLY or INDEXING")
    vectorQueueSize: int
