"""Class definitions: defaults, validation, module settings, named vectors, vector lookups."""

from __future__ import annotations

import copy

import pytest

from modules.registry import Registry
from tests.core._schema_fakes import FakeCatalog, settings
from vectordb.errors import UserError
from vectordb.schema import (
    PRIMITIVE_TYPES,
    add_property,
    merge_properties,
    normalize_class,
    vector_config,
    vector_names,
)

HNSW_DEFAULTS = {
    "skip": False,
    "cleanupIntervalSeconds": 300,
    "maxConnections": 32,
    "efConstruction": 128,
    "ef": -1,
    "dynamicEfMin": 100,
    "dynamicEfMax": 500,
    "dynamicEfFactor": 8,
    "vectorCacheMaxObjects": 1_000_000_000_000,
    "flatSearchCutoff": 40000,
    "distance": "cosine",
    "filterStrategy": "sweeping",
    "pq": {
        "enabled": False,
        "bitCompression": False,
        "segments": 0,
        "centroids": 256,
        "trainingLimit": 100000,
        "encoder": {"type": "kmeans", "distribution": "log-normal"},
    },
    "bq": {"enabled": False},
    "sq": {"enabled": False, "trainingLimit": 100000, "rescoreLimit": 20},
    "rq": {"enabled": False, "bits": 8, "rescoreLimit": 20},
    "multivector": {
        "enabled": False,
        "muvera": {"enabled": False, "ksim": 4, "dprojections": 16, "repetitions": 10},
        "aggregation": "maxSim",
    },
    "skipDefaultQuantization": False,
    "trackDefaultQuantization": False,
}
FLAT_DEFAULTS = {
    "distance": "cosine",
    "vectorCacheMaxObjects": 1_000_000_000_000,
    "pq": {"enabled": False, "rescoreLimit": -1, "cache": False},
    "bq": {"enabled": False, "rescoreLimit": -1, "cache": False},
    "sq": {"enabled": False, "rescoreLimit": -1, "cache": False},
    "rq": {"enabled": False, "rescoreLimit": -1, "cache": False, "bits": 8},
    "skipDefaultQuantization": False,
    "trackDefaultQuantization": False,
}
CLASS_TAIL = {
    "invertedIndexConfig": {
        "bm25": {"b": 0.75, "k1": 1.2},
        "cleanupIntervalSeconds": 60,
        "stopwords": {"preset": "en", "additions": None, "removals": None},
        "indexTimestamps": False,
        "indexNullState": False,
        "indexPropertyLength": False,
        "usingBlockMaxWAND": False,
    },
    "multiTenancyConfig": {"enabled": False, "autoTenantCreation": False, "autoTenantActivation": False},
    "replicationConfig": {"factor": 1, "asyncEnabled": False, "deletionStrategy": "NoAutomatedResolution"},
    "shardingConfig": {
        "virtualPerPhysical": 128,
        "desiredCount": 1,
        "actualCount": 1,
        "desiredVirtualCount": 128,
        "actualVirtualCount": 128,
        "key": "_id",
        "strategy": "hash",
        "function": "murmur3",
    },
}

# Every key the official v4 client (4.23.1, collections/classes/config_methods.py) reads with plain
# indexing from GET /v1/schema/{class}; a missing one is a KeyError in collection.config.get().
V4_CLASS_KEYS = [
    ("class",),
    ("invertedIndexConfig", "bm25", "b"),
    ("invertedIndexConfig", "bm25", "k1"),
    ("invertedIndexConfig", "cleanupIntervalSeconds"),
    ("invertedIndexConfig", "stopwords", "preset"),
    ("invertedIndexConfig", "stopwords", "additions"),
    ("invertedIndexConfig", "stopwords", "removals"),
    ("replicationConfig", "factor"),
    *[
        ("shardingConfig", k)
        for k in (
            "virtualPerPhysical",
            "desiredCount",
            "actualCount",
            "desiredVirtualCount",
            "actualVirtualCount",
            "key",
            "strategy",
            "function",
        )
    ],  # fmt: skip
    ("multiTenancyConfig",),
]
V4_HNSW_KEYS = [
    "skip", "cleanupIntervalSeconds", "maxConnections", "efConstruction", "ef", "dynamicEfMin",
    "dynamicEfMax", "dynamicEfFactor", "vectorCacheMaxObjects", "flatSearchCutoff", "distance",
]  # fmt: skip
V4_FLAT_KEYS = ["distance", "vectorCacheMaxObjects"]
V4_PROPERTY_KEYS = ["name", "dataType", "indexFilterable", "indexSearchable"]


def make(body: dict, **settings_overrides: object) -> dict:
    return normalize_class(body, modules=FakeCatalog(), settings=settings(**settings_overrides))


def refused(body: dict, *fragments: str, **settings_overrides: object) -> str:
    with pytest.raises(UserError) as info:
        make(body, **settings_overrides)
    assert info.value.status == 422
    for fragment in fragments:
        assert fragment in info.value.message, info.value.message
    return info.value.message


def dig(obj: dict, path: tuple[str, ...]) -> object:
    for key in path:
        obj = obj[key]
    return obj


# ---------------------------------------------------------------- defaults


def test_minimal_class_gets_every_default():
    assert make({"class": "Article"}) == {
        "class": "Article",
        "properties": [],
        "vectorizer": "none",
        "vectorIndexType": "hnsw",
        "vectorIndexConfig": HNSW_DEFAULTS,
        **CLASS_TAIL,
    }


def test_flat_index_defaults():
    out = make({"class": "Article", "vectorIndexType": "flat"})
    assert out["vectorIndexType"] == "flat"
    assert out["vectorIndexConfig"] == FLAT_DEFAULTS


