"""The data directory lock: one holder at a time, PID recorded, released on close and when the holder dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from storage.errors import DataDirLocked
from storage.locks import LOCK_FILE, DirLock

ROOT = Path(__file__).resolve().parents[2]

HOLDER = textwrap.dedent(
    """
    import sys, time
    from storage.locks import DirLock
    lock = DirLock(sys.argv[1])
    print("locked", flush=True)
    time.sleep(120)
    """
)


def test_second_holder_in_the_same_process_is_refused_until_release(tmp_path: Path) -> None:
    first = DirLock(tmp_path)
    with pytest.raises(DataDirLocked) as err:
        DirLock(tmp_path)
    assert err.value.pid == os.getpid()
    assert str(tmp_path) in str(err.value) and str(os.getpid()) in str(err.value)
    assert (tmp_path / LOCK_FILE).read_text().strip() == str(os.getpid())
    first.release()
    DirLock(tmp_path).release()


def test_lock_of_a_killed_process_is_free_at_once(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path)], stdout=subprocess.PIPE, text=True,
                            env=env)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
        with pytest.raises(DataDirLocked) as err:
            DirLock(tmp_path)
        assert err.value.pid == proc.pid
        assert f"process {proc.pid}" in str(err.value)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    DirLock(tmp_path).release()  # the kernel dropped the dead holder's lock; the stale file does not block
