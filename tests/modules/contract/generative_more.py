"""Fakes of the generative providers whose wire is their own: Google (Gemini's generateContent), AWS (Bedrock
and SageMaker), Databricks, Contextual AI. Success bodies are parsed with the providers' SDK types: google-genai
GenerateContentResponse, databricks-sdk QueryEndpointResponse, contextual-client GenerateCreateResponse, and
botocore's own bedrock-runtime service model for Bedrock's converse shapes."""

from __future__ import annotations

from typing import Any

import anthropic.types
from contextual.types import GenerateCreateResponse
from contextual.types.generate_create_params import GenerateCreateParams
from databricks.sdk.service.serving import QueryEndpointResponse
from google.genai import types as genai
from pydantic import TypeAdapter

from tests.modules.contract.generative_cases import GenerativeCase, chat_completion
from tests.modules.contract.more import AWS_SECRET, aws_verified
from tests.modules.fake_upstream import Recorded


def gemini_answer(request: Recorded, text: str) -> dict[str, Any]:
    genai.Content.model_validate(request.body["contents"][0])
    genai.GenerationConfig.model_validate(request.body["generationConfig"])
    body = {"candidates": [{"content": {"role": "model", "parts": [{"text": f"\n{text}\n"}]},
                            "finishReason": "STOP", "index": 0}],
            "usageMetadata": {"promptTokenCount": 8, "candidatesTokenCount": 5, "totalTokenCount": 13,
                              "thoughtsTokenCount": 4, "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 8}]},
            "modelVersion": "gemini-2.5-flash"}
    genai.GenerateContentResponse.model_validate(body)
    return body


def google_error(status: int, message: str) -> dict[str, Any]:
    return {"error": {"code": status, "message": message, "status": "UNAVAILABLE"}}


def _gemini_images(request: Recorded) -> list[str]:
    return [p["inline_data"]["data"] for p in request.body["contents"][0]["parts"] if "inline_data" in p]


GOOGLE = GenerativeCase(
    module="generative-google", config=lambda url: {"baseURL": url, "model": "gemini-2.5-flash"},
    prompt=lambda r: r.body["contents"][0]["parts"][0]["text"], answer=gemini_answer, error=google_error,
    key_header="X-Goog-Studio-Api-Key", key_env="GOOGLE_APIKEY",
    sent_key=lambda r: r.headers.get("x-goog-api-key"),
    option=("temperature", 0.25, lambda body: body["generationConfig"]["temperature"]),
    images=_gemini_images, path="/v1beta/models/gemini-2.5-flash:generateContent",
)

def databricks_answer(request: Recorded, text: str) -> dict[str, Any]:
    body = chat_completion(request, text)
    parsed = QueryEndpointResponse.from_dict(body)
    assert parsed.choices[0].message.content == text and parsed.usage.total_tokens == 18
    return body


DATABRICKS = GenerativeCase(
    module="generative-databricks", config=lambda url: {"endpoint": url + "/serving-endpoints/llm/invocations"},
    prompt=lambda r: r.body["messages"][0]["content"], answer=databricks_answer,
    error=lambda status, message: {"error_code": "BAD_REQUEST", "message": message},
    key_header="X-Databricks-Token", key_env="DATABRICKS_TOKEN", baseurl_header="X-Databricks-Endpoint",
    option=("topP", 0.5, lambda body: body["top_p"]), path="/serving-endpoints/llm/invocations",
    host_option="endpoint",
)

def contextual_answer(request: Recorded, text: str) -> dict[str, Any]:
    sent = TypeAdapter(GenerateCreateParams).validate_python(request.body)
    list(sent["messages"])  # the SDK validates messages lazily
    body = {"response": text}
    GenerateCreateResponse.model_validate(body)
    return body


CONTEXTUALAI = GenerativeCase(
    module="generative-contextualai", config=lambda url: {"baseURL": url},
    prompt=lambda r: r.body["messages"][0]["content"], answer=contextual_answer,
    error=lambda status, message: {"message": message, "error_code": str(status)},
    key_header="X-ContextualAI-Api-Key", key_env="CONTEXTUALAI_APIKEY", baseurl_header="X-ContextualAI-Baseurl",
    option=("maxNewTokens", 77, lambda body: body["max_new_tokens"]), path="/v1/generate", metadata=False,
)

def bedrock_claude(request: Recorded, text: str) -> dict[str, Any]:
    body = {"id": "msg_bdrk_1", "type": "message", "role": "assistant", "model": "claude-3-5-sonnet-20240620",
            "content": [{"type": "text", "text": text}], "stop_reason": "end_turn", "stop_sequence": None,
            "usage": {"input_tokens": 12, "output_tokens": 6}}
    anthropic.types.Message.model_validate(body)
    return body


CLAUDE = "anthropic.claude-3-5-sonnet-20240620-v1:0"
AWS_HEADERS = {"X-Aws-Access-Key": "AKIDCONTRACT", "X-Aws-Secret-Key": AWS_SECRET}

AWS = GenerativeCase(
    module="generative-aws", config=lambda url: {"region": "us-east-1", "model": CLAUDE, "baseURL": url},
    prompt=lambda r: r.body["messages"][0]["content"][-1]["text"], answer=bedrock_claude,
    error=lambda status, message: {"message": message},
    key_header="X-Aws-Access-Key", key_env="AWS_ACCESS_KEY_ID", sent_key=aws_verified,
    request_headers={"X-Aws-Secret-Key": AWS_SECRET},
    option=("temperature", 0.25, lambda body: body["temperature"]),
    images=lambda r: [p["source"]["data"] for p in r.body["messages"][0]["content"] if p["type"] == "image"],
    path="/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/invoke", metadata=False,
)

MORE = [GOOGLE, DATABRICKS, CONTEXTUALAI, AWS]
