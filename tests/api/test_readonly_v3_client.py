"""Read-only users (AUTHORIZATION_ADMINLIST_*) through the official v3 client, in its own venv."""

from __future__ import annotations

from pathlib import Path

from tests.api.test_weaviate_v3_client import V3_REQUIREMENTS
from tests.client_venv import client_venv, run_in_venv
from tests.conftest import Server, make_settings
from vectordb.api.app import create_app
from vectordb.database import Database

OBJECT_ID = "00000000-0000-0000-0000-000000000001"


def test_the_v3_client_as_a_read_only_user_reads_and_cannot_write(tmp_path):
    python = client_venv("weaviate-v3", V3_REQUIREMENTS)
    db = Database(make_settings(
        tmp_path,
        AUTHENTICATION_APIKEY_ENABLED="true",
        AUTHENTICATION_APIKEY_ALLOWED_KEYS="admin-key,reader-key",
        AUTHENTICATION_APIKEY_USERS="admin,reader",
        AUTHORIZATION_ADMINLIST_ENABLED="true",
        AUTHORIZATION_ADMINLIST_USERS="admin",
        AUTHORIZATION_ADMINLIST_READONLY_USERS="reader",
    ))
    db.create_collection({"class": "Doc", "vectorizer": "none",
                          "properties": [{"name": "t", "dataType": ["text"]}]})
    db.batch_objects([{"class": "Doc", "id": OBJECT_ID, "properties": {"t": "x"}, "vector": [1.0, 0.0]}])
    try:
        with Server(create_app(db)) as server:
            done = run_in_venv(python, Path(__file__).with_name("weaviate_v3_readonly_script.py"),
                               server.url, "reader-key", "admin-key")
        assert done.returncode == 0, done.stdout + done.stderr
        assert done.stdout.strip().endswith("ok")
        assert db.collection("Doc").count() == 1 and db.has_collection("Doc")
    finally:
        db.close()
