"""/v1/backups/{backend}: the bodies and answers of Weaviate's backup API."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from vectordb.api.models.common import Model

Status = Literal["STARTED", "TRANSFERRING", "TRANSFERRED", "FINALIZING", "SUCCESS", "FAILED", "CANCELLING",
                 "CANCELED"]
Level = Literal["DefaultCompression", "BestSpeed", "BestCompression", "ZstdBestSpeed", "ZstdDefaultCompression",
                "ZstdBestCompression", "NoCompression"]


class BackupConfig(Model):
    CompressionLevel: Level | None = None
    CPUPercentage: int | None = Field(default=None, description="accepted; a backup runs in one thread")
    Bucket: str | None = Field(default=None, description="another bucket than BACKUP_S3_BUCKET")
    Path: str | None = Field(default=None, description="another path than the backend's")


class BackupCreateRequest(Model):
    id: str = Field(pattern="^[a-z0-9_-]+$")
    include: list[str] | None = Field(default=None, description="classes to back up (`*`, `?` wildcards)")
    exclude: list[str] | None = None
    config: BackupConfig | None = None


class BackupCreateResponse(Model):
    id: str
    backend: str
    classes: list[str]
    path: str
    bucket: str | None = None
    status: Status


class BackupCreateStatusResponse(Model):
    id: str
    backend: str
    path: str
    status: Status
    error: str | None = None
    startedAt: str | None = None
    completedAt: str | None = None
    size: float = Field(default=0, description="GiB before compression")


class BackupListItem(Model):
    id: str
    classes: list[str]
    status: Status
    startedAt: str | None = None
    completedAt: str | None = None
    size: float = 0


class BackupRestoreRequest(Model):
    include: list[str] | None = None
    exclude: list[str] | None = None
    config: BackupConfig | None = None


class BackupRestoreResponse(Model):
    id: str
    backend: str
    classes: list[str]
    path: str
    status: Status


class BackupRestoreStatusResponse(Model):
    id: str
    backend: str
    path: str
    status: Status
    error: str | None = None
