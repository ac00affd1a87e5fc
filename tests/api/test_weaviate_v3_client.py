"""The official Weaviate Python client (v3, REST + GraphQL) against our server, unchanged.

The server depends on weaviate-client 4 (its gRPC message classes), so the v3 client runs in a venv of its own.
"""

from __future__ import annotations

from pathlib import Path

from tests.client_venv import client_venv, run_in_venv
from tests.conftest import Server, make_settings
from tests.modules.contract.generative_cases import chat_completion
from tests.modules.fake_upstream import FakeUpstream, Recorded, Reply
from vectordb.api.app import create_app
from vectordb.database import Database

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


def _openai(request: Recorded) -> Reply:
    if request.path.endswith("/embeddings"):
        data = [{"object": "embedding", "index": i, "embedding": [float(t.count(w)) for w in ("cat", "dog", "fish")]
                 + [0.1]} for i, t in enumerate(request.body["input"])]
        return Reply(200, {"object": "list", "data": data, "model": "m", "usage": {"prompt_tokens": 1,
                                                                                  "total_tokens": 1}})
    return Reply(200, chat_completion(request, f"<{request.body['messages'][0]['content']}>"))


def test_with_generate_in_every_search_mode_with_rerank_and_group_by(tmp_path):
    python = client_venv("weaviate-v3", V3_REQUIREMENTS)
    db = Database(make_settings(tmp_path, ENABLE_MODULES="text2vec-openai,generative-openai,reranker-dummy"))
    with FakeUpstream(_openai) as fake, Server(create_app(db)) as server:
        done = run_in_venv(python, Path(__file__).with_name("weaviate_v3_generate_script.py"), server.url, fake.url)
    db.close()
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().endswith("ok")
    assert fake.requests[-1].headers["authorization"] == "Bearer sk-v3"
