"""The disk under the data: free space, telling a full disk from other write errors, files with real blocks."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from storage.errors import StorageFull

# A failed write on a device with less than this free is taken for a full disk: LMDB reports a short write
# as EIO, not ENOSPC, and a full disk rarely reads exactly 0 bytes free by the time the error is seen.
NEARLY_FULL_BYTES = 16 << 20
_FULL_ERRNOS = (errno.ENOSPC, errno.EDQUOT)


def free_bytes(path: Path) -> int:
    """Bytes this process may still write on the device holding `path` (root may use reserved blocks too)."""
    st = os.statvfs(_existing(path))
    blocks = st.f_bfree if os.geteuid() == 0 else st.f_bavail
    return blocks * st.f_frsize


def _existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def full_disk(path: Path, exc: BaseException) -> StorageFull | None:
    """A StorageFull for `exc` when the device holding `path` is (nearly) full, else None."""
    free = free_bytes(path)
    said_full = getattr(exc, "errno", None) in _FULL_ERRNOS or "No space left" in str(exc)
    if said_full or free < NEARLY_FULL_BYTES:
        return StorageFull(path, free, exc)
    return None


def preallocate(path: Path, size: int) -> None:
    """Make `path` at least `size` bytes of allocated blocks (not a sparse hole).

    A file that a process writes through a shared memory map must not be sparse: on a full tmpfs the first
    touch of a hole is a SIGBUS that kills the process, where posix_fallocate fails cleanly with ENOSPC.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        os.posix_fallocate(fd, 0, size)
    except OSError as exc:
        if exc.errno in _FULL_ERRNOS:
            raise StorageFull(path, free_bytes(path), exc) from None
        if exc.errno not in (errno.EOPNOTSUPP, errno.EINVAL):
            raise
        # This filesystem cannot preallocate; it also has no tmpfs-style holes to fault on.
    finally:
        os.close(fd)
