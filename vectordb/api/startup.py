"""Where the server listens, and the one block it logs at start-up."""

from __future__ import annotations

from collections.abc import Mapping

from vectordb import __version__
from vectordb.database import Database


def listen_url(host: str, port: int, scheme: str = "http") -> str:
    """`http://127.0.0.1:8080`, `http://[::]:8080`: the form Weaviate's /v1/meta `hostname` has."""
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"{scheme}://{shown}:{port}"


def _auth(db: Database) -> str:
    settings = db.settings
    if not settings.apikey_enabled:
        return "off (anonymous access)"
    keys, users = len(settings.apikey_allowed_keys), len(set(settings.apikey_users))
    anonymous = "on" if settings.anonymous_access_enabled else "off"
    return f"API keys on ({keys} key(s), {users} user(s)), anonymous access {anonymous}"


def startup_report(db: Database, listening: Mapping[str, str]) -> str:
    """`listening` maps each face to its URL ({"REST": ..., "gRPC": ...}); every face the server runs is named."""
    modules = ", ".join(sorted(db.modules.enabled())) or "none"
    lines = [f"vectordb {__version__} serving"]
    lines += [f"  {face + ':':<9}{url}" for face, url in listening.items()]
    lines += [f"  {'auth:':<9}{_auth(db)}", f"  {'modules:':<9}{modules}",
              f"  {'data:':<9}{db.settings.data_path.resolve()}"]
    return "\n".join(lines)
