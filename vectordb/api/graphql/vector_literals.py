"""Vector literals become variables before parsing, so vector queries are parsed and validated once.

A client writes the query vector into the query text (`nearVector: {vector: [0.12, -0.4, ...]}`). Parsing and
validating a 1536-number list costs tens of milliseconds, and every such query text is new, so the document
cache would never hit. Each `vector: [numbers]` literal is therefore cut out of the text and replaced by a
variable reference; the operation gets a matching `[Float!]!` variable definition and the numbers travel as
that variable's value. Queries that differ only in their vectors then share one cached document, and the
schema keeps Weaviate's `vector: [Float]` type.
"""

from __future__ import annotations

import dataclasses
import re

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
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


def variable_name(index: int) -> str:
    return f"{PREFIX}{index}"


def extract_vectors(query: str) -> tuple[str, list[list[float]]]:
    """The query with each `vector: [numbers]` literal replaced by `$<PREFIX><i>`, and the vectors."""
    if "vector" not in query:
        return query, []
    parts: list[str] = []
    vectors: list[list[float]] = []
    for match in _SCAN.finditer(query):
        if match.group("key") is not None:
            parts.append(f"{match.group('key')}${variable_name(len(vectors))}")
            vectors.append([float(n) for n in _NUMBER_RE.findall(match.group("numbers"))])
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
