"""Which modules exist and which are on: environment switches, third-party plugins, class-level settings."""

from __future__ import annotations

import asyncio
import inspect
import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from modules.base import GenerativeRequest, ModuleContext, ModuleError
from modules.dummy.generative import DummyGenerative
from modules.dummy.reranker import DummyReranker
from modules.registry import Registry, api_based_modules_on

SAMPLE = Path(__file__).parent / "fixtures" / "sample_module"


# -- enablement


def test_api_based_modules_are_on_by_default_and_local_ones_off() -> None:
    registry = Registry.from_env({})
    assert registry.is_enabled("text2vec-openai")
    for name in ("text2vec-transformers", "reranker-transformers", "reranker-dummy", "generative-dummy"):
        assert registry.is_known(name) and not registry.is_enabled(name)


def test_enable_modules_is_a_trimmed_comma_list(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    registry = Registry.from_env({"ENABLE_MODULES": " reranker-dummy , generative-dummy,,no-such-module"})
    assert {"reranker-dummy", "generative-dummy"} <= set(registry.enabled())
    assert "no-such-module" not in registry.enabled()
    assert "'no-such-module' is named in ENABLE_MODULES" in caplog.text


@pytest.mark.parametrize(
    ("env", "on"),
    [
        ({}, True),
        ({"API_BASED_MODULES_DISABLED": "true"}, False),
        ({"API_BASED_MODULES_DISABLED": "false"}, True),
        ({"ENABLE_API_BASED_MODULES": "true"}, True),
        ({"ENABLE_API_BASED_MODULES": "false"}, False),
        # the newer switch decides whenever it is set
        ({"API_BASED_MODULES_DISABLED": "true", "ENABLE_API_BASED_MODULES": "true"}, False),
        ({"API_BASED_MODULES_DISABLED": "false", "ENABLE_API_BASED_MODULES": "false"}, True),
        ({"API_BASED_MODULES_DISABLED": "", "ENABLE_API_BASED_MODULES": "false"}, False),
    ],
)
def test_how_the_two_api_switches_combine(env: dict[str, str], on: bool) -> None:
    assert api_based_modules_on(env) is on
    assert Registry.from_env(env).is_enabled("text2vec-openai") is on


def test_enable_modules_beats_the_api_switch() -> None:
    registry = Registry.from_env({"API_BASED_MODULES_DISABLED": "true", "ENABLE_MODULES": "text2vec-openai"})
    assert registry.is_enabled("text2vec-openai")


def test_default_vectorizer_is_enabled_implicitly() -> None:
    registry = Registry.from_env({"DEFAULT_VECTORIZER_MODULE": "text2vec-transformers"})
    assert registry.is_enabled("text2vec-transformers")
    assert "none" not in Registry.from_env({"DEFAULT_VECTORIZER_MODULE": "none"}).enabled()


def test_hints_name_the_variable_that_turns_a_module_on() -> None:
    registry = Registry.from_env({"API_BASED_MODULES_DISABLED": "true"})
    assert registry.enabled_hint("text2vec-openai") is not None
    assert "API_BASED_MODULES_DISABLED" in registry.enabled_hint("text2vec-openai")
    assert "ENABLE_MODULES=reranker-dummy" in registry.enabled_hint("reranker-dummy")
    assert Registry.from_env({"ENABLE_MODULES": "reranker-dummy"}).enabled_hint("reranker-dummy") is None
    assert "does not know it" in registry.enabled_hint("text2vec-nothing")


def test_get_refuses_disabled_and_unknown_modules_with_a_fix() -> None:
    registry = Registry.from_env({})
    with pytest.raises(ModuleError) as caught:
        registry.get("reranker-dummy")
    assert caught.value.status == 422
    assert caught.value.message == (
        "module 'reranker-dummy' is not enabled: "
        "add it to ENABLE_MODULES (e.g. ENABLE_MODULES=reranker-dummy)"
    )
    with pytest.raises(ModuleError, match="module 'text2vec-nothing' is not present"):
        registry.get("text2vec-nothing")
    with pytest.raises(ModuleError, match="is not a reranker"):
        Registry.from_env({}).reranker("text2vec-openai")


def test_modules_are_imported_only_when_used() -> None:
    script = (
        "import sys\n"
        "from modules.registry import Registry\n"
        "r = Registry.from_env({'ENABLE_MODULES': 'text2vec-transformers,reranker-transformers'})\n"
        "assert r.is_enabled('text2vec-transformers') and r.is_enabled('reranker-transformers')\n"
        "r.enabled_hint('reranker-dummy')\n"
        "loaded = [m for m in sys.modules if m.startswith(('onnxruntime', 'tokenizers'))]\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, cwd=Path(__file__).parents[2], timeout=60)


# -- the dummies


def test_dummy_reranker_scores_by_length_in_bytes() -> None:
    registry = Registry.from_env({"ENABLE_MODULES": "reranker-dummy"})
    reranker = registry.reranker("reranker-dummy")
    assert isinstance(reranker, DummyReranker)
    documents = ["hello", "hellohellohello", "hellohello", "é"]
    scores = asyncio.run(reranker.rerank("q", documents, {}, ModuleContext()))
    assert scores == [5.0, 15.0, 10.0, 2.0]


def test_dummy_generative_answers_as_weaviate_does() -> None:
    registry = Registry.from_env({"ENABLE_MODULES": "generative-dummy"})
    generative = registry.generative("generative-dummy")
    assert isinstance(generative, DummyGenerative)
    settings = {"model": "m1", "stream": False}
    answer = asyncio.run(generative.generate(GenerativeRequest("Tell me about Dune"), settings, ModuleContext())).text
    assert answer == (
        "You want me to generate something based on the following prompt: Tell me about Dune. "
        "With settings: model=m1,stream=false,. I'm sorry, I'm just a dummy and can't generate anything."
    )
    empty = asyncio.run(generative.generate(GenerativeRequest("p", debug=True), {}, ModuleContext()))
    assert "With settings: . I'm sorry" in empty.text and empty.debug_prompt == "p"


def test_meta_lists_enabled_modules_only() -> None:
    registry = Registry.from_env({"ENABLE_MODULES": "reranker-dummy", "API_BASED_MODULES_DISABLED": "true"})
    assert registry.meta() == {"reranker-dummy": {"name": "Reranker - Dummy"}}
    meta = Registry.from_env({}).meta()
    assert meta["text2vec-openai"]["name"] == "OpenAI Module"


# -- class-level settings (the schema's ModuleCatalog)


def test_registry_satisfies_the_schema_module_catalog() -> None:
    from vectordb.schema.classes import ModuleCatalog

    registry = Registry.from_env({})
    for name, member in vars(ModuleCatalog).items():
        if name.startswith("_") or not callable(member):
            continue
        ours = getattr(registry, name)
        wanted = list(inspect.signature(member).parameters)[1:]
        assert list(inspect.signature(ours).parameters) == wanted, name


def test_catalog_answers() -> None:
    registry = Registry.from_env({})
    assert registry.class_defaults("text2vec-openai") == {
        "vectorizeClassName": True, "baseURL": "https://api.openai.com", "model": "text-embedding-3-small",
    }
    registry.class_defaults("text2vec-openai")["model"] = "changed"
    assert registry.class_defaults("text2vec-openai")["model"] == "text-embedding-3-small"
    assert registry.is_vectorizer("text2vec-openai")
    assert not registry.is_vectorizer("reranker-dummy") and not registry.is_vectorizer("generative-dummy")
    assert not registry.is_vectorizer("text2vec-nothing")
    assert registry.vectorize_class_name_default("text2vec-openai") is True
    assert registry.vectorize_class_name_default("generative-dummy") is False
    assert registry.property_defaults("text2vec-openai") == {"skip": False, "vectorizePropertyName": False}
    assert registry.property_defaults("reranker-dummy") == {}
    with pytest.raises(ValueError, match="no module with name 'text2vec-nothing'"):
        registry.class_defaults("text2vec-nothing")


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"properties": "title"}, "properties field needs to be of array type"),
        ({"properties": ["title", 3]}, "properties field value: 3 must be a string"),
        ({"vectorizeClassName": "yes"}, "vectorizeClassName must be a boolean"),
    ],
)
def test_common_vectorizer_settings_are_checked(config: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Registry.from_env({}).validate_class_config("text2vec-openai", config, {"class": "Doc"})


# -- third-party modules


@pytest.fixture(scope="module")
def sample_installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Build and install the sample distribution offline into its own directory, then put it on sys.path."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
         "--target", str(target), str(SAMPLE)],
        check=True, capture_output=True, timeout=120,
    )
    sys.path.insert(0, str(target))
    try:
        yield target
    finally:
        sys.path.remove(str(target))
        for name in [m for m in sys.modules if m.startswith("vectordb_sample_module")]:
            del sys.modules[name]


