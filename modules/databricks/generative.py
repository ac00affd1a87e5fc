"""generative-databricks: OpenAI's chat shape posted to a serving endpoint's whole URL (`endpoint`), no model in
the body (the endpoint decides it). `temperature` and `top_p` (default 1.0 each) always go out; `max_tokens`,
`n`, `stop`, `logprobs` and `top_logprobs` when set. The answer is `choices[0].text`, else `.message.content`,
trimmed of newlines, with `usage` as the metadata. Keys and headers: modules/databricks/client.py.

Weaviate's per-query keys `model`, `frequencyPenalty` and `presencePenalty` are read and then never sent; here they
are not taken (a query naming them gets a 422 rather than a silent no-op).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from modules.databricks.client import DatabricksClient
from modules.kit import Field
from modules.kit.openai_chat import OpenAICompatibleGenerative


class DatabricksGenerativeClient(DatabricksClient):
    error_template = "connection to: Databricks Foundation Model API failed with status: {status} error: {detail}"


class DatabricksGenerative(OpenAICompatibleGenerative):
    name = "generative-databricks"
    option_name = "databricks"
    client = DatabricksGenerativeClient
    endpoint = ""
    sends_model = False
    meta_name = "Generative Search - Databricks"
    documentation = ("https://docs.databricks.com/en/machine-learning/foundation-models/api-reference.html"
                     "#completion-task")
    fields = {
        "endpoint": Field(url=True, stored=False),
        "temperature": Field(1.0, type=float, stored=False),
        "topP": Field(1.0, type=float, stored=False),
        "maxTokens": Field(type=int, stored=False),
        "n": Field(type=int, stored=False),
        "stop": Field(type=list, stored=False),
        "logprobs": Field(type=bool, stored=False),
        "topLogprobs": Field(type=int, stored=False),
    }
    options = ("endpoint", "temperature", "topP", "maxTokens", "n", "stop", "logprobs", "topLogprobs")

    def check(self, settings: Mapping[str, Any]) -> None:
        if not settings.get("endpoint"):
            raise ValueError("endpoint cannot be empty")
        if not 0 <= settings["temperature"] <= 1:
            raise ValueError("Wrong temperature configuration, values are between 0.0 and 1.0")
        if not 0 <= settings["topP"] <= 5:
            raise ValueError("Wrong topP configuration, values are should have a minimal value of 1 and max of 5")

    def parameters(self, settings: Mapping[str, Any]) -> dict[str, Any]:
        return {"logprobs": settings.get("logprobs") or None, "top_logprobs": settings.get("topLogprobs"),
                "max_tokens": settings.get("maxTokens"), "n": settings.get("n"),
                "stop": settings.get("stop") or None, "temperature": settings["temperature"],
                "top_p": settings["topP"]}
