"""text2vec-aws: Bedrock InvokeModel (`/model/{model}/invoke`) or a SageMaker endpoint (`/endpoints/{endpoint}/
invocations`). Credentials, signing and hosts: modules/aws/client.py. Bedrock bodies follow the model: Amazon
Titan and Nova take one text per call, Cohere models a batch.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from modules.aws.client import AWSClient, bedrock, check_region
from modules.kit import ApiVectorizer, BatchLimits, Field

INPUT_TYPES = {"document": "search_document", "query": "search_query"}


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
        check_region(settings)
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
