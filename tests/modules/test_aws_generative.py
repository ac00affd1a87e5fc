"""generative-aws beyond the contract suite: each Bedrock family's body and answer as Weaviate maps them (with
the family's defaults), Converse for the other models (request and answer checked against botocore's own
bedrock-runtime service model), SageMaker's body and target headers, and the region that builds the host."""

from __future__ import annotations

from typing import Any

import botocore.session
import botocore.validate
import pytest

from modules.base import GenerativeRequest, ModuleError
from modules.registry import Registry
from tests.modules.contract.generative_more import AWS_HEADERS
from tests.modules.contract.more import aws_verified_for
from tests.modules.contract.test_generatives import generate
from tests.modules.fake_upstream import FakeUpstream, Recorded, Reply

CONVERSE = botocore.session.get_session().get_service_model("bedrock-runtime").operation_model("Converse")

# model -> (body sent for prompt "P", answer, text read from it)
FAMILIES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "amazon.titan-text-express-v1": (
        {"inputText": "P"},
        {"inputTextTokenCount": 3, "results": [{"tokenCount": 2, "outputText": "T", "completionReason": "FINISH"}]}),
    "amazon.nova-lite-v1:0": (
        {"messages": [{"role": "user", "content": [{"text": "P"}]}], "inferenceConfig": {"temperature": 0.0}},
        {"output": {"message": {"role": "assistant", "content": [{"text": "T"}]}}, "stopReason": "end_turn",
         "usage": {"inputTokens": 3, "outputTokens": 1, "totalTokens": 4}}),
    "anthropic.claude-v2:1": (
        {"prompt": "\n\nHuman: P\n\nAssistant:", "max_tokens_to_sample": 300, "temperature": 1.0,
         "stop_sequences": ["\\n\\nHuman:"], "top_k": 250, "top_p": 0.999, "anthropic_version": "bedrock-2023-05-31"},
        {"completion": "T", "stop_reason": "stop_sequence"}),
    "ai21.j2-ultra-v1": (
        {"prompt": "P", "maxTokens": 300, "temperature": 0.7, "countPenalty": {}, "presencePenalty": {},
         "frequencyPenalty": {}},
        {"completions": [{"data": {"text": "T"}}]}),
    "cohere.command-r-plus-v1:0": ({"message": "P"}, {"text": "T", "finish_reason": "COMPLETE"}),
    "cohere.command-text-v14": ({"prompt": "P", "max_tokens": 100, "temperature": 0.8},
                                {"generations": [{"id": "g", "text": "T"}]}),
    "mistral.mistral-7b-instruct-v0:2": ({"prompt": "<s>[INST] P [/INST]", "max_tokens": 200, "temperature": 0.5},
                                         {"outputs": [{"text": "T", "stop_reason": "stop"}]}),
    "meta.llama3-8b-instruct-v1:0": ({"prompt": "P", "max_gen_len": 512, "temperature": 0.5},
                                     {"generation": "T", "prompt_token_count": 3, "generation_token_count": 1}),
}


@pytest.fixture
def fake():
    with FakeUpstream() as upstream:
        yield upstream


@pytest.mark.parametrize("model", FAMILIES)
def test_each_family_is_mapped_as_weaviate_maps_it(model: str, fake: FakeUpstream) -> None:
    body, answer = FAMILIES[model]
    fake.queue(Reply(200, answer))
    result = generate("generative-aws", GenerativeRequest("P"), {"region": "us-east-1", "model": model,
                                                                 "baseURL": fake.url}, AWS_HEADERS)
    sent = fake.requests[0]
    assert result.text == "T" and sent.body == body
    assert sent.path == f"/model/{model.replace(':', '%3A')}/invoke" and aws_verified_for(sent, "bedrock")
    assert sent.headers["accept"] == "application/json"


def converse_answer(request: Recorded) -> Reply:
    params = {"modelId": "openai.gpt-oss-120b-1:0", **request.body}
    assert not botocore.validate.ParamValidator().validate(params, CONVERSE.input_shape).has_errors()
    body = {"output": {"message": {"role": "assistant", "content": [{"text": "conversed"}]}},
            "stopReason": "end_turn", "usage": {"inputTokens": 5, "outputTokens": 1, "totalTokens": 6},
            "metrics": {"latencyMs": 12}}
    assert not botocore.validate.ParamValidator().validate(body, CONVERSE.output_shape).has_errors()
    return Reply(200, body)


def test_other_models_go_through_converse(fake: FakeUpstream) -> None:
    fake.queue(converse_answer)
    config = {"region": "us-east-1", "model": "openai.gpt-oss-120b-1:0", "baseURL": fake.url, "maxTokens": 99}
    request = GenerativeRequest("P", images=("aW1n",), options={"temperature": 0.2, "stopSequences": ["END"]})
    result = generate("generative-aws", request, config, AWS_HEADERS)
    assert result.text == "conversed"
    sent = fake.requests[0]
    assert sent.path == "/model/openai.gpt-oss-120b-1%3A0/converse"
    assert sent.body == {"messages": [{"role": "user", "content": [
        {"image": {"format": "jpeg", "source": {"bytes": "aW1n"}}}, {"text": "P"}]}],
        "inferenceConfig": {"maxTokens": 99, "temperature": 0.2, "stopSequences": ["END"]}}


