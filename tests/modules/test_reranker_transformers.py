"""reranker-transformers: a local ONNX cross-encoder, the embedding-cosine fallback, and the container."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from modules.base import ModuleContext, ModuleError, Reranker
from modules.transformers.cross_encoder import get_cross_encoder
from modules.transformers.onnx_embedder import get_embedder
from modules.transformers.reranker import TransformersReranker
from tests.modules._transformers_support import (
    build_tiny_cross_encoder,
    closed_port_url,
    serve,
    tiny_expected_score,
)

QUERY = "the cat sat on the mat"
DOCUMENTS = [
    "a car is fast",
    "the small kitten",
    "a dog sat on the road",
    "the cat is small",
    "",
    "a cat and a dog and a kitten sat on the mat",
    "unknownword",
]


def rerank(
    query: str, documents: list[str], config: dict | None = None, env: dict | None = None
) -> list[float]:
    return asyncio.run(
        TransformersReranker().rerank(query, documents, config or {}, ModuleContext(env=env or {}))
    )


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_cross_encoder(tmp_path_factory.mktemp("tiny") / "cross-encoder")


def test_module_satisfies_the_reranker_protocol() -> None:
    module = TransformersReranker()
    assert isinstance(module, Reranker)
    assert (module.name, module.capability, module.api_based) == ("reranker-transformers", "reranker", False)
    assert module.class_defaults() == {}


@pytest.mark.parametrize("labels", [1, 2])
def test_cross_encoder_scores_each_pair(tmp_path: Path, labels: int, monkeypatch: pytest.MonkeyPatch) -> None:
    model_dir = build_tiny_cross_encoder(tmp_path / f"ce{labels}", labels=labels)
    # Small batches, so length sorting and reassembly across batches are exercised.
    monkeypatch.setattr(get_cross_encoder(model_dir), "batch_size", 2)
    scores = rerank(QUERY, DOCUMENTS, {"onnxModelPath": str(model_dir)})
    expected = [tiny_expected_score(QUERY, document) for document in DOCUMENTS]
    np.testing.assert_allclose(scores, expected, atol=1e-6)


def test_cross_encoder_pairs_are_tokenized_together(tiny_model: Path) -> None:
    encoder = get_cross_encoder(tiny_model)
    encoding = encoder.tokenizer.encode("the cat", "a dog")
    assert encoding.tokens == ["[CLS]", "the", "cat", "[SEP]", "a", "dog", "[SEP]"]
    assert encoding.type_ids == [0, 0, 0, 0, 1, 1, 1]


def test_cross_encoder_from_the_environment(tiny_model: Path) -> None:
    scores = rerank("cat", ["dog", "car", "cat"], env={"RERANKER_ONNX_MODEL_PATH": str(tiny_model)})
    assert np.argsort(scores).tolist() == [1, 0, 2]
    module = TransformersReranker()
    module.init({"RERANKER_ONNX_MODEL_PATH": str(tiny_model)})
    assert module.meta()["method"] == "cross-encoder"


def test_validate_checks_the_model_directory(tiny_model: Path, tmp_path: Path) -> None:
    module = TransformersReranker()
    module.validate({})
    module.validate({"onnxModelPath": str(tiny_model)})
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ValueError, match="onnxModelPath: .* has no model.onnx"):
        module.validate({"onnxModelPath": str(empty)})
    with pytest.raises(ValueError, match="must be a directory path string"):
        module.validate({"onnxModelPath": ["x"]})


def test_fallback_is_cosine_similarity_of_the_bi_encoder() -> None:
    query = "How do I bake sourdough bread at home?"
    documents = [
        "The football match ended in a draw.",
        "A step-by-step guide to baking sourdough bread in your kitchen.",
        "Flour, water and salt are the basics of many doughs.",
    ]
    scores = rerank(query, documents)
    vectors = get_embedder().embed([query, *documents])
    np.testing.assert_allclose(scores, vectors[1:] @ vectors[0], atol=1e-6)
    assert np.argsort(scores)[::-1].tolist() == [1, 2, 0]
    assert rerank(query, []) == []


class RankRecorder:
    """A fake reranker container that records chunks and answers in score order, not document order."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.fail_with: tuple[int, dict[str, Any]] | None = None
        self.app = FastAPI()

        @self.app.post("/rerank")
        async def rank(request: Request) -> Any:
            body = await request.json()
            self.bodies.append(body)
            if self.fail_with is not None:
                return JSONResponse(self.fail_with[1], status_code=self.fail_with[0])
            scores = [{"document": doc, "score": float(len(doc))} for doc in body["documents"]]
            scores.sort(key=lambda item: -item["score"])
            return {"query": body["query"], "scores": scores}


def test_container_chunks_are_reassembled_in_document_order(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = RankRecorder()
    monkeypatch.setattr(TransformersReranker, "chunk_size", 3)
    documents = [f"doc{'x' * (i * 7 % 5)}{i}" for i in range(8)] + ["same", "same"]
    with serve(fake.app) as url:
        scores = rerank("q", documents, env={"RERANKER_INFERENCE_API": url})
    assert scores == [float(len(doc)) for doc in documents]
    assert sorted(len(body["documents"]) for body in fake.bodies) == [1, 3, 3, 3]
    assert sorted(doc for body in fake.bodies for doc in body["documents"]) == sorted(documents)
    assert {body["query"] for body in fake.bodies} == {"q"}


def test_container_errors_are_module_errors() -> None:
    fake = RankRecorder()
    fake.fail_with = (500, {"error": "ranker died"})
    env = {"VECTORDB_MODULES_RETRY_ATTEMPTS": "1"}
    with serve(fake.app) as url:
        with pytest.raises(ModuleError, match="failed with status 500: ranker died"):
            rerank("q", ["a"], env={"RERANKER_INFERENCE_API": url, **env})
        fake.fail_with = (200, {"query": "q", "scores": []})
        with pytest.raises(ModuleError, match="sent 0 scores for 1 documents"):
            rerank("q", ["a"], env={"RERANKER_INFERENCE_API": url, **env})
    with pytest.raises(ModuleError, match="reranker-transformers inference container"):
        rerank("q", ["a"], env={"RERANKER_INFERENCE_API": closed_port_url(), **env})
