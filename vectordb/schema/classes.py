"""Class (collection) definitions: validation, Weaviate's defaults, module settings and vector lookups."""

from __future__ import annotations

import copy
import logging
from collections.abc import Mapping
from typing import Any, Protocol

from modules.weaviate_names import is_weaviate_module, not_implemented_message
from vectordb.config import Settings
from vectordb.errors import UserError
from vectordb.schema._common import (
    as_dict,
    check_class_name,
    check_settings_depth,
    check_vector_name,
    fail,
    go_type,
    is_text_vectorizer,
    lower_first,
    module_error,
    upper_first,
)
from vectordb.schema.index_config import (
    TENANT_SHARDING,
    check_stopword_presets,
    normalize_index_type,
    normalize_inverted,
    normalize_multi_tenancy,
    normalize_replication,
    normalize_sharding,
    normalize_vector_index,
)
from vectordb.schema.properties import (
    PROPERTY_MODULE_DEFAULTS,
    TEXT_TYPES,
    data_type,
    normalize_property,
)

log = logging.getLogger(__name__)


class ModuleCatalog(Protocol):
    """What the schema needs to know about modules; the module registry implements it."""

    def is_known(self, name: str) -> bool: ...

    def enabled_hint(self, name: str) -> str | None:
        """None when the module is on; otherwise a message naming the variable that turns it on."""
        ...

    def class_defaults(self, name: str) -> dict: ...

    def validate_class_config(self, name: str, config: dict, class_def: Mapping[str, Any]) -> None:
        """Raise ValueError with a user-facing message when `config` is unusable."""
        ...

    def vectorize_class_name_default(self, name: str) -> bool: ...

    def is_vectorizer(self, name: str) -> bool: ...


# ---------------------------------------------------------------- modules


def is_on(name: str, modules: ModuleCatalog) -> bool:
    return modules.is_known(name) and not modules.enabled_hint(name)


def check_vectorizer(name: str, modules: ModuleCatalog, where: str) -> None:
    """A vectorizer must be on: refuse one that is unknown, off or no vectorizer, saying which."""
    if not modules.is_known(name):
        if is_weaviate_module(name):
            raise fail(f"{where}: vectorizer: {not_implemented_message(name)}")
        raise fail(
            f'{where}: vectorizer: no module with name "{name}" present; check the spelling of the module name'
        )
    hint = modules.enabled_hint(name)
    if hint:
        raise fail(f'{where}: vectorizer "{name}" is not enabled: {hint}')
    if not modules.is_vectorizer(name):
        raise fail(f'{where}: module "{name}" is not a vectorizer and cannot produce vectors')


def _vectorizer_settings(module: str, given: Any, modules: ModuleCatalog, where: str) -> dict:
    """The module's class defaults with the user's settings over them (what Weaviate stores)."""
    user = dict(as_dict(given, f"{where}: moduleConfig.{module}"))
    settings = {**copy.deepcopy(modules.class_defaults(module)), **user}
    if is_text_vectorizer(module):
        settings.setdefault("vectorizeClassName", modules.vectorize_class_name_default(module))
        if not isinstance(settings["vectorizeClassName"], bool):
            raise fail(f"{where}: module '{module}': vectorizeClassName must be true or false")
    if "properties" in settings:
        sources = settings["properties"]
        if not isinstance(sources, list) or not sources:
            raise fail(
                f"{where}: module '{module}': properties field needs to have at least 1 property defined"
            )
        if not all(isinstance(s, str) and s for s in sources):
            raise fail(
                f"{where}: module '{module}': every entry of the properties field must be a property name"
            )
        settings["properties"] = [lower_first(s) for s in sources]
    return settings


