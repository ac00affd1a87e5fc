"""llama-index-vector-stores-weaviate (insert, query, filters, hybrid, delete), unchanged, in its own venv."""

from __future__ import annotations

from pathlib import Path

from tests.client_venv import client_venv, run_in_venv

REQUIREMENTS = ["llama-index-vector-stores-weaviate>=1.7.1", "llama-index-core>=0.12"]


def test_llamaindex_vector_store(servers):
    python = client_venv("llamaindex", REQUIREMENTS)
    done = run_in_venv(python, Path(__file__).with_name("llamaindex_script.py"), str(servers.rest.port),
                       str(servers.grpc.port))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().endswith("ok")
