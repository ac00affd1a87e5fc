"""Vector literals become variables before parsing, so vector queries are parsed and validated once.

A client writes the query vector into the query text (`nearVector: {vector: [0.12, -0.4, ...]}`). Parsing and
validating a 1536-number list costs tens of milliseconds, and every such query text is new, so the document
cache would never hit. Each `vector: [numbers]` literal is therefore cut out of the text and replaced by a
variable reference; the operation gets a matching `[Float!]!` variable definition and the numbers travel as
that variable's value. Queries that differ only in their vectors then share one cached document, and the
schema keeps Weaviate's `vector: [Float]` type.

The document is validated with those `[Float!]!` definitions; the cached copy then declares them as the
internal scalar LITERAL_VECTOR instead, so each execution takes the already-parsed list of floats as it is
rather than coercing its numbers one by one (validation has checked where the variables are used, and
execution does not check variable positions again).
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import numpy as np
import orjson
from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLScalarType,
    ListTypeNode,
    NamedTypeNode,
    NameNode,
    NonNullTypeNode,
    OperationDefinitionNode,
    VariableDefinitionNode,
    VariableNode,
    visit,
)
from graphql.language import Visitor

PREFIX = "_vdbvec"
_NUMBER = r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?"
_NUMBER_RE = re.compile(_NUMBER)
_SCAN = re.compile(
    r'(?P<block>"""(?:\\"""|[^"]|"(?!""))*""")'  # block strings and strings are copied untouched
    r'|(?P<string>"(?:\\.|[^"\\\n])*")'
    r"|(?P<comment>#[^\n\r]*)"
    rf"|(?P<key>\bvector\s*:\s*)\[(?P<numbers>[\s,]*{_NUMBER}(?:[\s,]+{_NUMBER})*[\s,]*)\]"
    r'|(?P<other>[^"#v]+|.)',
    re.DOTALL,
)
_PLACEHOLDER = re.compile(rf"^{PREFIX}\d+$")
_SEPARATORS = re.compile(r"[\s,]+")


def _only_extracted(value: Any) -> list[float]:
    if not isinstance(value, list):
        raise GraphQLError("LiteralVector values come only from vector literals in the query text")
    return value


def _no_literal(*_args: Any) -> Any:
    raise GraphQLError("LiteralVector has no literal form")


# Internal: never valid where a user could write it, as validation sees only the `[Float!]!` declarations.
LITERAL_VECTOR = GraphQLScalarType(
    "LiteralVector",
    description="internal: a query vector cut out of the query text",
    serialize=_no_literal,
    parse_value=_only_extracted,
    parse_literal=_no_literal,
)


def variable_name(index: int) -> str:
    return f"{PREFIX}{index}"


def _numbers(text: str) -> list[float]:
    """The values of a matched number list (GraphQL separates them by commas and/or white space)."""
    try:  # most clients write JSON's form, which orjson reads far faster than a float() per number
        values = orjson.loads(f"[{_SEPARATORS.sub(',', text).strip(',')}]")
    except orjson.JSONDecodeError:  # e.g. `01` or `1e999`, which GraphQL's grammar allows here
        return [float(n) for n in _NUMBER_RE.findall(text)]
    floats: list[float] = np.array(values, dtype=np.float64).tolist()
    return floats


def extract_vectors(query: str) -> tuple[str, list[list[float]]]:
    """The query with each `vector: [numbers]` literal replaced by `$<PREFIX><i>`, and the vectors."""
    if "vector" not in query:
        return query, []
    parts: list[str] = []
    vectors: list[list[float]] = []
    for match in _SCAN.finditer(query):
        if match.group("key") is not None:
            parts.append(f"{match.group('key')}${variable_name(len(vectors))}")
            vectors.append(_numbers(match.group("numbers")))
        else:
            parts.append(match.group(0))
    return "".join(parts), vectors


class _Placeholders(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.variables: set[str] = set()
        self.spreads: set[str] = set()

    def enter_variable(self, node: VariableNode, *_args: object) -> None:
        if _PLACEHOLDER.match(node.name.value):
            self.variables.add(node.name.value)

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_args: object) -> None:
        self.spreads.add(node.name.value)


def _scan(node: object) -> _Placeholders:
    found = _Placeholders()
    visit(node, found)  # type: ignore[arg-type]
    return found


def _definition(name: str) -> VariableDefinitionNode:
    float_list = ListTypeNode(type=NonNullTypeNode(type=NamedTypeNode(name=NameNode(value="Float"))))
    return VariableDefinitionNode(
        variable=VariableNode(name=NameNode(value=name)), type=NonNullTypeNode(type=float_list), directives=()
    )


def as_literal_vectors(document: DocumentNode) -> DocumentNode:
    """A validated document with its placeholder variables declared as LITERAL_VECTOR (see the module doc)."""
    literal = NonNullTypeNode(type=NamedTypeNode(name=NameNode(value=LITERAL_VECTOR.name)))
    definitions = []
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode) and definition.variable_definitions:
            variables = tuple(
                dataclasses.replace(v, type=literal) if _PLACEHOLDER.match(v.variable.name.value) else v
                for v in definition.variable_definitions
            )
            definition = dataclasses.replace(definition, variable_definitions=variables)
        definitions.append(definition)
    return dataclasses.replace(document, definitions=tuple(definitions))


def declare_vector_variables(document: DocumentNode) -> DocumentNode:
    """Add a variable definition to each operation for the placeholders it uses (through fragments too)."""
    fragments = {
        d.name.value: _scan(d) for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    definitions = []
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            found = _scan(definition)
            used = set(found.variables)
            pending, seen = list(found.spreads), set()
            while pending:
                name = pending.pop()
                if name in seen or name not in fragments:
                    continue
                seen.add(name)
                used |= fragments[name].variables
                pending.extend(fragments[name].spreads)
            declared = {v.variable.name.value for v in definition.variable_definitions or ()}
            used -= declared
            if used:
                extra = tuple(_definition(n) for n in sorted(used, key=lambda n: int(n[len(PREFIX) :])))
                definition = dataclasses.replace(
                    definition, variable_definitions=(*(definition.variable_definitions or ()), *extra)
                )
        definitions.append(definition)
    return dataclasses.replace(document, definitions=tuple(definitions))
