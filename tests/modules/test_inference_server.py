"""`vectordb inference`: the t2v/reranker container protocol over real HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest

from modules.base import ModuleContext
from modules.transformers.onnx_embedder import get_embedder
from modules.transformers.reranker import TransformersReranker
from tests.modules._transformers_support import build_tiny_cross_encoder, serve, tiny_expected_score
from vectordb.inference import create_inference_app


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_cross_encoder(tmp_path_factory.mktemp("tiny") / "cross-encoder")


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with serve(create_inference_app(env={})) as base:
        yield base


@pytest.fixture()
def client(url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url, timeout=30) as http:
        yield http


def test_health_and_meta(client: httpx.Client) -> None:
    for path in ("/.well-known/ready", "/.well-known/live"):
        assert client.get(path).status_code == 204
    meta = client.get("/meta").json()
    assert meta["model"]["name"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert meta["model"]["dimensions"] == 384
    assert meta["reranker"]["method"] == "bi-encoder cosine similarity"


def test_vectors_endpoint_speaks_the_container_protocol(client: httpx.Client) -> None:
    text = "A man is playing a guitar."
    answer = client.post(
        "/vectors", json={"text": text, "config": {"pooling_strategy": "masked_mean"}}
    ).json()
    assert answer["text"] == text and answer["dims"] == 384
    np.testing.assert_allclose(answer["vector"], get_embedder().embed([text])[0], atol=1e-6)
    # The trailing-slash form and a body without config work as the Python container's do.
    again = client.post("/vectors/", json={"text": text}).json()
    np.testing.assert_allclose(again["vector"], answer["vector"], atol=1e-6)
    short = client.post(
        "/vectors", json={"text": text, "config": {"task_type": "query", "dimensions": 64}}
    ).json()
    assert short["dims"] == 64 and len(short["vector"]) == 64
    assert abs(np.linalg.norm(short["vector"]) - 1) < 1e-5


def test_vectors_endpoint_errors(client: httpx.Client) -> None:
    bad = client.post("/vectors", json={"text": "x", "config": {"pooling_strategy": "max"}})
    assert bad.status_code == 422 and "poolingStrategy 'max'" in bad.json()["error"]
    too_big = client.post("/vectors", json={"text": "x", "config": {"dimensions": 999}})
    assert too_big.status_code == 422 and "dimensions must be between 1 and 384" in too_big.json()["error"]
    assert client.post("/vectors", json={"config": {}}).status_code == 422


def test_concurrent_requests_are_batched_and_each_answer_is_its_own(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    embedder = get_embedder()
    run_sizes: list[int] = []
    original = embedder.embed

    def recording_embed(batch: list[str], *args: object, **kwargs: object) -> np.ndarray:
        run_sizes.append(len(batch))
        return original(batch, *args, **kwargs)

    monkeypatch.setattr(embedder, "embed", recording_embed)
    texts = [f"sentence {i} about {'cats' if i % 2 else 'finance'}" + " more" * (i % 5) for i in range(24)]

    async def fire() -> list[dict]:
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:
            answers = await asyncio.gather(*(http.post("/vectors", json={"text": t}) for t in texts))
        return [answer.json() for answer in answers]

    answers = asyncio.run(fire())
    assert sum(run_sizes) == len(texts)
    assert max(run_sizes) > 1, run_sizes
    assert [answer["text"] for answer in answers] == texts
    np.testing.assert_allclose([a["vector"] for a in answers], original(texts), atol=1e-5)


def test_rerank_endpoint_with_cosine_fallback(client: httpx.Client) -> None:
    query, documents = "bake bread", ["stock prices fell", "how to bake a loaf of bread", ""]
    answer = client.post("/rerank", json={"query": query, "documents": documents}).json()
    assert answer["query"] == query
    assert [item["document"] for item in answer["scores"]] == documents
    vectors = get_embedder().embed([query, *documents])
    np.testing.assert_allclose(
        [item["score"] for item in answer["scores"]], vectors[1:] @ vectors[0], atol=1e-6
    )
    assert client.post("/rerank", json={"query": "q", "documents": []}).json()["scores"] == []


def test_rerank_endpoint_with_a_cross_encoder_and_the_module_as_client(tiny_model: Path) -> None:
    documents = ["a car is fast", "the cat sat", "a dog", "kitten cat cat"]
    with serve(create_inference_app(reranker_model_dir=str(tiny_model), env={})) as base:
        meta = httpx.get(base + "/meta").json()
        ctx = ModuleContext(env={"RERANKER_INFERENCE_API": base})
        scores = asyncio.run(TransformersReranker().rerank("the cat", documents, {}, ctx))
    assert meta["reranker"]["method"] == "cross-encoder"
    np.testing.assert_allclose(scores, [tiny_expected_score("the cat", d) for d in documents], atol=1e-6)
