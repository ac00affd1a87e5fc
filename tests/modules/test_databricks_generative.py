"""generative-databricks' own mapping: the body Weaviate sends (no model, temperature and top_p always), the
forwarded User-Agent, choices[0].text before message.content, its error wording and its refused settings."""

from __future__ import annotations

import pytest

from modules.base import GenerativeRequest, ModuleError
from modules.databricks.generative import DatabricksGenerative
from tests.modules.contract.generative_more import databricks_answer
from tests.modules.contract.test_generatives import generate
from tests.modules.fake_upstream import FakeUpstream, Reply

TOKEN = {"X-Databricks-Token": "dapi-0123"}


@pytest.fixture
def fake():
    with FakeUpstream(lambda r: Reply(200, databricks_answer(r, "\nok\n"))) as upstream:
        yield upstream


def test_body_headers_and_answer(fake: FakeUpstream) -> None:
    config = {"endpoint": fake.url + "/serving-endpoints/llm/invocations", "maxTokens": 64}
    options = {"n": 2, "stop": ["END"], "logprobs": True, "topLogprobs": 3}
    result = generate("generative-databricks", GenerativeRequest("hi", options=options), config,
                      {**TOKEN, "X-Databricks-User-Agent": "my-app/1.0"})
    assert result.text == "ok" and result.metadata == {"usage": {"prompt_tokens": 11, "completion_tokens": 7,
                                                                 "total_tokens": 18}}
    sent = fake.requests[0]
    assert sent.body == {"messages": [{"role": "user", "content": "hi"}], "logprobs": True, "top_logprobs": 3,
                         "max_tokens": 64, "n": 2, "stop": ["END"], "temperature": 1.0, "top_p": 1.0}
    assert sent.headers["user-agent"] == "my-app/1.0" and sent.headers["authorization"] == "Bearer dapi-0123"


def test_a_completion_style_text_comes_first(fake: FakeUpstream) -> None:
    fake.queue(Reply(200, {"choices": [{"text": "from text", "message": {"role": "assistant", "content": "no"}}]}))
    config = {"endpoint": fake.url + "/e"}
    assert generate("generative-databricks", GenerativeRequest("hi"), config, TOKEN).text == "from text"


def test_errors_read_as_weaviates(fake: FakeUpstream) -> None:
    fake.queue(Reply(400, {"error_code": "BAD_REQUEST", "message": "max_tokens too large"}))
    with pytest.raises(ModuleError) as caught:
        generate("generative-databricks", GenerativeRequest("hi"), {"endpoint": fake.url + "/e"}, TOKEN)
    assert caught.value.message == ("connection to: Databricks Foundation Model API failed with status: 400 "
                                    "error: max_tokens too large")


@pytest.mark.parametrize(("config", "message"), [
    ({}, "endpoint cannot be empty"),
    ({"endpoint": "https://x.cloud.databricks.com/e", "temperature": 2.0}, "Wrong temperature configuration"),
    ({"endpoint": "https://x.cloud.databricks.com/e", "maxTokens": 0}, "maxTokens must be a positive integer"),
])
def test_bad_settings_are_refused(config: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        DatabricksGenerative().validate(config)


def test_weaviates_ignored_keys_are_refused_not_dropped(fake: FakeUpstream) -> None:
    with pytest.raises(ModuleError, match="unknown option 'model'") as caught:
        generate("generative-databricks", GenerativeRequest("hi", options={"model": "dbrx"}),
                 {"endpoint": fake.url + "/e"}, TOKEN)
    assert caught.value.status == 422 and fake.requests == []
