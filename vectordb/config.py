"""Every setting, read once from the environment under Weaviate's variable names."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

#: What `vectordb.open()` and `make serve` turn on when the environment names no modules (as Chroma's default
#: embedding function): the local all-MiniLM-L6-v2 model, in-process, no network and no key.
LOCAL_MODEL_DEFAULTS: Mapping[str, str] = {
    "ENABLE_MODULES": "text2vec-transformers,reranker-transformers",
    "DEFAULT_VECTORIZER_MODULE": "text2vec-transformers",
}


class ConfigError(ValueError):
    """A setting the server refuses to start with; auth messages are Weaviate's own."""


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
        raise ConfigError(f"environment variable {name} must be an integer, got {raw!r}") from exc


def _header(env: Mapping[str, str], name: str, default: str) -> str:
    """A value sent as an HTTP header on every answer: refused here rather than failing each request."""
    value = env.get(name) or default
    if not value.isascii() or not value.isprintable():
        raise ConfigError(f"environment variable {name} must be printable ASCII (it is sent as an HTTP header)")
    return value


def _items(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """A comma list kept whole (empty items included) so the auth checks see what Weaviate sees."""
    raw = env.get(name)
    return () if raw is None else tuple(item.strip() for item in raw.split(","))


# Auth schemes Weaviate has and this server does not: ignoring one would leave the server more open than configured.
_UNSUPPORTED_AUTH = {
    "AUTHENTICATION_OIDC_ENABLED": "OIDC authentication",
    "AUTHENTICATION_DB_USERS_ENABLED": "database users",
    "AUTHORIZATION_ENABLE_RBAC": "RBAC authorization",
    "AUTHORIZATION_RBAC_ENABLED": "RBAC authorization",
}


def _check_auth(env: Mapping[str, str], keys: tuple[str, ...], users: tuple[str, ...], anonymous: bool) -> None:
    """Weaviate's start-up checks of AUTHENTICATION_* (usecases/config and its static API-key client)."""
    for name, what in _UNSUPPORTED_AUTH.items():
        if _bool(env.get(name), False):
            raise ConfigError(f"invalid config: {name} is on, but this server does not support {what}; "
                              "use AUTHENTICATION_APIKEY_* instead")
    apikey = _bool(env.get("AUTHENTICATION_APIKEY_ENABLED"), False)
    if not apikey and not anonymous:
        raise ConfigError("invalid config: no authentication scheme configured, you must select at least one")
    if not apikey:
        return
    if not keys:
        raise ConfigError("invalid apikey config: need at least one valid allowed key")
    if any(not key for key in keys):
        raise ConfigError("invalid apikey config: keys cannot have length 0")
    if len(set(keys)) != len(keys):
        raise ConfigError("invalid apikey config: keys must be unique")
    if not users:
        raise ConfigError("invalid apikey config: need at least one user")
    if any(not user for user in users):
        raise ConfigError("invalid apikey config: users cannot have length 0")
    if len(users) > 1 and len(users) != len(keys):
        raise ConfigError("invalid apikey config: length of users and keys must match, "
                          "alternatively provide single user for all keys")


# Weaviate's defaults for CORS_ALLOW_HEADERS: the headers its clients and modules send.
CORS_ALLOW_HEADERS = (
    "Content-Type, Authorization, Batch, X-Openai-Api-Key, X-Openai-Organization, X-Openai-Baseurl, "
    "X-Anyscale-Baseurl, X-Anyscale-Api-Key, X-Cohere-Api-Key, X-Cohere-Baseurl, X-Huggingface-Api-Key, "
    "X-Azure-Api-Key, X-Azure-Deployment-Id, X-Azure-Resource-Name, X-Azure-Concurrency, X-Azure-Block-Size, "
    "X-Google-Api-Key, X-Google-Vertex-Api-Key, X-Google-Studio-Api-Key, X-Goog-Api-Key, X-Goog-Vertex-Api-Key, "
    "X-Goog-Studio-Api-Key, X-Palm-Api-Key, X-Jinaai-Api-Key, X-Aws-Access-Key, X-Aws-Secret-Key, "
    "X-Voyageai-Baseurl, X-Voyageai-Api-Key, X-Mistral-Baseurl, X-Mistral-Api-Key, X-Anthropic-Baseurl, "
    "X-Anthropic-Api-Key, X-Databricks-Endpoint, X-Databricks-Token, X-Databricks-User-Agent, X-Friendli-Token, "
    "X-Friendli-Baseurl, X-Weaviate-Api-Key, X-Weaviate-Cluster-Url, X-Weaviate-Client, X-Nvidia-Api-Key, "
    "X-Nvidia-Baseurl, X-ContextualAI-Baseurl, X-ContextualAI-Api-Key, X-Digitalocean-Baseurl, "
    "X-Digitalocean-Api-Key, X-Deepseek-Baseurl, X-Deepseek-Api-Key, X-Twelvelabs-Baseurl, X-Twelvelabs-Api-Key"
)


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    """A duration in seconds, written as a number ("60") or as Weaviate writes durations ("60s", "500ms", "2m")."""
    raw = (env.get(name) or "").strip().lower()
    if not raw:
        return default
    number = raw
    for suffix, scale in (("ms", 0.001), ("s", 1.0), ("m", 60.0), ("h", 3600.0)):
        if raw.endswith(suffix):
            number, unit = raw[: -len(suffix)], scale
            break
    else:
        unit = 1.0
    try:
        seconds = float(number) * unit
    except ValueError:
        seconds = -1.0
    if not seconds >= 0 or seconds == float("inf"):
        raise ConfigError(f"environment variable {name} must be a duration such as 60, 60s or 500ms, got {raw!r}")
    return seconds


def _adminlist(env: Mapping[str, str]) -> tuple[bool, tuple[str, ...], tuple[str, ...]]:
    """AUTHORIZATION_ADMINLIST_*: (enabled, admin users, read-only users), with Weaviate's start-up check."""
    if not _bool(env.get("AUTHORIZATION_ADMINLIST_ENABLED"), False):
        return False, (), ()
    admins = _items(env, "AUTHORIZATION_ADMINLIST_USERS")
    readonly = _items(env, "AUTHORIZATION_ADMINLIST_READONLY_USERS")
    for user in admins:
        if user in readonly:
            raise ConfigError("invalid config: authorization adminlist: admin list: subject "
                              f"'{user}' is present on both admin and read-only list")
    return True, admins, readonly


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
    adminlist_enabled: bool = False
    adminlist_users: tuple[str, ...] = ()
    adminlist_readonly_users: tuple[str, ...] = ()
    max_request_body_bytes: int = 256 << 20
    cors_allow_origin: str = "*"
    cors_allow_methods: str = "*"
    cors_allow_headers: str = CORS_ALLOW_HEADERS
    hnsw_snapshot_interval_seconds: int = 60
    # Weaviate has no query timeout of its own; its HTTP --write-timeout (60s) bounds a request, so the same.
    query_timeout_seconds: float = 60.0
    # Tenant stores kept open at once (each an LMDB environment and its vector indexes); the file limit may
    # lower it (vectordb/tenants/stores.py).
    tenant_stores_open: int = 128
    env: Mapping[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        env = dict(os.environ if env is None else env)
        apikey_enabled = _bool(env.get("AUTHENTICATION_APIKEY_ENABLED"), False)
        keys = _items(env, "AUTHENTICATION_APIKEY_ALLOWED_KEYS")
        users = _items(env, "AUTHENTICATION_APIKEY_USERS")
        # Weaviate turns anonymous access off by default once an authentication scheme is on.
        anonymous = _bool(env.get("AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED"), not apikey_enabled)
        _check_auth(env, keys, users, anonymous)
        adminlist, admins, readonly = _adminlist(env)
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
            apikey_allowed_keys=keys if apikey_enabled else (),
            apikey_users=users if apikey_enabled else (),
            anonymous_access_enabled=anonymous,
            adminlist_enabled=adminlist,
            adminlist_users=admins,
            adminlist_readonly_users=readonly,
            max_request_body_bytes=_int(env, "VECTORDB_MAX_REQUEST_BODY_BYTES", 256 << 20),
            cors_allow_origin=_header(env, "CORS_ALLOW_ORIGIN", "*"),
            cors_allow_methods=_header(env, "CORS_ALLOW_METHODS", "*"),
            cors_allow_headers=_header(env, "CORS_ALLOW_HEADERS", CORS_ALLOW_HEADERS),
            hnsw_snapshot_interval_seconds=_int(env, "VECTORDB_HNSW_SNAPSHOT_INTERVAL_SECONDS", 60),
            query_timeout_seconds=_seconds(env, "VECTORDB_QUERY_TIMEOUT", 60.0),
            tenant_stores_open=max(1, _int(env, "VECTORDB_TENANT_STORES_OPEN", 128)),
            env=env,
        )
        return replace(settings, **overrides) if overrides else settings
