"""`vectordb inference`: a local stand-in for Weaviate's t2v-transformers and reranker-transformers
containers.

It speaks their protocol, so a Weaviate (or this server, through TRANSFORMERS_INFERENCE_API /
RERANKER_INFERENCE_API) can use it unchanged:

- `POST /vectors` `{"text", "config": {"pooling_strategy", "task_type", "dimensions"?}}`
  -> `{"text", "dims", "vector"}`
- `POST /rerank` `{"query", "documents"}` -> `{"query", "scores": [{"document", "score"}]}`
- `GET /meta` -> `{"model": {...}}`; `GET /.well-known/ready` and `/.well-known/live` -> 204

Vectors come from the in-process ONNX embedder (the bundled all-MiniLM-L6-v2 unless a model directory is
given), scores from an ONNX cross-encoder when one is given, else from embedding cosine similarity. Clients
send one text per request; requests that arrive while the model is busy are run together as one batch.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Mapping
from typing import Any

import numpy as np
from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from modules.base import ModuleError
from modules.transformers.cross_encoder import OnnxCrossEncoder, get_cross_encoder
from modules.transformers.onnx_embedder import OnnxEmbedder, get_embedder
from modules.transformers.reranker import cosine_scores

log = logging.getLogger(__name__)

DEFAULT_MAX_BATCH = 64


class VectorConfig(BaseModel):
    pooling_strategy: str = "masked_mean"
    task_type: str = "passage"
    dimensions: int | None = None


class VectorInput(BaseModel):
    text: str
    config: VectorConfig = Field(default_factory=VectorConfig)


class RerankInput(BaseModel):
    query: str
    documents: list[str]


class _Batcher:
    """Runs the texts of concurrent /vectors requests through the model together.

    Whoever finds the batcher idle starts a drain task; while a batch is in the model, new requests queue up
    and form the next batch, so there is no waiting timer and a lone request is served at once.
    """

    def __init__(self, embedder: OnnxEmbedder, max_batch: int) -> None:
        self.embedder = embedder
        self.max_batch = max_batch
        self._pending: list[tuple[str, str, int | None, asyncio.Future[np.ndarray]]] = []
        self._drainer: asyncio.Task[None] | None = None

    async def embed(self, text: str, pooling: str, dimensions: int | None) -> np.ndarray:
        future: asyncio.Future[np.ndarray] = asyncio.get_running_loop().create_future()
        self._pending.append((text, pooling, dimensions, future))
        if self._drainer is None or self._drainer.done():
            self._drainer = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        while self._pending:
            batch, self._pending = self._pending[: self.max_batch], self._pending[self.max_batch :]
            # One model run per distinct setting, so a bad setting fails only the requests that carry it.
            groups: dict[tuple[str, int | None], list[tuple[str, asyncio.Future[np.ndarray]]]] = {}
            for text, pooling, dimensions, future in batch:
                if not future.cancelled():
                    groups.setdefault((pooling, dimensions), []).append((text, future))
            for (pooling, dimensions), items in groups.items():
                texts = [text for text, _ in items]
                try:
                    vectors = await asyncio.to_thread(self.embedder.embed, texts, pooling, dimensions)
                except Exception as exc:  # handed to each waiting request, which answers with it
                    for _, future in items:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                for (_, future), vector in zip(items, vectors, strict=True):
                    if not future.done():
                        future.set_result(vector)


def _error(exc: Exception) -> JSONResponse:
    if isinstance(exc, ModuleError):
        status = exc.status if 400 <= exc.status < 500 else 500
        return JSONResponse({"error": exc.message}, status_code=status)
    log.exception("inference failed")
    return JSONResponse({"error": f"{type(exc).__name__}: {exc}"}, status_code=500)


def create_inference_app(
    model_dir: str | None = None,
    reranker_model_dir: str | None = None,
    *,
    env: Mapping[str, str] | None = None,
    max_batch: int = DEFAULT_MAX_BATCH,
) -> FastAPI:
    """The inference app. Models load here, so a bad model directory fails at startup, not at first request.

    `model_dir` defaults to TRANSFORMERS_ONNX_MODEL_PATH, then the bundled model; `reranker_model_dir` to
    RERANKER_ONNX_MODEL_PATH, then cosine similarity under the embedder.
    """
    env = os.environ if env is None else env
    embedder = get_embedder(model_dir or env.get("TRANSFORMERS_ONNX_MODEL_PATH") or None)
    cross_dir = reranker_model_dir or env.get("RERANKER_ONNX_MODEL_PATH") or None
    cross_encoder: OnnxCrossEncoder | None = get_cross_encoder(cross_dir) if cross_dir else None
    batcher = _Batcher(embedder, max_batch)
    meta = embedder.meta()
    meta["reranker"] = (
        {"method": "cross-encoder", **cross_encoder.meta()}
        if cross_encoder
        else {"method": "bi-encoder cosine similarity", "name": embedder.files.name}
    )

    app = FastAPI(title="vectordb inference", docs_url=None, redoc_url=None)

    @app.get("/.well-known/live", status_code=204)
    @app.get("/.well-known/ready", status_code=204)
    async def ready() -> Response:
        return Response(status_code=204)

    @app.get("/meta")
    async def get_meta() -> dict[str, Any]:
        return meta

    @app.post("/vectors")
    @app.post("/vectors/", include_in_schema=False)
    async def vectors(body: VectorInput) -> Any:
        # The model is symmetric, so task_type selects nothing here; it is accepted as the protocol has it.
        try:
            vector = await batcher.embed(body.text, body.config.pooling_strategy, body.config.dimensions)
        except Exception as exc:
            return _error(exc)
        return {"text": body.text, "dims": int(vector.shape[0]), "vector": vector.tolist()}

    @app.post("/rerank")
    async def rerank(body: RerankInput) -> Any:
        try:
            if cross_encoder is not None:
                scores = await asyncio.to_thread(cross_encoder.score, body.query, body.documents)
            else:
                scores = await asyncio.to_thread(cosine_scores, embedder, body.query, body.documents)
        except Exception as exc:
            return _error(exc)
        return {
            "query": body.query,
            "scores": [
                {"document": document, "score": score}
                for document, score in zip(body.documents, scores, strict=True)
            ],
        }

    return app


def run_inference_server(
    host: str = "127.0.0.1",
    port: int = 8000,
    model_dir: str | None = None,
    reranker_model_dir: str | None = None,
    log_level: str = "info",
) -> None:
    """Serve the inference app with uvicorn until interrupted."""
    import uvicorn

    app = create_inference_app(model_dir, reranker_model_dir)
    log.info("vectordb inference listening on http://%s:%d", host, port)
    uvicorn.run(app, host=host, port=port, log_level=log_level)
