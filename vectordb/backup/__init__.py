"""Backups and restores of collections to the backup-filesystem and backup-s3 backends (Weaviate's
/v1/backups/{backend} API); `Backups` is what the Database holds."""

from vectordb.backup.manager import Backups

__all__ = ["Backups"]
