"""The one home of the weaviate.v1 message classes: the generated modules weaviate-client 4 ships.

Using the client's own modules (rather than a second copy generated here) keeps one descriptor pool when the
client and the server share a process, and the fields always match the client they were released with.
"""

from weaviate.proto.v1 import (
    aggregate_pb2,
    base_pb2,
    base_search_pb2,
    batch_delete_pb2,
    batch_pb2,
    generative_pb2,
    properties_pb2,
    search_get_pb2,
    tenants_pb2,
    weaviate_pb2_grpc,
)

__all__ = [
    "aggregate_pb2",
    "base_pb2",
    "base_search_pb2",
    "batch_delete_pb2",
    "batch_pb2",
    "generative_pb2",
    "properties_pb2",
    "search_get_pb2",
    "tenants_pb2",
    "weaviate_pb2_grpc",
]