@pytest.mark.parametrize(
    "body",
    [
        {"class": "A", "properties": [{"name": "t", "dataType": ["text"]}, {"name": "r", "dataType": ["B"]}]},
        {"class": "A", "vectorizer": "text2vec-openai", "properties": [{"name": "t", "dataType": ["text"]}]},
        {"class": "A", "vectorIndexType": "flat"},
    ],
)
def test_every_key_the_v4_client_reads_is_present_for_legacy_classes(body):
    out = make(body)
    for path in V4_CLASS_KEYS:
        dig(out, path)
    assert "vectorizer" in out and "vectorIndexType" in out
    keys = V4_HNSW_KEYS if out["vectorIndexType"] == "hnsw" else V4_FLAT_KEYS
    for key in keys:
        assert key in out["vectorIndexConfig"]
    if out["vectorizer"] != "none":
        assert out["vectorizer"] in out["moduleConfig"]
        for prop in out["properties"]:
            assert out["vectorizer"] in prop["moduleConfig"]
    for prop in out["properties"]:
        for key in V4_PROPERTY_KEYS:
            assert key in prop
        if prop["dataType"][0] in ("text", "text[]"):
            assert prop["tokenization"] == "word"


def test_every_key_the_v4_client_reads_is_present_for_named_vectors():
    out = make(
        {
            "class": "A",
            "vectorConfig": {
                "default": {"vectorizer": {"text2vec-openai": {}}, "vectorIndexType": "hnsw"},
                "flat": {"vectorizer": {"none": {}}, "vectorIndexType": "flat"},
            },
        }
    )
    for path in V4_CLASS_KEYS:
        dig(out, path)
    # A named-vector class has no class-level vector: the client then ignores the legacy keys.
    assert "vectorizer" not in out and "vectorIndexConfig" not in out and "vectorIndexType" not in out
    for key in V4_HNSW_KEYS:
        assert key in out["vectorConfig"]["default"]["vectorIndexConfig"]
    assert out["vectorConfig"]["flat"]["vectorIndexConfig"] == FLAT_DEFAULTS
    assert out["vectorConfig"]["flat"]["vectorizer"] == {"none": {}}


def test_default_distance_comes_from_settings():
    out = make({"class": "A"}, default_vector_distance_metric="dot")
    assert out["vectorIndexConfig"]["distance"] == "dot"
    out = make(
        {"class": "A", "vectorIndexConfig": {"distance": "l2-squared"}}, default_vector_distance_metric="dot"
    )
    assert out["vectorIndexConfig"]["distance"] == "l2-squared"


def test_unknown_keys_are_dropped():
    out = make(
        {
            "class": "A",
            "foo": 1,
            "objectTtlConfig": {"enabled": False},
            "vectorIndexConfig": {"bogus": True},
            "properties": [{"name": "t", "dataType": ["text"], "skip_vectorization": True, "x": 1}],
        }
    )
    assert "foo" not in out and "objectTtlConfig" not in out and "bogus" not in out["vectorIndexConfig"]
    assert set(out["properties"][0]) == {
        "name", "dataType", "tokenization", "indexFilterable", "indexSearchable", "indexRangeFilters",
    }  # fmt: skip


def test_the_input_body_is_not_modified():
    body = {
        "class": "a",
        "vectorizer": "text2vec-openai",
        "properties": [{"name": "T", "dataType": ["string"]}],
    }
    before = copy.deepcopy(body)
    make(body)
    assert body == before


# ---------------------------------------------------------------- names


def test_class_name_first_letter_is_capitalised():
    assert make({"class": "article_2"})["class"] == "Article_2"


@pytest.mark.parametrize("name", ["1abc", "Ab-c", "A b", "Ä", "A" * 256, "_x", "Abc\n", "abc\n", "\nAbc"])
def test_invalid_class_names_are_refused(name):
    refused({"class": name}, "not a valid class name")


def test_name_errors_read_as_weaviate_writes_them():
    assert refused({"class": "Ab-c"}) == "'Ab-c' is not a valid class name"
    assert refused({"class": "A" * 256}) == (
        f"'{'A' * 256}' is not a valid class name. Name should not be longer than 255 characters"
    )
    assert refused({"class": "A", "properties": [{"name": "a\n", "dataType": ["text"]}]}) == (
        "'a\n' is not a valid property name. Property names in Weaviate are restricted to valid GraphQL names, "
        "which must be “/[_A-Za-z][_0-9A-Za-z]{0,230}/”"
    )
    nested = [{"name": "b\n", "dataType": ["text"]}]
    assert refused(
        {"class": "A", "properties": [{"name": "a", "dataType": ["object"], "nestedProperties": nested}]}
    ) == (
        "'b\n' is not a valid nested property name of 'a'. NestedProperty names in Weaviate are restricted to "
        "valid GraphQL names, which must be “/[_A-Za-z][_0-9A-Za-z]*/”"
    )
    assert refused({"class": "A", "vectorConfig": {"v\n": {}}}).endswith(
        'class.VectorConfig target vector name "v\\n" is not valid, in Weaviate target vector names are '
        "restricted to valid GraphQL names, which must be “/[_A-Za-z][_0-9A-Za-z]{0,229}/”."
    )


@pytest.mark.parametrize("body", [{}, {"class": ""}, {"class": 5}])
def test_a_class_name_is_required(body):
    refused(body, "class name is required")


def test_property_names_are_stored_with_a_lower_case_first_letter():
    out = make({"class": "A", "properties": [{"name": "Title", "dataType": ["text"]}]})
    assert out["properties"][0]["name"] == "title"


