"""The official v3 client's backup API (in its own venv) against two real servers sharing a backup directory."""

from __future__ import annotations

from pathlib import Path

from tests.api.test_weaviate_v3_client import V3_REQUIREMENTS
from tests.client_venv import client_venv, run_in_venv
from tests.conftest import Server, make_settings
from vectordb.api.app import create_app
from vectordb.database import Database


def test_the_v3_client_backs_up_and_restores(tmp_path):
    python = client_venv("weaviate-v3", V3_REQUIREMENTS)
    env = {"ENABLE_MODULES": "backup-filesystem", "BACKUP_FILESYSTEM_PATH": str(tmp_path / "backups")}
    source, target = (Database(make_settings(tmp_path / name, **env)) for name in ("a", "b"))
    try:
        with Server(create_app(source)) as one, Server(create_app(target)) as two:
            done = run_in_venv(python, Path(__file__).with_name("weaviate_v3_backup_script.py"), one.url, two.url)
        assert done.returncode == 0, done.stdout + done.stderr
        assert done.stdout.strip().endswith("ok")
        assert target.collection("Doc").count() == 30
    finally:
        source.close()
        target.close()
