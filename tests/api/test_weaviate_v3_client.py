"""The official Weaviate Python client (v3, REST + GraphQL) against our server, unchanged.

The server depends on weaviate-client 4 (its gRPC message classes), so the v3 client runs in a venv of its own.
"""

from __future__ import annotations

from pathlib import Path

from tests.client_venv import client_venv, run_in_venv

V3_REQUIREMENTS = ["weaviate-client>=3.26,<4", "numpy>=1.26"]


def test_schema_batch_and_queries(server):
    python = client_venv("weaviate-v3", V3_REQUIREMENTS)
    done = run_in_venv(python, Path(__file__).with_name("weaviate_v3_script.py"), server.url)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().endswith("ok")


def test_multi_tenancy(server):
    python = client_venv("weaviate-v3", V3_REQUIREMENTS)
    done = run_in_venv(python, Path(__file__).with_name("weaviate_v3_script.py"), server.url, "tenants")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().endswith("ok")
