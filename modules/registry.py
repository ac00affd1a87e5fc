"""Which modules exist and which are on.

Known modules are the built-in ones (modules/catalog.py) plus any third-party module installed as a Python
entry point in the group `vectordb.modules` (entry point name = module name; it loads a Module class, or a
factory that takes no arguments and returns a Module). A built-in name cannot be taken over by a plugin.

A module is on when any of these holds:
- it is named in `ENABLE_MODULES` (comma list; names are trimmed; unknown names are logged and ignored, as
  Weaviate ignores them);
- it is `DEFAULT_VECTORIZER_MODULE`;
- it is API-based (it only calls a hosted provider, so being on costs nothing) and API-based modules are on.

API-based modules are on by default, as in Weaviate 1.33 and later. Both switches are honoured:
`API_BASED_MODULES_DISABLED` (the newer one) decides whenever it is set to a non-empty value (true: off,
false: on); only when it is unset does `ENABLE_API_BASED_MODULES` (the older one, from when they were off by
default) decide, true meaning on and false meaning off; with neither set they are on. Naming a module in
`ENABLE_MODULES` turns it on whatever these switches say.

Modules are built on first use, and their heavy dependencies load only then, so a server that never touches
the transformers modules never imports onnxruntime. A module that has an `init(env)` method is handed the
environment once, right after it is built (the way Go modules get Init), for settings it needs outside a
request (such as /v1/meta).
"""

from __future__ import annotations

import importlib.metadata
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from modules.base import Generative, Module, ModuleError, Reranker, Vectorizer
from modules.catalog import BUILTIN_MODULES
from modules.weaviate_names import is_weaviate_module, not_implemented_message

logger = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "vectordb.modules"

#: Weaviate's per-property defaults for text2vec modules (PropertyConfigDefaults).
VECTORIZER_PROPERTY_DEFAULTS: dict[str, Any] = {"skip": False, "vectorizePropertyName": False}


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on", "enabled"}


def api_based_modules_on(env: Mapping[str, str]) -> bool:
    """How API_BASED_MODULES_DISABLED and ENABLE_API_BASED_MODULES combine (see the module docstring)."""
    disabled = (env.get("API_BASED_MODULES_DISABLED") or "").strip()
    if disabled:
        return not _truthy(disabled)
    enabled = (env.get("ENABLE_API_BASED_MODULES") or "").strip()
    if enabled:
        return _truthy(enabled)
    return True


def _split_names(value: str | None) -> list[str]:
    return [name.strip() for name in (value or "").split(",") if name.strip()]


def _build(factory: Any, name: str, env: Mapping[str, str]) -> Module:
    instance = factory() if callable(factory) else factory
    if not isinstance(instance, Module):
        raise ModuleError(
            f"module {name!r} lacks part of the Module protocol "
            "(name, capability, api_based, class_defaults, validate, meta)",
            500,
        )
    if instance.name != name:
        raise ModuleError(f"module registered as {name!r} calls itself {instance.name!r}", 500)
    init = getattr(instance, "init", None)
    if callable(init):
        init(env)
    return instance


def _loader(module: type[Module]) -> Callable[[], type[Module]]:
    return lambda: module


@dataclass
class _Entry:
    name: str
    load: Callable[[], Any]  # returns the class or factory
    api_based: bool | None  # None: not known until the plugin is loaded
    origin: str
    instance: Module | None = None
    failure: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


