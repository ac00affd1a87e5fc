"""text2vec-transformers over HTTP: recording fake containers and the real `vectordb inference` app."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from modules.base import ModuleContext, ModuleError
from modules.transformers.text2vec import TransformersVectorizer
from tests.modules._transformers_support import closed_port_url, serve
from vectordb.inference import create_inference_app

# One attempt: error-path tests must not sit through the shared layer's backoff.
NO_RETRY = {"VECTORDB_MODULES_RETRY_ATTEMPTS": "1"}


def fake_vector(text: str) -> list[float]:
    """A vector the test can predict from the text alone."""
    return [float(len(text)), float(sum(map(ord, text)) % 97), 1.0]


class Recorder:
    """A fake t2v-transformers container that records what it is sent."""

    def __init__(self, delay: float = 0.0) -> None:
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.delay = delay
        self.fail_with: tuple[int, dict[str, Any]] | None = None
        self.app = FastAPI()

        @self.app.post("/vectors")
        async def vectors(request: Request) -> Any:
            body = await request.json()
            self.requests.append((request.url.path, body))
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            try:
                await asyncio.sleep(self.delay)
            finally:
                self.in_flight -= 1
            if self.fail_with is not None:
                status, payload = self.fail_with
                return JSONResponse(payload, status_code=status)
            return {"text": body["text"], "dims": 3, "vector": fake_vector(body["text"])}

        @self.app.get("/meta")
        async def meta() -> Any:
            return {"model": {"_name_or_path": "fake/model", "hidden_size": 3}}


@pytest.fixture()
def recorder() -> Iterator[tuple[Recorder, str]]:
    fake = Recorder()
    with serve(fake.app) as url:
        yield fake, url


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_passage_flavour_one_text_per_request_in_order(recorder: tuple[Recorder, str]) -> None:
    fake, url = recorder
    module = TransformersVectorizer()
    texts = [f"object number {i}" for i in range(12)]
    vectors = run(
        module.vectorize(
            texts, module.class_defaults(), ModuleContext(env={"TRANSFORMERS_INFERENCE_API": url})
        )
    )
    assert [v.tolist() for v in vectors] == [fake_vector(t) for t in texts]
    assert all(v.dtype == np.float32 for v in vectors)
    assert len(fake.requests) == 12
    assert sorted(body["text"] for _, body in fake.requests) == sorted(texts)
    for path, body in fake.requests:
        assert path == "/vectors"
        assert body["config"] == {"pooling_strategy": "masked_mean", "task_type": "passage"}


def test_query_flavour_and_class_settings(recorder: tuple[Recorder, str]) -> None:
    fake, url = recorder
    module = TransformersVectorizer()
    config = {"poolingStrategy": "cls", "dimensions": 3, "inferenceUrl": url + "/"}
    # The class's inferenceUrl wins over the environment, which points nowhere.
    ctx = ModuleContext(env={"TRANSFORMERS_INFERENCE_API": closed_port_url()})
    (vector,) = run(module.vectorize_query(["what is a cat"], config, ctx))
    assert vector.tolist() == fake_vector("what is a cat")
    assert fake.requests == [
        (
            "/vectors",
            {
                "text": "what is a cat",
                "config": {"pooling_strategy": "cls", "task_type": "query", "dimensions": 3},
            },
        )
    ]


def test_separate_passage_and_query_containers() -> None:
    passage, query = Recorder(), Recorder()
    with serve(passage.app) as passage_url, serve(query.app) as query_url:
        module = TransformersVectorizer()
        for ctx_env, config in [
            (
                {
                    "TRANSFORMERS_PASSAGE_INFERENCE_API": passage_url,
                    "TRANSFORMERS_QUERY_INFERENCE_API": query_url,
                },
                {},
            ),
            ({}, {"passageInferenceUrl": passage_url, "queryInferenceUrl": query_url}),
        ]:
            ctx = ModuleContext(env=ctx_env)
            run(module.vectorize(["doc one", "doc two"], config, ctx))
            run(module.vectorize_query(["the question"], config, ctx))
        assert [b["text"] for _, b in passage.requests].count("doc one") == 2
        assert {b["config"]["task_type"] for _, b in passage.requests} == {"passage"}
        assert [b["text"] for _, b in query.requests] == ["the question", "the question"]
        assert {b["config"]["task_type"] for _, b in query.requests} == {"query"}


def test_only_one_of_the_split_variables_is_a_clear_error() -> None:
    ctx = ModuleContext(env={"TRANSFORMERS_PASSAGE_INFERENCE_API": "http://127.0.0.1:9"})
    with pytest.raises(ModuleError, match="TRANSFORMERS_QUERY_INFERENCE_API is not"):
        run(TransformersVectorizer().vectorize(["x"], {}, ctx))


def test_requests_run_concurrently_within_the_bound() -> None:
    fake = Recorder(delay=0.05)
    with serve(fake.app) as url:
        module = TransformersVectorizer()
        module.max_concurrency = 4
        texts = [f"text {i}" for i in range(16)]
        vectors = run(module.vectorize(texts, {}, ModuleContext(env={"TRANSFORMERS_INFERENCE_API": url})))
    assert [v.tolist() for v in vectors] == [fake_vector(t) for t in texts]
    assert 2 <= fake.max_in_flight <= 4


@pytest.mark.parametrize(
    ("status", "payload", "expected"),
    [
        (500, {"error": "model exploded"}, "failed with status 500: model exploded"),
        (422, {"detail": "bad body"}, "failed with status 422: bad body"),
        (200, {"error": "CUDA out of memory"}, "failed: CUDA out of memory"),
        (200, {"text": "x", "dims": 3}, "answered without a vector"),
        (200, {"text": "x", "dims": 4, "vector": [1.0, 2.0, 3.0]}, "but dims=4"),
    ],
)
def test_container_failures_become_module_errors(
    recorder: tuple[Recorder, str], status: int, payload: dict, expected: str
) -> None:
    fake, url = recorder
    fake.fail_with = (status, payload)
    ctx = ModuleContext(env={"TRANSFORMERS_INFERENCE_API": url, **NO_RETRY})
    with pytest.raises(ModuleError, match=expected) as caught:
        run(TransformersVectorizer().vectorize(["x"], {}, ctx))
    assert "text2vec-transformers" in caught.value.message


def test_connection_refused_is_a_clear_module_error() -> None:
    url = closed_port_url()
    ctx = ModuleContext(env={"TRANSFORMERS_INFERENCE_API": url, **NO_RETRY})
    with pytest.raises(ModuleError) as caught:
        run(TransformersVectorizer().vectorize(["x"], {}, ctx))
    assert url in caught.value.message
    assert "text2vec-transformers inference container" in caught.value.message
    assert "ConnectError" in caught.value.message


def test_meta_comes_from_the_container(recorder: tuple[Recorder, str]) -> None:
    _, url = recorder
    module = TransformersVectorizer()
    module.init({"TRANSFORMERS_INFERENCE_API": url})
    assert module.meta() == {"model": {"_name_or_path": "fake/model", "hidden_size": 3}}
    module.init({"TRANSFORMERS_INFERENCE_API": closed_port_url()})
    with pytest.raises(ModuleError, match="could not be reached"):
        module.meta()


def test_against_the_real_inference_server_matches_in_process_vectors() -> None:
    texts = ["A man is playing a guitar.", "Someone plays an instrument.", "Interest rates rose.", ""] * 3
    module = TransformersVectorizer()
    local = np.stack(run(module.vectorize(texts, module.class_defaults(), ModuleContext(env={}))))
    with serve(create_inference_app(env={})) as url:
        ctx = ModuleContext(env={"TRANSFORMERS_INFERENCE_API": url})
        remote = np.stack(run(module.vectorize(texts, module.class_defaults(), ctx)))
        query = np.stack(run(module.vectorize_query(texts[:2], module.class_defaults(), ctx)))
        module.init({"TRANSFORMERS_INFERENCE_API": url})
        meta = module.meta()
    assert remote.shape == (12, 384)
    np.testing.assert_allclose(remote, local, atol=1e-5)
    np.testing.assert_allclose(query, local[:2], atol=1e-5)
    assert meta["model"]["dimensions"] == 384
