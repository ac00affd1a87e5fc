"""The official v4 client's `collection.generate.*` over gRPC against fakes of the providers on 127.0.0.1: each
search mode (near_vector, near_object, near_text, bm25, hybrid, fetch) with a single prompt and a grouped task,
combined with rerank and with group_by, and the provider's metadata (token usage) and debug prompt coming back as
Weaviate's gRPC carries them (`generative.metadata`, `generative.debug.full_prompt`)."""

from __future__ import annotations

import pytest
from weaviate.classes.config import Configure, DataType, Property
from weaviate.classes.generate import GenerativeConfig, GenerativeParameters
from weaviate.classes.query import GroupBy, Rerank
from weaviate.exceptions import WeaviateQueryError
from weaviate.proto.v1 import generative_pb2

from tests.modules.contract.generative_cases import anthropic_message, chat_completion, cohere_chat, ollama_generate
from tests.modules.fake_upstream import FakeUpstream, Recorded, Reply

SERVER_ENV = {"ENABLE_MODULES": "text2vec-openai,generative-openai,generative-ollama,reranker-dummy"}
WORDS = ["cat", "dog", "fish"]
TITLES = ["red cat", "blue dog", "green fish"]


def _prompt(request: Recorded) -> str:
    if "prompt" in request.body:
        return request.body["prompt"]
    content = request.body["messages"][0]["content"]
    return content if isinstance(content, str) else [p["text"] for p in content if p.get("type") == "text"][-1]


def _openai(request: Recorded) -> Reply:
    if request.path.endswith("/embeddings"):
        data = [{"object": "embedding", "index": i, "embedding": [float(t.count(w)) for w in WORDS] + [0.1]}
                for i, t in enumerate(request.body["input"])]
        return Reply(200, {"object": "list", "data": data, "model": "m", "usage": {"prompt_tokens": 1,
                                                                                  "total_tokens": 1}})
    return Reply(200, chat_completion(request, f"<{_prompt(request)}>"))


def _echo(answer):
    return lambda request: Reply(200, answer(request, f"<{_prompt(request)}>"))


@pytest.fixture(scope="module")
def fakes():
    with (FakeUpstream(_openai) as openai, FakeUpstream(_echo(anthropic_message)) as anthropic,
          FakeUpstream(_echo(cohere_chat)) as cohere, FakeUpstream(_echo(ollama_generate)) as ollama):
        yield {"openai": openai, "anthropic": anthropic, "cohere": cohere, "ollama": ollama}


@pytest.fixture(scope="module")
def pets(module_servers, fakes):
    headers = {"X-OpenAI-Api-Key": "sk-o", "X-Anthropic-Api-Key": "sk-a", "X-Cohere-Api-Key": "sk-c"}
    with module_servers.client(headers=headers) as v4:
        coll = v4.collections.create(
            "GenPet",
            properties=[Property(name="title", data_type=DataType.TEXT),
                        Property(name="kind", data_type=DataType.TEXT)],
            vector_config=Configure.Vectors.text2vec_openai(base_url=fakes["openai"].url,
                                                           vectorize_collection_name=False),
            generative_config=Configure.Generative.openai(base_url=fakes["openai"].url, model="class-model"),
            reranker_config=Configure.Reranker.custom("reranker-dummy"),
        )
        result = coll.data.insert_many([{"title": t, "kind": t.split()[1]} for t in TITLES])
        assert not result.has_errors, result.errors
        yield coll, list(result.uuids.values())


def _searches(coll, uuids):
    return {
        "fetch_objects": lambda **kw: coll.generate.fetch_objects(limit=3, **kw),
        "near_vector": lambda **kw: coll.generate.near_vector([1.0, 0.0, 0.0, 0.1], limit=3, **kw),
        "near_object": lambda **kw: coll.generate.near_object(uuids[0], limit=3, **kw),
        "near_text": lambda **kw: coll.generate.near_text("cat", limit=3, **kw),
        "bm25": lambda **kw: coll.generate.bm25("cat dog fish", limit=3, **kw),
        "hybrid": lambda **kw: coll.generate.hybrid("cat", limit=3, **kw),
    }


@pytest.mark.parametrize("mode", ["fetch_objects", "near_vector", "near_object", "near_text", "bm25", "hybrid"])
def test_every_search_mode_generates_single_and_grouped(pets, mode):
    coll, uuids = pets
    out = _searches(coll, uuids)[mode](single_prompt="Describe {title}", grouped_task="Summarize",
                                       grouped_properties=["kind"])
    assert sorted(o.generated for o in out.objects) == sorted(f"<Describe {t}>" for t in TITLES)
    kinds = ",".join(f'{{"kind":"{o.properties["kind"]}"}}' for o in out.objects)
    assert out.generated == f"<Summarize: [{kinds}]>"


