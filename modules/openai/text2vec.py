"""text2vec-openai: embeddings from OpenAI, Azure OpenAI, or any server speaking OpenAI's embeddings API.

Settings (collection moduleConfig, Weaviate's names and defaults): `model` (text-embedding-3-small),
`dimensions` (3-small: 512|1536, default 1536; 3-large: 256|1024|3072, default 3072), `type` (text|code)
and `modelVersion` for the legacy ada/babbage/curie/davinci names, `baseURL` (https://api.openai.com;
anything else is an OpenAI-compatible server whose model names are not checked), `endpoint`
(/v1/embeddings), and for Azure `isAzure`, `resourceName`, `deploymentId`, `apiVersion` (2024-02-01).

Per request: the key comes from X-Openai-Api-Key, else OPENAI_APIKEY (Azure: X-Azure-Api-Key, else
AZURE_APIKEY); X-Openai-Organization / OPENAI_ORGANIZATION; X-Openai-Baseurl overrides the base URL;
X-Azure-Deployment-Id and X-Azure-Resource-Name override the Azure settings.

One deviation from Weaviate: for an OpenAI-compatible server (a non-OpenAI baseURL), an explicitly set
`dimensions` is sent whatever the model is called; Weaviate drops it unless the model carries a v3 name.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import numpy as np

from modules import http
from modules.base import ModuleContext, ModuleError

logger = logging.getLogger(__name__)

NAME = "text2vec-openai"
DEFAULT_MODEL = "text-embedding-3-small"
DEFAULT_TYPE = "text"
DEFAULT_BASE_URL = "https://api.openai.com"
DEFAULT_ENDPOINT = "/v1/embeddings"
DEFAULT_API_VERSION = "2024-02-01"

#: OpenAI takes at most 2048 inputs in one embeddings request.
MAX_INPUTS_PER_REQUEST = 2048
#: ...and at most 300k tokens in total. A token covers at least one byte of UTF-8, so a byte budget of the
#: same size can never exceed it, without needing the tokenizer.
MAX_BYTES_PER_REQUEST = 300_000

V3_DIMENSIONS: dict[str, list[int]] = {
    "text-embedding-3-small": [512, 1536],
    "text-embedding-3-large": [256, 1024, 3072],
}
V3_DEFAULT_DIMENSIONS = {"text-embedding-3-small": 1536, "text-embedding-3-large": 3072}
LEGACY_MODELS = ["ada", "babbage", "curie", "davinci"]
AVAILABLE_MODELS = LEGACY_MODELS + list(V3_DIMENSIONS)
AVAILABLE_TYPES = ["text", "code"]
AVAILABLE_API_VERSIONS = [
    "2022-12-01", "2023-03-15-preview", "2023-05-15", "2023-06-01-preview", "2023-07-01-preview",
    "2023-08-01-preview", "2023-09-01-preview", "2023-12-01-preview", "2024-02-15-preview",
    "2024-03-01-preview", "2024-02-01",
]


def _go_list(values: list[Any]) -> str:
    """A list as Go's %v prints it, which is how Weaviate's messages show the choices: [a b c]."""
    return "[" + " ".join(str(v) for v in values) + "]"


def _string(config: Mapping[str, Any], key: str, default: str) -> str:
    value = config.get(key)
    if value is None or value == "":
        return default
    if not isinstance(value, str):
        raise ValueError(f"{key} must be a string, got {value!r}")
    return value


def _bool(config: Mapping[str, Any], key: str, default: bool) -> bool:
    value = config.get(key)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise ValueError(f"{key} must be a boolean, got {value!r}")
    return value


def _int(config: Mapping[str, Any], key: str) -> int | None:
    value = config.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or int(value) != value or value <= 0:
        raise ValueError(f"{key} must be a positive integer, got {value!r}")
    return int(value)


def default_model_version(model: str, doc_type: str) -> str:
    if model in V3_DIMENSIONS:
        return ""
    if model == "ada" and doc_type == "text":
        return "002"
    return "001"


@dataclass(frozen=True)
class OpenAISettings:
    model: str
    doc_type: str
    model_version: str
    base_url: str
    endpoint: str
    resource_name: str
    deployment_id: str
    api_version: str
    is_azure: bool
    dimensions: int | None
    dimensions_set: bool

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> OpenAISettings:
        """Read a collection's settings; ValueError when a value has the wrong type."""
        model = _string(config, "model", DEFAULT_MODEL)
        doc_type = _string(config, "type", DEFAULT_TYPE)
        resource_name = _string(config, "resourceName", "")
        deployment_id = _string(config, "deploymentId", "")
        is_azure = _bool(config, "isAzure", False) or bool(resource_name and deployment_id)
        explicit = _int(config, "dimensions")
        dimensions = explicit
        if dimensions is None and not is_azure:
            dimensions = V3_DEFAULT_DIMENSIONS.get(model)
        return cls(
            model=model,
            doc_type=doc_type,
            model_version=_string(config, "modelVersion", default_model_version(model, doc_type)),
            base_url=_string(config, "baseURL", DEFAULT_BASE_URL),
            endpoint=_string(config, "endpoint", DEFAULT_ENDPOINT),
            resource_name=resource_name,
            deployment_id=deployment_id,
            api_version=_string(config, "apiVersion", DEFAULT_API_VERSION),
            is_azure=is_azure,
            dimensions=dimensions,
            dimensions_set=explicit is not None,
        )

    @property
    def is_third_party(self) -> bool:
        return "api.openai.com" not in self.base_url and not self.is_azure

    @property
    def provider(self) -> str:
        return "Azure OpenAI API" if self.is_azure else "OpenAI API"

    def model_string(self, action: str) -> str:
        """The model name sent upstream; `action` is "document" or "query" (legacy 001 models differ)."""
        if self.model.startswith("text-embedding-3") or self.is_third_party:
            return self.model
        if self.model_version == "002":
            return f"text-embedding-{self.model}-002"
        if action == "document":
            suffix = "code" if self.doc_type == "code" else "doc"
        else:
            suffix = "text" if self.doc_type == "code" else "query"
        return f"{self.doc_type}-search-{self.model}-{suffix}-001"

    def validate(self) -> None:
        """Weaviate's checks for text2vec-openai settings; ValueError naming the bad one."""
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"baseURL {self.base_url!r} is not an http(s) URL with a host")
        if self.doc_type not in AVAILABLE_TYPES:
            raise ValueError(
                f"wrong OpenAI type name, available model names are: {_go_list(AVAILABLE_TYPES)}"
            )
        if not self.is_third_party and self.model not in AVAILABLE_MODELS:
            raise ValueError(
                f"wrong OpenAI model name {self.model!r}, available model names are: "
                f"{_go_list(AVAILABLE_MODELS)}; for another OpenAI-compatible server set baseURL"
            )
        self._validate_model_version()
        if not self.is_third_party and self.dimensions is not None:
            self._validate_dimensions(self.dimensions)
        if self.is_azure:
            self._validate_azure()

    def _validate_dimensions(self, dimensions: int) -> None:
        if self.model not in V3_DIMENSIONS:
            # Weaviate silently drops `dimensions` for legacy models; saying so at creation is kinder.
            raise ValueError(
                "dimensions setting can only be used with V3 embedding models: "
                f"{_go_list(list(V3_DIMENSIONS))}"
            )
        allowed = V3_DIMENSIONS[self.model]
        if dimensions not in allowed:
            raise ValueError(
                f"wrong dimensions setting for {self.model} model, available dimensions are: "
                f"{_go_list(allowed)}"
            )

    def _validate_model_version(self) -> None:
        if self.model in V3_DIMENSIONS or self.model_version == "001":
            return
        version, model = self.model_version, self.model
        if version == "002" and model not in ("ada", "davinci"):
            raise ValueError(f"unsupported modelVersion {version} for model {model}")
        if version == "003" and model != "davinci":
            raise ValueError(f"unsupported modelVersion {version} for model {model}")
        if version not in ("002", "003"):
            raise ValueError(f"model {model} is only available in modelVersion 001")
        if self.doc_type != "text":
            raise ValueError(
                "ada-002 no longer distinguishes between text/code, use 'text' for all use cases"
            )

    def _validate_azure(self) -> None:
        if bool(self.resource_name) != bool(self.deployment_id):
            raise ValueError("both resourceName and deploymentId must be provided")
        if not self.deployment_id:
            raise ValueError("isAzure is set but deploymentId is missing: set deploymentId and resourceName")
        if not self.resource_name and self.base_url in ("", DEFAULT_BASE_URL):
            raise ValueError("isAzure is set but resourceName is missing: set resourceName (or baseURL)")
        if self.api_version not in AVAILABLE_API_VERSIONS:
            raise ValueError(
                "wrong Azure OpenAI apiVersion setting, available api versions are: "
                f"{_go_list(AVAILABLE_API_VERSIONS)}"
            )

    def body(self, texts: list[str], action: str) -> dict[str, Any]:
        if self.is_azure:
            body: dict[str, Any] = {"input": texts}
            if self.dimensions is not None:
                body["dimensions"] = self.dimensions
            return body
        body = {"input": texts, "model": self.model_string(action)}
        if self.is_third_party:
            send_dimensions = self.dimensions_set or self.model in V3_DIMENSIONS
        else:
            # Legacy models (a model version is set) reject the parameter.
            send_dimensions = self.model_version == ""
        if send_dimensions and self.dimensions is not None:
            body["dimensions"] = self.dimensions
        return body