def test_third_party_module_is_found_and_enabled(sample_installed: Path) -> None:
    registry = Registry.from_env({"ENABLE_MODULES": "text2vec-sample", "SAMPLE_GREETING": "hi there"})
    assert registry.is_known("text2vec-sample") and registry.is_enabled("text2vec-sample")
    module = registry.vectorizer("text2vec-sample")
    assert type(module).__module__ == "vectordb_sample_module"
    assert registry.meta()["text2vec-sample"] == {"name": "Sample letter counter", "greeting": "hi there"}
    assert registry.is_vectorizer("text2vec-sample")
    assert registry.vectorize_class_name_default("text2vec-sample") is False
    assert registry.class_defaults("text2vec-sample") == {
        "vectorizeClassName": False, "letters": "abcdefghijklmnopqrstuvwxyz",
    }
    vectors = asyncio.run(module.vectorize(["Abba"], {"letters": "ab"}, ModuleContext()))
    np.testing.assert_array_equal(vectors[0], [2.0, 2.0])
    with pytest.raises(ValueError, match="module 'text2vec-sample': letters must be a non-empty string"):
        registry.validate_class_config("text2vec-sample", {"letters": ""}, {"class": "Doc"})


def test_third_party_module_is_off_until_enabled(sample_installed: Path) -> None:
    registry = Registry.from_env({})
    assert registry.is_known("text2vec-sample") and not registry.is_enabled("text2vec-sample")
    assert "ENABLE_MODULES=text2vec-sample" in registry.enabled_hint("text2vec-sample")


