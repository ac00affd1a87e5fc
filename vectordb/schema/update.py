"""PUT /v1/schema/{class}: which fields of a stored class may change, and how an update body is merged.

The body is merged over the stored class (a missing key keeps its value), then checked: description,
BM25 and stopwords, the mutable vector index settings and generative/reranker module settings may change;
everything else must stay as it is, and the message says which field refused to change."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from vectordb.errors import UserError
from vectordb.schema._common import (
    as_dict,
    check_settings_depth,
    fail,
    go_type,
    is_generative,
    is_reranker,
    lower_first,
    module_error,
    upper_first,
)
from vectordb.schema.classes import ModuleCatalog, _property_module_defaults, is_on
from vectordb.schema.index_config import (
    check_stopword_presets,
    normalize_index_type,
    normalize_inverted,
    normalize_multi_tenancy,
    normalize_replication,
    normalize_sharding,
    normalize_vector_index,
)
from vectordb.schema.properties import normalize_property

_PROPERTIES_IMMUTABLE = (
    "property fields other than description cannot be updated through updating the class. Use the add "
    'property feature (e.g. "POST /v1/schema/{className}/properties") to add additional properties'
)
_HNSW_IMMUTABLE = ("distance", "efConstruction", "maxConnections", "cleanupIntervalSeconds", "skip")


def _merge(old: Any, new: Any) -> Any:
    """`new` over `old`, recursively for objects; a null or missing value in `new` keeps the old one."""
    if new is None:
        return copy.deepcopy(old)
    if isinstance(old, dict) and isinstance(new, dict):
        out = copy.deepcopy(old)
        for key, value in new.items():
            out[key] = _merge(old.get(key), value)
        return out
    return copy.deepcopy(new)


def _show(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _immutable(field: str, before: Any, after: Any, where: str) -> None:
    if before != after:
        raise fail(
            f'{where}: {field} is immutable: attempted change from "{_show(before)}" to "{_show(after)}"'
        )


def _update_index(index_type: str, old_cfg: dict, new_raw: Any, where: str) -> dict:
    w = f"{where}: vector index config"
    merged = _merge(old_cfg, as_dict(new_raw, f"{where}: vectorIndexConfig"))
    cfg = normalize_vector_index(index_type, merged, old_cfg["distance"], where)
    if index_type == "hnsw":
        for field in _HNSW_IMMUTABLE:
            _immutable(field, old_cfg[field], cfg[field], w)
        _immutable("multivector enabled", old_cfg["multivector"]["enabled"], cfg["multivector"]["enabled"], w)
        if old_cfg["rq"]["enabled"] and cfg["rq"]["enabled"]:
            _immutable("rq bits", old_cfg["rq"]["bits"], cfg["rq"]["bits"], w)
        _compression_kept(old_cfg, cfg, w)
    else:
        _immutable("distance", old_cfg["distance"], cfg["distance"], w)
        for key in ("pq", "bq", "sq", "rq"):
            _immutable(key, old_cfg[key]["enabled"], cfg[key]["enabled"], w)
            _immutable(f"{key}.cache", old_cfg[key]["cache"], cfg[key]["cache"], w)
        _immutable("rq.bits", old_cfg["rq"]["bits"], cfg["rq"]["bits"], w)
    # Weaviate keeps these bookkeeping flags as they were, whatever the update says.
    cfg["skipDefaultQuantization"] = old_cfg["skipDefaultQuantization"]
    cfg["trackDefaultQuantization"] = old_cfg["trackDefaultQuantization"]
    return cfg


def _compression_kept(old_cfg: dict, cfg: dict, w: str) -> None:
    """Compression, once on, stays on and keeps its codes' shape (Weaviate: "once set on a collection,
    quantization can't be disabled")."""
    for key in ("pq", "sq", "bq"):
        if old_cfg[key]["enabled"] and not cfg[key]["enabled"]:
            raise fail(f'{w}: {key} compression cannot be disabled once enabled: attempted change of '
                       f'{key}.enabled from "true" to "false"')
    if old_cfg["pq"]["enabled"]:
        for field in ("segments", "centroids"):
            _immutable(f"pq.{field}", old_cfg["pq"][field], cfg["pq"][field], w)


