"""generative-ollama on Weaviate's route, `/api/generate`, against a fake whose answers `ollama.GenerateResponse`
parses: the body Weaviate sends, images at the top level, a thinking model's `thinking` kept out of the answer
and in the metadata, a query's temperature reaching `options` (no class value does), an `error` in a 200 answer
failing the call with Weaviate's message."""

from __future__ import annotations

import ollama
import pytest

from modules.base import GenerativeRequest, ModuleError
from tests.modules.contract.generative_cases import ollama_generate
from tests.modules.contract.test_generatives import generate
from tests.modules.fake_upstream import FakeUpstream, Reply


def test_the_body_is_weaviates_and_thinking_is_kept_apart_from_the_answer() -> None:
    with FakeUpstream(lambda r: Reply(200, ollama_generate(r, "42"))) as fake:
        result = generate("generative-ollama", GenerativeRequest("why?"), {"apiEndpoint": fake.url, "model": "qwen3"})
        assert result.text == "42" and result.metadata["thinking"] == "Let me think about it."
        assert result.metadata["eval_count"] == 4 and "42" not in result.metadata["thinking"]
        sent = fake.requests[0]
        assert sent.path == "/api/generate"
        assert sent.body == {"model": "qwen3", "prompt": "why?", "stream": False}
        warmer = GenerativeRequest("why?", options={"temperature": 0.7})
        generate("generative-ollama", warmer, {"apiEndpoint": fake.url})
        assert fake.requests[1].body["options"] == {"temperature": 0.7} and fake.requests[1].body["model"] == "llama3"


def test_images_ride_at_the_top_level_as_base64() -> None:
    with FakeUpstream(lambda r: Reply(200, ollama_generate(r, "a cat"))) as fake:
        request = GenerativeRequest("what is it?", images=("aW1n", "bW9yZQ=="))
        generate("generative-ollama", request, {"apiEndpoint": fake.url, "model": "llava"})
        body = fake.requests[0].body
        assert body["images"] == ["aW1n", "bW9yZQ=="] and body["prompt"] == "what is it?"


def test_a_model_that_does_not_think_has_no_thinking() -> None:
    def plain(request):
        body = ollama_generate(request, "hi")
        del body["thinking"]
        assert ollama.GenerateResponse.model_validate(body).thinking is None
        return Reply(200, body)

    with FakeUpstream(plain) as fake:
        result = generate("generative-ollama", GenerativeRequest("hello"), {"apiEndpoint": fake.url})
        assert result.text == "hi" and "thinking" not in result.metadata


def test_an_error_in_a_200_answer_fails_the_call_with_weaviates_message() -> None:
    with FakeUpstream(Reply(200, {"error": "model 'nope' not found"})) as fake:
        with pytest.raises(ModuleError, match="connection to Ollama API failed with error: model 'nope' not found"):
            generate("generative-ollama", GenerativeRequest("hello"), {"apiEndpoint": fake.url, "model": "nope"})
