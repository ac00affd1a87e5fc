"""`vectordb serve` takes Weaviate's server flags, so a compose `command:` written for Weaviate's image runs."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import free_port, wait_ready
from vectordb.server_flags import DEFAULT_GRACEFUL_SECONDS, add_weaviate_flags, byte_size, go_duration, uvicorn_options

ROOT = Path(__file__).resolve().parents[2]


def _parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_weaviate_flags(parser)
    return parser.parse_args(list(argv))


def test_go_durations():
    assert go_duration("600s") == 600
    assert go_duration("1m30s") == 90
    assert go_duration("1.5h") == 5400
    assert go_duration("250ms") == pytest.approx(0.25)
    assert go_duration("0") == 0
    for bad in ("", "10", "5x", "s", "1m 30s", "1h-5m"):
        with pytest.raises(argparse.ArgumentTypeError, match="invalid duration"):
            go_duration(bad)


def test_byte_sizes():
    assert byte_size("1MiB") == 1024 * 1024
    assert byte_size("512KB") == 512 * 1024
    assert byte_size("1048576") == 1048576
    with pytest.raises(argparse.ArgumentTypeError, match="invalid size"):
        byte_size("lots")


def test_timeouts_map_onto_uvicorn_and_the_rest_only_log(caplog):
    args = _parse("--scheme", "http", "--graceful-timeout", "3s", "--cleanup-timeout=1m", "--read-timeout=600s",
                  "--raft-join", "node1", "--raft-join", "node2", "--raft-metadata-only-voters")
    with caplog.at_level("DEBUG", logger="vectordb.server_flags"):
        options = uvicorn_options(args)
    assert options == {"timeout_graceful_shutdown": 3.0, "timeout_keep_alive": 60.0}
    assert args.weaviate_raft_join == ["node1", "node2"]
    logged = caplog.text
    assert "--read-timeout=600.0 has no effect" in logged
    assert "--raft-metadata-only-voters=True has no effect" in logged
    assert uvicorn_options(_parse()) == {"timeout_graceful_shutdown": DEFAULT_GRACEFUL_SECONDS}


def test_config_file_is_not_silently_ignored(caplog):
    with caplog.at_level("WARNING", logger="vectordb.server_flags"):
        uvicorn_options(_parse("--config-file", "./weaviate.conf.json"))
    assert "is not read" in caplog.text


def test_https_and_unix_listeners_are_refused_at_start():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for scheme in ("https", "unix"):
        proc = subprocess.run([sys.executable, "-m", "vectordb", "serve", "--scheme", scheme], env=env,
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 2
        assert f"argument --scheme: '{scheme}' is not served by vectordb, only plain http" in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "vectordb", "serve", "--write-timeout", "ten"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "invalid duration 'ten'" in proc.stderr


def test_weaviate_compose_command_starts_the_server(tmp_path):
    # the `command:` of Weaviate's documented compose files, as the image's ENTRYPOINT `vectordb serve` gets it
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PERSISTENCE_DATA_PATH": str(tmp_path / "data")}
    argv = ["--host", "127.0.0.1", "--port", str(port), "--scheme", "http", "--write-timeout=600s",
            "--read-timeout=600s", "--graceful-timeout", "5s", "--log-level", "debug", "--grpc-port", str(free_port())]
    proc = subprocess.Popen([sys.executable, "-m", "vectordb", "serve", *argv], env=env,
                            stderr=subprocess.PIPE, text=True)
    try:
        wait_ready(f"http://127.0.0.1:{port}", proc)
    finally:
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=60)
    assert proc.returncode in (0, -signal.SIGTERM), stderr
    assert "Weaviate flag --write-timeout=600.0 has no effect on vectordb" in stderr
