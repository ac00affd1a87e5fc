"""Weaviate's GraphQL API (`POST /v1/graphql`): a schema generated from the collections.

The layer only translates: GraphQL arguments become a SearchRequest / AggregateRequest for the Database, and
its results become Weaviate's GraphQL output shapes.
"""