def _settings_unchanged(old: dict, new: dict) -> bool:
    """Every setting the update names has its stored value (keys it leaves out keep theirs)."""
    for key, value in new.items():
        if key == "properties" and isinstance(value, list):
            value = [lower_first(v) if isinstance(v, str) else v for v in value]
        if old.get(key) != value:
            return False
    return True


def _update_named(old_vectors: dict, new_raw: Any, class_name: str, where: str) -> dict:
    new_vectors = as_dict(new_raw, f"{where}: vectorConfig")
    for name in new_vectors:
        if name not in old_vectors:
            raise fail(
                f'{where}: adding vector "{name}" to an existing collection is not supported; '
                "create a new collection with every vector it needs"
            )
    out = {}
    for name, old in old_vectors.items():
        if name not in new_vectors:
            raise fail(f'{where}: missing config for vector "{name}"')
        w = f"{where}: vector '{name}'"
        new = as_dict(new_vectors[name], w)
        new_type = old["vectorIndexType"]
        if new.get("vectorIndexType"):
            new_type = normalize_index_type(new["vectorIndexType"], w)
        if new_type != old["vectorIndexType"]:
            raise fail(
                f'{where}: vector index type of vector "{name}" is immutable: attempted change from '
                f'"{old["vectorIndexType"]}" to "{new_type}"'
            )
        ((old_module, old_settings),) = old["vectorizer"].items()
        vectorizer = new.get("vectorizer")
        if vectorizer is not None:
            if not isinstance(vectorizer, dict) or len(vectorizer) != 1:
                raise fail(f'{where}: invalid vectorizer config for vector "{name}"')
            ((module, settings),) = vectorizer.items()
            if module != old_module:
                raise fail(
                    f'{where}: vectorizer of vector "{name}" is immutable: attempted change from '
                    f'"{old_module}" to "{module}"'
                )
            if not _settings_unchanged(old_settings, as_dict(settings, f"{w}: vectorizer.{module}")):
                raise fail(
                    f'{where}: vectorizer config of vector "{name}" is immutable for class {class_name}'
                )
        out[name] = {
            "vectorizer": copy.deepcopy(old["vectorizer"]),
            "vectorIndexType": old["vectorIndexType"],
            "vectorIndexConfig": _update_index(
                old["vectorIndexType"], old["vectorIndexConfig"], new.get("vectorIndexConfig"), w
            ),
        }
    return out


def _update_module_config(old_def: Mapping[str, Any], new_raw: Any, modules: ModuleCatalog | None, where: str) -> dict:
    old = copy.deepcopy(old_def.get("moduleConfig") or {})
    new = as_dict(new_raw, f"{where}: moduleConfig")
    generative = [m for m in new if is_generative(m)]
    rerankers = [m for m in new if is_reranker(m)]
    if len(generative) > 1:
        raise fail(f"{where}: updated moduleconfig has multiple generative modules: {sorted(generative)}")
    if len(rerankers) > 1:
        raise fail(f"{where}: updated moduleconfig has multiple reranker modules: {sorted(rerankers)}")
    for module, cfg in new.items():
        cfg = as_dict(cfg, f"{where}: moduleConfig.{module}")
        if module in generative or module in rerankers or module not in old:
            continue
        if not _settings_unchanged(old[module], cfg):
            raise fail(
                f"{where}: can only update generative and reranker module configs. Got: {module} for class: "
                f"{old_def['class']}"
            )
    for replaced, check in ((generative, is_generative), (rerankers, is_reranker)):
        if replaced:
            old = {m: c for m, c in old.items() if not check(m)}
    for module, cfg in new.items():
        if module in generative or module in rerankers or module not in old:
            cfg = dict(as_dict(cfg, f"{where}: moduleConfig.{module}"))
            if modules is not None and is_on(module, modules):
                try:
                    modules.validate_class_config(module, {**modules.class_defaults(module), **cfg}, old_def)
                except ValueError as exc:
                    raise module_error(where, module, exc) from exc
            old[module] = cfg
    return old


