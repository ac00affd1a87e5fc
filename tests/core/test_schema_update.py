"""PUT /v1/schema/{class}: what may change and what must be refused."""

from __future__ import annotations

import copy

import pytest

from tests.core._schema_fakes import FakeCatalog, settings
from vectordb.errors import UserError
from vectordb.schema import normalize_class, update_class

PROPS = [
    {"name": "title", "dataType": ["text"], "description": "the title"},
    {
        "name": "meta",
        "dataType": ["object"],
        "nestedProperties": [{"name": "a", "dataType": ["int"], "description": "x"}],
    },
]


def legacy(**body: object) -> dict:
    base = {
        "class": "Article",
        "vectorizer": "text2vec-openai",
        "moduleConfig": {"generative-openai": {"model": "gpt-4o"}},
        "properties": copy.deepcopy(PROPS),
    }
    return normalize_class({**base, **body}, modules=FakeCatalog(), settings=settings())


def named() -> dict:
    return normalize_class(
        {
            "class": "Article",
            "vectorConfig": {
                "title": {"vectorizer": {"text2vec-openai": {"properties": ["title"]}}},
                "raw": {"vectorIndexType": "flat"},
            },
            "properties": copy.deepcopy(PROPS),
        },
        modules=FakeCatalog(),
        settings=settings(),
    )


def changed(old: dict, edit, **kwargs: object) -> dict:
    body = copy.deepcopy(old)
    edit(body)
    return update_class(old, body, **kwargs)


def refused(old: dict, edit, *fragments: str, **kwargs: object) -> None:
    before = copy.deepcopy(old)
    with pytest.raises(UserError) as info:
        changed(old, edit, **kwargs)
    assert info.value.status == 422
    for fragment in fragments:
        assert fragment in info.value.message, info.value.message
    assert old == before


def test_sending_back_what_get_returned_changes_nothing():
    for old in (legacy(), named()):
        assert update_class(old, copy.deepcopy(old)) == old


def test_a_minimal_body_keeps_everything():
    old = legacy()
    assert update_class(old, {"class": "article"}) == old
    assert update_class(old, {}) == old


def test_description_and_property_descriptions_may_change():
    def edit(body):
        body["description"] = "news"
        body["properties"][0]["description"] = "new title text"
        body["properties"][1]["nestedProperties"][0]["description"] = "y"

    out = changed(legacy(), edit)
    assert out["description"] == "news"
    assert out["properties"][0]["description"] == "new title text"
    assert out["properties"][1]["nestedProperties"][0]["description"] == "y"


def test_class_name_is_immutable():
    refused(
        legacy(),
        lambda b: b.update({"class": "Other"}),
        'class name is immutable: attempted change from "Article"',
    )


def test_mutable_vector_index_settings():
    def edit(body):
        body["vectorIndexConfig"].update(ef=77, dynamicEfMin=10, dynamicEfMax=900, dynamicEfFactor=4)
        body["vectorIndexConfig"].update(flatSearchCutoff=5, vectorCacheMaxObjects=10, filterStrategy="acorn")

    out = changed(legacy(), edit)["vectorIndexConfig"]
    assert (out["ef"], out["dynamicEfMin"], out["dynamicEfMax"], out["dynamicEfFactor"]) == (77, 10, 900, 4)
    assert (out["flatSearchCutoff"], out["vectorCacheMaxObjects"], out["filterStrategy"]) == (5, 10, "acorn")
    # A partial vectorIndexConfig changes only what it names.
    partial = update_class(legacy(), {"vectorIndexConfig": {"ef": 64}})["vectorIndexConfig"]
    assert partial["ef"] == 64 and partial["maxConnections"] == 32


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("distance", "l2-squared", 'distance is immutable: attempted change from "cosine" to "l2-squared"'),
        ("efConstruction", 64, 'efConstruction is immutable: attempted change from "128" to "64"'),
        ("maxConnections", 16, "maxConnections is immutable"),
        ("cleanupIntervalSeconds", 10, "cleanupIntervalSeconds is immutable"),
        ("skip", True, 'skip is immutable: attempted change from "false" to "true"'),
        ("ef", 0, "ef must be -1"),
    ],
)
def test_immutable_vector_index_settings(field, value, fragment):
    refused(legacy(), lambda b: b["vectorIndexConfig"].update({field: value}), fragment)


def test_vectorizer_and_index_type_are_immutable():
    refused(legacy(), lambda b: b.update(vectorizer="text2vec-ollama"), "vectorizer is immutable")
    refused(legacy(), lambda b: b.update(vectorIndexType="flat"), "vector index type is immutable")
    refused(legacy(), lambda b: b.update(vectorConfig={"default": {}}), "adding named vectors")


