"""The gRPC face (`weaviate.v1.Weaviate` and the standard health service) that weaviate-client 4 talks to.

It translates protobuf requests into the calls the REST and GraphQL faces make on Database and the query
layer, and renders the neutral results as protobuf replies; it holds no query logic of its own.
"""