def test_generate_after_rerank_keeps_each_text_on_its_object(pets):
    coll, _ = pets
    out = coll.generate.near_text("cat", limit=3, single_prompt="Name {title}", grouped_task="Count",
                                  rerank=Rerank(prop="title", query="anything"))
    scores = [o.metadata.rerank_score for o in out.objects]
    assert scores == sorted(scores, reverse=True)
    assert all(o.generated == f"<Name {o.properties['title']}>" for o in out.objects)
    assert out.generated.startswith("<Count: [")


def test_generate_with_group_by(pets):
    coll, _ = pets
    out = coll.generate.near_text("cat", single_prompt="About {kind}", grouped_task="All",
                                  group_by=GroupBy(prop="kind", number_of_groups=3, objects_per_group=1))
    assert set(out.groups) == {"cat", "dog", "fish"}
    assert {g.generated for g in out.groups.values()} == {"<About cat>", "<About dog>", "<About fish>"}
    assert out.generated.startswith("<All: [")


def test_openai_usage_and_debug_come_back_when_asked(pets, fakes):
    coll, _ = pets
    provider = GenerativeConfig.openai(base_url=fakes["openai"].url, model="m2")
    out = coll.generate.fetch_objects(
        limit=2, generative_provider=provider,
        single_prompt=GenerativeParameters.single_prompt("Tell {title}", metadata=True, debug=True),
        grouped_task=GenerativeParameters.grouped_task("Sum", metadata=True))
    first = out.objects[0].generative
    assert first.text == f"<Tell {out.objects[0].properties['title']}>"
    assert first.debug.full_prompt == f"Tell {out.objects[0].properties['title']}"
    assert isinstance(first.metadata, generative_pb2.GenerativeOpenAIMetadata)
    assert (first.metadata.usage.prompt_tokens, first.metadata.usage.completion_tokens,
            first.metadata.usage.total_tokens) == (11, 7, 18)
    assert out.generative.text.startswith("<Sum: [") and out.generative.metadata.usage.total_tokens == 18


def test_metadata_and_debug_stay_out_unless_asked(pets, fakes):
    coll, _ = pets
    plain = coll.generate.fetch_objects(limit=1, single_prompt="Tell {title}", grouped_task="Sum")
    assert plain.objects[0].generative.metadata is None and plain.objects[0].generative.debug is None
    provider = GenerativeConfig.openai(base_url=fakes["openai"].url)
    named = coll.generate.fetch_objects(limit=1, single_prompt="Tell {title}", generative_provider=provider)
    assert named.objects[0].generative.metadata is None


def test_anthropic_and_cohere_metadata_in_their_messages(pets, fakes):
    coll, _ = pets
    asked = GenerativeParameters.single_prompt("Tell {title}", metadata=True)
    out = coll.generate.fetch_objects(limit=1, single_prompt=asked,
                                      generative_provider=GenerativeConfig.anthropic(base_url=fakes["anthropic"].url))
    usage = out.objects[0].generative.metadata.usage
    assert (usage.input_tokens, usage.output_tokens) == (12, 6)
    out = coll.generate.fetch_objects(limit=1, single_prompt=asked,
                                      generative_provider=GenerativeConfig.cohere(base_url=fakes["cohere"].url))
    cohere = out.objects[0].generative.metadata
    assert isinstance(cohere, generative_pb2.GenerativeCohereMetadata)
    assert (cohere.billed_units.input_tokens, cohere.tokens.input_tokens, cohere.tokens.output_tokens) == (5, 70, 3)


def test_ollama_reports_no_grpc_metadata_as_weaviate(pets, fakes):
    coll, _ = pets
    out = coll.generate.fetch_objects(
        limit=1, single_prompt=GenerativeParameters.single_prompt("Tell {title}", metadata=True),
        generative_provider=GenerativeConfig.ollama(api_endpoint=fakes["ollama"].url))
    assert out.objects[0].generated.startswith("<Tell ")
    # the thinking is not mixed into the answer; Weaviate's GenerativeOllamaMetadata has no field to carry it
    assert "think" not in out.objects[0].generated and out.objects[0].generative.metadata is None


def test_one_failing_prompt_fails_the_grpc_search_as_weaviate(pets):
    coll, _ = pets
    with pytest.raises(WeaviateQueryError, match="Following property has empty value: 'nope'"):
        coll.generate.fetch_objects(limit=1, single_prompt="Tell {nope}")


def test_ollama_gets_the_v4_clients_images_at_the_top_level_of_api_generate(pets, fakes):
    coll, _ = pets
    before = len(fakes["ollama"].requests)
    out = coll.generate.fetch_objects(
        limit=1, single_prompt=GenerativeParameters.single_prompt("What is {title}?", images=["aW1hZ2U="]),
        generative_provider=GenerativeConfig.ollama(api_endpoint=fakes["ollama"].url, model="llava"))
    [sent] = fakes["ollama"].requests[before:]
    assert sent.path == "/api/generate" and sent.body["model"] == "llava" and sent.body["images"] == ["aW1hZ2U="]
    assert out.objects[0].generated == f"<{sent.body['prompt']}>"
