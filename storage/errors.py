"""Errors raised by the storage layer."""


class StorageError(Exception):
    """Storage could not do what was asked; the message says why."""
