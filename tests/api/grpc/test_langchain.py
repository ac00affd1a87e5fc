"""langchain-weaviate (add_texts, similarity_search, with_score, MMR, filters, delete), unchanged, in its own venv."""

from __future__ import annotations

from pathlib import Path

from tests.client_venv import client_venv, run_in_venv

REQUIREMENTS = ["langchain-weaviate>=0.0.8", "langchain-core>=0.3"]


def test_langchain_vector_store(servers):
    python = client_venv("langchain", REQUIREMENTS)
    done = run_in_venv(python, Path(__file__).with_name("langchain_script.py"), str(servers.rest.port),
                       str(servers.grpc.port))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().endswith("ok")