def test_nova_images_go_before_the_text(fake: FakeUpstream) -> None:
    fake.queue(Reply(200, FAMILIES["amazon.nova-lite-v1:0"][1]))
    generate("generative-aws", GenerativeRequest("P", images=("aW1n",), options={"maxTokens": 50}),
             {"region": "us-east-1", "model": "amazon.nova-lite-v1:0", "baseURL": fake.url}, AWS_HEADERS)
    assert fake.requests[0].body == {"messages": [{"role": "user", "content": [
        {"image": {"format": "jpg", "source": {"bytes": "aW1n"}}}, {"text": "P"}]}],
        "inferenceConfig": {"temperature": 0.0, "max_new_tokens": 50}}


def test_a_family_without_images_refuses_them(fake: FakeUpstream) -> None:
    with pytest.raises(ModuleError, match="takes no images") as caught:
        generate("generative-aws", GenerativeRequest("P", images=("aW1n",)),
                 {"region": "us-east-1", "model": "meta.llama3-8b-instruct-v1:0", "baseURL": fake.url}, AWS_HEADERS)
    assert caught.value.status == 422 and fake.requests == []


def test_sagemaker_body_target_headers_and_answer(fake: FakeUpstream) -> None:
    fake.queue(Reply(200, {"generations": [{"id": "g-1", "text": "from sagemaker"}]}),
               Reply(200, {"generations": [{"id": "", "text": "x"}]}))
    config = {"service": "sagemaker", "region": "eu-west-1", "endpoint": "my-llm", "targetModel": "m.tar.gz",
              "targetVariant": "blue", "baseURL": fake.url}
    assert generate("generative-aws", GenerativeRequest("P"), config, AWS_HEADERS).text == "from sagemaker"
    sent = fake.requests[0]
    assert sent.path == "/endpoints/my-llm/invocations" and sent.body == {"prompt": "P"}
    assert sent.headers["x-amzn-sagemaker-target-model"] == "m.tar.gz"
    assert sent.headers["x-amzn-sagemaker-target-variant"] == "blue" and sent.headers["accept"] == "*/*"
    assert aws_verified_for(sent, "sagemaker", "eu-west-1")
    assert "x-amzn-sagemaker-target-model" in sent.headers["authorization"]  # signed, as Weaviate signs it
    with pytest.raises(ModuleError, match="received empty response from AWS Sagemaker"):
        generate("generative-aws", GenerativeRequest("P"), config, AWS_HEADERS)


@pytest.mark.parametrize(("config", "message"), [
    ({"model": "amazon.titan-text-express-v1"}, "region needs to be set"),
    ({"region": "us-east-1"}, "model has to be defined"),
    ({"region": "us-east-1", "model": "amazon.titan-text-express-v1", "temperature": 3.0}, "temperature has to be"),
    ({"region": "us-east-1", "service": "sagemaker"}, "endpoint cannot be empty"),
    ({"region": "us-east-1", "service": "sagemaker", "endpoint": "e", "model": "m"}, "did you mean targetModel"),
    ({"region": "evil.example/#", "model": "m"}, "region 'evil.example/#' is not an AWS region name"),
])
def test_bad_settings_are_refused(config: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Registry.from_env({}).validate_class_config("generative-aws", config, {"class": "Doc"})


def test_text2vec_aws_refuses_a_region_that_is_not_a_name_too() -> None:
    with pytest.raises(ValueError, match="is not an AWS region name"):
        Registry.from_env({}).validate_class_config(
            "text2vec-aws", {"region": "x.evil.example#", "model": "amazon.titan-embed-text-v2:0"}, {"class": "Doc"})


def test_a_query_may_name_an_endpoint_or_region_with_the_servers_keys(fake: FakeUpstream) -> None:
    fake.queue(Reply(200, {"generations": [{"id": "g-1", "text": "ok"}]}))
    env = {"AWS_ACCESS_KEY_ID": "AKIDSERVER", "AWS_SECRET_ACCESS_KEY": "server-secret"}
    config = {"service": "sagemaker", "region": "eu-west-1", "endpoint": "class-llm", "baseURL": fake.url}
    request = GenerativeRequest("P", options={"endpoint": "query-llm", "region": "eu-central-1"})
    assert generate("generative-aws", request, config, {}, env).text == "ok"
    sent = fake.requests[0]
    assert sent.path == "/endpoints/query-llm/invocations"
    assert "/eu-central-1/sagemaker/aws4_request" in sent.headers["authorization"]