def test_flat_index_updates():
    old = legacy(vectorIndexType="flat")
    assert (
        changed(old, lambda b: b["vectorIndexConfig"].update(vectorCacheMaxObjects=5))["vectorIndexConfig"][
            "vectorCacheMaxObjects"
        ]
        == 5
    )
    refused(old, lambda b: b["vectorIndexConfig"].update(distance="dot"), "distance is immutable")
    refused(old, lambda b: b["vectorIndexConfig"]["bq"].update(enabled=True), "bq is immutable")


# ---------------------------------------------------------------- properties


@pytest.mark.parametrize(
    "edit",
    [
        lambda b: b["properties"][0].update(dataType=["int"]),
        lambda b: b["properties"][0].update(tokenization="field"),
        lambda b: b["properties"][0].update(indexFilterable=False),
        lambda b: b["properties"][1]["nestedProperties"].append({"name": "b", "dataType": ["text"]}),
        lambda b: b["properties"].pop(),
        lambda b: b["properties"].append({"name": "extra", "dataType": ["text"]}),
        lambda b: b["properties"][0].update(name="heading"),
    ],
)
def test_property_fields_other_than_description_are_immutable(edit):
    refused(
        legacy(), edit, "property fields other than description cannot be updated through updating the class"
    )


def test_property_module_settings_are_immutable():
    refused(
        legacy(),
        lambda b: b["properties"][0]["moduleConfig"]["text2vec-openai"].update(skip=True),
        'property "title": module "text2vec-openai" configuration cannot be updated',
    )


def test_properties_sent_without_defaults_compare_after_defaults_are_filled():
    body = {
        "properties": [{"name": "Title", "dataType": ["text"], "description": "d"}, copy.deepcopy(PROPS[1])]
    }
    out = update_class(legacy(), body)
    assert out["properties"][0]["description"] == "d"
    assert out["properties"][0]["moduleConfig"] == legacy()["properties"][0]["moduleConfig"]


# ---------------------------------------------------------------- inverted index, replication, sharding


def test_bm25_stopwords_and_cleanup_may_change():
    def edit(body):
        body["invertedIndexConfig"]["bm25"] = {"b": 0.5, "k1": 2.0}
        body["invertedIndexConfig"]["stopwords"] = {"preset": "none", "additions": ["x"], "removals": None}
        body["invertedIndexConfig"]["cleanupIntervalSeconds"] = 30

    out = changed(legacy(), edit)["invertedIndexConfig"]
    assert out["bm25"] == {"b": 0.5, "k1": 2.0}
    assert out["stopwords"] == {"preset": "none", "additions": ["x"], "removals": None}
    assert out["cleanupIntervalSeconds"] == 30


@pytest.mark.parametrize(
    ("field", "label"),
    [
        ("indexTimestamps", "indexTimestamp"),
        ("indexNullState", "indexNullState"),
        ("indexPropertyLength", "indexPropertyLength"),
    ],
)
def test_inverted_index_flags_are_immutable(field, label):
    refused(
        legacy(),
        lambda b: b["invertedIndexConfig"].update({field: True}),
        f'"{label}" setting is immutable. Value changed from "false" to "true"',
    )


def test_invalid_inverted_index_updates_are_refused():
    refused(legacy(), lambda b: b["invertedIndexConfig"]["bm25"].update(b=3), "BM25.b")
    refused(
        legacy(), lambda b: b["invertedIndexConfig"]["stopwords"].update(preset="xx"), "stopwordPreset 'xx'"
    )


def test_replication_sharding_and_multi_tenancy_rules():
    refused(legacy(), lambda b: b["replicationConfig"].update(factor=2), "factor must be 1")
    out = changed(legacy(), lambda b: b["replicationConfig"].update(deletionStrategy="DeleteOnConflict"))
    assert out["replicationConfig"]["deletionStrategy"] == "DeleteOnConflict"
    refused(legacy(), lambda b: b["shardingConfig"].update(desiredCount=3), "shard count is immutable")
    refused(
        legacy(), lambda b: b["shardingConfig"].update(virtualPerPhysical=64), "virtual shards per physical"
    )
    refused(
        legacy(), lambda b: b["multiTenancyConfig"].update(enabled=True),
        "enabling multi-tenancy for an existing class is not supported"
    )
    # Derived counts echoed back by a client do not matter.
    assert (
        changed(legacy(), lambda b: b["shardingConfig"].update(actualCount=7))["shardingConfig"][
            "actualCount"
        ]
        == 1
    )


# ---------------------------------------------------------------- module settings