@pytest.mark.parametrize("name", ["1x", "a-b", "a b", "é", "a" * 232, "a\n", "A\n", "a\r"])
def test_invalid_property_names_are_refused(name):
    refused({"class": "A", "properties": [{"name": name, "dataType": ["text"]}]}, "not a valid property name")


def test_longest_property_name_is_accepted():
    make({"class": "A", "properties": [{"name": "a" * 231, "dataType": ["text"]}]})


@pytest.mark.parametrize("name", ["id", "_id", "_additional"])
def test_reserved_property_names_are_refused(name):
    refused({"class": "A", "properties": [{"name": name, "dataType": ["text"]}]}, "reserved property name")


def test_duplicate_property_names_are_refused_case_insensitively():
    props = [{"name": "title", "dataType": ["text"]}, {"name": "TITLE", "dataType": ["int"]}]
    refused({"class": "A", "properties": props}, 'conflict for property "tITLE"', "already in use")


# ---------------------------------------------------------------- data types


@pytest.mark.parametrize("dtype", [t for t in PRIMITIVE_TYPES if t not in ("object", "object[]")])
def test_every_primitive_type_is_accepted_with_its_defaults(dtype):
    prop = make({"class": "A", "properties": [{"name": "p", "dataType": [dtype]}]})["properties"][0]
    text = dtype in ("text", "text[]")
    assert prop["dataType"] == [dtype]
    assert prop.get("tokenization") == ("word" if text else None)
    assert prop["indexFilterable"] is True
    assert prop["indexSearchable"] is text
    assert prop["indexRangeFilters"] is False
    assert "nestedProperties" not in prop


@pytest.mark.parametrize(
    ("given", "tokenization", "expected"),
    [("string", None, "whitespace"), ("string", "word", "whitespace"), ("string[]", "field", "field")],
)
def test_deprecated_string_types_become_text(given, tokenization, expected):
    raw = {"name": "p", "dataType": [given], "tokenization": tokenization}
    prop = make({"class": "A", "properties": [raw]})["properties"][0]
    assert prop["dataType"] == [given.replace("string", "text")]
    assert prop["tokenization"] == expected


def test_cross_reference_data_types():
    prop = make({"class": "A", "properties": [{"name": "r", "dataType": ["Author", "Book", "Author"]}]})
    prop = prop["properties"][0]
    assert prop["dataType"] == ["Author", "Book"]
    assert "tokenization" not in prop and prop["indexSearchable"] is False


@pytest.mark.parametrize(
    ("data_type", "fragment"),
    [
        (["foo"], "unknown primitive data type 'foo'"),
        (["author"], "unknown primitive data type 'author'"),
        (["text", "int"], "must be the only element"),
        (["Author", "text"], "neither a primitive data type nor a valid class name"),
        (["Author-X"], "neither a primitive data type nor a valid class name"),
        ([], "at least one element"),
        ("text", "at least one element"),
        ([1], "non-empty strings"),
        (None, "at least one element"),
    ],
)
def test_invalid_data_types_are_refused(data_type, fragment):
    refused({"class": "A", "properties": [{"name": "p", "dataType": data_type}]}, "property 'p'", fragment)


# ---------------------------------------------------------------- tokenization and index flags


@pytest.mark.parametrize("tokenization", ["word", "lowercase", "whitespace", "field", "trigram"])
def test_supported_tokenizations(tokenization):
    raw = {"name": "p", "dataType": ["text[]"], "tokenization": tokenization}
    assert make({"class": "A", "properties": [raw]})["properties"][0]["tokenization"] == tokenization


@pytest.mark.parametrize("tokenization", ["gse", "gse_ch", "kagome_ja", "kagome_kr"])
def test_language_tokenizers_are_refused_clearly(tokenization):
    raw = {"name": "p", "dataType": ["text"], "tokenization": tokenization}
    refused({"class": "A", "properties": [raw]}, f"tokenization '{tokenization}' is not supported", "word")


def test_unknown_tokenization_and_tokenization_on_non_text_are_refused():
    refused({"class": "A", "properties": [{"name": "p", "dataType": ["text"], "tokenization": "x"}]}, "'x'")
    refused(
        {"class": "A", "properties": [{"name": "p", "dataType": ["int"], "tokenization": "word"}]},
        "tokenization is not allowed for data type 'int'",
    )
    refused(
        {"class": "A", "properties": [{"name": "p", "dataType": ["B"], "tokenization": "word"}]},
        "reference data type",
    )


def test_index_flags():
    def prop(**raw):
        return make({"class": "A", "properties": [{"name": "p", **raw}]})["properties"][0]

    assert prop(dataType=["int"], indexRangeFilters=True)["indexRangeFilters"] is True
    assert prop(dataType=["text"], indexSearchable=False)["indexSearchable"] is False
    p = prop(dataType=["text"], indexInverted=False)
    assert (p["indexFilterable"], p["indexSearchable"], "indexInverted" in p) == (False, False, False)
    p = prop(dataType=["int"], indexInverted=True)
    assert (p["indexFilterable"], p["indexSearchable"]) == (True, False)
    refused(
        {"class": "A", "properties": [{"name": "p", "dataType": ["int"], "indexSearchable": True}]},
        "text/text[]",
    )
    refused(
        {"class": "A", "properties": [{"name": "p", "dataType": ["text"], "indexRangeFilters": True}]},
        "number/int/date",
    )
    refused(
        {
            "class": "A",
            "properties": [
                {"name": "p", "dataType": ["int"], "indexInverted": True, "indexFilterable": True}
            ],
        },
        "deprecated",
    )
    refused(
        {"class": "A", "properties": [{"name": "p", "dataType": ["int"], "indexFilterable": "yes"}]},
        "true or false",
    )


