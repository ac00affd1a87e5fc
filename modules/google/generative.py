"""generative-google: Gemini's `:generateContent`, on AI Studio (`/v1beta/models/{model}`, the mode without a
`projectId`, or with `apiEndpoint` generativelanguage.googleapis.com) or on Vertex AI
(`https://{region}-aiplatform.googleapis.com/v1/projects/{projectId}/locations/{location}/publishers/google/
models/{model}`, the host `aiplatform.googleapis.com` when location is `global`), as Weaviate builds them.

Keys as modules/google/client.py reads them. `endpointId` replaces the model in the URL; the class's
`tokenLimit` (a query's `maxTokens`) becomes `maxOutputTokens`; images ride as `inline_data` parts after the
text; Weaviate's three safety settings go with every request. The answer is the first candidate's first part,
trimmed of newlines, with `usageMetadata` as the metadata; a candidate without parts is an error explaining its
`finishReason`. `baseURL` replaces the scheme and host (a fake, a proxy).

Weaviate's default model is a legacy PaLM one (chat-bison), whose routes Google has retired: such a model is
refused with a message saying to set a gemini model.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from modules.base import GenerativeRequest, ModuleError
from modules.google.client import STUDIO_HOST, GoogleClient, studio
from modules.kit import Field
from modules.kit.generative import ApiGenerative

VERTEX_HOST = "us-central1-aiplatform.googleapis.com"
SAFETY = [{"category": f"HARM_CATEGORY_{name}", "threshold": "BLOCK_MEDIUM_AND_ABOVE"}
          for name in ("HARASSMENT", "HATE_SPEECH", "DANGEROUS_CONTENT")]
FINISH_REASONS = {
    "FINISH_REASON_UNSPECIFIED": "The finish reason is unspecified.",
    "STOP": "Natural stop point of the model or provided stop sequence.",
    "MAX_TOKENS": "The maximum number of tokens as specified in the request was reached.",
    "SAFETY": "The token generation was stopped as the response was flagged for safety reasons. NOTE: When "
              "streaming the Candidate.content will be empty if content filters blocked the output.",
    "RECITATION": "The token generation was stopped as the response was flagged for unauthorized citations.",
    "OTHER": "All other reasons that stopped the token generation",
    "BLOCKLIST": "The token generation was stopped as the response was flagged for the terms which are included "
                 "from the terminology blocklist.",
    "PROHIBITED_CONTENT": "The token generation was stopped as the response was flagged for the prohibited "
                          "contents.",
    "SPII": "The token generation was stopped as the response was flagged for Sensitive Personally Identifiable "
            "Information (SPII) contents.",
}
# These go into the host name or the path: a value that is not a plain name could move the request elsewhere.
_REGION = re.compile(r"[a-z0-9-]+")
_NAME = re.compile(r"[A-Za-z0-9._@-]+")


class GoogleGenerativeClient(GoogleClient):
    def base_url(self, settings: Mapping[str, Any]) -> str:
        if settings.get("baseURL"):
            return str(settings["baseURL"])
        if studio(settings):
            return f"https://{STUDIO_HOST}"
        if settings["location"] == "global":
            return "https://aiplatform.googleapis.com"
        return f"https://{settings['region']}-aiplatform.googleapis.com"


class GoogleGenerative(ApiGenerative):
    name = "generative-google"
    option_name = "google"
    client = GoogleGenerativeClient
    takes_images = True
    # `apiEndpoint` only chooses between AI Studio and Vertex AI (Google's hosts): only baseURL names a host.
    host_options = ("baseURL",)
    meta_name = "Generative Search - Google"
    documentation = "https://cloud.google.com/vertex-ai/docs/generative-ai/chat/test-chat-prompts"
    fields = {
        "apiEndpoint": Field(stored=False),
        "projectId": Field(stored=False),
        "endpointId": Field(stored=False),
        "region": Field("us-central1", stored=False),
        "location": Field("us-central1", stored=False),
        "modelId": Field(stored=False),
        "model": Field(stored=False),
        "temperature": Field(type=float, stored=False),
        "tokenLimit": Field(type=int, stored=False),
        "maxTokens": Field(type=int, stored=False),
        "topP": Field(type=float, stored=False),
        "topK": Field(type=int, stored=False),
        "stopSequences": Field(type=list, stored=False),
        "presencePenalty": Field(type=float, stored=False),
        "frequencyPenalty": Field(type=float, stored=False),
        "baseURL": Field(url=True, stored=False),
    }
    options = ("apiEndpoint", "projectId", "endpointId", "region", "location", "model", "temperature", "maxTokens",
               "topP", "topK", "stopSequences", "presencePenalty", "frequencyPenalty", "baseURL")
    metadata_fields = {"usageMetadata": {"promptTokenCount": int, "candidatesTokenCount": int, "totalTokenCount": int}}

    def check(self, settings: Mapping[str, Any]) -> None:
        endpoint = settings.get("apiEndpoint")
        if endpoint and endpoint != STUDIO_HOST and not settings.get("projectId"):
            raise ValueError("projectId cannot be empty")
        for key in ("temperature", "topP"):
            if settings.get(key) is not None and not 0 <= settings[key] <= 1:
                raise ValueError(f"{key} has to be float value between 0 and 1")
        if settings.get("topK") is not None and settings["topK"] < 1:
            raise ValueError("topK has to be an integer value above or equal 1")
        for key, pattern in (("region", _REGION), ("location", _REGION), ("projectId", _NAME),
                             ("endpointId", _NAME), ("model", _NAME), ("modelId", _NAME)):
            value = settings.get(key)
            if value and not pattern.fullmatch(str(value)):
                raise ValueError(f"{key} {value!r} is not a plain Google Cloud name")

    def settings(self, config: Mapping[str, Any]) -> dict[str, Any]:
        """Weaviate's defaults that depend on other settings: AI Studio unless a projectId is given."""
        merged = super().settings(config)
        merged["apiEndpoint"] = merged.get("apiEndpoint") or (VERTEX_HOST if merged.get("projectId") else STUDIO_HOST)
        legacy = "chat-bison-001" if studio(merged) else "chat-bison"
        merged["model"] = merged.get("model") or merged.get("modelId") or legacy
        return merged

    def request(self, request: GenerativeRequest, settings: Mapping[str, Any]) -> tuple[str, Any]:
        model = str(settings["model"])
        if not model.startswith("gemini"):
            raise ModuleError(
                f"{self.name}: model {model!r} is a legacy PaLM model, whose API Google has retired; set a "
                "gemini model (moduleConfig model, e.g. gemini-2.5-flash)", 422,
            )
        parts: list[dict[str, Any]] = [{"text": request.prompt}]
        parts += [{"inline_data": {"mime_type": "image/png", "data": image}} for image in request.images]
        config = {"temperature": settings.get("temperature"), "topP": settings.get("topP"),
                  "topK": settings.get("topK"),
                  "maxOutputTokens": settings.get("maxTokens") or settings.get("tokenLimit"),
                  "presencePenalty": settings.get("presencePenalty"),
                  "frequencyPenalty": settings.get("frequencyPenalty"),
                  "stopSequences": settings.get("stopSequences") or None}
        body = {"contents": [{"role": "user", "parts": parts}],
                "generationConfig": {**{k: v for k, v in config.items() if v is not None}, "candidateCount": 1},
                "safetySettings": SAFETY}
        target = settings.get("endpointId") or model
        if studio(settings):
            return f"/v1beta/models/{target}:generateContent", body
        path = f"/v1/projects/{settings['projectId']}/locations/{settings['location']}/publishers/google/models"
        return f"{path}/{target}:generateContent", body

    def answer(self, answer: Any, settings: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        if not answer.get("candidates") and answer.get("promptFeedback"):
            reason = answer["promptFeedback"].get("blockReason") or "no reason given"
            raise ModuleError(f"Google generated nothing: the prompt was blocked ({reason})", 500)
        candidate = answer["candidates"][0]
        parts = (candidate.get("content") or {}).get("parts")
        if not parts:
            reason = candidate.get("finishReason", "")
            raise ModuleError(FINISH_REASONS.get(reason, f"unrecognized finish reason: {reason}"), 500)
        usage = answer.get("usageMetadata")
        counts = {key: usage.get(key) for key in self.metadata_fields["usageMetadata"]} if usage else None
        return parts[0]["text"].strip("\n"), ({"usageMetadata": counts} if counts else {})