def test_third_party_factory_and_api_based_plugin_follow_the_api_switch(sample_installed: Path) -> None:
    assert Registry.from_env({}).is_enabled("generative-sample")
    assert not Registry.from_env({"API_BASED_MODULES_DISABLED": "true"}).is_enabled("generative-sample")
    generative = Registry.from_env({}).generative("generative-sample")
    answer = asyncio.run(generative.generate(GenerativeRequest("make it loud"), {}, ModuleContext()))
    assert answer.text == "MAKE IT LOUD"


def test_plugins_cannot_take_over_built_in_names(
    sample_installed: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    registry = Registry.from_env({"ENABLE_MODULES": "reranker-dummy"})
    assert isinstance(registry.get("reranker-dummy"), DummyReranker)
    assert "already provided by built-in" in caplog.text


def test_a_broken_plugin_is_reported_not_fatal(sample_installed: Path) -> None:
    registry = Registry.from_env({"ENABLE_MODULES": "text2vec-broken,reranker-dummy"})
    assert registry.is_enabled("reranker-dummy")
    with pytest.raises(ModuleError, match="module 'text2vec-broken' .*could not be loaded"):
        registry.get("text2vec-broken")
    assert "could not be loaded" in registry.meta()["text2vec-broken"]["error"]


def test_a_weaviate_module_this_server_lacks_is_named_as_such() -> None:
    registry = Registry.from_env({})
    with pytest.raises(ModuleError) as caught:
        registry.generative("generative-octoai")
    assert caught.value.status == 422
    assert caught.value.message.startswith(
        "module 'generative-octoai' is a Weaviate module that this server does not implement yet"
    )
    assert "text2vec-openai" in caught.value.message  # lists what is here
    with pytest.raises(ModuleError, match="module 'generative-octoais' is not present"):
        registry.generative("generative-octoais")
