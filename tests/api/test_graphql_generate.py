"""`_additional { generate(...) }` through the real server against a fake OpenAI on 127.0.0.1: single prompts
with Weaviate's interpolation and debug, grouped tasks in Go's JSON, one object's failure kept to itself, per-query
provider options overriding the collection's settings field by field, images from blob properties, "multiple
providers selected" refused, and ten objects generated at once against a slow upstream."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from tests.conftest import Server, make_settings
from tests.modules.contract.generative_cases import anthropic_message, chat_completion, ollama_generate
from tests.modules.fake_upstream import FakeUpstream, Recorded, Reply
from vectordb.api.app import create_app
from vectordb.database import Database

KEY = "sk-generate-SERVERKEY-0123456789"


def prompt_of(request: Recorded) -> str:
    content = request.body["messages"][0]["content"]
    return content if isinstance(content, str) else content[0]["text"]


def echo(request: Recorded) -> Reply:
    return Reply(200, chat_completion(request, f"<{prompt_of(request)}>"))


@pytest.fixture(scope="module")
def openai_fake():
    with FakeUpstream(echo) as fake:
        yield fake


@pytest.fixture(scope="module")
def server(tmp_path_factory, openai_fake: FakeUpstream):
    db = Database(make_settings(tmp_path_factory.mktemp("gen"), OPENAI_APIKEY=KEY, ENABLE_MODULES="generative-ollama"))
    with Server(create_app(db)) as running:
        http = httpx.Client(base_url=running.url, timeout=30)
        resp = http.post("/v1/schema", json={
            "class": "Book", "vectorizer": "none",
            "moduleConfig": {"generative-openai": {"baseURL": openai_fake.url, "model": "class-model",
                                                   "temperature": 0.5}},
            "properties": [{"name": "title", "dataType": ["text"]}, {"name": "pages", "dataType": ["int"]},
                           {"name": "tags", "dataType": ["text[]"]}, {"name": "cover", "dataType": ["blob"]}],
        })
        assert resp.status_code == 200, resp.text
        books = [{"title": "Dune", "pages": 412, "tags": ["sf", "<classic>"], "cover": "Y292ZXI="},
                 {"title": "", "pages": 1000000}, {"title": "Emma", "pages": 3}]
        objects = [{"class": "Book", "properties": p, "vector": [1.0, float(i)]} for i, p in enumerate(books)]
        http.post("/v1/batch/objects", json={"objects": objects}).raise_for_status()
        yield http
    db.close()


def get(http: httpx.Client, generate: str, headers: dict[str, str] | None = None) -> dict:
    fields = "singleResult groupedResult error debug { prompt }"
    additional = f"_additional {{ generate({generate}) {{ {fields} }} }}"
    query = f"{{ Get {{ Book(nearVector: {{vector: [1, 0]}}) {{ title {additional} }} }} }}"
    return http.post("/v1/graphql", json={"query": query}, headers=headers).json()


def rows(out: dict) -> list[dict]:
    assert "errors" not in out, out
    return [(r["title"], r["_additional"]["generate"]) for r in out["data"]["Get"]["Book"]]


def test_single_prompt_interpolation_debug_and_a_failure_of_its_own(server, openai_fake) -> None:
    before = len(openai_fake.requests)
    got = dict(rows(get(server, 'singleResult: {prompt: "About {title} ({ pages }, {tags})", debug: true}')))
    assert got["Dune"] == {"singleResult": '<About Dune (412, ["sf","\\u003cclassic\\u003e"])>', "groupedResult": None,
                           "error": None, "debug": {"prompt": 'About Dune (412, ["sf","\\u003cclassic\\u003e"])'}}
    assert got["Emma"]["singleResult"] is None and got["Emma"]["error"].startswith(
        "Following property has empty value: 'tags'. Make sure you spell the property name correctly")
    assert got[""]["singleResult"] is None and "'title'" in got[""]["error"]
    assert len(openai_fake.requests) - before == 1  # the failed ones never reached the provider


def test_grouped_task_is_go_json_of_the_chosen_properties_on_the_first_result(server) -> None:
    result = rows(get(server, 'groupedResult: {task: "Rank these", properties: ["title", "pages"]}'))
    assert result[0][1]["groupedResult"] == (
        '<Rank these: [{"pages":"412","title":"Dune"},{"pages":"1e+06","title":""},{"pages":"3","title":"Emma"}]>')
    assert all(g["groupedResult"] is None for _, g in result[1:])


def test_query_options_override_the_class_settings_field_by_field(server, openai_fake) -> None:
    rows(get(server, 'singleResult: {prompt: "{title}", openai: {model: "gpt-4o-mini", maxTokens: 9}}'))
    body = openai_fake.requests[-1].body
    assert body["model"] == "gpt-4o-mini" and body["max_tokens"] == 9 and body["temperature"] == 0.5


def test_images_from_blob_properties_then_literal_images(server, openai_fake) -> None:
    rows(get(server, 'groupedResult: {task: "Look", openai: {imageProperties: ["cover"], images: ["bGl0"]}}'))
    parts = openai_fake.requests[-1].body["messages"][0]["content"]
    assert [p["image_url"]["url"] for p in parts[1:]] == ["data:image/jpeg;base64,Y292ZXI=",
                                                          "data:image/jpeg;base64,bGl0"]
    assert "cover" not in parts[0]["text"]  # blobs are images, never prompt text


def test_another_enabled_provider_may_be_named_per_query(server) -> None:
    with FakeUpstream(lambda r: Reply(200, ollama_generate(r, "from ollama"))) as ollama:
        out = get(server, f'groupedResult: {{task: "t", ollama: {{apiEndpoint: "{ollama.url}", model: "qwen3"}}}}')
        assert rows(out)[0][1]["groupedResult"] == "from ollama"
        assert ollama.requests[0].body["model"] == "qwen3" and ollama.requests[0].path == "/api/generate"


def test_multiple_providers_are_refused(server, openai_fake) -> None:
    before = len(openai_fake.requests)
    out = get(server, 'singleResult: {prompt: "p", openai: {model: "a"}}, groupedResult: {task: "t", cohere: {k: 1}}')
    assert "multiple providers selected: [cohere openai], please choose only one" in out["errors"][0]["message"]
    assert len(openai_fake.requests) == before


def test_a_bad_query_option_is_the_users_error(server) -> None:
    out = get(server, 'singleResult: {prompt: "p", openai: {reasoningEffort: "extreme"}}')
    assert "reasoningEffort" in out["errors"][0]["message"]


def test_ten_objects_are_generated_at_once_against_a_slow_upstream(tmp_path) -> None:
    active, peak, lock = [0], [0], threading.Lock()

    def slow(request: Recorded) -> Reply:
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.2)
        with lock:
            active[0] -= 1
        return echo(request)

    db = Database(make_settings(tmp_path / "d", OPENAI_APIKEY=KEY))
    with FakeUpstream(slow) as fake, Server(create_app(db)) as running:
        http = httpx.Client(base_url=running.url, timeout=30)
        http.post("/v1/schema", json={"class": "Page", "vectorizer": "none",
                                      "moduleConfig": {"generative-openai": {"baseURL": fake.url}},
                                      "properties": [{"name": "n", "dataType": ["text"]}]}).raise_for_status()
        objects = [{"class": "Page", "properties": {"n": str(i)}, "vector": [1.0, float(i)]} for i in range(10)]
        http.post("/v1/batch/objects", json={"objects": objects}).raise_for_status()
        generate = 'generate(singleResult: {prompt: "{n}"}) { singleResult }'
        query = f"{{ Get {{ Page(limit: 10) {{ n _additional {{ {generate} }} }} }} }}"
        started = time.monotonic()
        out = http.post("/v1/graphql", json={"query": query}).json()
        elapsed = time.monotonic() - started
    db.close()
    assert sorted(r["_additional"]["generate"]["singleResult"] for r in out["data"]["Get"]["Page"]) == [
        f"<{i}>" for i in range(10)]
    # all ten calls were in flight together, so the page took about one call's time, not ten
    assert peak[0] == 10 and elapsed < 10 * 0.2


def test_the_providers_metadata_is_its_own_field_as_weaviate_names_it(server) -> None:
    usage = "openai { usage { prompt_tokens completion_tokens total_tokens } }"
    query = ('{ Get { Book(nearVector: {vector: [1, 0]}, limit: 2) { title _additional { generate('
             'groupedResult: {task: "t"}) { groupedResult ' + usage + ' } } } } }')
    got = [r["_additional"]["generate"] for r in server.post("/v1/graphql", json={"query": query}).json()
           ["data"]["Get"]["Book"]]
    assert got[0]["openai"] == {"usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18}}
    assert got[1] == {"groupedResult": None, "openai": None}


def test_a_thinking_models_thinking_is_ollamas_metadata_not_the_answer(server) -> None:
    with FakeUpstream(lambda r: Reply(200, ollama_generate(r, "the answer"))) as ollama:
        query = ('{ Get { Book(nearVector: {vector: [1, 0]}, limit: 1) { _additional { generate('
                 'singleResult: {prompt: "{title}", ollama: '
                 f'{{apiEndpoint: "{ollama.url}"}}}}) {{ singleResult ollama {{ thinking eval_count }} }} }} }} }} }}')
        [row] = server.post("/v1/graphql", json={"query": query}).json()["data"]["Get"]["Book"]
    assert row["_additional"]["generate"] == {"singleResult": "the answer",
                                              "ollama": {"thinking": "Let me think about it.", "eval_count": 4}}


def test_anthropics_metadata_fields_are_weaviates(server) -> None:
    with FakeUpstream(lambda r: Reply(200, anthropic_message(r, "hi"))) as fake:
        fields = "anthropic { id model stopReason content { type text } usage { inputTokens outputTokens } }"
        query = ('{ Get { Book(nearVector: {vector: [1, 0]}, limit: 1) { _additional { generate(singleResult: '
                 f'{{prompt: "{{title}}", anthropic: {{baseURL: "{fake.url}"}}}}) '
                 f'{{ singleResult {fields} }} }} }} }} }}')
        out = server.post("/v1/graphql", json={"query": query}, headers={"X-Anthropic-Api-Key": "sk-a"}).json()
    [row] = out["data"]["Get"]["Book"]
    assert row["_additional"]["generate"] == {"singleResult": "hi", "anthropic": {
        "id": "msg_1", "model": "claude-haiku-4-5", "stopReason": "end_turn",
        "content": [{"type": "text", "text": "hi"}],
        "usage": {"inputTokens": 12, "outputTokens": 6}}}
