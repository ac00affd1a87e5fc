"""Running GraphQL requests: the schema cache, the parsed-document cache, and execution.

The schema is rebuilt only when the database's schema_version moves. A query text is parsed and validated
once per schema version and kept in a small LRU, so a repeated query goes straight to execution. Vector
literals are cut out first (vector_literals.py), so queries that differ only in their vectors share a
document.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLSchema,
    GraphQLSyntaxError,
    execute,
    parse,
    validate,
)

from vectordb.api.graphql.resolvers import Context
from vectordb.api.graphql.schema_builder import build_schema
from vectordb.api.graphql.vector_literals import (
    as_literal_vectors,
    declare_vector_variables,
    extract_vectors,
    variable_name,
)

if TYPE_CHECKING:
    from vectordb.database import Database

log = logging.getLogger(__name__)

DOCUMENT_CACHE_SIZE = 256
VECTOR_MARK = "$" + variable_name(0)[:-1]
# Every number-glued-to-a-name the v3 client may write (e.g. `objectLimit: 100tenant: "t"`) costs one retry.
_MAX_NUMBER_FIXES = 32


def parse_lenient(query: str) -> DocumentNode:
    """Parse a query, separating a number from a name written right after it.

    The v3 client writes Aggregate arguments without separators (`objectLimit: 100limit: 5`); Weaviate's Go
    lexer reads that as two tokens, while the GraphQL spec (and graphql-core) refuse it. Only exactly that
    case is repaired: the offending character is a letter directly after a digit.
    """
    text = query
    for _ in range(_MAX_NUMBER_FIXES):
        try:
            return parse(text)
        except GraphQLSyntaxError as exc:
            position = next(iter(exc.positions or ()), None)
            if (
                position is None
                or "Invalid number, expected digit" not in exc.message
                or not (0 < position < len(text))
                or not text[position].isalpha()
                or not text[position - 1].isdigit()
            ):
                raise
            text = text[:position] + " " + text[position:]
    return parse(text)


class GraphQLService:
    """One per database: answers GraphQL request bodies."""

    def __init__(self, db: Database, document_cache_size: int = DOCUMENT_CACHE_SIZE) -> None:
        self.db = db
        self._lock = threading.Lock()
        self._schema: GraphQLSchema | None = None
        self._schema_version: int | None = None
        self._documents: OrderedDict[tuple[str, int], DocumentNode | list[GraphQLError]] = OrderedDict()
        self._cache_size = document_cache_size
        self.schema_builds = 0
        self.document_builds = 0

    def schema(self) -> tuple[GraphQLSchema, int]:
        # Read the version before the classes: a change in between leaves an older version stored, so the
        # next request rebuilds rather than keeping a stale schema forever.
        version = self.db.schema_version
        with self._lock:
            if self._schema is None or self._schema_version != version:
                self._schema = build_schema(self.db.schema())
                self._schema_version = version
                self.schema_builds += 1
                log.debug("built GraphQL schema for schema version %s", version)
            return self._schema, self._schema_version

    def document(self, query: str, version: int, schema: GraphQLSchema) -> DocumentNode | list[GraphQLError]:
        key = (query, version)
        with self._lock:
            cached = self._documents.get(key)
            if cached is not None:
                self._documents.move_to_end(key)
                return cached
        try:
            document: DocumentNode | list[GraphQLError] = parse_lenient(query)
        except GraphQLSyntaxError as exc:
            document = [exc]
        if isinstance(document, DocumentNode) and VECTOR_MARK in query:
            document = declare_vector_variables(document)
        if isinstance(document, DocumentNode):
            errors = validate(schema, document)
            if errors:
                document = list(errors)
            elif VECTOR_MARK in query:
                document = as_literal_vectors(document)
        with self._lock:
            self.document_builds += 1
            self._documents[key] = document
            self._documents.move_to_end(key)
            while len(self._documents) > self._cache_size:
                self._documents.popitem(last=False)
        return document

    def execute(self, body: Mapping[str, Any], headers: Mapping[str, str] | None = None) -> dict[str, Any]:
        """The GraphQL response for one request body {query, variables?, operationName?}."""
        query = body["query"]
        variables = body.get("variables")
        operation_name = body.get("operationName")
        if variables is not None and not isinstance(variables, Mapping):
            return _errors([GraphQLError("'variables' must be a JSON object")])
        if operation_name is not None and not isinstance(operation_name, str):
            return _errors([GraphQLError("'operationName' must be a string")])
        schema, version = self.schema()
        query, vectors = extract_vectors(query)
        document = self.document(query, version, schema)
        if isinstance(document, list):
            return _errors(document)
        if vectors:
            variables = {**(variables or {}), **{variable_name(i): v for i, v in enumerate(vectors)}}
        result = execute(
            schema,
            document,
            root_value={},
            context_value=Context(self.db, dict(headers or {})),
            variable_values=dict(variables) if variables else None,
            operation_name=operation_name,
        )
        if not isinstance(result, ExecutionResult):  # an awaitable: no resolver here is async
            raise RuntimeError("GraphQL execution unexpectedly returned an awaitable")
        return dict(result.formatted)


def _errors(errors: list[GraphQLError]) -> dict[str, Any]:
    # A request refused before execution has no `data` at all in Weaviate's answer (not `"data": null`).
    return {"errors": [error.formatted for error in errors]}
