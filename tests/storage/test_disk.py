"""LMDB on a full disk: a clean StorageFull instead of a SIGBUS, and files that are never sparse holes."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

from storage.disk import preallocate

ROOT = Path(__file__).resolve().parents[2]

# Run in a child: before the lock file was preallocated, LMDB's first touch of it on a full tmpfs was a SIGBUS.
OPEN_ON_FULL_DISK = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from storage.errors import StorageFull
    from storage.kv import KV

    mnt = Path(sys.argv[1])
    with open(mnt / "filler", "wb") as f:
        try:
            while True:
                f.write(b"\\0" * 65536)
                f.flush()
        except OSError:
            pass
    try:
        KV(mnt / "env")
    except StorageFull as exc:
        print("full:", exc)
    """
)


def test_opening_an_environment_on_a_full_disk_is_a_clean_error(small_tmpfs: Callable[[int], Path]) -> None:
    mnt = small_tmpfs(2)
    done = subprocess.run([sys.executable, "-c", OPEN_ON_FULL_DISK, str(mnt)], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)
    assert done.returncode == 0, f"exit {done.returncode}: {done.stderr}"
    assert done.stdout.startswith("full:") and str(mnt / "env") in done.stdout and "MiB free" in done.stdout


def test_preallocated_file_has_real_blocks(tmp_path: Path) -> None:
    target = tmp_path / "lock.mdb"
    preallocate(target, 64 << 10)
    st = target.stat()
    assert st.st_size == 64 << 10 and st.st_blocks * 512 >= 64 << 10
    preallocate(target, 4096)  # never shrinks a bigger file
    assert target.stat().st_size == 64 << 10
