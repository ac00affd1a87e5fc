"""generative-dummy: answers with the prompt it was given and the collection's settings for it.

The wording is Weaviate's, so tests written against Weaviate's dummy pass unchanged. Go walks the settings
map in random order; they are sorted by key here so the answer is reproducible.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from modules.base import GenerativeRequest, GenerativeResult, ModuleContext


def _setting(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class DummyGenerative:
    name: ClassVar[str] = "generative-dummy"
    capability: ClassVar[str] = "generative"
    api_based: ClassVar[bool] = False
    option_name: ClassVar[str] = ""

    def class_defaults(self) -> dict[str, Any]:
        return {}

    def validate(self, config: Mapping[str, Any]) -> None:
        """Any settings are fine: the dummy only echoes them."""

    def meta(self) -> dict[str, Any]:
        return {"name": "Generative Search - Dummy"}

    async def generate(
        self, request: GenerativeRequest, config: Mapping[str, Any], ctx: ModuleContext
    ) -> GenerativeResult:
        settings = "".join(f"{key}={_setting(config[key])}," for key in sorted(config))
        text = (
            f"You want me to generate something based on the following prompt: {request.prompt}. "
            f"With settings: {settings}. I'm sorry, I'm just a dummy and can't generate anything."
        )
        return GenerativeResult(text, {}, request.prompt if request.debug else None)
