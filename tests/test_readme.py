"""The README's examples, run as a new user would: the curl ones against a real `vectordb serve` (with `make serve`'s
modules) on 127.0.0.1, the Python one over HTTP against that server and then embedded on the same data directory;
each twice in a row, one after another."""

from __future__ import annotations

import ast
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import free_port, wait_ready
from vectordb.config import LOCAL_MODEL_DEFAULTS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.S | re.M)
README_PORT = "localhost:8080"
CONNECT = re.compile(r'^# (client = vectordb\.connect\(")[^"]*("\).*)$', re.M)
OPEN = re.compile(r"^(client = vectordb\.open\(.*)$", re.M)
FIRST_HIT = "A cat sat on the mat"
# Only what a shell needs; nothing of the test runner's module settings leaks into the examples.
KEPT = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")


def blocks(language: str) -> list[str]:
    return [body for lang, body in FENCE.findall(README) if lang == language]


def shell_commands(block: str) -> list[str]:
    return [line.strip() for line in block.replace("\\\n", " ").splitlines() if line.strip()]


def curl_blocks() -> list[list[str]]:
    found = [shell_commands(b) for b in blocks("sh")]
    return [commands for commands in found if commands and all(c.startswith("curl ") for c in commands)]


def base_env() -> dict[str, str]:
    return {**{k: os.environ[k] for k in KEPT if k in os.environ}, "PYTHONPATH": str(ROOT)}


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """`vectordb serve` as `make serve` starts it (its modules, 127.0.0.1), data in tmp_path/data."""
    port = free_port()
    env = {**base_env(), **LOCAL_MODEL_DEFAULTS, "GRPC_PORT": str(free_port())}
    command = [sys.executable, "-m", "vectordb", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--grpc-port", str(free_port()), "--data-dir", str(tmp_path / "data")]
    log = tmp_path / "server.log"  # a file, not a pipe: a full pipe would stall the server's logging
    with log.open("w") as sink:
        proc = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=sink, stderr=sink, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_ready(url, proc)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{log.read_text()}") from None
        yield url, proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
    assert "Traceback" not in log.read_text(), log.read_text()


def run_curl(command: str, url: str) -> tuple[int, str]:
    """One README curl command against `url`: -sS for a quiet run, the status code on a last line of its own."""
    assert README_PORT in command, command
    command = command.replace(README_PORT, url, 1).replace("curl ", "curl -sS -w '\\n%{http_code}' ", 1)
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=120, env=base_env())
    assert done.returncode == 0, (command, done.stderr)
    body, _, status = done.stdout.rpartition("\n")
    return int(status), body


def run_python(code: str, cwd: Path) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=cwd,
                          env=base_env())
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    return done.stdout


def over_http(code: str, url: str) -> str:
    """The Python example with its `vectordb.connect(...)` line in place of `vectordb.open(...)`."""
    assert CONNECT.search(code) and OPEN.search(code), "the example lost its open/connect pair"
    code = OPEN.sub(r"# \1", code)
    return CONNECT.sub(lambda m: f"{m.group(1)}{url}{m.group(2)}", code)


def first_hit(stdout: str) -> str:
    titles = ast.literal_eval(stdout.strip().splitlines()[-1])
    return titles[0]


def test_the_readme_has_the_examples_this_test_runs():
    assert len(curl_blocks()) >= 1 and len(blocks("python")) >= 1


def test_readme_examples_run_twice_and_one_after_another(served, tmp_path):
    url, server = served
    for _ in range(2):
        for commands in curl_blocks():
            answers = [run_curl(command, url) for command in commands]
            for (status, body), command in zip(answers, commands, strict=True):
                assert 200 <= status < 300 and '"error' not in body, (command, status, body)
            assert FIRST_HIT in answers[-1][1]
    for code in blocks("python"):
        for _ in range(2):
            assert first_hit(run_python(over_http(code, url), tmp_path)) == FIRST_HIT
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=60)
    for code in blocks("python"):
        for _ in range(2):  # embedded, on the data directory the server left ("./data" in tmp_path)
            assert first_hit(run_python(code, tmp_path)) == FIRST_HIT
