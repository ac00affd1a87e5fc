"""text2vec-aws: Bedrock InvokeModel (`/model/{model}/invoke`) or a SageMaker endpoint (`/endpoints/{endpoint}/
invocations`), signed with SigV4 through botocore (the `aws` extra).

Credentials: X-Aws-Access-Key, else AWS_ACCESS_KEY_ID / AWS_ACCESS_KEY; X-Aws-Secret-Key, else
AWS_SECRET_ACCESS_KEY / AWS_SECRET_KEY; X-Aws-Session-Token, else AWS_SESSION_TOKEN (optional). `baseURL`
replaces `https://bedrock-runtime.{region}.amazonaws.com` / `https://runtime.sagemaker.{region}.amazonaws.com`;
the request is still signed for the service and region. Bedrock bodies follow the model: Amazon Titan and Nova
take one text per call, Cohere models a batch.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import httpx

from modules import http
from modules.base import ModuleContext, ModuleError
from modules.kit import ApiVectorizer, BatchLimits, Field, ProviderClient

CREDENTIALS = (
    ("X-Aws-Access-Key", ("AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY")),
    ("X-Aws-Secret-Key", ("AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY")),
    ("X-Aws-Session-Token", ("AWS_SESSION_TOKEN",)),
)
INPUT_TYPES = {"document": "search_document", "query": "search_query"}


def bedrock(settings: Mapping[str, Any]) -> bool:
    return settings["service"] == "bedrock"


def credentials(ctx: ModuleContext) -> list[str | None]:
    found = []
    for header, env_vars in CREDENTIALS:
        found.append(ctx.header(header) or next((ctx.env[v] for v in env_vars if ctx.env.get(v)), None))
    for (header, env_vars), value in zip(CREDENTIALS[:2], found[:2], strict=True):
        if not value:
            raise ModuleError(f"no AWS credential found neither in request header: {header} nor in environment "
                              f"variable under {' or '.join(env_vars)}", 401)
    return found


def sign(url: str, body: bytes, service: str, region: str, keys: list[str | None]) -> dict[str, str]:
    try:
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
    except ImportError:
        raise ModuleError("text2vec-aws needs botocore: pip install 'vectordb[aws]'", 500) from None
    request = AWSRequest(method="POST", url=url, data=body, headers={"Content-Type": "application/json"})
    SigV4Auth(Credentials(keys[0], keys[1], keys[2]), service, region).add_auth(request)
    return dict(request.headers.items())


class AWSClient(ProviderClient):
    provider = "AWS"

    def base_url(self, settings: Mapping[str, Any]) -> str:
        host = "bedrock-runtime" if bedrock(settings) else "runtime.sagemaker"
        return str(settings.get("baseURL") or f"https://{host}.{settings['region']}.amazonaws.com")

    def error_message(self, response: httpx.Response, detail: str | None, settings: Mapping[str, Any]) -> str:
        kind = response.headers.get("x-amzn-ErrorType", "").split(":")[0]
        return f"connection to AWS failed with status: {response.status_code} error: {kind} {detail}".replace("  ", " ")

    def error_detail(self, body: Any) -> str | None:
        if isinstance(body, Mapping) and body.get("Message"):
            return str(body["Message"])
        return super().error_detail(body)

    async def post(self, ctx: ModuleContext, settings: Mapping[str, Any], path: str, body: Any, what: str) -> Any:
        keys = credentials(ctx)
        url = self.url(self.base_url(settings), path, settings)
        raw = json.dumps(body).encode()
        headers = sign(url, raw, "bedrock" if bedrock(settings) else "sagemaker", settings["region"], keys)
        response = await http.request("POST", url, provider=self.provider, env=ctx.env, content=raw,
                                      headers=headers, secrets=keys)
        return self.read(response, settings, tuple(k for k in keys if k), what)


class AWSVectorizer(ApiVectorizer):
    name = "text2vec-aws"
    client = AWSClient
    vectorize_class_name = False
    limits = BatchLimits(texts=96)
    meta_name = "AWS Module"
    documentation = "https://docs.aws.amazon.com/bedrock/latest/userguide/embeddings.html"
    fields = {
        "service": Field("bedrock", choices=("bedrock", "sagemaker"),
                         choices_message="wrong service, available services are: {choices}"),
        "region": Field(),
        "model": Field(),
        "endpoint": Field(),
        "targetModel": Field(stored=False),
        "targetVariant": Field(stored=False),
        "baseURL": Field(url=True),
    }

    def check(self, settings: Mapping[str, Any]) -> None:
        if not settings.get("region"):
            raise ValueError("region needs to be set")
        if bedrock(settings) and not settings.get("model"):
            raise ValueError("model needs to be set for the bedrock service")
        if not bedrock(settings) and not settings.get("endpoint"):
            raise ValueError("endpoint needs to be set for the sagemaker service")

    def batch_limits(self, settings: Mapping[str, Any]) -> BatchLimits:
        batched = settings.get("service") == "bedrock" and str(settings.get("model", "")).startswith("cohere.")
        return self.limits if batched else BatchLimits(texts=1)

    def request(self, texts: list[str], settings: Mapping[str, Any], flavour: str) -> tuple[str, Any]:
        if not bedrock(settings):
            return f"/endpoints/{quote(settings['endpoint'], safe='')}/invocations", {"inputs": texts}
        model = settings["model"]
        path = f"/model/{quote(model, safe='')}/invoke"
        if model.startswith("cohere."):
            return path, {"texts": texts, "input_type": INPUT_TYPES[flavour]}
        if model.startswith("amazon.nova"):
            return path, {"taskType": "SINGLE_EMBEDDING",
                          "singleEmbeddingParams": {"text": {"truncationMode": "END", "value": texts[0]}}}
        return path, {"inputText": texts[0]}

    def vectors(self, answer: Any, count: int) -> list[Any]:
        if isinstance(answer, list):
            return answer
        if "embedding" in answer:
            return [answer["embedding"]]
        embeddings = answer["embeddings"]
        return [embeddings[0]["embedding"]] if embeddings and isinstance(embeddings[0], Mapping) else embeddings