def test_text_analyzers_are_kept_checked_and_an_empty_one_is_ignored():
    assert "textAnalyzer" not in make(
        {"class": "A", "properties": [{"name": "p", "dataType": ["text"], "textAnalyzer": {}}]}
    )["properties"][0]
    kept = make({"class": "A", "properties": [
        {"name": "p", "dataType": ["text"], "textAnalyzer": {"asciiFold": True, "asciiFoldIgnore": ["é"]}}]})
    assert kept["properties"][0]["textAnalyzer"] == {"asciiFold": True, "asciiFoldIgnore": ["é"]}
    refused(
        {"class": "A", "properties": [{"name": "p", "dataType": ["int"], "textAnalyzer": {"asciiFold": True}}]},
        "only allowed for text and text[]",
    )
    refused(
        {"class": "A", "properties": [
            {"name": "p", "dataType": ["text"], "tokenization": "field", "textAnalyzer": {"stopwordPreset": "en"}}]},
        'stopwordPreset is only supported with tokenization "word"',
    )


# ---------------------------------------------------------------- nested properties


def test_nested_properties_get_their_defaults_recursively():
    raw = {
        "name": "meta",
        "dataType": ["object[]"],
        "nestedProperties": [
            {"name": "Label", "dataType": ["text"]},
            {"name": "data", "dataType": ["blob"]},
            {"name": "when", "dataType": ["date"], "indexRangeFilters": True},
            {
                "name": "inner",
                "dataType": ["object"],
                "nestedProperties": [{"name": "n", "dataType": ["int[]"]}],
            },
        ],
    }
    prop = make({"class": "A", "properties": [raw]})["properties"][0]
    label, data, when, inner = prop["nestedProperties"]
    # Nested names keep their case (Weaviate only lower-cases top-level names).
    assert label == {
        "name": "Label", "dataType": ["text"], "tokenization": "word",
        "indexFilterable": True, "indexSearchable": True, "indexRangeFilters": False,
    }  # fmt: skip
    assert data["indexFilterable"] is False and "tokenization" not in data
    assert when["indexRangeFilters"] is True
    assert inner["nestedProperties"] == [
        {
            "name": "n",
            "dataType": ["int[]"],
            "indexFilterable": True,
            "indexSearchable": False,
            "indexRangeFilters": False,
        }
    ]


@pytest.mark.parametrize(
    ("nested", "fragment"),
    [
        (None, "At least one nested property is required"),
        ([], "At least one nested property is required"),
        ([{"name": "r", "dataType": ["Author"]}], "reference data type not allowed"),
        ([{"name": "g", "dataType": ["geoCoordinates"]}], "not allowed as nested property"),
        ([{"name": "s", "dataType": ["string"]}], "deprecated"),
        ([{"name": "t", "dataType": ["text"], "tokenization": "trigram"}], "'trigram' is not allowed"),
        ([{"name": "b", "dataType": ["blob"], "indexFilterable": True}], "blob"),
        ([{"name": "a-b", "dataType": ["text"]}], "not a valid nested property name of 'p'"),
        ([{"name": "a\n", "dataType": ["text"]}], "not a valid nested property name of 'p'"),
        ([{"name": "a", "dataType": ["int"]}, {"name": "a", "dataType": ["int"]}], "more than once"),
        ([{"name": "o", "dataType": ["object"]}], "property 'p.o': At least one nested property"),
    ],
)
def test_invalid_nested_properties_are_refused(nested, fragment):
    refused(
        {"class": "A", "properties": [{"name": "p", "dataType": ["object"], "nestedProperties": nested}]},
        fragment,
    )


def test_nested_properties_on_a_non_object_type_are_refused():
    raw = {"name": "p", "dataType": ["text"], "nestedProperties": [{"name": "a", "dataType": ["int"]}]}
    refused({"class": "A", "properties": [raw]}, "nestedProperties not allowed")


# ---------------------------------------------------------------- vectorizer and modules


def test_empty_vectorizer_takes_the_default_module():
    assert make({"class": "A"})["vectorizer"] == "none"
    out = make({"class": "A", "vectorizer": ""}, default_vectorizer_module="text2vec-openai")
    assert out["vectorizer"] == "text2vec-openai"
    assert out["moduleConfig"]["text2vec-openai"]["model"] == "text-embedding-3-small"


def test_module_defaults_are_written_into_the_class_and_every_property():
    out = make(
        {
            "class": "A",
            "vectorizer": "text2vec-openai",
            "moduleConfig": {"text2vec-openai": {"model": "text-embedding-3-large"}},
            "properties": [
                {"name": "title", "dataType": ["text"], "moduleConfig": {"text2vec-openai": {"skip": True}}},
                {"name": "count", "dataType": ["int"]},
            ],
        }
    )
    assert out["moduleConfig"] == {
        "text2vec-openai": {
            "model": "text-embedding-3-large",
            "baseURL": "https://api.openai.com",
            "vectorizeClassName": True,
        }
    }
    title, count = out["properties"]
    assert title["moduleConfig"] == {"text2vec-openai": {"skip": True, "vectorizePropertyName": False}}
    assert count["moduleConfig"] == {"text2vec-openai": {"skip": False, "vectorizePropertyName": False}}


def test_vectorize_class_name_comes_from_the_catalog_when_the_defaults_lack_it():
    out = make(
        {"class": "A", "vectorizer": "text2vec-ollama", "properties": [{"name": "t", "dataType": ["text"]}]}
    )
    assert out["moduleConfig"]["text2vec-ollama"]["vectorizeClassName"] is False