def _class_module_config(
    given: Any, vectorizer: str | None, modules: ModuleCatalog, where: str
) -> tuple[dict, dict[str, dict]]:
    """-> (stored class moduleConfig, {module: config to validate}) for the class-level moduleConfig."""
    raw = as_dict(given, f"{where}: moduleConfig")
    stored: dict[str, dict] = {}
    to_validate: dict[str, dict] = {}
    vectorizers = []
    for module, cfg in raw.items():
        stored[module] = dict(as_dict(cfg, f"{where}: moduleConfig.{module}"))
        if is_on(module, modules) and modules.is_vectorizer(module):
            vectorizers.append(module)
    if len(vectorizers) > 1:
        raise fail(
            f"{where}: multiple vectorizers configured in class's moduleConfig: {sorted(vectorizers)}; "
            f'class.vectorizer is set to "{vectorizer or ""}"'
        )
    for module, cfg in stored.items():
        if module == vectorizer:
            stored[module] = _vectorizer_settings(module, cfg, modules, where)
            to_validate[module] = stored[module]
        elif is_on(module, modules) and not modules.is_vectorizer(module):
            # Generative and reranker settings are stored as given (Weaviate does the same) and
            # checked against the module's defaults now, so a bad setting fails at creation. Settings of a
            # module that is not on are kept unchecked, as Weaviate keeps them: the class stays usable and
            # a query that needs the module is refused, saying how to turn it on.
            to_validate[module] = {**copy.deepcopy(modules.class_defaults(module)), **cfg}
    if vectorizer and vectorizer != "none" and vectorizer not in stored:
        stored[vectorizer] = _vectorizer_settings(vectorizer, {}, modules, where)
        to_validate[vectorizer] = stored[vectorizer]
    return stored, to_validate


def _named_vectors(raw: Any, modules: ModuleCatalog, settings: Settings, where: str) -> dict[str, dict]:
    vectors = as_dict(raw, f"{where}: vectorConfig")
    out: dict[str, dict] = {}
    for name, cfg in vectors.items():
        w = f"{where}: vector '{name}'"
        if not isinstance(name, str):
            raise fail(f"{where}: vectorConfig keys must be vector names, got {go_type(name)}")
        check_vector_name(name, where)
        cfg = as_dict(cfg, w)
        vectorizer = cfg.get("vectorizer")
        if vectorizer is None:
            vectorizer = {"none": {}}
        if not isinstance(vectorizer, dict) or len(vectorizer) != 1:
            count = len(vectorizer) if isinstance(vectorizer, dict) else go_type(vectorizer)
            raise fail(
                f'{w}: vectorizer must be an object with exactly one module, e.g. {{"none": {{}}}}, got '
                f"{count}"
            )
        ((module, module_settings),) = vectorizer.items()
        if module == "none":
            module_settings = {}
        else:
            check_vectorizer(module, modules, w)
            module_settings = _vectorizer_settings(module, module_settings, modules, w)
        index_type = normalize_index_type(cfg.get("vectorIndexType"), w)
        out[name] = {
            "vectorizer": {module: module_settings},
            "vectorIndexType": index_type,
            "vectorIndexConfig": normalize_vector_index(
                index_type, cfg.get("vectorIndexConfig"), settings.default_vector_distance_metric, w
            ),
        }
    return out


def class_vectorizers(class_def: Mapping[str, Any]) -> list[str]:
    """Every vectorizer module the class uses (legacy vectorizer and named vectors), "none" excluded."""
    found: list[str] = []
    if class_def.get("vectorConfig"):
        for cfg in class_def["vectorConfig"].values():
            found.extend(cfg["vectorizer"])
    elif class_def.get("vectorizer"):
        found.append(class_def["vectorizer"])
    return [m for i, m in enumerate(found) if m != "none" and m not in found[:i]]


def _property_module_defaults(class_def: Mapping[str, Any]) -> dict[str, dict]:
    return {m: dict(PROPERTY_MODULE_DEFAULTS) for m in class_vectorizers(class_def) if is_text_vectorizer(m)}


def _check_property_modules(prop: dict, class_def: Mapping[str, Any], modules: ModuleCatalog) -> None:
    configured = set(class_vectorizers(class_def))
    for module in prop.get("moduleConfig", {}):
        if module in configured or not modules.is_known(module) or modules.enabled_hint(module):
            continue
        if modules.is_vectorizer(module):
            raise fail(
                f"property '{prop['name']}': vectorizer \"{module}\" not configured for any of target "
                "vectors "
                f"of class '{class_def['class']}'; remove it from the property's moduleConfig"
            )


def property_defaults(prop: Any, class_def: Mapping[str, Any], modules: ModuleCatalog | None = None) -> dict:
    """One property validated and completed for `class_def`, including the per-property settings of the
    class's text vectorizers ({"skip": false, "vectorizePropertyName": false})."""
    out = normalize_property(prop, class_def["class"], _property_module_defaults(class_def))
    if modules is not None:
        _check_property_modules(out, class_def, modules)
    return out


# ---------------------------------------------------------------- the class