def _without_descriptions(prop: dict) -> dict:
    out = {k: v for k, v in prop.items() if k not in ("description", "moduleConfig")}
    if "nestedProperties" in out:
        out["nestedProperties"] = [_without_descriptions(p) for p in out["nestedProperties"]]
    return out


def _update_properties(old_def: Mapping[str, Any], new_raw: Any, where: str) -> list[dict]:
    old_props = old_def.get("properties") or []
    if new_raw is None:
        return copy.deepcopy(old_props)
    if not isinstance(new_raw, list):
        raise fail(f"{where}: properties must be a list, got {go_type(new_raw)}")
    if len(new_raw) != len(old_props):
        raise fail(f"{where}: {_PROPERTIES_IMMUTABLE}")
    defaults = _property_module_defaults(old_def)
    new_props = {}
    for raw in new_raw:
        try:
            prop = normalize_property(raw, old_def["class"], defaults)
        except UserError as exc:
            # A stored property always re-validates, so this one was changed.
            name = raw.get("name") if isinstance(raw, dict) else raw
            raise fail(f'{where}: property "{name}": {_PROPERTIES_IMMUTABLE} ({exc.message})') from exc
        new_props[prop["name"]] = prop
    out = []
    for old in old_props:
        new = new_props.get(old["name"])
        if new is None:
            raise fail(f"{where}: {_PROPERTIES_IMMUTABLE}")
        new_modules = new.get("moduleConfig", {})
        for module, cfg in old.get("moduleConfig", {}).items():
            if module not in new_modules:
                raise fail(f'{where}: property "{old["name"]}": module "{module}" configuration was removed')
            if new_modules[module] != cfg:
                raise fail(
                    f'{where}: property "{old["name"]}": module "{module}" configuration cannot be updated'
                )
        if _without_descriptions(old) != _without_descriptions(new):
            raise fail(f'{where}: property "{old["name"]}": {_PROPERTIES_IMMUTABLE}')
        merged = copy.deepcopy(new)
        if "moduleConfig" in old:
            merged["moduleConfig"] = copy.deepcopy(old["moduleConfig"])
        out.append(merged)
    return out


def _update_inverted(old_cfg: dict, new_raw: Any, where: str) -> dict:
    new = as_dict(new_raw, f"{where}: invertedIndexConfig")
    merged = _merge(old_cfg, new)
    if new.get("stopwordPresets") is not None:
        merged["stopwordPresets"] = new["stopwordPresets"]  # the presets given replace the stored ones
    cfg = normalize_inverted(merged, where)
    for field, label in (
        ("indexTimestamps", "indexTimestamp"),
        ("indexNullState", "indexNullState"),
        ("indexPropertyLength", "indexPropertyLength"),
    ):
        if cfg[field] != old_cfg[field]:
            before, after = str(old_cfg[field]).lower(), str(cfg[field]).lower()
            raise fail(f'{where}: "{label}" setting is immutable. Value changed from "{before}" to "{after}"')
    return cfg


