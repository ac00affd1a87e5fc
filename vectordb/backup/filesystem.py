"""backup-filesystem: backups in a directory of this machine (BACKUP_FILESYSTEM_PATH)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from storage.hnsw import fsync_dir
from vectordb.backup.backends import Location
from vectordb.config import ConfigError

DESCRIPTOR = "backup_config.json"


class FilesystemBackend:
    name = "backup-filesystem"

    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> FilesystemBackend:
        raw = (env.get("BACKUP_FILESYSTEM_PATH") or "").strip()
        # Weaviate's start-up messages for the module
        if not raw:
            raise ConfigError("init backup backend: empty backup path provided (BACKUP_FILESYSTEM_PATH)")
        root = Path(os.path.normpath(raw))
        if not root.is_absolute():
            raise ConfigError(f"init backup backend: relative backup path provided (BACKUP_FILESYSTEM_PATH={raw})")
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"init backup backend: invalid backup path provided: make backups dir: {exc}") from exc
        return cls(root)

    def _dir(self, backup_id: str, where: Location) -> Path:
        return (Path(where.path) if where.path else self.root) / backup_id

    def home(self, backup_id: str, where: Location) -> str:
        return str(self._dir(backup_id, where))

    def read(self, backup_id: str, key: str, where: Location) -> bytes | None:
        try:
            return (self._dir(backup_id, where) / key).read_bytes()
        except FileNotFoundError:
            return None

    def write(self, backup_id: str, key: str, data: bytes, where: Location) -> None:
        def fill(tmp: Path) -> None:
            tmp.write_bytes(data)

        self._place(self._dir(backup_id, where) / key, fill)

    def upload(self, backup_id: str, key: str, source: Path, where: Location) -> None:
        self._place(self._dir(backup_id, where) / key, lambda tmp: shutil.copyfile(source, tmp))

    def download(self, backup_id: str, key: str, target: Path, where: Location) -> None:
        source = self._dir(backup_id, where) / key
        if not source.is_file():
            raise FileNotFoundError(f"{source} is missing from the backup")
        shutil.copyfile(source, target)

    def delete(self, backup_id: str, key: str, where: Location) -> None:
        (self._dir(backup_id, where) / key).unlink(missing_ok=True)

    def backup_ids(self) -> list[str]:
        return sorted(child.name for child in self.root.iterdir() if (child / DESCRIPTOR).is_file())

    def meta(self) -> dict[str, str]:
        return {"backupsPath": str(self.root)}

    def _place(self, target: Path, fill: Callable[[Path], object]) -> None:
        """Write through a temp file renamed into place, synced: a crash leaves the old file or the new one."""
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        os.close(fd)
        tmp = Path(name)
        try:
            fill(tmp)
            with open(tmp, "rb+") as f:
                os.fsync(f.fileno())
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        fsync_dir(target.parent)
