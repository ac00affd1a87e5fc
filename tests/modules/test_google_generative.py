"""generative-google's own mapping, beyond the contract suite: Vertex AI's URL and Bearer key, endpointId, the
token limit from the class or the query, Weaviate's safety settings, finishReason errors, and the settings that
build the host refused when they are not plain names."""

from __future__ import annotations

import pytest

from modules.base import GenerativeRequest, ModuleError
from modules.google.generative import GoogleGenerative
from tests.modules.contract.generative_more import gemini_answer
from tests.modules.contract.test_generatives import generate
from tests.modules.fake_upstream import FakeUpstream, Reply

VERTEX = {"projectId": "my-proj", "model": "gemini-2.5-pro", "region": "europe-west4", "location": "europe-west4"}


@pytest.fixture
def fake():
    with FakeUpstream(lambda r: Reply(200, gemini_answer(r, "ok"))) as upstream:
        yield upstream


def test_vertex_url_key_and_generation_config(fake: FakeUpstream) -> None:
    config = {**VERTEX, "baseURL": fake.url, "tokenLimit": 300, "temperature": 0.5}
    result = generate("generative-google", GenerativeRequest("hi"), config, {"X-Google-Vertex-Api-Key": "vk"})
    assert result.text == "ok" and result.metadata["usageMetadata"]["totalTokenCount"] == 13
    sent = fake.requests[0]
    assert sent.path == "/v1/projects/my-proj/locations/europe-west4/publishers/google/models/gemini-2.5-pro" \
                        ":generateContent"
    assert sent.headers["authorization"] == "Bearer vk" and "x-goog-api-key" not in sent.headers
    assert sent.body["generationConfig"] == {"temperature": 0.5, "maxOutputTokens": 300, "candidateCount": 1}
    assert [s["category"] for s in sent.body["safetySettings"]] == [
        "HARM_CATEGORY_HARASSMENT", "HARM_CATEGORY_HATE_SPEECH", "HARM_CATEGORY_DANGEROUS_CONTENT"]
    generate("generative-google", GenerativeRequest("hi", options={"maxTokens": 9, "topK": 3}),
             {**config, "endpointId": "1234567"}, {"X-Goog-Api-Key": "vk"})
    sent = fake.requests[1]
    assert sent.path.endswith("/models/1234567:generateContent")
    assert sent.body["generationConfig"] == {"temperature": 0.5, "topK": 3, "maxOutputTokens": 9, "candidateCount": 1}


def test_hosts_follow_mode_region_and_location() -> None:
    module = GoogleGenerative()
    client = module._client
    assert client.base_url(module.settings({"model": "gemini-2.5-flash"})) == "https://generativelanguage.googleapis.com"
    assert client.base_url(module.settings(VERTEX)) == "https://europe-west4-aiplatform.googleapis.com"
    assert client.base_url(module.settings({**VERTEX, "location": "global"})) == "https://aiplatform.googleapis.com"


def test_a_candidate_without_parts_explains_its_finish_reason(fake: FakeUpstream) -> None:
    fake.queue(Reply(200, {"candidates": [{"content": {"role": "model"}, "finishReason": "SAFETY"}]}),
               Reply(200, {"promptFeedback": {"blockReason": "PROHIBITED_CONTENT"}}))
    config = {"baseURL": fake.url, "model": "gemini-2.5-flash"}
    with pytest.raises(ModuleError, match="flagged for safety reasons"):
        generate("generative-google", GenerativeRequest("hi"), config, {"X-Goog-Studio-Api-Key": "k"})
    with pytest.raises(ModuleError, match=r"prompt was blocked \(PROHIBITED_CONTENT\)"):
        generate("generative-google", GenerativeRequest("hi"), config, {"X-Goog-Studio-Api-Key": "k"})


def test_weaviates_legacy_default_model_is_refused_with_the_fix(fake: FakeUpstream) -> None:
    with pytest.raises(ModuleError, match="legacy PaLM model, whose API Google has retired; set a gemini model"):
        generate("generative-google", GenerativeRequest("hi"), {"baseURL": fake.url}, {"X-Goog-Studio-Api-Key": "k"})
    assert fake.requests == []


@pytest.mark.parametrize(("config", "message"), [
    ({"apiEndpoint": "us-central1-aiplatform.googleapis.com"}, "projectId cannot be empty"),
    ({"temperature": 1.5}, "temperature has to be float value between 0 and 1"),
    ({"projectId": "p", "region": "evil.example/#"}, "region 'evil.example/#' is not a plain Google Cloud name"),
    ({"model": "gemini/../../x"}, "is not a plain Google Cloud name"),
])
def test_bad_settings_are_refused(config: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        GoogleGenerative().validate(config)


def test_a_query_region_that_is_not_a_name_never_builds_a_host(fake: FakeUpstream) -> None:
    request = GenerativeRequest("hi", options={"region": "evil.example/#"})
    with pytest.raises(ModuleError, match="region 'evil.example/#' is not a plain Google Cloud name") as caught:
        generate("generative-google", request, {**VERTEX, "baseURL": fake.url}, {"X-Goog-Api-Key": "k"})
    assert caught.value.status == 422 and fake.requests == []
