"""Client libraries whose dependencies clash with the server's run in a venv of their own.

The venv lives under .venv-clients/<name> in the repository (created on first use, reused after), so the
official v3 client (weaviate-client<4) can be tested while the server itself depends on weaviate-client 4.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENVS = Path(os.environ.get("VECTORDB_CLIENT_VENVS", ROOT / ".venv-clients"))
# The environment as the test run began, before fixtures point proxies at closed ports to keep clients offline:
# pip needs the real one to reach the package index.
INSTALL_ENV = dict(os.environ)


def client_venv(name: str, requirements: list[str]) -> Path:
    """The python of venv `name` with `requirements` installed; a stamp records what was installed."""
    venv = VENVS / name
    python = venv / "bin" / "python"
    stamp = venv / ".installed"
    wanted = "\n".join(requirements)
    VENVS.mkdir(parents=True, exist_ok=True)
    with open(VENVS / f".{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if stamp.exists() and stamp.read_text() == wanted and python.exists():
            return python
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, env=INSTALL_ENV)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *requirements], check=True, env=INSTALL_ENV)
        stamp.write_text(wanted)
    return python


def run_in_venv(python: Path, script: Path, *args: str, timeout: float = 240) -> subprocess.CompletedProcess:
    """Run a script with the venv's python; its output is kept for the assertion message."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run([str(python), str(script), *args], capture_output=True, text=True, timeout=timeout,
                          env=env, cwd=script.parent)
