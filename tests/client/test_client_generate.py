"""collection.generate.* through the Client, embedded and over HTTP (GraphQL), against a fake OpenAI on 127.0.0.1
that embeds by counting words and answers a chat with the prompt it got: every search mode with a single prompt and
a grouped task, per-object errors, per-query provider options, the provider's metadata and the debug prompt,
rerank and group_by; and the two transports giving the same answer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import vectordb
from tests.conftest import Server, make_settings
from tests.modules.contract.generative_cases import chat_completion
from tests.modules.fake_upstream import FakeUpstream, Recorded, Reply
from vectordb.api.app import create_app
from vectordb.client import Client, GenerativeConfig, GenerativeParameters, GroupBy, Rerank, VectordbError
from vectordb.database import Database

ENV = {"ENABLE_MODULES": "text2vec-openai,generative-openai,reranker-dummy"}
HEADERS = {"X-Openai-Api-Key": "sk-client"}
WORDS = ["cat", "dog", "fish"]
TITLES = ["red cat", "blue dog", "green fish"]


def _prompt(request: Recorded) -> str:
    content = request.body["messages"][0]["content"]
    return content if isinstance(content, str) else content[0]["text"]


def _openai(request: Recorded) -> Reply:
    if request.path.endswith("/embeddings"):
        data = [{"object": "embedding", "index": i, "embedding": [float(t.count(w)) for w in WORDS] + [0.1]}
                for i, t in enumerate(request.body["input"])]
        return Reply(200, {"object": "list", "data": data, "model": "m", "usage": {"prompt_tokens": 1,
                                                                                  "total_tokens": 1}})
    return Reply(200, chat_completion(request, f"<{_prompt(request)}>"))


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeUpstream]:
    with FakeUpstream(_openai) as upstream:
        yield upstream


def _fill(client: Client, url: str) -> list[str]:
    pets = client.collections.create(
        "Pet", properties=[{"name": "title", "dataType": ["text"]}, {"name": "kind", "dataType": ["text"]}],
        vectorizer="text2vec-openai",
        module_config={"text2vec-openai": {"baseURL": url, "vectorizeClassName": False},
                       "generative-openai": {"baseURL": url, "model": "class-model"}, "reranker-dummy": {}})
    result = pets.data.insert_many([{"title": t, "kind": t.split()[1]} for t in TITLES])
    assert not result.has_errors, result.errors
    return [result.uuids[i] for i in range(len(TITLES))]


@pytest.fixture(params=["embedded", "http"])
def pets(request: pytest.FixtureRequest, tmp_path, fake) -> Iterator[tuple]:
    if request.param == "embedded":
        client = vectordb.open(tmp_path / "embedded", headers=HEADERS, **ENV)
        uuids = _fill(client, fake.url)
        yield client.collections.get("Pet"), uuids
        client.close()
        return
    db = Database(make_settings(tmp_path / "http", **ENV))
    with Server(create_app(db)) as server, vectordb.connect(server.url, headers=HEADERS) as client:
        uuids = _fill(client, fake.url)
        yield client.collections.get("Pet"), uuids
    db.close()


MODES = {
    "fetch_objects": lambda g, ids, **kw: g.fetch_objects(limit=3, **kw),
    "near_vector": lambda g, ids, **kw: g.near_vector([1.0, 0.0, 0.0, 0.1], limit=3, **kw),
    "near_object": lambda g, ids, **kw: g.near_object(ids[0], limit=3, **kw),
    "near_text": lambda g, ids, **kw: g.near_text("cat", limit=3, **kw),
    "bm25": lambda g, ids, **kw: g.bm25("cat dog fish", limit=3, **kw),
    "hybrid": lambda g, ids, **kw: g.hybrid("cat", limit=3, **kw),
}


@pytest.mark.parametrize("mode", list(MODES))
def test_every_search_mode_generates_per_object_and_grouped(pets, mode) -> None:
    coll, uuids = pets
    out = MODES[mode](coll.generate, uuids, single_prompt="Describe {title}", grouped_task="Summarize",
                      grouped_properties=["kind"])
    assert sorted(o.generated for o in out.objects) == sorted(f"<Describe {t}>" for t in TITLES)
    assert all(o.generative.text == o.generated and o.generative.error is None for o in out.objects)
    kinds = ",".join(f'{{"kind":"{o.properties["kind"]}"}}' for o in out.objects)
    assert out.generated == f"<Summarize: [{kinds}]>" and out.generative.text == out.generated


def test_a_failing_prompt_is_that_objects_error(pets, fake) -> None:
    coll, _ = pets
    before = len(fake.requests)
    out = coll.generate.fetch_objects(limit=3, single_prompt="Tell {nope}")
    assert [o.generated for o in out.objects] == [None, None, None]
    assert all(o.generative.error.startswith("Following property has empty value: 'nope'") for o in out.objects)
    assert len(fake.requests) == before and out.generated is None and out.generative is None


def test_metadata_and_debug_come_back_when_asked(pets) -> None:
    coll, _ = pets
    out = coll.generate.near_vector(
        [1.0, 0.0, 0.0, 0.1], limit=1, single_prompt=GenerativeParameters.single_prompt("T {title}", metadata=True,
                                                                                       debug=True))
    [first] = out.objects
    assert first.generated == "<T red cat>" and first.generative.debug == "T red cat"
    assert first.generative.metadata == {"usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18}}
    plain = coll.generate.near_vector([1.0, 0.0, 0.0, 0.1], limit=1, single_prompt="T {title}")
    assert plain.objects[0].generative.metadata is None and plain.objects[0].generative.debug is None
    grouped = coll.generate.fetch_objects(limit=2, grouped_task=GenerativeParameters.grouped_task("S", metadata=True))
    assert grouped.generative.metadata["usage"]["total_tokens"] == 18 and grouped.objects[0].generated is None


def test_per_query_provider_options_override_the_collections(pets, fake) -> None:
    coll, _ = pets
    provider = GenerativeConfig.openai(model="gpt-4o-per-query", max_tokens=9, base_url=fake.url)
    out = coll.generate.fetch_objects(limit=1, single_prompt="Hi {title}", generative_provider=provider)
    assert out.objects[0].generated.startswith("<Hi ")
    body = fake.requests[-1].body
    assert body["model"] == "gpt-4o-per-query" and body["max_tokens"] == 9
    with pytest.raises(VectordbError, match="maxTokens|max_tokens|Int"):
        coll.generate.fetch_objects(limit=1, single_prompt="Hi", generative_provider=GenerativeConfig.openai(
            max_tokens="many"))


def test_rerank_then_generate(pets) -> None:
    coll, _ = pets
    out = coll.generate.near_text("cat", limit=3, single_prompt="N {title}", rerank=Rerank(prop="title", query="x"))
    scores = [o.metadata.rerank_score for o in out.objects]
    # reranker-dummy scores by length
    assert scores == sorted(scores, reverse=True) and scores[0] == len("green fish")
    assert all(o.generated == f"<N {o.properties['title']}>" for o in out.objects)


def test_group_by_puts_the_single_prompt_on_each_group(pets) -> None:
    coll, _ = pets
    out = coll.generate.near_text("cat", single_prompt="About {kind}", grouped_task="All",
                                  group_by=GroupBy(prop="kind", number_of_groups=3, objects_per_group=1))
    assert {name: g.generated for name, g in out.groups.items()} == {
        "cat": "<About cat>", "dog": "<About dog>", "fish": "<About fish>"}
    assert out.generated.startswith("<All: [")


def test_generate_needs_a_prompt_or_a_task(pets) -> None:
    coll, _ = pets
    with pytest.raises(ValueError, match="single_prompt, grouped_task or both"):
        coll.generate.fetch_objects(limit=1)


def test_embedded_and_http_answer_alike(tmp_path, fake) -> None:
    embedded = vectordb.open(tmp_path / "e", headers=HEADERS, **ENV)
    db = Database(make_settings(tmp_path / "h", **ENV))
    with Server(create_app(db)) as server, vectordb.connect(server.url, headers=HEADERS) as http:
        answers = []
        for client in (embedded, http):
            _fill(client, fake.url)
            out = client.collections.get("Pet").generate.near_text(
                "cat", limit=3, single_prompt=GenerativeParameters.single_prompt("D {title}", metadata=True),
                grouped_task=GenerativeParameters.grouped_task("G", metadata=True), return_metadata=["distance"])
            answers.append(([(o.properties, o.generated, o.generative, o.metadata.distance) for o in out.objects],
                            out.generated, out.generative))
        assert answers[0] == answers[1]
    embedded.close()
    db.close()
