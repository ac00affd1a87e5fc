"""Taking the pages of LMDB's memory map out of this process once a bulk read of vectors is done.

LMDB serves every read straight from its shared, read-only map of the data file, and a read fault maps the
whole 64 KiB of cached file around the page it needs (the kernel's fault-around, which MADV_RANDOM does not
turn off): an exact scan or a rescoring that reads a thousand scattered vectors maps most of the file into
this process. madvise(MADV_DONTNEED) on that shared file mapping unmaps the pages and loses nothing: they stay
in the kernel's page cache, as the pages of a file read with pread do, and a later read maps them again.
Linux only; elsewhere release() does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import sys
from pathlib import Path

log = logging.getLogger(__name__)

_MADV_DONTNEED = 4
_madvise = None
if sys.platform.startswith("linux"):
    _libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    _madvise = _libc.madvise
    _madvise.argtypes = (ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int)
    _madvise.restype = ctypes.c_int


def file_map(path: Path) -> tuple[int, int] | None:
    """The [start, end) addresses of this process's one shared read-only map of the file at ``path``, or None
    when there is not exactly one (or no way to tell)."""
    if _madvise is None:
        return None
    st = os.stat(path)
    found = []
    with open("/proc/self/maps") as maps:
        for line in maps:
            fields = line.split(maxsplit=5)
            if len(fields) < 6 or fields[1] != "r--s" or int(fields[4]) != st.st_ino:
                continue
            if os.path.realpath(fields[5].rstrip("\n")) != os.path.realpath(path):
                continue
            start, end = (int(a, 16) for a in fields[0].split("-"))
            found.append((start, end))
    return found[0] if len(found) == 1 else None


def release(span: tuple[int, int]) -> None:
    """Unmap the pages in ``span`` (a map file_map() found, and still mapped: the caller keeps it from being
    remapped meanwhile)."""
    assert _madvise is not None
    start, end = span
    if _madvise(start, end - start, _MADV_DONTNEED) != 0:
        err = ctypes.get_errno()
        log.warning("madvise(MADV_DONTNEED) on the LMDB map failed: %s", os.strerror(err))