def test_non_text_vectorizers_write_no_property_settings():
    out = make(
        {"class": "A", "vectorizer": "multi2vec-clip", "properties": [{"name": "t", "dataType": ["text"]}]}
    )
    assert "moduleConfig" not in out["properties"][0]
    assert "vectorizeClassName" not in out["moduleConfig"]["multi2vec-clip"]


def test_generative_settings_are_stored_as_given_and_validated_with_defaults():
    catalog = FakeCatalog()
    out = normalize_class(
        {"class": "A", "moduleConfig": {"generative-openai": {"model": "gpt-4o"}}},
        modules=catalog,
        settings=settings(),
    )
    assert out["moduleConfig"] == {"generative-openai": {"model": "gpt-4o"}}
    assert ("generative-openai", {"model": "gpt-4o", "maxTokens": 8192}) in catalog.validated


@pytest.mark.parametrize(
    ("body", "fragments"),
    [
        ({"vectorizer": "text2vec-nope"}, ['no module with name "text2vec-nope"']),
        ({"vectorizer": "text2vec-cohere"}, ['"text2vec-cohere" is not enabled', "ENABLE_MODULES"]),
        ({"vectorizer": "generative-openai"}, ["not a vectorizer"]),
        (
            {"vectorizer": "text2vec-contextionary"},
            ["vectorizer: module 'text2vec-contextionary' is a Weaviate module that this server does not implement"],
        ),
        (
            {"vectorConfig": {"v": {"vectorizer": {"text2vec-nope": {}}}}},
            ['no module with name "text2vec-nope"', "check the spelling"],
        ),
        (
            {"vectorConfig": {"v": {"vectorizer": {"text2vec-cohere": {}}}}},
            ['"text2vec-cohere" is not enabled', "ENABLE_MODULES"],
        ),
        (
            {"vectorConfig": {"v": {"vectorizer": {"text2vec-bigram": {}}}}},
            ["module 'text2vec-bigram' is a Weaviate module that this server does not implement yet"],
        ),
        ({"vectorizer": 3}, ["module name string"]),
        (
            {
                "vectorizer": "text2vec-openai",
                "moduleConfig": {"text2vec-openai": {"model": "no-such-model"}},
            },
            ["module 'text2vec-openai': model 'no-such-model' is not offered"],
        ),
        (
            {"moduleConfig": {"generative-openai": {"model": "no-such-model"}}},
            ["module 'generative-openai'", "no-such-model"],
        ),
        (
            {"moduleConfig": {"text2vec-openai": {}, "multi2vec-clip": {}}},
            ["multiple vectorizers configured"],
        ),
    ],
)
def test_module_problems_are_422_naming_the_module(body, fragments):
    refused({"class": "A", **body}, *fragments)


@pytest.mark.parametrize(
    "module_config",
    [
        {"generative-nope": {"model": "x"}},  # unknown to anyone
        {"qna-openai": {}},  # a Weaviate module this server lacks
        {"generative-cohere": {"model": "no-such-model"}},  # known but off: kept unchecked
        {"text2vec-cohere": {"model": "m"}, "reranker-cohere": {"model": "r"}},
    ],
)
def test_module_config_of_modules_that_are_not_on_is_kept(module_config):
    catalog = FakeCatalog()
    catalog.off = {"generative-cohere", "reranker-cohere"}
    out = normalize_class({"class": "A", "moduleConfig": module_config}, modules=catalog, settings=settings())
    assert out["moduleConfig"] == module_config
    named = normalize_class(
        {"class": "B", "vectorConfig": {"v": {"vectorizer": {"none": {}}}}, "moduleConfig": module_config},
        modules=catalog,
        settings=settings(),
    )
    assert named["moduleConfig"] == module_config
    assert all(name not in module_config for name, _ in catalog.validated)


def test_a_vectorizer_that_is_off_does_not_count_as_a_second_vectorizer():
    out = make({"class": "A", "vectorizer": "text2vec-openai", "moduleConfig": {"text2vec-cohere": {}}})
    assert out["moduleConfig"]["text2vec-cohere"] == {}
    assert out["moduleConfig"]["text2vec-openai"]["model"] == "text-embedding-3-small"


def test_a_module_error_names_the_module_once():
    message = refused({"class": "A", "moduleConfig": {"generative-openai": {"model": "prefixed"}}})
    assert message == "class 'A': module 'generative-openai': model 'prefixed' is retired"


def test_with_the_real_module_registry():
    registry = Registry.from_env(
        {"ENABLE_MODULES": "generative-dummy", "API_BASED_MODULES_DISABLED": "false"}
    )
    body = {
        "class": "A",
        "vectorizer": "text2vec-openai",
        "moduleConfig": {"generative-dummy": {}},
        "properties": [{"name": "t", "dataType": ["text"]}],
    }
    out = normalize_class(body, modules=registry, settings=settings())
    assert out["moduleConfig"]["text2vec-openai"]["model"] == "text-embedding-3-small"
    assert out["moduleConfig"]["text2vec-openai"]["vectorizeClassName"] is True
    assert out["properties"][0]["moduleConfig"] == {
        "text2vec-openai": {"skip": False, "vectorizePropertyName": False}
    }
    off = normalize_class(
        {"class": "B", "moduleConfig": {"reranker-dummy": {"x": 1}}}, modules=registry, settings=settings()
    )
    assert off["moduleConfig"] == {"reranker-dummy": {"x": 1}}
    bad = {
        "class": "B",
        "vectorizer": "text2vec-openai",
        "moduleConfig": {"text2vec-openai": {"dimensions": "x"}},
    }
    with pytest.raises(UserError) as info:
        normalize_class(bad, modules=registry, settings=settings())
    assert info.value.message.count("module 'text2vec-openai'") == 1 and "dimensions" in info.value.message


