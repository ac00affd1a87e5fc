"""text2vec-google: Vertex AI (`:predict`) or, when `apiEndpoint` is generativelanguage.googleapis.com, AI Studio
(`:batchEmbedContents`), as Weaviate chooses.

Keys as modules/google/client.py reads them. `baseURL` replaces the scheme and host (`https://{apiEndpoint}`);
the path is kept. Objects are embedded as RETRIEVAL_DOCUMENT unless `taskType`
is CLASSIFICATION, CLUSTERING or SEMANTIC_SIMILARITY; queries use `taskType`. Vertex gets one text per
request (Weaviate's default), AI Studio up to 100. Not here: Google's application-default credentials
(USE_GOOGLE_AUTH) and `titleProperty`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from modules.google.client import GoogleClient, studio
from modules.kit import ApiVectorizer, BatchLimits, Field

TASK_TYPES = ("RETRIEVAL_QUERY", "QUESTION_ANSWERING", "FACT_VERIFICATION", "CODE_RETRIEVAL_QUERY",
              "CLASSIFICATION", "CLUSTERING", "SEMANTIC_SIMILARITY")
SYMMETRIC_TASKS = ("CLASSIFICATION", "CLUSTERING", "SEMANTIC_SIMILARITY")


class GoogleVectorizer(ApiVectorizer):
    name = "text2vec-google"
    client = GoogleClient
    vectorize_class_name = False
    limits = BatchLimits(texts=100)
    meta_name = "Google Module"
    documentation = "https://cloud.google.com/vertex-ai/generative-ai/docs/embeddings/get-text-embeddings"
    fields = {
        "projectId": Field(),
        "apiEndpoint": Field("us-central1-aiplatform.googleapis.com"),
        "model": Field("gemini-embedding-001"),
        "location": Field("us-central1", stored=False),
        "taskType": Field("RETRIEVAL_QUERY", choices=TASK_TYPES, stored=False,
                          choices_message="wrong taskType, available task types are: {choices}"),
        "dimensions": Field(type=int),
        "baseURL": Field(url=True),
    }

    def check(self, settings: Mapping[str, Any]) -> None:
        if not studio(settings) and not settings.get("projectId"):
            raise ValueError("projectId needs to be set")

    def batch_limits(self, settings: Mapping[str, Any]) -> BatchLimits:
        return self.limits if studio(settings) else BatchLimits(texts=1)

    def request(self, texts: list[str], settings: Mapping[str, Any], flavour: str) -> tuple[str, Any]:
        task = settings["taskType"]
        if flavour == "document" and task not in SYMMETRIC_TASKS:
            task = "RETRIEVAL_DOCUMENT"
        model, dims = settings["model"], settings.get("dimensions")
        if studio(settings):
            extra = {"outputDimensionality": dims} if dims else {}
            requests = [{"model": f"models/{model}", "content": {"parts": [{"text": t}]}, "taskType": task, **extra}
                        for t in texts]
            return f"/v1beta/models/{model}:batchEmbedContents", {"requests": requests}
        body: dict[str, Any] = {"instances": [{"content": t, "task_type": task} for t in texts]}
        if dims:
            body["parameters"] = {"outputDimensionality": dims}
        path = f"/v1/projects/{settings['projectId']}/locations/{settings['location']}/publishers/google/models/{model}"
        return f"{path}:predict", body

    def vectors(self, answer: Any, count: int) -> list[Any]:
        if "embeddings" in answer:
            return [item["values"] for item in answer["embeddings"]]
        return [item["embeddings"]["values"] for item in answer["predictions"]]
