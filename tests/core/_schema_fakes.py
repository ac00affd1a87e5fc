"""A small module catalog standing in for the module registry in schema tests.

Each module: (class defaults, is a vectorizer, enabled). Defaults follow modules.md section 3."""

from __future__ import annotations

from vectordb.config import Settings

MODULES = {
    "text2vec-openai": (
        {"model": "text-embedding-3-small", "baseURL": "https://api.openai.com", "vectorizeClassName": True},
        True,
        True,
    ),
    # No vectorizeClassName in its defaults: the catalog's vectorize_class_name_default supplies it.
    "text2vec-ollama": ({"apiEndpoint": "http://localhost:11434", "model": "nomic-embed-text"}, True, True),
    "text2vec-cohere": ({"model": "embed-multilingual-v3.0"}, True, False),
    "multi2vec-clip": ({}, True, True),
    "generative-openai": ({"model": "gpt-5-mini", "maxTokens": 8192}, False, True),
    "generative-cohere": ({"model": "command-a-03-2025"}, False, True),
    "reranker-cohere": ({"model": "rerank-v3.5"}, False, True),
}
VECTORIZE_CLASS_NAME = {"text2vec-openai": True, "text2vec-ollama": False, "text2vec-cohere": True}


class FakeCatalog:
    def __init__(self) -> None:
        self.validated: list[tuple[str, dict]] = []
        self.off: set[str] = set()  # modules a test turns off on top of MODULES

    def is_known(self, name: str) -> bool:
        return name in MODULES

    def enabled_hint(self, name: str) -> str | None:
        if MODULES[name][2] and name not in self.off:
            return None
        return f"set ENABLE_MODULES={name} (or ENABLE_API_BASED_MODULES=true) to turn it on"

    def class_defaults(self, name: str) -> dict:
        return dict(MODULES[name][0])

    def validate_class_config(self, name: str, config: dict, class_def: dict) -> None:
        self.validated.append((name, dict(config)))
        if config.get("model") == "no-such-model":
            raise ValueError(f"model '{config['model']}' is not offered by this provider")
        if config.get("model") == "prefixed":
            # The real registry names the module itself, as Weaviate words it.
            raise ValueError(f"module '{name}': model 'prefixed' is retired")

    def vectorize_class_name_default(self, name: str) -> bool:
        return VECTORIZE_CLASS_NAME.get(name, True)

    def is_vectorizer(self, name: str) -> bool:
        return MODULES[name][1]


def settings(**overrides: object) -> Settings:
    return Settings.from_env({}, **overrides)