def test_a_property_naming_a_vectorizer_the_class_does_not_use_is_refused():
    prop = {"name": "t", "dataType": ["text"], "moduleConfig": {"text2vec-openai": {"skip": True}}}
    refused({"class": "A", "properties": [prop]}, 'vectorizer "text2vec-openai" not configured')


def test_vectorizer_source_properties_are_validated():
    cfg = {"text2vec-openai": {"properties": ["Title", "body"]}}
    out = make({"class": "A", "vectorizer": "text2vec-openai", "moduleConfig": cfg})
    assert out["moduleConfig"]["text2vec-openai"]["properties"] == ["title", "body"]
    refused(
        {
            "class": "A",
            "vectorizer": "text2vec-openai",
            "moduleConfig": {"text2vec-openai": {"properties": []}},
        },
        "at least 1 property",
    )
    refused(
        {
            "class": "A",
            "vectorizer": "text2vec-openai",
            "moduleConfig": {"text2vec-openai": {"properties": [1]}},
        },
        "property name",
    )


# ---------------------------------------------------------------- can the vectorizer ever get text?


def ollama(props: list[dict], module_config: dict | None = None) -> dict:
    return {
        "class": "Note",
        "vectorizer": "text2vec-ollama",
        "moduleConfig": module_config or {},
        "properties": props,
    }


def test_a_text_vectorizer_that_can_never_get_text_is_refused_when_auto_schema_is_off():
    message = refused(
        ollama([{"name": "count", "dataType": ["int"]}]),
        "module 'text2vec-ollama'",
        "didn't find a single property which is of type string or text",
        "To fix this",
        "vectorizeClassName",
        autoschema_enabled=False,
    )
    assert "properties" in message
    skipped = {"name": "t", "dataType": ["text"], "moduleConfig": {"text2vec-ollama": {"skip": True}}}
    refused(ollama([skipped]), "didn't find a single property", autoschema_enabled=False)


@pytest.mark.parametrize(
    "body",
    [
        ollama([{"name": "t", "dataType": ["text[]"]}]),
        ollama([{"name": "c", "dataType": ["int"]}], {"text2vec-ollama": {"vectorizeClassName": True}}),
        ollama([{"name": "c", "dataType": ["int"]}], {"text2vec-ollama": {"properties": ["c"]}}),
        {"class": "Note", "vectorizer": "text2vec-openai"},
    ],
)
def test_a_text_vectorizer_with_a_text_source_is_accepted_without_auto_schema(body):
    make(body, autoschema_enabled=False)


def test_with_auto_schema_on_text_properties_may_still_arrive():
    make(ollama([]))
    refused(
        {"class": "N", "vectorConfig": {"v": {"vectorizer": {"text2vec-ollama": {}}}}},
        "didn't find a single property",
        autoschema_enabled=False,
    )


# ---------------------------------------------------------------- vector index settings


@pytest.mark.parametrize("index_type", ["dynamic", "hfresh"])
def test_unsupported_index_types_are_refused_clearly(index_type):
    refused({"class": "A", "vectorIndexType": index_type}, f"'{index_type}' is not supported", "hnsw")


@pytest.mark.parametrize(
    ("config", "fragment"),
    [
        ({"distance": "euclid"}, "distance 'euclid' is not supported"),
        ({"efConstruction": 3}, "efConstruction must be a positive integer with a minimum of 4"),
        ({"maxConnections": 3}, "maxConnections must be a positive integer with a minimum of 4"),
        ({"maxConnections": 2048}, "maxConnections must be less than 2048"),
        ({"ef": 0}, "ef must be -1"),
        ({"dynamicEfMin": 600}, "dynamicEfMax must not be lower than dynamicEfMin"),
        ({"ef": 64.5}, "must be an integer"),
        ({"ef": True}, "must be an integer"),
        ({"skip": "no"}, "must be a boolean"),
        ({"filterStrategy": "magic"}, "filterStrategy 'magic'"),
        ({"pq": {"enabled": True}, "bq": {"enabled": True}}, "more than a single compression"),
        ({"rq": {"enabled": True, "bits": 4}}, "RQ bits must be either 1 or 8"),
        ({"multivector": {"enabled": True}}, "multi-vector"),
        ({"pq": "on"}, "must be an object"),
    ],
)
def test_invalid_hnsw_settings_are_refused(config, fragment):
    refused({"class": "A", "vectorIndexConfig": config}, fragment)


def test_hnsw_settings_are_kept_and_whole_floats_accepted():
    out = make(
        {
            "class": "A",
            "vectorIndexConfig": {
                "maxConnections": 2047,
                "efConstruction": 4.0,
                "ef": 64,
                "filterStrategy": "acorn",
                "skip": True,
                "bq": {"enabled": True},
            },
        }
    )["vectorIndexConfig"]
    assert (out["maxConnections"], out["efConstruction"], out["ef"]) == (2047, 4, 64)
    assert isinstance(out["efConstruction"], int)
    assert out["filterStrategy"] == "acorn" and out["skip"] is True and out["bq"] == {"enabled": True}


