"""docs/modules.md documents every API module: its settings with their defaults, its key header and variable."""

from __future__ import annotations

from pathlib import Path

from modules.catalog import BUILTIN_MODULES
from modules.kit.vectorizer import ApiModule

DOCS = (Path(__file__).parents[2] / "docs" / "modules.md").read_text()


def test_every_api_module_is_documented_with_its_settings_and_key() -> None:
    for cls in BUILTIN_MODULES:
        if not issubclass(cls, ApiModule):
            continue
        section = DOCS.split(f"### {cls.name}\n", 1)[1].split("\n### ", 1)[0]
        for key, field in cls.fields.items():
            default = "" if field.default is None else f"`{field.default}`"
            assert f"| `{key}` | {default} |" in section, (cls.name, key)
        client = cls.client
        for fact in (client.key_header, client.key_env, client.baseurl_header):
            assert fact is None or f"`{fact}`" in section, (cls.name, fact)
