"""The Python client: one Client API over an HTTP transport and an embedded one.

import vectordb
from vectordb.client import Filter, Property, DataType

with vectordb.connect("http://localhost:8080") as client:      # or vectordb.open("./data")
    articles = client.collections.create("Article", properties=[Property("title", DataType.TEXT)],
                                         vectorizer="none")
    articles.data.insert({"title": "hello"}, vector=[0.1, 0.2])
    hits = articles.query.near_vector([0.1, 0.2], limit=5, filters=Filter.by_property("title").like("h*"))
    rag = articles.generate.near_vector([0.1, 0.2], limit=3, single_prompt="Tweet: {title}", grouped_task="Sum up")
"""

from vectordb.client.client import Client
from vectordb.client.collections import Collection, Collections
from vectordb.client.errors import VectordbConnectionError, VectordbError
from vectordb.client.filters import Filter
from vectordb.client.generate import GenerativeObject, GenerativeReturn
from vectordb.client.generate_inputs import GenerativeConfig, GenerativeParameters, Rerank
from vectordb.client.inputs import DataObject, GroupBy, GroupByAggregate, MetadataQuery, Metrics, Move
from vectordb.client.results import (
    AggregateGroup,
    AggregateReturn,
    BatchResult,
    Group,
    Metadata,
    Object,
    QueryReturn,
)
from vectordb.client.schema_types import DataType, NamedVector, Property, ReferenceProperty
from vectordb.client.sort import Sort

__all__ = [
    "AggregateGroup",
    "AggregateReturn",
    "BatchResult",
    "Client",
    "Collection",
    "Collections",
    "DataObject",
    "DataType",
    "Filter",
    "GenerativeConfig",
    "GenerativeObject",
    "GenerativeParameters",
    "GenerativeReturn",
    "Group",
    "GroupBy",
    "GroupByAggregate",
    "Metadata",
    "MetadataQuery",
    "Metrics",
    "Move",
    "NamedVector",
    "Object",
    "Property",
    "QueryReturn",
    "ReferenceProperty",
    "Rerank",
    "Sort",
    "VectordbConnectionError",
    "VectordbError",
]
