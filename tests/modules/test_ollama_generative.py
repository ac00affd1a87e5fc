"""generative-ollama: a thinking model's `thinking` stays out of the answer and comes back in the metadata; a
query's temperature reaches `options`, no class value does."""

from __future__ import annotations

from modules.base import GenerativeRequest
from tests.modules.contract.generative_cases import ollama_chat
from tests.modules.contract.test_generatives import generate
from tests.modules.fake_upstream import FakeUpstream, Reply


def test_thinking_is_kept_apart_from_the_answer() -> None:
    with FakeUpstream(lambda r: Reply(200, ollama_chat(r, "42"))) as fake:
        result = generate("generative-ollama", GenerativeRequest("why?"), {"apiEndpoint": fake.url, "model": "qwen3"})
        assert result.text == "42" and result.metadata["thinking"] == "Let me think about it."
        assert "options" not in fake.requests[0].body and fake.requests[0].body["stream"] is False
        warmer = GenerativeRequest("why?", options={"temperature": 0.7})
        generate("generative-ollama", warmer, {"apiEndpoint": fake.url})
        assert fake.requests[1].body["options"] == {"temperature": 0.7} and fake.requests[1].body["model"] == "llama3"