def test_flat_index_settings():
    out = make(
        {
            "class": "A",
            "vectorIndexType": "flat",
            "vectorIndexConfig": {"distance": "dot", "bq": {"enabled": True}},
        }
    )
    assert out["vectorIndexConfig"]["distance"] == "dot"
    assert out["vectorIndexConfig"]["bq"] == {"enabled": True, "rescoreLimit": -1, "cache": False}
    refused({"class": "A", "vectorIndexType": "flat", "vectorIndexConfig": {"pq": {"enabled": True}}}, "PQ")
    refused({"class": "A", "vectorIndexType": "flat", "vectorIndexConfig": {"bq": {"cache": True}}}, "cache")


# ---------------------------------------------------------------- other class settings


def test_inverted_index_settings():
    out = make(
        {
            "class": "A",
            "invertedIndexConfig": {
                "bm25": {"k1": 1.5},
                "stopwords": {"preset": "none", "additions": ["foo"], "removals": []},
                "indexNullState": True,
                "cleanupIntervalSeconds": 0,
            },
        }
    )["invertedIndexConfig"]
    assert out["bm25"] == {"b": 0.75, "k1": 1.5}
    assert out["stopwords"] == {"preset": "none", "additions": ["foo"], "removals": []}
    assert out["indexNullState"] is True and out["cleanupIntervalSeconds"] == 60


@pytest.mark.parametrize(
    ("config", "fragment"),
    [
        ({"bm25": {"k1": -1}}, "BM25.k1 must be >= 0"),
        ({"bm25": {"b": 1.5}}, "BM25.b must be >= 0 and <= 1"),
        ({"stopwords": {"preset": "de"}}, "stopwordPreset 'de' does not exist"),
        ({"stopwords": {"additions": ["a"], "removals": ["a"]}}, "found 'a' in both"),
        ({"stopwords": {"additions": [" "]}}, "cannot use whitespace"),
        ({"cleanupIntervalSeconds": -5}, "cleanup interval"),
        ({"indexTimestamps": 1}, "must be a boolean"),
    ],
)
def test_invalid_inverted_index_settings_are_refused(config, fragment):
    refused({"class": "A", "invertedIndexConfig": config}, fragment)


def test_single_node_limits_are_refused_clearly():
    refused({"class": "A", "multiTenancyConfig": {"enabled": True}, "shardingConfig": {"desiredCount": 1}},
            "cannot have both shardingConfig and multiTenancyConfig")
    refused({"class": "A", "replicationConfig": {"factor": 3}}, "factor must be 1")
    refused({"class": "A", "shardingConfig": {"desiredCount": 2}}, "desiredCount 2 is not supported")
    refused({"class": "A", "replicationConfig": {"deletionStrategy": "Coin"}}, "deletionStrategy 'Coin'")
    refused({"class": "A", "objectTtlConfig": {"enabled": True}}, "objectTtlConfig")
    out = make(
        {
            "class": "A",
            "shardingConfig": {"virtualPerPhysical": 64, "desiredCount": 0},
            "replicationConfig": {"factor": 0, "deletionStrategy": "TimeBasedResolution"},
        }
    )
    assert out["shardingConfig"]["desiredVirtualCount"] == 64 == out["shardingConfig"]["actualVirtualCount"]
    assert out["replicationConfig"] == {
        "factor": 1,
        "asyncEnabled": False,
        "deletionStrategy": "TimeBasedResolution",
    }


# ---------------------------------------------------------------- named vectors


def test_v4_client_create_body_with_named_vectors():
    body = {
        "vectorConfig": {
            "default": {
                "vectorizer": {"text2vec-openai": {"vectorizeClassName": False, "properties": ["title"]}},
                "vectorIndexType": "hnsw",
            }
        },
        "class": "Article",
        "properties": [
            {
                "name": "title",
                "dataType": ["text"],
                "skip_vectorization": False,
                "vectorize_property_name": True,
            },
            {"name": "author", "dataType": ["Author"]},
        ],
    }
    out = make(body)
    vector = out["vectorConfig"]["default"]
    assert vector["vectorizer"] == {
        "text2vec-openai": {
            "model": "text-embedding-3-small",
            "baseURL": "https://api.openai.com",
            "vectorizeClassName": False,
            "properties": ["title"],
        }
    }
    assert vector["vectorIndexType"] == "hnsw" and vector["vectorIndexConfig"] == HNSW_DEFAULTS
    title, author = out["properties"]
    assert title["moduleConfig"] == {"text2vec-openai": {"skip": False, "vectorizePropertyName": False}}
    assert author["moduleConfig"] == {"text2vec-openai": {"skip": False, "vectorizePropertyName": False}}


def test_named_vectors_with_their_own_index_settings():
    out = make(
        {
            "class": "A",
            "vectorConfig": {
                "a": {"vectorizer": {"none": None}, "vectorIndexConfig": {"distance": "dot", "ef": 64}},
                "b": {"vectorIndexType": "flat"},
            },
            "vectorizer": "none",
            "moduleConfig": {"generative-openai": {}},
        }
    )
    assert out["vectorConfig"]["a"]["vectorIndexConfig"]["distance"] == "dot"
    assert out["vectorConfig"]["a"]["vectorizer"] == {"none": {}}
    assert out["vectorConfig"]["b"]["vectorizer"] == {"none": {}}
    assert out["vectorConfig"]["b"]["vectorIndexType"] == "flat"
    assert out["moduleConfig"] == {"generative-openai": {}}


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"vectorConfig": {"a-b": {}}}, 'target vector name "a-b" is not valid'),
        ({"vectorConfig": {"a\n": {}}}, 'target vector name "a\\n" is not valid'),
        ({"vectorConfig": {"a" * 231: {}}}, "should not be longer than 230 characters"),
        ({"vectorConfig": {"v": {"vectorizer": {"none": {}, "text2vec-openai": {}}}}}, "exactly one module"),
        ({"vectorConfig": {"v": {"vectorizer": "none"}}}, "exactly one module"),
        ({"vectorConfig": {"v": {"vectorizer": {"text2vec-cohere": {}}}}}, "ENABLE_MODULES"),
        ({"vectorConfig": {"v": {"vectorIndexType": "dynamic"}}}, "not supported"),
        ({"vectorConfig": {"v": {}}, "vectorizer": "text2vec-openai"}, "cannot combine"),
        ({"vectorConfig": {"v": {}}, "vectorIndexConfig": {"ef": 5}}, "cannot combine"),
        ({"vectorConfig": ["v"]}, "must be an object"),
    ],
)
def test_invalid_named_vectors_are_refused(body, fragment):
    refused({"class": "A", **body}, fragment)


