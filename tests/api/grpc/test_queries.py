"""Every Search the v4 client sends, against one collection with a vectorizer, references and modules.

text2vec-openai talks to a fake OpenAI on 127.0.0.1 whose embeddings count a few words, so the ranking of
near_text / hybrid is known; the key reaches it from the client's headers through gRPC metadata.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import weaviate
import weaviate.classes as wvc
from weaviate.classes.config import Configure, DataType, Property, ReferenceProperty
from weaviate.classes.query import Filter, GroupBy, HybridFusion, MetadataQuery, Move, QueryReference, Rerank, Sort
from weaviate.exceptions import WeaviateQueryError

from tests.modules.contract.generative_cases import chat_completion
from tests.modules.fake_upstream import FakeUpstream, Recorded, Reply

SERVER_ENV = {"ENABLE_MODULES": "text2vec-openai,generative-dummy,reranker-dummy"}
WORDS = ["cat", "dog", "fish", "red", "blue", "fast"]
PETS = [
    ("red cat", "cat", 1, 10.5, ["soft", "small"], True),
    ("blue cat", "cat", 2, 20.0, ["small"], False),
    ("fast dog", "dog", 3, 30.0, ["loud"], True),
    ("red dog", "dog", 4, 40.0, [], False),
    ("blue fish", "fish", 5, 5.25, ["wet", "small"], True),
    ("red fast fish", "fish", 6, 6.0, ["wet"], None),
]
BORN = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


def embed(text: str) -> list[float]:
    words = text.lower().split()
    return [float(words.count(w)) for w in WORDS] + [0.1]


def _openai(request: Recorded) -> Reply:
    data = [{"object": "embedding", "index": i, "embedding": embed(t)} for i, t in enumerate(request.body["input"])]
    return Reply(200, {"object": "list", "data": data, "model": "m", "usage": {"prompt_tokens": 1, "total_tokens": 1}})


@pytest.fixture(scope="module")
def fake():
    with FakeUpstream(_openai) as upstream:
        yield upstream


@pytest.fixture(scope="module")
def v4(module_servers, fake):
    with module_servers.client(headers={"X-OpenAI-Api-Key": "sk-through-grpc"}) as connected:
        yield connected


@pytest.fixture(scope="module")
def pets(v4, fake):
    people = v4.collections.create("Person", properties=[Property(name="name", data_type=DataType.TEXT)],
                                   vector_config=Configure.Vectors.self_provided())
    ann, bob = uuid.uuid4(), uuid.uuid4()
    people.data.insert_many([wvc.data.DataObject(properties={"name": "Ann"}, uuid=ann, vector=[1.0, 0.0]),
                             wvc.data.DataObject(properties={"name": "Bob"}, uuid=bob, vector=[0.0, 1.0])])
    coll = v4.collections.create(
        "Pet",
        properties=[
            Property(name="title", data_type=DataType.TEXT),
            Property(name="kind", data_type=DataType.TEXT),
            Property(name="n", data_type=DataType.INT),
            Property(name="price", data_type=DataType.NUMBER),
            Property(name="tags", data_type=DataType.TEXT_ARRAY),
            Property(name="good", data_type=DataType.BOOL),
            Property(name="born", data_type=DataType.DATE),
        ],
        references=[ReferenceProperty(name="owner", target_collection="Person")],
        vector_config=Configure.Vectors.text2vec_openai(base_url=fake.url, vectorize_collection_name=False,
                                                       source_properties=["title"]),
        inverted_index_config=Configure.inverted_index(index_null_state=True, index_property_length=True,
                                                       index_timestamps=True),
        generative_config=Configure.Generative.custom("generative-dummy"),
        reranker_config=Configure.Reranker.custom("reranker-dummy"),
    )
    objects = []
    for i, (title, kind, n, price, tags, good) in enumerate(PETS):
        props = {"title": title, "kind": kind, "n": n, "price": price, "tags": tags,
                 "born": BORN + dt.timedelta(days=n)}
        if good is not None:
            props["good"] = good
        objects.append(wvc.data.DataObject(properties=props, references={"owner": ann if i % 2 == 0 else bob}))
    result = coll.data.insert_many(objects)
    assert not result.has_errors, result.errors
    return coll, result.uuids, ann, bob


def titles(result) -> list[str]:
    return [o.properties["title"] for o in result.objects]


def test_vectorizer_key_comes_from_grpc_metadata(pets, fake):
    coll, *_ = pets
    coll.query.near_text("cat", limit=1)
    assert fake.requests[-1].headers["authorization"] == "Bearer sk-through-grpc"


def test_typed_properties_come_back_as_python_values(pets):
    coll, uuids, *_ = pets
    obj = coll.query.fetch_object_by_id(uuids[0])
    assert obj.properties == {"title": "red cat", "kind": "cat", "n": 1, "price": 10.5, "tags": ["soft", "small"],
                              "good": True, "born": BORN + dt.timedelta(days=1)}
    assert coll.query.fetch_object_by_id(uuids[3]).properties["tags"] == []
    only = coll.query.fetch_objects(limit=1, return_properties=["n"], filters=Filter.by_id().equal(uuids[2]))
    assert only.objects[0].properties == {"n": 3}


def test_near_text_with_moves_filter_and_metadata(pets):
    coll, *_ = pets
    found = coll.query.near_text("cat", limit=3, return_metadata=MetadataQuery(distance=True, certainty=True))
    assert titles(found)[:2] in (["red cat", "blue cat"], ["blue cat", "red cat"])
    assert found.objects[0].metadata.certainty == pytest.approx(1 - found.objects[0].metadata.distance / 2)
    moved = coll.query.near_text("cat", move_to=Move(force=1.0, concepts="blue"), limit=1)
    assert titles(moved) == ["blue cat"]
    away = coll.query.near_text("cat", move_away=Move(force=0.5, concepts="blue"), limit=1)
    assert titles(away) == ["red cat"]
    filtered = coll.query.near_text("cat", filters=Filter.by_property("kind").equal("fish"), limit=5)
    assert sorted(titles(filtered)) == ["blue fish", "red fast fish"]


def test_near_vector_and_near_object(pets):
    coll, uuids, *_ = pets
    found = coll.query.near_vector([0, 1, 0, 0, 0, 1, 0.1], limit=1)
    assert titles(found) == ["fast dog"]
    near = coll.query.near_object(uuids[4], limit=2, return_metadata=MetadataQuery(distance=True))
    assert titles(near)[0] == "blue fish" and near.objects[0].metadata.distance == pytest.approx(0, abs=1e-5)
    bounded = coll.query.near_vector(embed("red cat"), distance=0.01, limit=10)
    assert titles(bounded) == ["red cat"]


def test_bm25_and_hybrid_scores(pets):
    coll, *_ = pets
    found = coll.query.bm25("red", return_metadata=MetadataQuery(score=True), limit=10)
    assert sorted(titles(found)) == ["red cat", "red dog", "red fast fish"]
    assert all(o.metadata.score > 0 for o in found.objects)
    boosted = coll.query.bm25("cat", query_properties=["title^2", "kind"], limit=10)
    assert sorted(titles(boosted)) == ["blue cat", "red cat"]
    hybrid = coll.query.hybrid("fast", alpha=0.5, limit=2, return_metadata=MetadataQuery(score=True),
                               fusion_type=HybridFusion.RANKED)
    assert set(titles(hybrid)) == {"fast dog", "red fast fish"}
    assert hybrid.objects[0].metadata.score > 0
    keyword_only = coll.query.hybrid("dog", alpha=0.0, limit=10)
    assert sorted(titles(keyword_only)) == ["fast dog", "red dog"]
    with_vector = coll.query.hybrid("", vector=embed("blue fish"), alpha=1.0, limit=1)
    assert titles(with_vector) == ["blue fish"]


def test_filters_of_every_kind(pets):
    coll, uuids, ann, _ = pets

    def matching(where) -> list[str]:
        return sorted(titles(coll.query.fetch_objects(filters=where, limit=100)))

    assert matching(Filter.by_property("n").greater_than(4)) == ["blue fish", "red fast fish"]
    assert matching(Filter.by_property("price").less_than(6.0)) == ["blue fish"]
    assert matching(Filter.by_property("title").like("*fish")) == ["blue fish", "red fast fish"]
    assert matching(Filter.by_property("tags").contains_any(["loud", "soft"])) == ["fast dog", "red cat"]
    assert matching(Filter.by_property("tags").contains_all(["wet", "small"])) == ["blue fish"]
    assert matching(Filter.by_property("good").is_none(True)) == ["red fast fish"]
    assert matching(Filter.by_property("born").greater_or_equal(BORN + dt.timedelta(days=6))) == ["red fast fish"]
    assert matching(Filter.by_property("kind").equal("cat") & Filter.by_property("good").equal(True)) == ["red cat"]
    assert matching(Filter.any_of([Filter.by_property("n").equal(1), Filter.by_property("n").equal(6)])) == [
        "red cat", "red fast fish"]
    assert matching(Filter.not_(Filter.by_property("kind").equal("dog")) & Filter.by_property("n").less_than(3)) == [
        "blue cat", "red cat"]
    assert matching(Filter.by_id().contains_any([uuids[0], uuids[1]])) == ["blue cat", "red cat"]
    assert len(matching(Filter.by_creation_time().less_than(dt.datetime.now(dt.UTC)
                                                             + dt.timedelta(minutes=1)))) == 6
    assert matching(Filter.by_creation_time().greater_than(dt.datetime(2100, 1, 1, tzinfo=dt.UTC))) == []
    assert matching(Filter.by_ref("owner").by_property("name").equal("Ann")) == ["blue fish", "fast dog", "red cat"]
    assert matching(Filter.by_ref_multi_target("owner", "Person").by_property("name").equal("Bob")) == [
        "blue cat", "red dog", "red fast fish"]
    assert len(matching(Filter.by_ref_count("owner").equal(1))) == 6
    assert matching(Filter.by_property("title", length=True).greater_than(9)) == ["red fast fish"]


def test_sort_group_by_autocut_offset(pets):
    coll, *_ = pets
    by_price = coll.query.fetch_objects(sort=Sort.by_property("price", ascending=True), limit=3)
    assert titles(by_price) == ["blue fish", "red fast fish", "red cat"]
    two_keys = coll.query.fetch_objects(sort=Sort.by_property("kind").by_property("n", ascending=False), limit=3)
    assert titles(two_keys) == ["blue cat", "red cat", "red dog"]
    grouped = coll.query.near_text("cat", group_by=GroupBy(prop="kind", number_of_groups=2, objects_per_group=2),
                                   return_metadata=MetadataQuery(distance=True))
    assert list(grouped.groups) == ["cat", grouped_second := list(grouped.groups)[1]] and grouped_second != "cat"
    assert grouped.groups["cat"].number_of_objects == 2
    assert {o.properties["title"] for o in grouped.groups["cat"].objects} == {"red cat", "blue cat"}
    assert all(o.belongs_to_group in grouped.groups for o in grouped.objects)
    cut = coll.query.near_vector(embed("red cat"), auto_limit=1, limit=6)
    assert titles(cut) == ["red cat"]
    page = coll.query.near_text("fish", limit=2, offset=1)
    assert len(page.objects) == 2 and titles(page)[0] != titles(coll.query.near_text("fish", limit=1))[0]


def test_references_and_vectors(pets):
    coll, uuids, ann, _ = pets
    obj = coll.query.fetch_object_by_id(
        uuids[0], return_references=QueryReference(link_on="owner", return_properties=["name"]),
        include_vector=True)
    [owner] = obj.references["owner"].objects
    assert owner.uuid == ann and owner.properties == {"name": "Ann"} and owner.collection == "Person"
    assert obj.vector["default"] == pytest.approx(embed("red cat"))
    with_vec = coll.query.fetch_objects(
        limit=1, filters=Filter.by_id().equal(uuids[1]),
        return_references=QueryReference(link_on="owner", include_vector=True))
    assert with_vec.objects[0].references["owner"].objects[0].vector["default"] == pytest.approx([0.0, 1.0])
    plain = coll.query.fetch_objects(limit=1)
    assert plain.objects[0].references is None and "owner" not in plain.objects[0].properties


def test_generate_single_and_grouped(pets):
    coll, *_ = pets
    out = coll.generate.near_text("cat", limit=2, single_prompt="Describe {title}", grouped_task="Summarize")
    assert all(f"Describe {o.properties['title']}" in o.generated for o in out.objects)
    assert "Summarize" in out.generated and "red cat" in out.generated
    grouped = coll.generate.fetch_objects(limit=3, grouped_task="List", grouped_properties=["kind"])
    assert "List" in grouped.generated and "title" not in grouped.generated.split("List", 1)[1]
    by_group = coll.generate.near_text("cat", single_prompt="About {kind}", grouped_task="All",
                                       group_by=GroupBy(prop="kind", number_of_groups=2, objects_per_group=1))
    assert "All" in by_group.generated
    assert all("About" in g.generated for g in by_group.groups.values())


def test_generate_with_a_missing_property_fails_with_the_reason(pets):
    coll, *_ = pets
    with pytest.raises(WeaviateQueryError, match="nope"):
        coll.generate.fetch_objects(limit=1, single_prompt="Tell me {nope}")


def test_rerank(pets):
    coll, *_ = pets
    out = coll.query.near_text("fish", limit=6, rerank=Rerank(prop="title", query="anything"),
                               return_metadata=MetadataQuery(distance=True))
    scores = [o.metadata.rerank_score for o in out.objects]
    # reranker-dummy scores by length
    assert scores == sorted(scores, reverse=True) and scores[0] == len("red fast fish")
    # no query of its own nor of the search: the reranker still runs (with an empty query)
    plain = coll.query.near_object(out.objects[0].uuid, limit=6, rerank=Rerank(prop="title"))
    assert [o.metadata.rerank_score for o in plain.objects][0] == len("red fast fish")


def test_bad_filter_gives_the_servers_message(pets):
    coll, *_ = pets
    with pytest.raises(WeaviateQueryError, match="no such prop with name 'nope'"):
        coll.query.fetch_objects(filters=Filter.by_property("nope").equal(1))
    with pytest.raises(WeaviateQueryError, match="Like can only be used on text properties"):
        coll.query.fetch_objects(filters=Filter.by_property("n").like("1*"))


def test_tenants_get_without_multi_tenancy(pets):
    coll, *_ = pets
    with pytest.raises(weaviate.exceptions.WeaviateTenantGetError, match="multi-tenancy is not enabled"):
        coll.tenants.get()
    with pytest.raises(WeaviateQueryError, match="multi-tenancy disabled"):
        coll.with_tenant("t1").query.fetch_objects()


def test_generate_with_the_collections_provider_named_per_request(pets):
    coll, *_ = pets
    out = coll.generate.fetch_objects(limit=1, single_prompt="Hi {title}",
                                      generative_provider=wvc.generate.GenerativeConfig.dummy())
    assert "Hi " in out.objects[0].generated
    # another provider's per-request settings (gRPC queries[0]) reach that module, as GraphQL's do, with the
    # client's own key (a base URL from the request never gets the server's)
    def answer(request: Recorded) -> Reply:
        return Reply(200, chat_completion(request, "from the fake: " + request.body["messages"][0]["content"]))

    with FakeUpstream(answer) as fake:
        provider = wvc.generate.GenerativeConfig.openai(base_url=fake.url, model="gpt-4o", max_tokens=7)
        out = coll.generate.fetch_objects(limit=1, single_prompt="Hi {title}", generative_provider=provider)
        assert out.objects[0].generated.startswith("from the fake: Hi ")
        sent = fake.requests[0]
        assert sent.body["model"] == "gpt-4o" and sent.body["max_tokens"] == 7
        assert sent.headers["authorization"] == "Bearer sk-through-grpc"