def _chunks(texts: list[str]) -> list[list[str]]:
    """Split a batch into requests OpenAI accepts: at most 2048 inputs and 300k tokens each."""
    chunks: list[list[str]] = []
    current: list[str] = []
    size = 0
    for text in texts:
        length = len(text.encode("utf-8"))
        if current and (len(current) >= MAX_INPUTS_PER_REQUEST or size + length > MAX_BYTES_PER_REQUEST):
            chunks.append(current)
            current, size = [], 0
        current.append(text)
        size += length
    if current:
        chunks.append(current)
    return chunks


class OpenAIVectorizer:
    name = NAME
    capability = "text2vec"
    api_based = True
    vectorize_class_name = True

    def class_defaults(self) -> dict[str, Any]:
        return {"vectorizeClassName": True, "baseURL": DEFAULT_BASE_URL, "model": DEFAULT_MODEL}

    def validate(self, config: Mapping[str, Any]) -> None:
        OpenAISettings.from_config(config).validate()

    def meta(self) -> dict[str, Any]:
        return {
            "name": "OpenAI Module",
            "documentationHref": "https://platform.openai.com/docs/guides/embeddings/what-are-embeddings",
        }

    async def vectorize(
        self, texts: list[str], config: Mapping[str, Any], ctx: ModuleContext
    ) -> list[np.ndarray]:
        return await self._embed(texts, config, ctx, "document")

    async def vectorize_query(
        self, texts: list[str], config: Mapping[str, Any], ctx: ModuleContext
    ) -> list[np.ndarray]:
        return await self._embed(texts, config, ctx, "query")

    async def _embed(
        self, texts: list[str], config: Mapping[str, Any], ctx: ModuleContext, action: str
    ) -> list[np.ndarray]:
        if not texts:
            return []
        for i, text in enumerate(texts):
            if not text:
                raise ModuleError(
                    f"{NAME}: text {i} of the batch is empty; OpenAI cannot embed an empty input", 422
                )
        try:
            settings = OpenAISettings.from_config(config)
        except ValueError as exc:
            raise ModuleError(f"module '{NAME}': {exc}", 422) from None
        if settings.is_azure:
            key = http.resolve_key(ctx, "X-Azure-Api-Key", "AZURE_APIKEY")
            headers = {"api-key": key}
        else:
            key = http.resolve_key(ctx, "X-Openai-Api-Key", "OPENAI_APIKEY")
            headers = {"Authorization": f"Bearer {key}"}
        organization = ctx.secret("X-Openai-Organization", "OPENAI_ORGANIZATION")
        if organization:
            headers["OpenAI-Organization"] = organization
        url = await self._url(settings, ctx)
        vectors: list[np.ndarray] = []
        chunks = _chunks(texts)
        logger.debug("%s: %d texts in %d request(s) to %s", NAME, len(texts), len(chunks), http.safe_url(url))
        for chunk in chunks:
            response = await http.post_json(
                url, settings.body(chunk, action), provider=settings.provider, env=ctx.env,
                headers=headers, secrets=[key],
            )
            vectors.extend(_read_embeddings(response, len(chunk), settings.provider, key))
        return vectors

    async def _url(self, settings: OpenAISettings, ctx: ModuleContext) -> str:
        base = await http.base_url(ctx, "X-Openai-Baseurl", settings.base_url)
        if settings.is_azure:
            deployment = ctx.header("X-Azure-Deployment-Id") or settings.deployment_id
            resource = ctx.header("X-Azure-Resource-Name") or settings.resource_name
            host = base
            if host in ("", DEFAULT_BASE_URL):
                host = f"https://{resource}.openai.azure.com"
            return (
                f"{host.rstrip('/')}/openai/deployments/{quote(deployment, safe='')}/embeddings"
                f"?api-version={quote(settings.api_version, safe='')}"
            )
        return f"{base.rstrip('/')}/{settings.endpoint.lstrip('/')}"


