"""`vectordb serve` at start-up: refuses bad auth settings, logs one block saying what it serves, and its
/v1/meta names the address it really listens on; `vectordb --version`."""

from __future__ import annotations

import importlib.metadata
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

import vectordb
from modules.registry import Registry
from tests.conftest import Server, free_port, make_settings
from vectordb.api.app import create_app
from vectordb.database import Database

ROOT = Path(__file__).resolve().parents[2]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AUTHENTICATION_", "AUTHORIZATION_"))}
    # a free gRPC port: several servers may run on this machine at once
    return {**env, "PYTHONPATH": str(ROOT), "ENABLE_MODULES": "text2vec-openai", "GRPC_PORT": str(free_port()),
            **extra}


def test_serve_refuses_mismatched_users_and_keys(tmp_path):
    env = _env(PERSISTENCE_DATA_PATH=str(tmp_path / "d"), AUTHENTICATION_APIKEY_ENABLED="true",
               AUTHENTICATION_APIKEY_ALLOWED_KEYS="k1,k2", AUTHENTICATION_APIKEY_USERS="a,b,c")
    done = subprocess.run([sys.executable, "-m", "vectordb", "serve", "--port", str(free_port())], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "length of users and keys must match, alternatively provide single user for all keys" in done.stderr
    assert "Traceback" not in done.stderr and "k1" not in done.stderr
    assert not (tmp_path / "d").exists(), "the data directory was touched by a server that refused to start"


def test_serve_logs_one_block_and_meta_names_the_listen_address(tmp_path):
    port = free_port()
    data = tmp_path / "data"
    log = tmp_path / "stderr.log"
    env = _env(PERSISTENCE_DATA_PATH=str(data), AUTHENTICATION_APIKEY_ENABLED="true",
               AUTHENTICATION_APIKEY_ALLOWED_KEYS="key-one,key-two", AUTHENTICATION_APIKEY_USERS="admin")
    with log.open("w") as err:
        proc = subprocess.Popen([sys.executable, "-m", "vectordb", "serve", "--port", str(port)], env=env,
                                stderr=err)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, log.read_text()
            try:
                meta = httpx.get(f"{url}/v1/meta", headers={"Authorization": "Bearer key-two"}, timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.1)
        assert meta.status_code == 200
        assert meta.json()["hostname"] == url
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    text = log.read_text()
    block = text[text.index(f"vectordb {vectordb.__version__} serving"):].splitlines()[:6]
    assert block[1].split() == ["REST:", url]
    assert block[2].split() == ["gRPC:", f"grpc://127.0.0.1:{env['GRPC_PORT']}"]
    assert block[3].split(None, 1) == ["auth:", "API keys on (2 key(s), 1 user(s)), anonymous access off"]
    assert block[4].split(None, 1) == ["modules:", ", ".join(Registry.from_env(env).enabled())]
    assert block[5].split() == ["data:", str(data.resolve())]
    assert "key-one" not in text and "key-two" not in text


def test_meta_without_a_configured_address_names_the_socket(tmp_path):
    db = Database(make_settings(tmp_path / "d"))
    try:
        with Server(create_app(db)) as srv:
            assert httpx.get(f"{srv.url}/v1/meta").json()["hostname"] == srv.url
        with Server(create_app(db, listen_url="http://[::]:8080")) as srv:
            assert httpx.get(f"{srv.url}/v1/meta").json()["hostname"] == "http://[::]:8080"
    finally:
        db.close()


def test_version_has_one_home():
    assert vectordb.__version__ == importlib.metadata.version("vectordb")
    done = subprocess.run([sys.executable, "-m", "vectordb", "--version"], capture_output=True, text=True,
                          env=_env(), timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == f"vectordb {vectordb.__version__}"