def _class_name(body: Mapping[str, Any]) -> str:
    name = body.get("class")
    if not isinstance(name, str) or not name:
        raise fail('class name is required: set "class" to a name such as "Article"')
    return check_class_name(upper_first(name))


def normalize_class(body: Any, *, modules: ModuleCatalog, settings: Settings) -> dict:
    """Validate a class definition and return it complete, every default filled, as it is stored and
    returned by GET /v1/schema/{class}. Unknown keys are dropped. Raises UserError (422)."""
    if not isinstance(body, dict):
        raise fail(f"the class definition must be a JSON object, got {go_type(body)}")
    name = _class_name(body)
    where = f"class '{name}'"
    check_settings_depth(body, where)
    out: dict[str, Any] = {"class": name}
    description = body.get("description")
    if description is not None:
        if not isinstance(description, str):
            raise fail(f"{where}: description must be a string, got {go_type(description)}")
        out["description"] = description
    out["properties"] = []

    to_validate: list[tuple[str, dict]] = []
    if body.get("vectorConfig"):
        legacy = body.get("vectorizer")
        if (legacy not in (None, "", "none")) or body.get("vectorIndexConfig"):
            raise fail(
                f"{where}: a class cannot combine a class-level 'vectorizer'/'vectorIndexConfig' with "
                "'vectorConfig'; describe every vector under 'vectorConfig'"
            )
        named = _named_vectors(body["vectorConfig"], modules, settings, where)
        module_config, extra = _class_module_config(body.get("moduleConfig"), None, modules, where)
        if module_config:
            out["moduleConfig"] = module_config
        out["vectorConfig"] = named
        for cfg in named.values():
            ((module, module_settings),) = cfg["vectorizer"].items()
            if module != "none":
                to_validate.append((module, module_settings))
        to_validate.extend(extra.items())
    else:
        vectorizer = body.get("vectorizer")
        if vectorizer is not None and not isinstance(vectorizer, str):
            raise fail(f"{where}: vectorizer must be a module name string, got {go_type(vectorizer)}")
        vectorizer = vectorizer or settings.default_vectorizer_module or "none"
        if vectorizer != "none":
            check_vectorizer(vectorizer, modules, where)
        module_config, extra = _class_module_config(body.get("moduleConfig"), vectorizer, modules, where)
        index_type = normalize_index_type(body.get("vectorIndexType"), where)
        out["vectorizer"] = vectorizer
        if module_config:
            out["moduleConfig"] = module_config
        out["vectorIndexType"] = index_type
        out["vectorIndexConfig"] = normalize_vector_index(
            index_type, body.get("vectorIndexConfig"), settings.default_vector_distance_metric, where
        )
        to_validate.extend(extra.items())

    out["invertedIndexConfig"] = normalize_inverted(body.get("invertedIndexConfig"), where)
    out["multiTenancyConfig"] = normalize_multi_tenancy(body.get("multiTenancyConfig"), where)
    out["replicationConfig"] = normalize_replication(body.get("replicationConfig"), where)
    if out["multiTenancyConfig"]["enabled"]:
        if body.get("shardingConfig") is not None:
            raise fail(f"{where}: cannot have both shardingConfig and multiTenancyConfig")
        out["shardingConfig"] = dict(TENANT_SHARDING)
    else:
        out["shardingConfig"] = normalize_sharding(body.get("shardingConfig"), where)
    _reject_object_ttl(body.get("objectTtlConfig"), where)

    raw_props = body.get("properties")
    if raw_props is not None and not isinstance(raw_props, list):
        raise fail(f"{where}: properties must be a list, got {go_type(raw_props)}")
    seen: set[str] = set()
    for raw in raw_props or ():
        prop = property_defaults(raw, out, modules)
        if prop["name"].lower() in seen:
            raise fail(
                f'class "{name}": conflict for property "{prop["name"]}": already in use or provided '
                "multiple times"
            )
        seen.add(prop["name"].lower())
        out["properties"].append(prop)

    for module, cfg in to_validate:
        try:
            modules.validate_class_config(module, cfg, out)
        except ValueError as exc:
            raise module_error(where, module, exc) from exc
    check_stopword_presets(out, where)
    if not settings.autoschema_enabled:
        _check_text_source(out)
    return out


def _reject_object_ttl(raw: Any, where: str) -> None:
    cfg = as_dict(raw, f"{where}: objectTtlConfig")
    if cfg.get("enabled"):
        raise fail(f"{where}: objectTtlConfig (object expiry) is not supported by this server; remove it")


