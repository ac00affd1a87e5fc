"""Python values to the JSON forms the server stores, and the stored forms back to Python values."""

from __future__ import annotations

import datetime as dt
import uuid as uuidlib
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np


def rfc3339(value: dt.datetime | dt.date) -> str:
    """A datetime as RFC3339; a naive datetime is taken as UTC, a date as its midnight UTC."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def json_value(value: Any) -> Any:
    """A property value in its JSON form: datetimes as RFC3339, uuids as text, numpy as plain numbers."""
    if isinstance(value, str | bool | int | float) or value is None:
        return value
    if isinstance(value, dt.datetime | dt.date):
        return rfc3339(value)
    if isinstance(value, uuidlib.UUID):
        return str(value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Mapping):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        return [json_value(v) for v in value]
    return value


def json_properties(properties: Mapping[str, Any] | None) -> dict[str, Any]:
    if properties is None:
        return {}
    if not isinstance(properties, Mapping):
        raise TypeError(
            f"properties must be a dict of property name to value, not {type(properties).__name__}"
        )
    return {str(k): json_value(v) for k, v in properties.items()}


def as_uuid(value: str | uuidlib.UUID) -> str:
    """A uuid in canonical text form; ValueError names the bad value."""
    try:
        return str(value if isinstance(value, uuidlib.UUID) else uuidlib.UUID(str(value)))
    except ValueError:
        raise ValueError(f"{value!r} is not a valid uuid") from None


def float_vector(vector: Any, what: str = "vector") -> np.ndarray:
    """A flat float32 array; TypeError/ValueError say what is wrong with the input."""
    if isinstance(vector, str | bytes | Mapping):
        raise TypeError(f"{what} must be a list or numpy array of numbers, not {type(vector).__name__}")
    array = np.asarray(vector, dtype=np.float32)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"{what} must be a flat, non-empty list of numbers (got shape {array.shape})")
    if not np.isfinite(array).all():
        raise ValueError(f"{what} contains NaN or infinity")
    return array


def object_vectors(vector: Any) -> tuple[np.ndarray | None, dict[str, np.ndarray] | None]:
    """(single vector, named vectors) from a list/array, or a {name: vector} dict for named vectors."""
    if vector is None:
        return None, None
    if isinstance(vector, Mapping):
        return None, {str(name): float_vector(v, f"vector {name!r}") for name, v in vector.items()}
    return float_vector(vector), None


def ms_to_datetime(ms: Any) -> dt.datetime | None:
    if ms is None or ms == "":
        return None
    return dt.datetime.fromtimestamp(int(ms) / 1000, tz=dt.UTC)
