"""reranker-transformers: relevance scores from a reranker container, a local cross-encoder, or embeddings.

Where the scores come from, first match wins:
1. `RERANKER_INFERENCE_API`: Weaviate's reranker-transformers container. `POST {url}/rerank` with
   `{"query", "documents"}` answers `{"query", "scores": [{"document", "score"}]}`; documents go in chunks
   (sent concurrently, a few at a time) and the scores are put back in the documents' order.
2. The collection's `onnxModelPath`, else `RERANKER_ONNX_MODEL_PATH`: an ONNX cross-encoder run in process.
3. Otherwise the cosine similarity of query and document under the local bi-encoder (the bundled
   all-MiniLM-L6-v2, or `TRANSFORMERS_ONNX_MODEL_PATH`). No cross-encoder weights can be had offline, and this
   keeps reranking usable with nothing but the package installed; it is weaker than a cross-encoder.
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
from collections.abc import Mapping
from typing import Any, ClassVar

from modules.base import ModuleContext, ModuleError
from modules.transformers import container
from modules.transformers.cross_encoder import get_cross_encoder
from modules.transformers.onnx_embedder import OnnxEmbedder, check_model_path_setting, get_embedder

log = logging.getLogger(__name__)

NAME = "reranker-transformers"
ENV_URL = "RERANKER_INFERENCE_API"
ENV_ONNX_PATH = "RERANKER_ONNX_MODEL_PATH"
ENV_EMBEDDER_PATH = "TRANSFORMERS_ONNX_MODEL_PATH"


def _model_dir(config: Mapping[str, Any], env: Mapping[str, str]) -> str | None:
    return config.get("onnxModelPath") or env.get(ENV_ONNX_PATH) or None


def cosine_scores(embedder: OnnxEmbedder, query: str, documents: list[str]) -> list[float]:
    """Cosine similarity of each document to the query (the embedder's vectors are unit length)."""
    if not documents:
        return []
    vectors = embedder.embed([query, *documents])
    return (vectors[1:] @ vectors[0]).astype(float).tolist()


class TransformersReranker:
    name: ClassVar[str] = NAME
    capability: ClassVar[str] = "reranker"
    api_based: ClassVar[bool] = False
    #: Documents per /rerank request, and requests in flight at a time.
    chunk_size = 32
    max_concurrency = 4

    def __init__(self) -> None:
        self._env: Mapping[str, str] = os.environ

    def init(self, env: Mapping[str, str]) -> None:
        self._env = dict(env)

    def class_defaults(self) -> dict[str, Any]:
        return {}

    def validate(self, config: Mapping[str, Any]) -> None:
        model_dir = config.get("onnxModelPath")
        if model_dir not in (None, ""):
            check_model_path_setting(model_dir)

    def meta(self) -> dict[str, Any]:
        url = self._env.get(ENV_URL)
        if url:
            return container.get_meta(url, module=NAME, env=self._env)
        model_dir = _model_dir({}, self._env)
        if model_dir:
            return {"model": get_cross_encoder(model_dir).meta(), "method": "cross-encoder"}
        embedder = get_embedder(self._env.get(ENV_EMBEDDER_PATH) or None)
        return {"model": {"name": embedder.files.name}, "method": "bi-encoder cosine similarity"}

    async def rerank(
        self, query: str, documents: list[str], config: Mapping[str, Any], ctx: ModuleContext
    ) -> list[float]:
        if not documents:
            return []
        url = ctx.env.get(ENV_URL)
        if url:
            return await self._remote(url, query, documents, ctx.env)
        model_dir = _model_dir(config, ctx.env)
        if model_dir:
            # Loading the model on first use is slow too, so it happens off the event loop as well.
            return await asyncio.to_thread(lambda: get_cross_encoder(model_dir).score(query, documents))
        embedder_dir = ctx.env.get(ENV_EMBEDDER_PATH) or None
        return await asyncio.to_thread(lambda: cosine_scores(get_embedder(embedder_dir), query, documents))

    async def _remote(
        self, base: str, query: str, documents: list[str], env: Mapping[str, str]
    ) -> list[float]:
        url = container.endpoint(base, "/rerank")
        gate = asyncio.Semaphore(self.max_concurrency)

        async def chunk(part: list[str]) -> list[float]:
            async with gate:
                answer = await container.post(url, {"query": query, "documents": part}, module=NAME, env=env)
            return _scores_of(answer, part, url)

        parts = [
            documents[start : start + self.chunk_size] for start in range(0, len(documents), self.chunk_size)
        ]
        results = await asyncio.gather(*(chunk(part) for part in parts))
        return [score for part in results for score in part]


def _scores_of(answer: Mapping[str, Any], sent: list[str], url: str) -> list[float]:
    """The chunk's scores in the order its documents were sent.

    The container answers in that order; each entry also names its document, which is checked so a container
    that sorts by score cannot silently scramble the results.
    """
    scores = answer.get("scores")
    if not isinstance(scores, list) or len(scores) != len(sent):
        count = len(scores) if isinstance(scores, list) else "no"
        raise ModuleError(f"{NAME}: container at {url} sent {count} scores for {len(sent)} documents", 500)
    if all(
        isinstance(item, dict) and item.get("document") == doc for item, doc in zip(scores, sent, strict=True)
    ):
        ordered = scores
    else:
        by_document: dict[str, list[Any]] = {}
        for item in scores:
            if not isinstance(item, dict) or not isinstance(item.get("document"), str):
                raise ModuleError(f"{NAME}: container at {url} sent a score without its document", 500)
            by_document.setdefault(item["document"], []).append(item)
        try:
            ordered = [by_document[doc].pop(0) for doc in sent]
        except (KeyError, IndexError):
            raise ModuleError(
                f"{NAME}: container at {url} scored documents that were not sent", 500
            ) from None
    values = []
    for item in ordered:
        score = item.get("score")
        if isinstance(score, bool) or not isinstance(score, int | float) or not math.isfinite(score):
            raise ModuleError(f"{NAME}: container at {url} sent a score that is not a number: {score!r}", 500)
        values.append(float(score))
    return values