def _check_text_source(class_def: dict) -> None:
    """Refuse a text2vec vectorizer that can never receive text. Weaviate runs this check only when
    auto-schema is off: with auto-schema on, text properties may still arrive with the first objects."""
    for name in vector_names(class_def):
        vc = vector_config(class_def, name)
        module, settings = vc["vectorizer"], vc["settings"]
        if not is_text_vectorizer(module) or settings.get("vectorizeClassName") or settings.get("properties"):
            continue
        if any(
            data_type(p) in TEXT_TYPES and not p.get("moduleConfig", {}).get(module, {}).get("skip", False)
            for p in class_def["properties"]
        ):
            continue
        raise fail(
            f"module '{module}': invalid properties: didn't find a single property which is of type string "
            "or "
            "text and is not excluded from indexing. In addition the class name is excluded from "
            "vectorization "
            "as well, meaning that it cannot be used to determine the vector position. To fix this, add a "
            "text "
            "property that is not skipped, set 'vectorizeClassName' to true in the module config, or list "
            "the "
            "source properties under 'properties'"
        )


def add_property(class_def: Mapping[str, Any], prop: Any, *, modules: ModuleCatalog | None = None) -> dict:
    """A copy of `class_def` with `prop` validated, completed and appended (the new last property).
    Cross-reference targets are not checked here: the caller knows which classes exist."""
    new = property_defaults(prop, class_def, modules)
    for existing in class_def.get("properties") or ():
        if existing["name"].lower() == new["name"].lower():
            raise fail(
                f'class "{class_def["class"]}": conflict for property "{new["name"]}": already in use or '
                "provided multiple times"
            )
    out = copy.deepcopy(dict(class_def))
    out["properties"] = [*out.get("properties", []), new]
    check_stopword_presets(out, f"class '{out['class']}'")
    return out


def merge_properties(class_def: Mapping[str, Any], props: list[dict]) -> dict:
    """A copy of `class_def` with complete property definitions (as `validate_properties` returns them
    for auto-schema) added, or replacing the same-named property (an object property whose nested
    properties grew)."""
    out = copy.deepcopy(dict(class_def))
    current = out.setdefault("properties", [])
    index = {p["name"]: i for i, p in enumerate(current)}
    for prop in props:
        if prop["name"] in index:
            current[index[prop["name"]]] = copy.deepcopy(prop)
        else:
            index[prop["name"]] = len(current)
            current.append(copy.deepcopy(prop))
    return out


# ---------------------------------------------------------------- vectors


def vector_names(class_def: Mapping[str, Any]) -> list[str]:
    """The class's vectors: [""] for the legacy single vector, else the vectorConfig names."""
    if class_def.get("vectorConfig"):
        return list(class_def["vectorConfig"])
    return [""]


def vector_config(class_def: Mapping[str, Any], name: str = "") -> dict:
    """Everything about one vector: {"name", "vectorizer" (module or "none"), "settings" (its merged class
    settings), "sourceProperties" (list or None), "vectorIndexType", "vectorIndexConfig"}.

    "" names the legacy vector ("default" too when the class has no named vectors); on a class with a
    single named vector "" names that one.
    """
    named = class_def.get("vectorConfig") or {}
    if named:
        if name == "" and len(named) == 1:
            name = next(iter(named))
        if name not in named:
            raise UserError(
                f"collection '{class_def['class']}' has no vector named '{name}'; its vectors are: "
                + ", ".join(f"'{n}'" for n in named),
                status=422,
            )
        cfg = named[name]
        ((module, settings),) = cfg["vectorizer"].items()
        index_type, index_config = cfg["vectorIndexType"], cfg["vectorIndexConfig"]
    else:
        if name not in ("", "default"):
            raise UserError(
                f"collection '{class_def['class']}' has no vector named '{name}': it has a single unnamed "
                "vector",
                status=422,
            )
        name = ""
        module = class_def.get("vectorizer") or "none"
        settings = (class_def.get("moduleConfig") or {}).get(module, {}) if module != "none" else {}
        index_type, index_config = class_def["vectorIndexType"], class_def["vectorIndexConfig"]
    settings = copy.deepcopy(settings or {})
    return {
        "name": name,
        "vectorizer": module,
        "settings": settings,
        "sourceProperties": settings.get("properties"),
        "vectorIndexType": index_type,
        "vectorIndexConfig": copy.deepcopy(index_config),
    }
