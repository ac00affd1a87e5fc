"""text2vec-transformers: sentence embeddings from a t2v-transformers inference container, or in process.

Where the vectors come from, first match wins:
1. the collection's `inferenceUrl` (both flavours), or its `passageInferenceUrl` + `queryInferenceUrl`;
2. the collection's `onnxModelPath`: a directory with model.onnx + tokenizer.json, run in process;
3. `TRANSFORMERS_INFERENCE_API` (both flavours), or `TRANSFORMERS_PASSAGE_INFERENCE_API` +
   `TRANSFORMERS_QUERY_INFERENCE_API`, as in Weaviate;
4. `TRANSFORMERS_ONNX_MODEL_PATH`, run in process;
5. the bundled all-MiniLM-L6-v2 (int8 ONNX), run in process: no container and no network needed.

Over HTTP the container protocol is Weaviate's: `POST {url}/vectors`, one text per request (sent
concurrently, at most `max_concurrency` at a time), body
`{"text", "config": {"pooling_strategy", "task_type", "dimensions"?}}` with task_type "passage" for objects
and "query" for nearText/hybrid; the answer is `{"text", "dims", "vector"}`.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from modules.base import ModuleContext, ModuleError
from modules.transformers import container
from modules.transformers.onnx_embedder import POOLING_STRATEGIES, check_model_path_setting, get_embedder

log = logging.getLogger(__name__)

NAME = "text2vec-transformers"
DEFAULT_POOLING = "masked_mean"
ENV_URL = "TRANSFORMERS_INFERENCE_API"
ENV_PASSAGE_URL = "TRANSFORMERS_PASSAGE_INFERENCE_API"
ENV_QUERY_URL = "TRANSFORMERS_QUERY_INFERENCE_API"
ENV_ONNX_PATH = "TRANSFORMERS_ONNX_MODEL_PATH"
URL_SETTINGS = ("inferenceUrl", "passageInferenceUrl", "queryInferenceUrl")


@dataclass(frozen=True)
class Route:
    """Where one flavour of vectors comes from: a container URL, or a local model (None: the default)."""

    url: str | None = None
    model_dir: str | None = None


def _setting(config: Mapping[str, Any], key: str) -> Any:
    value = config.get(key)
    return None if value == "" else value


def _pooling(config: Mapping[str, Any]) -> str:
    return _setting(config, "poolingStrategy") or DEFAULT_POOLING


def _dimensions(config: Mapping[str, Any]) -> int | None:
    value = _setting(config, "dimensions")
    return int(value) if value is not None else None


def route(config: Mapping[str, Any], env: Mapping[str, str], task_type: str) -> Route:
    """The transport for `task_type` ("passage" or "query"), by the precedence in the module docstring."""
    if _setting(config, "inferenceUrl"):
        return Route(url=config["inferenceUrl"])
    split = _setting(config, f"{task_type}InferenceUrl")
    if split:
        return Route(url=split)
    if _setting(config, "onnxModelPath"):
        return Route(model_dir=str(config["onnxModelPath"]))
    if env.get(ENV_URL):
        return Route(url=env[ENV_URL])
    passage, query = env.get(ENV_PASSAGE_URL), env.get(ENV_QUERY_URL)
    if passage or query:
        if not (passage and query):
            missing = ENV_QUERY_URL if passage else ENV_PASSAGE_URL
            present = ENV_PASSAGE_URL if passage else ENV_QUERY_URL
            raise ModuleError(f"{NAME}: {present} is set but {missing} is not; set both, or {ENV_URL}", 500)
        return Route(url=passage if task_type == "passage" else query)
    return Route(model_dir=env.get(ENV_ONNX_PATH) or None)


class TransformersVectorizer:
    name: ClassVar[str] = NAME
    capability: ClassVar[str] = "text2vec"
    api_based: ClassVar[bool] = False
    vectorize_class_name: ClassVar[bool] = True
    #: Requests in flight to one container at a time; the container does one text per request.
    max_concurrency = 8

    def __init__(self) -> None:
        self._env: Mapping[str, str] = os.environ

    def init(self, env: Mapping[str, str]) -> None:
        """The registry hands over the environment once; meta() needs it outside any request."""
        self._env = dict(env)

    def class_defaults(self) -> dict[str, Any]:
        return {"poolingStrategy": DEFAULT_POOLING, "vectorizeClassName": True}

    def validate(self, config: Mapping[str, Any]) -> None:
        pooling = _pooling(config)
        if pooling not in POOLING_STRATEGIES:
            raise ValueError(
                f"poolingStrategy must be one of {', '.join(POOLING_STRATEGIES)}, got {pooling!r}"
            )
        dimensions = _setting(config, "dimensions")
        if dimensions is not None and (
            isinstance(dimensions, bool)
            or not isinstance(dimensions, int | float)
            or dimensions != int(dimensions)
            or dimensions < 1
        ):
            raise ValueError(f"dimensions must be a positive integer, got {dimensions!r}")
        urls = {key: container.check_url(key, config[key]) for key in URL_SETTINGS if _setting(config, key)}
        if "inferenceUrl" in urls and len(urls) > 1:
            raise ValueError(
                "either inferenceUrl or passageInferenceUrl together with queryInferenceUrl can be set, "
                "not both"
            )
        if ("passageInferenceUrl" in urls) != ("queryInferenceUrl" in urls):
            present, missing = (
                ("passageInferenceUrl", "queryInferenceUrl")
                if "passageInferenceUrl" in urls
                else ("queryInferenceUrl", "passageInferenceUrl")
            )
            raise ValueError(f"{present} is set but {missing} is not; both need to be set")
        model_dir = _setting(config, "onnxModelPath")
        if model_dir is not None:
            if urls:
                raise ValueError(
                    "onnxModelPath and an inference URL cannot both be set: choose one transport"
                )
            check_model_path_setting(model_dir)

    def meta(self) -> dict[str, Any]:
        """The model's config: the container's GET /meta, or the local model's own."""
        where = route({}, self._env, "passage")
        if where.url:
            return container.get_meta(where.url, module=NAME, env=self._env)
        return get_embedder(where.model_dir).meta()

    async def vectorize(
        self, texts: list[str], config: Mapping[str, Any], ctx: ModuleContext
    ) -> list[np.ndarray]:
        return await self._vectorize(texts, config, ctx, "passage")

    async def vectorize_query(
        self, texts: list[str], config: Mapping[str, Any], ctx: ModuleContext
    ) -> list[np.ndarray]:
        return await self._vectorize(texts, config, ctx, "query")

    async def _vectorize(
        self, texts: list[str], config: Mapping[str, Any], ctx: ModuleContext, task_type: str
    ) -> list[np.ndarray]:
        if not texts:
            return []
        where = route(config, ctx.env, task_type)
        if where.url:
            return await self._remote(where.url, texts, config, ctx.env, task_type)
        return await asyncio.to_thread(self._local, where.model_dir, texts, config)

    @staticmethod
    def _local(model_dir: str | None, texts: list[str], config: Mapping[str, Any]) -> list[np.ndarray]:
        matrix = get_embedder(model_dir).embed(
            texts, pooling=_pooling(config), dimensions=_dimensions(config)
        )
        return list(matrix)

    async def _remote(
        self, base: str, texts: list[str], config: Mapping[str, Any], env: Mapping[str, str], task_type: str
    ) -> list[np.ndarray]:
        url = container.endpoint(base, "/vectors")
        settings: dict[str, Any] = {"pooling_strategy": _pooling(config), "task_type": task_type}
        dimensions = _dimensions(config)
        if dimensions is not None:
            settings["dimensions"] = dimensions
        gate = asyncio.Semaphore(self.max_concurrency)

        async def one(text: str) -> np.ndarray:
            async with gate:
                answer = await container.post(url, {"text": text, "config": settings}, module=NAME, env=env)
            return _vector_of(answer, url)

        return list(await asyncio.gather(*(one(text) for text in texts)))


def _vector_of(answer: Mapping[str, Any], url: str) -> np.ndarray:
    vector = answer.get("vector")
    if not isinstance(vector, list) or not vector:
        raise ModuleError(f"{NAME}: inference container at {url} answered without a vector", 500)
    try:
        array = np.asarray(vector, dtype=np.float32)
    except (TypeError, ValueError):
        raise ModuleError(
            f"{NAME}: inference container at {url} answered with a vector that is not numbers", 500
        ) from None
    dims = answer.get("dims")
    if array.ndim != 1 or (isinstance(dims, int) and dims != array.shape[0]):
        raise ModuleError(
            f"{NAME}: inference container at {url} answered with a {array.shape} vector but dims={dims}", 500
        )
    return array