class Registry:
    """The modules this server knows, which of them are on, and their class-level settings.

    Satisfies vectordb.schema's ModuleCatalog: is_known, enabled_hint, class_defaults, validate_class_config,
    vectorize_class_name_default, is_vectorizer.
    """

    def __init__(self, env: Mapping[str, str], entries: dict[str, _Entry]) -> None:
        self.env: Mapping[str, str] = dict(env)
        self._entries = entries
        self._explicit = set(_split_names(env.get("ENABLE_MODULES")))
        default_vectorizer = (env.get("DEFAULT_VECTORIZER_MODULE") or "").strip()
        if default_vectorizer and default_vectorizer != "none":
            self._explicit.add(default_vectorizer)
        self._api_on = api_based_modules_on(env)
        # backup-filesystem and backup-s3 are no model modules: vectordb/backup serves them
        for name in sorted(self._explicit - set(entries) - {"backup-filesystem", "backup-s3"}):
            logger.warning(
                "module %r is named in ENABLE_MODULES/DEFAULT_VECTORIZER_MODULE but is not known", name
            )
        self._enabled = {name for name in entries if self._decide(entries[name])}
        logger.info("modules enabled: %s", ", ".join(sorted(self._enabled)) or "none")

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Registry:
        entries: dict[str, _Entry] = {
            module.name: _Entry(module.name, _loader(module), module.api_based, "built-in")
            for module in BUILTIN_MODULES
        }
        for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
            if ep.name in entries:
                logger.warning(
                    "entry point %s = %s is ignored: %r is already provided by %s",
                    ep.name, ep.value, ep.name, entries[ep.name].origin,
                )
                continue
            dist = getattr(ep, "dist", None)
            origin = f"plugin {dist.name}" if dist is not None else f"plugin {ep.value}"
            entries[ep.name] = _Entry(ep.name, ep.load, None, origin)
        return cls(env, entries)

    # -- enablement

    def _decide(self, entry: _Entry) -> bool:
        if entry.name in self._explicit:
            return True
        if not self._api_on:
            return False
        if entry.api_based is None:
            # A plugin says whether it is API-based only once loaded; a broken one stays off.
            module = self._instance(entry, raise_errors=False)
            entry.api_based = bool(module is not None and module.api_based)
        return entry.api_based

    def is_known(self, name: str) -> bool:
        return name in self._entries

    def is_enabled(self, name: str) -> bool:
        return name in self._enabled

    def enabled(self) -> list[str]:
        return sorted(self._enabled)

    def known(self) -> list[str]:
        return sorted(self._entries)

    def enabled_hint(self, name: str) -> str | None:
        """None when the module is on; otherwise what to set to turn it on (a phrase that reads after
        "module 'x' is not enabled: ")."""
        if name in self._enabled:
            return None
        if name not in self._entries:
            return (
                f"this server does not know it (known modules: {', '.join(self.known())}; third-party "
                f"modules install as '{ENTRY_POINT_GROUP}' entry points)"
            )
        entry = self._entries[name]
        if entry.api_based and not self._api_on:
            return (
                "API-based modules are switched off (API_BASED_MODULES_DISABLED=true or "
                f"ENABLE_API_BASED_MODULES=false); unset that variable or add {name} to ENABLE_MODULES"
            )
        return f"add it to ENABLE_MODULES (e.g. ENABLE_MODULES={name})"

    # -- instances

    def _instance(self, entry: _Entry, raise_errors: bool = True) -> Module | None:
        with entry.lock:
            if entry.instance is None and entry.failure is None:
                try:
                    entry.instance = _build(entry.load(), entry.name, self.env)
                except Exception as exc:  # a broken module must not take the server down
                    detail = exc.message if isinstance(exc, ModuleError) else f"{type(exc).__name__}: {exc}"
                    entry.failure = f"module {entry.name!r} ({entry.origin}) could not be loaded: {detail}"
                    logger.error("%s", entry.failure)
            if entry.failure is not None and raise_errors:
                raise ModuleError(entry.failure, 500)
            return entry.instance

    def get(self, name: str) -> Module:
        """The module, when it is known and on; ModuleError (422) saying how to turn it on otherwise."""
        hint = self.enabled_hint(name)
        if hint is not None:
            if name not in self._entries and is_weaviate_module(name):
                raise ModuleError(f"{not_implemented_message(name)} (modules here: {', '.join(self.known())})", 422)
            what = "is not enabled" if name in self._entries else "is not present"
            raise ModuleError(f"module {name!r} {what}: {hint}", 422)
        module = self._instance(self._entries[name])
        assert module is not None
        return module

    def _known_module(self, name: str) -> Module:
        if name not in self._entries:
            raise ValueError(f"no module with name {name!r} present: {self.enabled_hint(name)}")
        module = self._instance(self._entries[name])
        assert module is not None
        return module

    def vectorizer(self, name: str) -> Vectorizer:
        module = self.get(name)
        if not isinstance(module, Vectorizer):
            raise ModuleError(
                f"module {name!r} is not a vectorizer (it is a {module.capability} module)", 422
            )
        return module

    def generative(self, name: str) -> Generative:
        module = self.get(name)
        if not isinstance(module, Generative):
            raise ModuleError(f"module {name!r} is not a generative module", 422)
        return module

    def reranker(self, name: str) -> Reranker:
        module = self.get(name)
        if not isinstance(module, Reranker):
            raise ModuleError(f"module {name!r} is not a reranker module", 422)
        return module

    # -- class-level settings (ModuleCatalog)

    def is_vectorizer(self, name: str) -> bool:
        if name not in self._entries:
            return False
        module = self._known_module(name)
        return module.capability in ("text2vec", "multi2vec", "img2vec", "ref2vec")

    def capability(self, name: str) -> str:
        return self._known_module(name).capability

    def class_defaults(self, name: str) -> dict[str, Any]:
        """Settings written into a collection's moduleConfig[name] at creation (a fresh copy)."""
        return dict(self._known_module(name).class_defaults())

    def property_defaults(self, name: str) -> dict[str, Any]:
        """Settings written into each property's moduleConfig[name] at creation (text2vec modules only)."""
        module = self._known_module(name)
        own = getattr(module, "property_defaults", None)
        if callable(own):
            return dict(own())
        return dict(VECTORIZER_PROPERTY_DEFAULTS) if self.is_vectorizer(name) else {}

    def vectorize_class_name_default(self, name: str) -> bool:
        module = self._known_module(name)
        return bool(getattr(module, "vectorize_class_name", False))

    def validate_class_config(
        self, name: str, config: Mapping[str, Any], class_def: Mapping[str, Any]
    ) -> None:
        """ValueError naming the bad setting, prefixed `module '<name>': ` as Weaviate words it.

        `config` is the collection's settings for the module (defaults are merged in here, so either form
        works). Whether the class can yield any text at all is vectordb.vectorize.can_yield_text's question.
        """
        module = self._known_module(name)
        merged = {**module.class_defaults(), **dict(config)}
        try:
            if self.is_vectorizer(name):
                _validate_vectorizer_settings(merged)
            module.validate(merged)
        except ValueError as exc:
            raise ValueError(f"module '{name}': {exc}") from None

    def meta(self) -> dict[str, dict[str, Any]]:
        """{name: module.meta()} for every enabled module, for /v1/meta; a failing module shows its error."""
        result: dict[str, dict[str, Any]] = {}
        for name in self.enabled():
            try:
                result[name] = dict(self.get(name).meta())
            except Exception as exc:  # /v1/meta must answer even when one module's upstream is down
                message = exc.message if isinstance(exc, ModuleError) else f"{type(exc).__name__}: {exc}"
                logger.warning("meta of module %r failed: %s", name, message)
                result[name] = {"error": message}
        return result


def _validate_vectorizer_settings(config: Mapping[str, Any]) -> None:
    """Weaviate's base class settings checks, common to every text2vec module."""
    if "properties" in config:
        names = config["properties"]
        if not isinstance(names, list | tuple):
            raise ValueError(f"properties field needs to be of array type, got: {type(names).__name__}")
        if not names:
            raise ValueError("properties field needs to have at least 1 property defined")
        for value in names:
            if not isinstance(value, str):
                raise ValueError(f"properties field value: {value!r} must be a string")
    if "vectorizeClassName" in config and not isinstance(config["vectorizeClassName"], bool):
        raise ValueError("vectorizeClassName must be a boolean")
