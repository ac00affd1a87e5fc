"""Custom scalars: where-filter values (one value or a list), 64-bit ints, and a lenient enum-or-string.

Weaviate's where input lets each `valueX` carry either a single value or a list (used by
ContainsAny/All/None); GraphQL's built-in scalars cannot, so each value kind is its own scalar that checks
the literal itself.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from graphql import (
    BooleanValueNode,
    EnumValueNode,
    FloatValueNode,
    GraphQLError,
    GraphQLScalarType,
    IntValueNode,
    ListValueNode,
    StringValueNode,
    ValueNode,
    VariableNode,
    value_from_ast_untyped,
)


def _variable(node: VariableNode, variables: dict[str, Any] | None) -> Any:
    name = node.name.value
    if not variables or name not in variables:
        raise GraphQLError(f"variable ${name} is not defined", node)
    return variables[name]


def _value_scalar(
    name: str,
    kind: str,
    from_literal: Callable[[ValueNode], Any],
    from_python: Callable[[Any], Any],
    lenient_string_list: bool = False,
) -> GraphQLScalarType:
    def one_value(value: Any) -> Any:
        try:
            return from_python(value)
        except (TypeError, ValueError):
            raise GraphQLError(f"{name}: expected {kind} (or a list of them), got {value!r}") from None

    def parse_value(value: Any) -> Any:
        if isinstance(value, list):
            return [one_value(v) for v in value]
        return one_value(value)

    def one_literal(node: ValueNode, variables: dict[str, Any] | None) -> Any:
        if isinstance(node, VariableNode):
            return one_value(_variable(node, variables))
        value = from_literal(node)
        if value is None:
            raise GraphQLError(f"{name}: expected {kind} (or a list of them)", node)
        return value

    def parse_literal(node: ValueNode, variables: dict[str, Any] | None = None) -> Any:
        if isinstance(node, ListValueNode):
            return [one_literal(item, variables) for item in node.values]
        if isinstance(node, VariableNode):
            return parse_value(_variable(node, variables))
        value = one_literal(node, variables)
        if lenient_string_list and isinstance(value, str):
            return _python_list_string(value)
        return value

    return GraphQLScalarType(
        name,
        description=f"A where-filter {kind} value, or a list of them",
        serialize=lambda value: value,
        parse_value=parse_value,
        parse_literal=parse_literal,
    )


def _python_list_string(value: str) -> str | list[str]:
    """The v3 client renders a date list as the Python repr of the list inside one string; unwrap that."""
    text = value.strip()
    if not (text.startswith("[") and text.endswith("]")):
        return value
    try:
        parsed = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return value
    if isinstance(parsed, list) and all(isinstance(v, str) for v in parsed):
        return parsed
    return value


def _string_literal(node: ValueNode) -> str | None:
    return node.value if isinstance(node, StringValueNode) else None


def _int_literal(node: ValueNode) -> int | None:
    return int(node.value) if isinstance(node, IntValueNode) else None


def _number_literal(node: ValueNode) -> float | None:
    return float(node.value) if isinstance(node, IntValueNode | FloatValueNode) else None


def _bool_literal(node: ValueNode) -> bool | None:
    return node.value if isinstance(node, BooleanValueNode) else None


def _python_string(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not a string")
    return value


def _python_int(value: Any) -> int:
    if isinstance(value, bool):
        raise TypeError("not an int")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if not isinstance(value, int):
        raise TypeError("not an int")
    return value


def _python_number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError("not a number")
    return float(value)


def _python_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError("not a boolean")
    return value


VALUE_TEXT = _value_scalar("WhereValueText", "a string", _string_literal, _python_string)
VALUE_STRING = _value_scalar("WhereValueString", "a string", _string_literal, _python_string)
VALUE_DATE = _value_scalar(
    "WhereValueDate", "an RFC3339 date string", _string_literal, _python_string, lenient_string_list=True
)
VALUE_INT = _value_scalar("WhereValueInt", "an integer", _int_literal, _python_int)
VALUE_NUMBER = _value_scalar("WhereValueNumber", "a number", _number_literal, _python_number)
VALUE_BOOLEAN = _value_scalar("WhereValueBoolean", "a boolean", _bool_literal, _python_bool)


def _serialize_int64(value: Any) -> int:
    if isinstance(value, bool):
        raise GraphQLError(f"Int64 cannot represent a boolean: {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            pass
    raise GraphQLError(f"Int64 cannot represent a non-integer value: {value!r}")


def _parse_int64_literal(node: ValueNode, variables: dict[str, Any] | None = None) -> int:
    if isinstance(node, IntValueNode):
        return int(node.value)
    raise GraphQLError("Int64: expected an integer", node)


# GraphQL's Int is 32-bit; Weaviate's int properties are 64-bit, so they get a scalar without that bound.
INT64 = GraphQLScalarType(
    "Int64",
    description="A 64-bit integer (property values of dataType int)",
    serialize=_serialize_int64,
    parse_value=_python_int,
    parse_literal=_parse_int64_literal,
)


def _search_operator(value: Any) -> str:
    if isinstance(value, str):
        for name in ("And", "Or"):
            if value.lower() == name.lower():
                return name
    raise GraphQLError(f"searchOperator.operator must be And or Or, got {value!r}")


def _parse_search_operator_literal(node: ValueNode, variables: dict[str, Any] | None = None) -> str:
    if isinstance(node, VariableNode):
        return _search_operator(_variable(node, variables))
    if isinstance(node, EnumValueNode | StringValueNode):
        return _search_operator(node.value)
    raise GraphQLError("searchOperator.operator must be And or Or", node)


# Written both ways in the wild (`operator: And` and `operator: "And"`), so both are accepted.
SEARCH_OPERATOR = GraphQLScalarType(
    "SearchOperatorValue",
    description="And | Or (unquoted or quoted)",
    serialize=lambda value: value,
    parse_value=_search_operator,
    parse_literal=_parse_search_operator_literal,
)


def _object_scalar(name: str, description: str) -> GraphQLScalarType:
    """An object literal whose keys are names the schema does not know in advance (target vector names)."""

    def parse_value(value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise GraphQLError(f"{name} must be an object, got {value!r}")
        return value

    def parse_literal(node: ValueNode, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        return parse_value(value_from_ast_untyped(node, variables))

    return GraphQLScalarType(name, description=description, serialize=lambda value: value,
                             parse_value=parse_value, parse_literal=parse_literal)


VECTOR_PER_TARGET = _object_scalar("VectorPerTarget", "target vector name -> the query vector for it")
TARGET_WEIGHTS = _object_scalar("TargetWeights", "target vector name -> its weight (or a list of weights)")
