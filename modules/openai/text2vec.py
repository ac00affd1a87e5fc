"""text2vec-openai: embeddings from OpenAI, Azure OpenAI, or any server speaking OpenAI's embeddings API.

Settings (collection moduleConfig, Weaviate's names and defaults): `model` (text-embedding-3-small),
`dimensions` (3-small: 512|1536, default 1536; 3-large: 256|1024|3072, default 3072), `type` (text|code)
and `modelVersion` for the legacy ada/babbage/curie/davinci names, `baseURL` (https://api.openai.com;
anything else is an OpenAI-compatible server whose model names are not checked), `endpoint`
(/v1/embeddings), and for Azure `isAzure`, `resourceName`, `deploymentId`, `apiVersion` (2024-02-01).
Keys, headers and hosts: modules/openai/client.py.

One deviation from Weaviate: for an OpenAI-compatible server (a non-OpenAI baseURL), an explicitly set
`dimensions` is sent whatever the model is called; Weaviate drops it unless the model carries a v3 name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from modules.kit import BatchLimits, Field, OpenAICompatibleVectorizer
from modules.kit.fields import go_list
from modules.openai.client import DEFAULT_BASE_URL, OpenAIClient, is_azure

NAME = "text2vec-openai"
DEFAULT_MODEL = "text-embedding-3-small"
DEFAULT_TYPE = "text"
DEFAULT_ENDPOINT = "/v1/embeddings"
DEFAULT_API_VERSION = "2024-02-01"

#: OpenAI takes at most 2048 inputs and 300k tokens in one embeddings request.
MAX_INPUTS_PER_REQUEST = 2048
MAX_TOKENS_PER_REQUEST = 300_000

V3_DIMENSIONS: dict[str, list[int]] = {
    "text-embedding-3-small": [512, 1536],
    "text-embedding-3-large": [256, 1024, 3072],
}
V3_DEFAULT_DIMENSIONS = {"text-embedding-3-small": 1536, "text-embedding-3-large": 3072}
LEGACY_MODELS = ["ada", "babbage", "curie", "davinci"]
AVAILABLE_MODELS = LEGACY_MODELS + list(V3_DIMENSIONS)
AVAILABLE_TYPES = ("text", "code")
AVAILABLE_API_VERSIONS = (
    "2022-12-01", "2023-03-15-preview", "2023-05-15", "2023-06-01-preview", "2023-07-01-preview",
    "2023-08-01-preview", "2023-09-01-preview", "2023-12-01-preview", "2024-02-15-preview",
    "2024-03-01-preview", "2024-02-01",
)

FIELDS = {
    "baseURL": Field(DEFAULT_BASE_URL, url=True),
    "model": Field(DEFAULT_MODEL),
    "endpoint": Field(DEFAULT_ENDPOINT, stored=False),
    "type": Field(DEFAULT_TYPE, choices=AVAILABLE_TYPES, stored=False,
                  choices_message="wrong OpenAI type name, available model names are: {choices}"),
    "modelVersion": Field(),
    "dimensions": Field(type=int),
    "isAzure": Field(type=bool),
    "resourceName": Field(),
    "deploymentId": Field(),
    "apiVersion": Field(DEFAULT_API_VERSION, choices=AVAILABLE_API_VERSIONS, stored=False,
                        choices_message="wrong Azure OpenAI apiVersion setting, available api versions are: "
                                        "{choices}"),
}


def default_model_version(model: str, doc_type: str) -> str:
    if model in V3_DIMENSIONS:
        return ""
    if model == "ada" and doc_type == "text":
        return "002"
    return "001"


@dataclass(frozen=True)
class OpenAISettings:
    """The settings that decide the model string and the body, read from the kit's merged settings."""

    model: str
    doc_type: str
    model_version: str
    base_url: str
    is_azure: bool
    resource_name: str
    deployment_id: str
    dimensions: int | None
    dimensions_set: bool

    @classmethod
    def from_config(cls, settings: Mapping[str, Any]) -> OpenAISettings:
        model = settings.get("model") or DEFAULT_MODEL
        doc_type = settings.get("type") or DEFAULT_TYPE
        azure = is_azure(settings)
        explicit = settings.get("dimensions")
        dimensions = explicit
        if dimensions is None and not azure:
            dimensions = V3_DEFAULT_DIMENSIONS.get(model)
        return cls(
            model=model,
            doc_type=doc_type,
            model_version=settings.get("modelVersion") or default_model_version(model, doc_type),
            base_url=settings.get("baseURL") or DEFAULT_BASE_URL,
            is_azure=azure,
            resource_name=settings.get("resourceName") or "",
            deployment_id=settings.get("deploymentId") or "",
            dimensions=None if dimensions is None else int(dimensions),
            dimensions_set=explicit is not None,
        )

    @property
    def is_third_party(self) -> bool:
        return "api.openai.com" not in self.base_url and not self.is_azure

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
        """Weaviate's checks across text2vec-openai settings; ValueError naming the bad one."""
        if not self.is_third_party and self.model not in AVAILABLE_MODELS:
            raise ValueError(
                f"wrong OpenAI model name {self.model!r}, available model names are: "
                f"{go_list(AVAILABLE_MODELS)}; for another OpenAI-compatible server set baseURL"
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
                f"dimensions setting can only be used with V3 embedding models: {go_list(V3_DIMENSIONS)}"
            )
        allowed = V3_DIMENSIONS[self.model]
        if dimensions not in allowed:
            raise ValueError(
                f"wrong dimensions setting for {self.model} model, available dimensions are: {go_list(allowed)}"
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
            raise ValueError("ada-002 no longer distinguishes between text/code, use 'text' for all use cases")

    def _validate_azure(self) -> None:
        if bool(self.resource_name) != bool(self.deployment_id):
            raise ValueError("both resourceName and deploymentId must be provided")
        if not self.deployment_id:
            raise ValueError("isAzure is set but deploymentId is missing: set deploymentId and resourceName")
        if not self.resource_name and self.base_url == DEFAULT_BASE_URL:
            raise ValueError("isAzure is set but resourceName is missing: set resourceName (or baseURL)")

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


class OpenAIVectorizer(OpenAICompatibleVectorizer):
    name = NAME
    client = OpenAIClient
    fields = FIELDS
    limits = BatchLimits(texts=MAX_INPUTS_PER_REQUEST, tokens=MAX_TOKENS_PER_REQUEST)
    meta_name = "OpenAI Module"
    documentation = "https://platform.openai.com/docs/guides/embeddings/what-are-embeddings"

    def check(self, settings: Mapping[str, Any]) -> None:
        OpenAISettings.from_config(settings).validate()

    def request(self, texts: list[str], settings: Mapping[str, Any], flavour: str) -> tuple[str, Any]:
        return "/" + settings["endpoint"].lstrip("/"), OpenAISettings.from_config(settings).body(texts, flavour)
