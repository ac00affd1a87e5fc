"""gRPC `queries[0]` of the providers with their own wire maps onto the option names their modules (and
Weaviate's GraphQL) use: Databricks' `log_probs` is `logprobs`, Google's and AWS's snake_case keys camelCase."""

from __future__ import annotations

from vectordb.api.grpc.pb import base_pb2
from vectordb.api.grpc.pb import generative_pb2 as pb
from vectordb.api.grpc.search import _provider


def test_databricks_google_aws_and_contextualai_options() -> None:
    text = base_pb2.TextArray
    assert _provider([pb.GenerativeProvider(databricks=pb.GenerativeDatabricks(
        log_probs=True, top_log_probs=2, max_tokens=9))]) == {
        "databricks": {"logprobs": True, "topLogprobs": 2, "maxTokens": 9}}
    assert _provider([pb.GenerativeProvider(google=pb.GenerativeGoogle(
        project_id="p", endpoint_id="e", stop_sequences=text(values=["END"])))]) == {
        "google": {"stopSequences": ["END"], "projectId": "p", "endpointId": "e"}}
    assert _provider([pb.GenerativeProvider(aws=pb.GenerativeAWS(target_model="m", service="sagemaker"))]) == {
        "aws": {"service": "sagemaker", "targetModel": "m"}}
    assert _provider([pb.GenerativeProvider(contextualai=pb.GenerativeContextualAI(
        max_new_tokens=5, knowledge=text(values=["k"])))]) == {"contextualai": {"maxNewTokens": 5, "knowledge": ["k"]}}
