"""Where backups go: the backends ENABLE_MODULES turns on (backup-filesystem, backup-s3), by Weaviate's names.

A backend stores named objects under a backup's home (`<root>/<backup id>/<key>`): small JSON descriptors
written whole, and class archives moved from a local file. A request may name another bucket or path
(`config.Bucket`, `config.Path`), as Weaviate's clients allow.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from vectordb.errors import UserError

# the URL names of each backend module (Weaviate's module name and its alternative name)
ALIASES = {"backup-filesystem": "backup-filesystem", "filesystem": "backup-filesystem",
           "backup-s3": "backup-s3", "s3": "backup-s3"}


@dataclass(frozen=True)
class Location:
    """A request's own bucket and path, overriding the backend's settings when given."""

    bucket: str = ""
    path: str = ""


class Backend(Protocol):
    name: str

    def home(self, backup_id: str, where: Location) -> str:
        """The backup's address as Weaviate reports it (`/backups/b1`, `s3://bucket/path/b1`)."""
        ...

    def read(self, backup_id: str, key: str, where: Location) -> bytes | None:
        """The object's bytes, or None when there is none."""
        ...

    def write(self, backup_id: str, key: str, data: bytes, where: Location) -> None:
        """Store the bytes whole: a reader sees the old object or the new one, never a part."""
        ...

    def upload(self, backup_id: str, key: str, source: Path, where: Location) -> None: ...

    def download(self, backup_id: str, key: str, target: Path, where: Location) -> None: ...

    def delete(self, backup_id: str, key: str, where: Location) -> None: ...

    def backup_ids(self) -> list[str]:
        """Every backup id under the default location that has a descriptor."""
        ...

    def meta(self) -> dict[str, str]:
        """What /v1/meta shows for the module."""
        ...


def from_env(env: Mapping[str, str]) -> dict[str, Backend]:
    """The backends ENABLE_MODULES names, built and checked now: a bad setting stops the start (ConfigError)."""
    names = {name.strip() for name in (env.get("ENABLE_MODULES") or "").split(",")}
    found: dict[str, Backend] = {}
    if "backup-filesystem" in names:
        from vectordb.backup.filesystem import FilesystemBackend

        found["backup-filesystem"] = FilesystemBackend.from_env(env)
    if "backup-s3" in names:
        from vectordb.backup.s3 import S3Backend

        found["backup-s3"] = S3Backend.from_env(env)
    return found


def pick(backends: Mapping[str, Backend], name: str, noun: str = "backend") -> Backend:
    """The backend a URL names; Weaviate's 422 when its module is not on."""
    backend = backends.get(ALIASES.get(name, name))
    if backend is None:
        module = ALIASES.get(name, f"backup-{name}")
        raise UserError(f'no backup {noun} "{name}": backup: {name} not found, did you enable the right module? '
                        f"(ENABLE_MODULES={module})")
    return backend