def _error_message(provider: str, response: httpx.Response, detail: str | None) -> str:
    message = f"connection to: {provider} failed with status: {response.status_code}"
    request_id = response.headers.get("x-request-id")
    if request_id:
        message += f" request-id: {request_id}"
    if detail:
        message += f" error: {detail}"
    return message


def _api_error_detail(error: Any) -> str:
    if isinstance(error, Mapping):
        return str(error.get("message") or json.dumps(error))
    return str(error)


def _read_embeddings(response: httpx.Response, expected: int, provider: str, key: str) -> list[np.ndarray]:
    """The vectors of one embeddings answer, in input order; ModuleError for anything else."""

    def fail(message: str) -> ModuleError:
        return ModuleError(http.redact(message, [key]), 500)

    try:
        body = response.json()
    except ValueError:
        if response.status_code != 200:
            snippet = response.text[:200].strip() or None
            raise fail(_error_message(provider, response, snippet)) from None
        raise fail(f"failed to parse vectorization response from {provider} (status 200): not JSON") from None
    error = body.get("error") if isinstance(body, Mapping) else None
    if response.status_code != 200 or error:
        raise fail(_error_message(provider, response, _api_error_detail(error) if error else None))
    data = body.get("data") if isinstance(body, Mapping) else None
    if not isinstance(data, list):
        raise fail(f"malformed response from {provider}: no 'data' list of embeddings")
    if len(data) != expected:
        raise fail(f"{provider} returned {len(data)} embeddings for {expected} inputs")
    by_index: dict[int, np.ndarray] = {}
    for position, item in enumerate(data):
        if not isinstance(item, Mapping):
            raise fail(f"malformed response from {provider}: data[{position}] is not an object")
        if item.get("error"):
            raise fail(_error_message(provider, response, _api_error_detail(item["error"])))
        index = item.get("index", position)
        embedding = item.get("embedding")
        if not isinstance(index, int) or not 0 <= index < expected or index in by_index:
            raise fail(f"malformed response from {provider}: data[{position}] has index {index!r}")
        if not isinstance(embedding, list) or not embedding:
            raise fail(f"malformed response from {provider}: data[{position}] has no embedding list")
        try:
            by_index[index] = np.asarray(embedding, dtype=np.float32)
        except (TypeError, ValueError):
            raise fail(
                f"malformed response from {provider}: data[{position}] embedding is not numbers"
            ) from None
        if by_index[index].ndim != 1:
            raise fail(f"malformed response from {provider}: data[{position}] embedding is not a flat list")
    vectors = [by_index[i] for i in range(expected)]
    if len({v.shape[0] for v in vectors}) > 1:
        raise fail(f"malformed response from {provider}: embeddings of different lengths in one answer")
    return vectors