def test_generative_and_reranker_modules_may_be_replaced_or_added():
    def edit(body):
        del body["moduleConfig"]["generative-openai"]
        body["moduleConfig"]["generative-cohere"] = {"model": "command-r"}
        body["moduleConfig"]["reranker-cohere"] = {}

    out = changed(legacy(), edit, modules=FakeCatalog())
    assert out["moduleConfig"] == {
        "text2vec-openai": legacy()["moduleConfig"]["text2vec-openai"],
        "generative-cohere": {"model": "command-r"},
        "reranker-cohere": {},
    }
    # Naming the same generative module again replaces its settings.
    out = update_class(legacy(), {"moduleConfig": {"generative-openai": {"model": "gpt-5"}}})
    assert out["moduleConfig"]["generative-openai"] == {"model": "gpt-5"}


def test_modules_that_are_not_on_may_be_added_and_are_kept_unchecked():
    catalog = FakeCatalog()
    catalog.off = {"reranker-cohere"}

    def edit(body):
        del body["moduleConfig"]["generative-openai"]
        body["moduleConfig"]["generative-anthropic"] = {"model": "claude"}  # a Weaviate module this server lacks
        body["moduleConfig"]["reranker-cohere"] = {"model": "no-such-model"}  # known, off
        body["moduleConfig"]["qna-openai"] = {}

    out = changed(legacy(), edit, modules=catalog)
    assert out["moduleConfig"]["generative-anthropic"] == {"model": "claude"}
    assert out["moduleConfig"]["reranker-cohere"] == {"model": "no-such-model"}
    assert out["moduleConfig"]["qna-openai"] == {}
    assert catalog.validated == []


def test_module_setting_updates_that_are_refused():
    refused(
        legacy(),
        lambda b: b["moduleConfig"]["text2vec-openai"].update(model="text-embedding-3-large"),
        "can only update generative and reranker module configs. Got: text2vec-openai for class: Article",
    )
    refused(
        legacy(),
        lambda b: b["moduleConfig"].update({"generative-cohere": {}}),
        "multiple generative modules",
    )
    refused(
        legacy(),
        lambda b: b["moduleConfig"].update({"generative-openai": {"model": "no-such-model"}}),
        "module 'generative-openai'",
        modules=FakeCatalog(),
    )
    refused(
        legacy(),
        lambda b: b["moduleConfig"].update({"generative-nope": {}}),
        "multiple generative modules",
        modules=FakeCatalog(),
    )
    # A vectorizer setting repeated with its stored value is not a change.
    out = update_class(legacy(), {"moduleConfig": {"text2vec-openai": {"model": "text-embedding-3-small"}}})
    assert out == legacy()


# ---------------------------------------------------------------- named vectors


def test_named_vector_index_settings_may_change():
    out = changed(named(), lambda b: b["vectorConfig"]["title"]["vectorIndexConfig"].update(ef=55))
    assert out["vectorConfig"]["title"]["vectorIndexConfig"]["ef"] == 55
    out = update_class(named(), {"vectorConfig": {"title": {"vectorIndexConfig": {"ef": 9}}, "raw": {}}})
    assert out["vectorConfig"]["title"]["vectorIndexConfig"]["ef"] == 9
    assert out["vectorConfig"]["raw"] == named()["vectorConfig"]["raw"]


@pytest.mark.parametrize(
    ("edit", "fragment"),
    [
        (lambda b: b["vectorConfig"].pop("raw"), 'missing config for vector "raw"'),
        (lambda b: b["vectorConfig"].update(extra={}), 'adding vector "extra"'),
        (
            lambda b: b["vectorConfig"]["raw"].update(vectorIndexType="hnsw"),
            'vector index type of vector "raw" is immutable',
        ),
        (
            lambda b: b["vectorConfig"]["raw"].update(vectorizer={"text2vec-openai": {}}),
            'vectorizer of vector "raw" is immutable',
        ),
        (
            lambda b: b["vectorConfig"]["title"]["vectorizer"]["text2vec-openai"].update(properties=["meta"]),
            'vectorizer config of vector "title" is immutable',
        ),
        (
            lambda b: b["vectorConfig"]["raw"]["vectorIndexConfig"].update(distance="dot"),
            "distance is immutable",
        ),
        (lambda b: b.update(vectorizer="text2vec-openai"), "cannot be added"),
    ],
)
def test_named_vector_changes_that_are_refused(edit, fragment):
    refused(named(), edit, fragment)


def test_non_object_bodies_are_refused():
    with pytest.raises(UserError, match="must be a JSON object"):
        update_class(legacy(), ["x"])
    with pytest.raises(UserError, match="properties must be a list"):
        update_class(legacy(), {"properties": {"title": {}}})