# ---------------------------------------------------------------- vector lookups


def test_vector_names_and_config_of_a_legacy_class():
    out = make({"class": "A", "vectorizer": "text2vec-openai", "vectorIndexConfig": {"distance": "dot"}})
    assert vector_names(out) == [""]
    for name in ("", "default"):
        vc = vector_config(out, name)
        assert vc["name"] == "" and vc["vectorizer"] == "text2vec-openai"
        assert vc["settings"] == out["moduleConfig"]["text2vec-openai"]
        assert vc["sourceProperties"] is None
        assert vc["vectorIndexType"] == "hnsw" and vc["vectorIndexConfig"]["distance"] == "dot"
    vc["settings"]["model"] = "changed"
    assert out["moduleConfig"]["text2vec-openai"]["model"] == "text-embedding-3-small"
    assert vector_config(make({"class": "B"}))["settings"] == {}
    with pytest.raises(UserError, match="no vector named 'x'"):
        vector_config(out, "x")


def test_vector_names_and_config_of_named_vectors():
    out = make(
        {
            "class": "A",
            "vectorConfig": {
                "title": {"vectorizer": {"text2vec-openai": {"properties": ["title"]}}},
                "raw": {"vectorIndexType": "flat"},
            },
        }
    )
    assert vector_names(out) == ["title", "raw"]
    vc = vector_config(out, "title")
    assert vc["vectorizer"] == "text2vec-openai" and vc["sourceProperties"] == ["title"]
    assert vector_config(out, "raw")["vectorizer"] == "none"
    assert vector_config(out, "raw")["vectorIndexType"] == "flat"
    with pytest.raises(UserError, match="its vectors are: 'title', 'raw'"):
        vector_config(out, "")
    single = make({"class": "B", "vectorConfig": {"default": {}}})
    assert vector_config(single, "")["name"] == "default"


# ---------------------------------------------------------------- adding properties


def test_add_property_returns_a_new_class_with_the_completed_property():
    base = make(
        {
            "class": "A",
            "vectorizer": "text2vec-openai",
            "properties": [{"name": "title", "dataType": ["text"]}],
        }
    )
    before = copy.deepcopy(base)
    out = add_property(
        base, {"name": "Body", "dataType": ["text"], "tokenization": "field"}, modules=FakeCatalog()
    )
    assert base == before
    assert out["properties"][-1] == {
        "name": "body",
        "dataType": ["text"],
        "tokenization": "field",
        "indexFilterable": True,
        "indexSearchable": True,
        "indexRangeFilters": False,
        "moduleConfig": {"text2vec-openai": {"skip": False, "vectorizePropertyName": False}},
    }
    with pytest.raises(UserError, match='conflict for property "tITLE"'):
        add_property(out, {"name": "TITLE", "dataType": ["int"]})
    with pytest.raises(UserError, match="not configured"):
        add_property(
            base,
            {"name": "x", "dataType": ["text"], "moduleConfig": {"text2vec-ollama": {}}},
            modules=FakeCatalog(),
        )
    with pytest.raises(UserError, match="unknown primitive data type"):
        add_property(base, {"name": "x", "dataType": ["txt"]})


def test_merge_properties_adds_and_replaces_by_name():
    base = make(
        {
            "class": "A",
            "properties": [{"name": "a", "dataType": ["text"]}, {"name": "b", "dataType": ["int"]}],
        }
    )
    replacement = dict(base["properties"][1], description="grown")
    out = merge_properties(base, [replacement, {"name": "c", "dataType": ["int"]}])
    assert [p["name"] for p in out["properties"]] == ["a", "b", "c"]
    assert out["properties"][1]["description"] == "grown"
    assert "description" not in base["properties"][1]


@pytest.mark.parametrize(
    "body",
    [
        {"class": "A"},
        {
            "class": "A",
            "vectorizer": "text2vec-openai",
            "moduleConfig": {"generative-openai": {"model": "gpt-4o"}},
            "properties": [
                {"name": "t", "dataType": ["string"]},
                {
                    "name": "o",
                    "dataType": ["object"],
                    "nestedProperties": [{"name": "x", "dataType": ["blob"]}],
                },
                {"name": "r", "dataType": ["B"]},
            ],
            "invertedIndexConfig": {"stopwords": {"additions": ["x"]}},
        },
        {
            "class": "A",
            "vectorConfig": {"v": {"vectorizer": {"text2vec-ollama": {"properties": ["t"]}}}, "w": {}},
        },
        {"class": "A", "vectorIndexType": "flat", "vectorIndexConfig": {"bq": {"enabled": True}}},
    ],
)
def test_normalising_a_stored_class_again_changes_nothing(body):
    stored = make(body)
    assert make(copy.deepcopy(stored)) == stored
