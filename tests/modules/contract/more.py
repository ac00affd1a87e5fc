"""Fakes of the smaller providers: Morph, DigitalOcean, Databricks, Hugging Face (and TEI), Weaviate Embeddings,
Contextual AI. The OpenAI-shaped ones are parsed with openai's types; Hugging Face, Weaviate and Contextual AI
publish no SDK type for these answers."""

from __future__ import annotations

from typing import Any

from tests.modules.contract.case import RerankerCase, VectorizerCase
from tests.modules.contract.openai import openai_compatible
from tests.modules.fake_upstream import Recorded

MORPH = openai_compatible("text2vec-morph", "X-Openai-Api-Key", "MORPH_APIKEY", "X-Openai-Baseurl")

DIGITALOCEAN = openai_compatible(
    "text2vec-digitalocean", "X-Digitalocean-Api-Key", "DIGITALOCEAN_APIKEY", "X-Digitalocean-Baseurl",
    config=lambda url: {"baseURL": url, "model": "gte-large-en-v1.5"},
    bad_settings=[({"dimensions": True}, "dimensions must be a positive integer")],
)

DATABRICKS = openai_compatible(
    "text2vec-databricks", "X-Databricks-Token", "DATABRICKS_TOKEN", "X-Databricks-Endpoint",
    config=lambda url: {"endpoint": url + "/serving-endpoints/bge/invocations"},
    error=lambda status, message: {"error_code": "BAD_REQUEST", "message": message},
    bad_settings=[({"instruction": 3}, "instruction must be a string")],
)

HUGGINGFACE = VectorizerCase(
    module="text2vec-huggingface",
    config=lambda url: {"endpointURL": url + "/embed"},
    texts=lambda r: r.body["inputs"],
    answer=lambda request, vectors: vectors,
    error=lambda status, message: {"error": message, "estimated_time": 2.5},
    key_header="X-Huggingface-Api-Key",
    key_env="HUGGINGFACE_APIKEY",
    key_optional=True,
    bad_settings=[({"options": "fast"}, "options must be an object")],
)

CLUSTER = {"X-Weaviate-Cluster-Url": "https://my-cluster.weaviate.cloud"}

WEAVIATE = VectorizerCase(
    module="text2vec-weaviate",
    config=lambda url: {"baseURL": url},
    texts=lambda r: r.body["input"],
    answer=lambda request, vectors: {"embeddings": vectors, "metadata": {"model": request.body["model"],
                                                                         "num_embeddings_inferred": len(vectors)}},
    error=lambda status, message: {"detail": message},
    key_header="X-Weaviate-Api-Key",
    key_env=None,
    headers=CLUSTER,
)


def contextual_answer(request: Recorded, scores: list[float]) -> dict[str, Any]:
    ranked = sorted(range(len(scores)), key=lambda i: -scores[i])
    return {"results": [{"index": i, "relevance_score": scores[i]} for i in ranked]}


CONTEXTUALAI = RerankerCase(
    module="reranker-contextualai", config=lambda url: {"baseURL": url},
    documents=lambda r: (r.body["query"], r.body["documents"]), answer=contextual_answer,
    error=lambda status, message: {"message": message, "error_code": status},
    key_header="X-ContextualAI-Api-Key", key_env="CONTEXTUALAI_APIKEY",
)


def google_answer(request: Recorded, vectors: list[Any]) -> dict[str, Any]:
    return {"embeddings": [{"values": v} for v in vectors]}


GOOGLE = VectorizerCase(
    module="text2vec-google",
    config=lambda url: {"apiEndpoint": "generativelanguage.googleapis.com", "baseURL": url},
    texts=lambda r: [item["content"]["parts"][0]["text"] for item in r.body["requests"]],
    answer=google_answer,
    error=lambda status, message: {"error": {"code": status, "message": message, "status": "UNAVAILABLE"}},
    key_header="X-Goog-Studio-Api-Key",
    key_env="GOOGLE_APIKEY",
    sent_key=lambda r: r.headers.get("x-goog-api-key"),
    bad_settings=[({"taskType": "GUESSING"}, "wrong taskType"), ({"apiEndpoint": "vertex.example"},
                                                                 "projectId needs to be set")],
)


def aws_verified(request: Recorded) -> str | None:
    """The access key of a Bedrock request in us-east-1 whose SigV4 signature botocore accepts for that key's
    secret."""
    return aws_verified_for(request, "bedrock")


def aws_verified_for(request: Recorded, service: str, region: str = "us-east-1") -> str | None:
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    auth = request.headers.get("authorization", "")
    if not auth.startswith("AWS4-HMAC-SHA256 Credential="):
        return None
    access_key = auth.split("Credential=")[1].split("/")[0]
    signed = auth.split("SignedHeaders=")[1].split(",")[0].split(";")
    headers = {name: request.headers[name] for name in signed if name in request.headers}
    host = request.headers["host"]
    rebuilt = AWSRequest(method=request.method, url=f"http://{host}{request.path}", data=request.raw, headers=headers)
    rebuilt.context["timestamp"] = request.headers["x-amz-date"]
    signer = SigV4Auth(Credentials(access_key, AWS_SECRET), service, region)
    expected = signer.signature(signer.string_to_sign(rebuilt, signer.canonical_request(rebuilt)), rebuilt)
    return access_key if auth.endswith(f"Signature={expected}") else None


AWS_SECRET = "aws-SECRET-key-for-every-access-key-0123"

AWS = VectorizerCase(
    module="text2vec-aws",
    config=lambda url: {"region": "us-east-1", "model": "cohere.embed-english-v3", "baseURL": url},
    texts=lambda r: r.body["texts"],
    answer=lambda request, vectors: {"embeddings": vectors, "id": "x", "response_type": "embeddings_floats",
                                     "texts": request.body["texts"]},
    error=lambda status, message: {"message": message},
    key_header="X-Aws-Access-Key",
    key_env="AWS_ACCESS_KEY_ID",
    headers={"X-Aws-Secret-Key": AWS_SECRET},
    sent_key=aws_verified,
    bad_settings=[({"service": "lambda"}, "wrong service"), ({"model": "amazon.titan-embed-text-v2:0"},
                                                             "region needs to be set")],
)
