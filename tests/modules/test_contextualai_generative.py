"""generative-contextualai's own mapping: Weaviate's defaults in the body, knowledge from the results unless the
query or the collection gives its own, the system prompt, and Weaviate's error wording."""

from __future__ import annotations

import pytest

from modules.base import GenerativeRequest, ModuleError
from tests.modules.contract.generative_more import contextual_answer
from tests.modules.contract.test_generatives import generate
from tests.modules.fake_upstream import FakeUpstream, Reply

KEY = {"X-ContextualAI-Api-Key": "key-0123"}


@pytest.fixture
def fake():
    with FakeUpstream(lambda r: Reply(200, contextual_answer(r, "grounded"))) as upstream:
        yield upstream


def test_defaults_and_knowledge_from_the_results(fake: FakeUpstream) -> None:
    request = GenerativeRequest("Q?", texts=("Dune", "a desert planet"))
    assert generate("generative-contextualai", request, {"baseURL": fake.url}, KEY).text == "grounded"
    assert fake.requests[0].body == {
        "model": "v2", "messages": [{"role": "user", "content": "Q?"}], "knowledge": ["Dune", "a desert planet"],
        "avoid_commentary": False, "temperature": 0.0, "top_p": 0.9, "max_new_tokens": 1024}


def test_given_knowledge_and_system_prompt_win(fake: FakeUpstream) -> None:
    config = {"baseURL": fake.url, "knowledge": ["from the class"], "systemPrompt": "Be brief."}
    generate("generative-contextualai", GenerativeRequest("Q?", texts=("Dune",)), config, KEY)
    generate("generative-contextualai", GenerativeRequest("Q?", texts=("Dune",), options={
        "knowledge": ["from the query"], "avoidCommentary": True}), config, KEY)
    first, second = (r.body for r in fake.requests)
    assert first["knowledge"] == ["from the class"] and first["system_prompt"] == "Be brief."
    assert second["knowledge"] == ["from the query"] and second["avoid_commentary"] is True


def test_errors_read_as_weaviates(fake: FakeUpstream) -> None:
    fake.queue(Reply(400, {"detail": "knowledge too long"}), Reply(502, b""))
    for expected in ("connection to Contextual AI API failed with status 400: knowledge too long",
                     "connection to Contextual AI API failed with status 502"):
        with pytest.raises(ModuleError) as caught:
            generate("generative-contextualai", GenerativeRequest("Q?"), {"baseURL": fake.url}, KEY,
                     {"VECTORDB_MODULES_RETRY_ATTEMPTS": "1"})
        assert caught.value.message == expected
