"""vectordb: a Weaviate-compatible vector database, embedded or as a server.

`vectordb.connect(url)` talks to a server over HTTP; `vectordb.open(path)` runs the database in this process.
Both return a `vectordb.client.Client` with the same API.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

    from vectordb.client import Client

__version__ = "0.1.0"  # the one home of the package version; pyproject.toml reads it from here

DEFAULT_TIMEOUT = 60.0

log = logging.getLogger(__name__)


def connect(
    url: str,
    headers: dict[str, str] | None = None,
    api_key: str | None = None,
    timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
) -> Client:
    """A client for the server at `url`. `headers` carry module secrets (X-OpenAI-Api-Key, ...);
    `api_key` is sent as a Bearer token. Fails at once when the server cannot be reached."""
    from vectordb.client import Client
    from vectordb.client.http import HttpTransport

    transport = HttpTransport(url, headers=headers, api_key=api_key, timeout=timeout)
    try:
        transport.meta()
    except Exception:
        transport.close()
        raise
    return Client(transport)


def _env_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return str(value)


def _default_to_the_local_model(env: dict[str, str]) -> None:
    from vectordb.config import LOCAL_MODEL_DEFAULTS

    # An empty value counts as unset, as `make serve`'s ${VAR:-default} does.
    defaulted = {k: v for k, v in LOCAL_MODEL_DEFAULTS.items() if not env.get(k, "").strip()}
    if not defaulted:
        return
    env.update(defaulted)
    log.info(
        "vectordb.open: the local model is on by default (%s); pass DEFAULT_VECTORIZER_MODULE='none' to store "
        "only the vectors you bring",
        ", ".join(f"{k}={v}" for k, v in defaulted.items()),
    )


def open(  # noqa: A001 - the public name
    path: str | os.PathLike[str], headers: dict[str, str] | None = None, **env_settings: Any
) -> Client:
    """A client on a database stored in `path`, running in this process; closing the client closes it.

    Settings come from the environment (Weaviate's variable names) with `env_settings` laid over it, e.g.
    `vectordb.open("./data", ENABLE_MODULES="text2vec-openai", QUERY_MAXIMUM_RESULTS=5000)`. `headers` go to
    modules as a server's X- request headers would (X-Openai-Api-Key, ...). Unless they are set, ENABLE_MODULES
    and DEFAULT_VECTORIZER_MODULE default to the local model as under `make serve` (config.LOCAL_MODEL_DEFAULTS):
    collections that name no vectorizer embed their text in-process. `DEFAULT_VECTORIZER_MODULE="none"` keeps
    only the vectors you bring.
    """
    from storage.errors import DataDirLocked
    from vectordb.client import Client
    from vectordb.client.embedded import EmbeddedTransport
    from vectordb.config import Settings
    from vectordb.database import Database

    env = {**os.environ, **{str(k): _env_value(v) for k, v in env_settings.items()}}
    env["PERSISTENCE_DATA_PATH"] = str(Path(path))
    _default_to_the_local_model(env)
    try:
        db = Database(Settings.from_env(env))
    except DataDirLocked as exc:
        raise DataDirLocked(exc.path, exc.pid, hint=(
            "; to use the data of a running server, connect to it with vectordb.connect(url)"
        )) from None
    return Client(EmbeddedTransport(db, headers=headers))


__all__ = ["__version__", "connect", "open"]
