"""Every setting, read once from the environment under Weaviate's variable names."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "enabled"}


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"environment variable {name} must be an integer, got {raw!r}") from exc


def _list(value: str | None) -> list[str]:
    return [item.strip() for item in (value or "").split(",") if item.strip()]


@dataclass(frozen=True)
class Settings:
    data_path: Path = Path("./data")
    query_defaults_limit: int = 10
    query_defaults_limit_graphql: int = 100
    query_maximum_results: int = 10000
    query_hybrid_maximum_results: int = 100
    autoschema_enabled: bool = True
    default_vectorizer_module: str = "none"
    default_vector_distance_metric: str = "cosine"
    lowercase_vectorization_input: bool = False
    apikey_enabled: bool = False
    apikey_allowed_keys: tuple[str, ...] = ()
    apikey_users: tuple[str, ...] = ()
    anonymous_access_enabled: bool = True
    max_request_body_bytes: int = 256 << 20
    hnsw_snapshot_interval_seconds: int = 60
    env: Mapping[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        env = dict(os.environ if env is None else env)
        apikey_enabled = _bool(env.get("AUTHENTICATION_APIKEY_ENABLED"), False)
        settings = cls(
            data_path=Path(env.get("PERSISTENCE_DATA_PATH") or "./data"),
            query_defaults_limit=_int(env, "QUERY_DEFAULTS_LIMIT", 10),
            query_defaults_limit_graphql=_int(env, "QUERY_DEFAULTS_LIMIT_GRAPHQL", 100),
            query_maximum_results=_int(env, "QUERY_MAXIMUM_RESULTS", 10000),
            query_hybrid_maximum_results=_int(env, "QUERY_HYBRID_MAXIMUM_RESULTS", 100),
            autoschema_enabled=_bool(env.get("AUTOSCHEMA_ENABLED"), True),
            default_vectorizer_module=env.get("DEFAULT_VECTORIZER_MODULE") or "none",
            default_vector_distance_metric=env.get("DEFAULT_VECTOR_DISTANCE_METRIC") or "cosine",
            lowercase_vectorization_input=_bool(env.get("LOWERCASE_VECTORIZATION_INPUT"), False),
            apikey_enabled=apikey_enabled,
            apikey_allowed_keys=tuple(_list(env.get("AUTHENTICATION_APIKEY_ALLOWED_KEYS"))),
            apikey_users=tuple(_list(env.get("AUTHENTICATION_APIKEY_USERS"))),
            # Weaviate turns anonymous access off by default once an authentication scheme is on.
            anonymous_access_enabled=_bool(
                env.get("AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED"), not apikey_enabled
            ),
            max_request_body_bytes=_int(env, "VECTORDB_MAX_REQUEST_BODY_BYTES", 256 << 20),
            hnsw_snapshot_interval_seconds=_int(env, "VECTORDB_HNSW_SNAPSHOT_INTERVAL_SECONDS", 60),
            env=env,
        )
        return replace(settings, **overrides) if overrides else settings