def update_class(old: Mapping[str, Any], new: Any, *, modules: ModuleCatalog | None = None) -> dict:
    """The stored class `old` updated with the body `new` of PUT /v1/schema/{class}; UserError (422) when the
    body changes an immutable field. `modules`, when given, checks newly named generative/reranker modules."""
    if not isinstance(new, dict):
        raise fail(f"the class definition must be a JSON object, got {go_type(new)}")
    old = copy.deepcopy(dict(old))
    name = old["class"]
    where = f"class '{name}'"
    check_settings_depth(new, where)
    given = new.get("class")
    if given not in (None, "") and (not isinstance(given, str) or upper_first(given) != name):
        raise fail(f'class name is immutable: attempted change from "{name}" to "{given}"')

    out: dict[str, Any] = {"class": name}
    description = new.get("description", old.get("description"))
    if description is not None:
        if not isinstance(description, str):
            raise fail(f"{where}: description must be a string, got {go_type(description)}")
        out["description"] = description
    out["properties"] = _update_properties(old, new.get("properties"), where)

    if old.get("vectorConfig"):
        if new.get("vectorizer") not in (None, "", "none") or new.get("vectorIndexConfig"):
            raise fail(
                f"{where}: this class keeps its vectors under 'vectorConfig'; a class-level 'vectorizer' or "
                "'vectorIndexConfig' cannot be added"
            )
        module_config = _update_module_config(old, new.get("moduleConfig"), modules, where)
        if module_config:
            out["moduleConfig"] = module_config
        out["vectorConfig"] = (
            copy.deepcopy(old["vectorConfig"])
            if new.get("vectorConfig") is None
            else _update_named(old["vectorConfig"], new["vectorConfig"], name, where)
        )
    else:
        if new.get("vectorConfig"):
            raise fail(
                f"{where}: adding named vectors ('vectorConfig') to a class with a class-level vector is not "
                "supported"
            )
        vectorizer = new.get("vectorizer") or old["vectorizer"]
        if vectorizer != old["vectorizer"]:
            raise fail(
                f'{where}: vectorizer is immutable: attempted change from "{old["vectorizer"]}" to '
                f'"{vectorizer}"'
            )
        index_type = new.get("vectorIndexType") or old["vectorIndexType"]
        if index_type != old["vectorIndexType"]:
            raise fail(
                f'{where}: vector index type is immutable: attempted change from "{old["vectorIndexType"]}" '
                f'to "{index_type}"'
            )
        out["vectorizer"] = vectorizer
        module_config = _update_module_config(old, new.get("moduleConfig"), modules, where)
        if module_config:
            out["moduleConfig"] = module_config
        out["vectorIndexType"] = index_type
        out["vectorIndexConfig"] = _update_index(
            index_type, old["vectorIndexConfig"], new.get("vectorIndexConfig"), where
        )

    out["invertedIndexConfig"] = _update_inverted(
        old["invertedIndexConfig"], new.get("invertedIndexConfig"), where
    )
    check_stopword_presets(out, where, updating=True)
    out["multiTenancyConfig"] = normalize_multi_tenancy(
        _merge(
            old["multiTenancyConfig"], as_dict(new.get("multiTenancyConfig"), f"{where}: multiTenancyConfig")
        ),
        where,
    )
    was, now = old["multiTenancyConfig"]["enabled"], out["multiTenancyConfig"]["enabled"]
    if was != now:
        raise fail(f"{where}: {'disabling' if was else 'enabling'} multi-tenancy for an existing class is not "
                   "supported")
    out["replicationConfig"] = normalize_replication(
        _merge(
            old["replicationConfig"], as_dict(new.get("replicationConfig"), f"{where}: replicationConfig")
        ),
        where,
    )
    out["shardingConfig"] = (
        old["shardingConfig"] if now else _update_sharding(old["shardingConfig"], new.get("shardingConfig"), where)
    )
    return out


def _update_sharding(old_cfg: dict, new_raw: Any, where: str) -> dict:
    new = as_dict(new_raw, f"{where}: shardingConfig")
    merged = _merge(old_cfg, new)
    if merged.get("desiredCount") != old_cfg["desiredCount"]:
        raise fail(
            f"{where}: re-sharding not supported yet: shard count is immutable: attempted change from "
            f'"{old_cfg["desiredCount"]}" to "{merged.get("desiredCount")}"'
        )
    if merged.get("virtualPerPhysical") != old_cfg["virtualPerPhysical"]:
        raise fail(
            f"{where}: virtual shards per physical is immutable: attempted change from "
            f'"{old_cfg["virtualPerPhysical"]}" to "{merged.get("virtualPerPhysical")}"'
        )
    # The counts are derived; what a client echoes back for them does not matter.
    return normalize_sharding(
        {k: merged[k] for k in ("desiredCount", "virtualPerPhysical", "key", "strategy", "function")}, where
    )
