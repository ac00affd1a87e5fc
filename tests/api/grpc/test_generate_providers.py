"""The v4 client's `generative_provider=GenerativeConfig.<provider>(...)` over gRPC for the providers with their
own wire: its snake_case options reach the module under Weaviate's names, override the collection's settings,
and the provider's metadata comes back in its own message."""

from __future__ import annotations

import pytest
from weaviate.classes.config import Configure, DataType, Property
from weaviate.classes.generate import GenerativeConfig, GenerativeParameters
from weaviate.proto.v1 import generative_pb2

from tests.modules.contract.generative_more import databricks_answer, gemini_answer
from tests.modules.fake_upstream import FakeUpstream, Recorded, Reply

SERVER_ENV = {"ENABLE_MODULES": "generative-google,generative-databricks"}


def _answering(build):
    return lambda request: Reply(200, build(request, "generated"))


@pytest.fixture(scope="module")
def fakes():
    with FakeUpstream(_answering(gemini_answer)) as google, FakeUpstream(_answering(databricks_answer)) as databricks:
        yield {"google": google, "databricks": databricks}


@pytest.fixture(scope="module")
def books(module_servers, fakes):
    headers = {"X-Goog-Studio-Api-Key": "g-key", "X-Databricks-Token": "dapi-key"}
    with module_servers.client(headers=headers) as v4:
        coll = v4.collections.create(
            "GenBook", properties=[Property(name="title", data_type=DataType.TEXT)],
            generative_config=Configure.Generative.custom("generative-google", {
                "baseURL": fakes["google"].url, "model": "gemini-2.5-flash", "temperature": 0.1}))
        coll.data.insert({"title": "Dune"})
        yield coll


def test_google_options_and_usage_metadata(books, fakes) -> None:
    out = books.generate.fetch_objects(
        limit=1, generative_provider=GenerativeConfig.google_gemini(temperature=0.6, top_k=4, stop_sequences=["END"]),
        single_prompt=GenerativeParameters.single_prompt("About {title}", metadata=True))
    generated = out.objects[0].generative
    assert generated.text == "generated"
    assert isinstance(generated.metadata, generative_pb2.GenerativeGoogleMetadata)
    assert generated.metadata.usage_metadata.total_token_count == 13
    config = fakes["google"].requests[-1].body["generationConfig"]
    assert config == {"temperature": 0.6, "topK": 4, "stopSequences": ["END"], "candidateCount": 1}


def test_databricks_named_per_query_with_its_own_endpoint(books, fakes) -> None:
    url = fakes["databricks"].url + "/serving-endpoints/llm/invocations"
    out = books.generate.fetch_objects(
        limit=1, generative_provider=GenerativeConfig.databricks(endpoint=url, log_probs=True, top_log_probs=2),
        grouped_task=GenerativeParameters.grouped_task("Sum up", metadata=True))
    assert out.generative.text == "generated" and out.generative.metadata.usage.total_tokens == 18
    sent: Recorded = fakes["databricks"].requests[-1]
    assert sent.body["logprobs"] is True and sent.body["top_logprobs"] == 2
    assert sent.headers["authorization"] == "Bearer dapi-key"
