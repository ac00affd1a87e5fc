"""Class-level configuration blocks with Weaviate's defaults: vector index, inverted index, replication,
sharding and multi-tenancy. Each normaliser validates its block and returns it complete."""

from __future__ import annotations

from typing import Any

from storage.compression import Compression
from vectordb.schema._common import (
    as_dict,
    fail,
    go_type,
    opt_bool,
    opt_choice,
    opt_int,
    opt_number,
    opt_str,
)
from vectordb.schema.properties import stopword_preset_uses

DISTANCES = ("cosine", "dot", "l2-squared", "manhattan", "hamming")
INDEX_TYPES = ("hnsw", "flat")
UNSUPPORTED_INDEX_TYPES = ("dynamic", "hfresh")
FILTER_STRATEGIES = ("sweeping", "acorn")
STOPWORD_PRESETS = ("en", "none")
DELETION_STRATEGIES = ("NoAutomatedResolution", "DeleteOnConflict", "TimeBasedResolution")

VECTOR_CACHE_MAX_OBJECTS = 1_000_000_000_000


# ---------------------------------------------------------------- vector index


def normalize_index_type(raw: Any, where: str) -> str:
    if raw is None or raw == "":
        return "hnsw"
    if not isinstance(raw, str):
        raise fail(f"{where}: vectorIndexType must be a string, got {go_type(raw)}")
    if raw in UNSUPPORTED_INDEX_TYPES:
        raise fail(
            f"{where}: vectorIndexType '{raw}' is not supported by this server; use 'hnsw' (the default) or "
            "'flat'"
        )
    if raw not in INDEX_TYPES:
        raise fail(f"{where}: unsupported vector index type '{raw}'; use 'hnsw' or 'flat'")
    return raw


def normalize_vector_index(index_type: str, raw: Any, default_distance: str, where: str) -> dict:
    """Complete vectorIndexConfig for `index_type` ("hnsw" or "flat"), validated."""
    cfg = as_dict(raw, f"{where}: vectorIndexConfig")
    w = f"{where}: vectorIndexConfig"
    distance = opt_choice(cfg, "distance", default_distance, DISTANCES, w)
    if index_type == "flat":
        return _flat(cfg, distance, w)
    return _hnsw(cfg, distance, w)


def _hnsw(cfg: dict, distance: str, w: str) -> dict:
    out: dict[str, Any] = {
        "skip": opt_bool(cfg, "skip", False, w),
        "cleanupIntervalSeconds": opt_int(cfg, "cleanupIntervalSeconds", 300, w),
        "maxConnections": opt_int(cfg, "maxConnections", 32, w),
        "efConstruction": opt_int(cfg, "efConstruction", 128, w),
        "ef": opt_int(cfg, "ef", -1, w),
        "dynamicEfMin": opt_int(cfg, "dynamicEfMin", 100, w),
        "dynamicEfMax": opt_int(cfg, "dynamicEfMax", 500, w),
        "dynamicEfFactor": opt_int(cfg, "dynamicEfFactor", 8, w),
        "vectorCacheMaxObjects": opt_int(cfg, "vectorCacheMaxObjects", VECTOR_CACHE_MAX_OBJECTS, w),
        "flatSearchCutoff": opt_int(cfg, "flatSearchCutoff", 40000, w),
        "distance": distance,
        # Filtered search here is a pre-filtered allow-list (sweeping); acorn is accepted and recorded.
        "filterStrategy": opt_choice(cfg, "filterStrategy", "sweeping", FILTER_STRATEGIES, w),
        "pq": _pq(as_dict(cfg.get("pq"), f"{w}.pq"), f"{w}.pq"),
        "bq": {"enabled": opt_bool(as_dict(cfg.get("bq"), f"{w}.bq"), "enabled", False, f"{w}.bq")},
        "sq": _sq(as_dict(cfg.get("sq"), f"{w}.sq"), f"{w}.sq"),
        "rq": _rq(as_dict(cfg.get("rq"), f"{w}.rq"), f"{w}.rq", rescore_default=20),
        "multivector": _multivector(as_dict(cfg.get("multivector"), f"{w}.multivector"), f"{w}.multivector"),
        "skipDefaultQuantization": opt_bool(cfg, "skipDefaultQuantization", False, w),
        "trackDefaultQuantization": opt_bool(cfg, "trackDefaultQuantization", False, w),
    }
    problems = []
    if out["maxConnections"] < 4:
        problems.append("maxConnections must be a positive integer with a minimum of 4")
    if out["maxConnections"] > 2047:
        problems.append("maxConnections must be less than 2048")
    if out["efConstruction"] < 4:
        problems.append("efConstruction must be a positive integer with a minimum of 4")
    if out["ef"] != -1 and out["ef"] < 1:
        problems.append("ef must be -1 (dynamic) or a positive integer")
    if out["dynamicEfMin"] < 1 or out["dynamicEfFactor"] < 1:
        problems.append("dynamicEfMin and dynamicEfFactor must be positive integers")
    if out["dynamicEfMax"] < out["dynamicEfMin"]:
        problems.append("dynamicEfMax must not be lower than dynamicEfMin")
    if out["cleanupIntervalSeconds"] < 1:
        problems.append("cleanupIntervalSeconds must be a positive integer")
    if out["vectorCacheMaxObjects"] < 0 or out["flatSearchCutoff"] < 0:
        problems.append("vectorCacheMaxObjects and flatSearchCutoff must not be negative")
    if problems:
        raise fail(f"{w}: invalid hnsw config: {', '.join(problems)}")
    _one_compression(out, w, "hnsw")
    return out


def _flat(cfg: dict, distance: str, w: str) -> dict:
    def compression(key: str) -> dict:
        sub = as_dict(cfg.get(key), f"{w}.{key}")
        return {
            "enabled": opt_bool(sub, "enabled", False, f"{w}.{key}"),
            "rescoreLimit": opt_int(sub, "rescoreLimit", -1, f"{w}.{key}"),
            "cache": opt_bool(sub, "cache", False, f"{w}.{key}"),
        }

    out: dict[str, Any] = {
        "distance": distance,
        "vectorCacheMaxObjects": opt_int(cfg, "vectorCacheMaxObjects", VECTOR_CACHE_MAX_OBJECTS, w),
        "pq": compression("pq"),
        "bq": compression("bq"),
        "sq": compression("sq"),
        "rq": {**compression("rq"), "bits": opt_int(as_dict(cfg.get("rq"), f"{w}.rq"), "bits", 8, f"{w}.rq")},
        "skipDefaultQuantization": opt_bool(cfg, "skipDefaultQuantization", False, w),
        "trackDefaultQuantization": opt_bool(cfg, "trackDefaultQuantization", False, w),
    }
    if out["vectorCacheMaxObjects"] < 0:
        raise fail(f"{w}: vectorCacheMaxObjects must not be negative")
    for key in ("pq", "bq", "sq", "rq"):
        if out[key]["cache"] and not out[key]["enabled"]:
            raise fail(f"{w}.{key}: not possible to use the cache without compression")
    if out["pq"]["enabled"]:
        raise fail(f"{w}: PQ is not currently supported for flat indices")
    if out["sq"]["enabled"]:
        raise fail(f"{w}: SQ is not currently supported for flat indices")
    if out["rq"]["enabled"] and out["rq"]["bits"] not in (1, 8):
        raise fail(f"{w}: RQ bits must be either 1 or 8")
    _one_compression(out, w, "flat")
    return out


def _pq(sub: dict, w: str) -> dict:
    encoder = as_dict(sub.get("encoder"), f"{w}.encoder")
    out: dict[str, Any] = {
        "enabled": opt_bool(sub, "enabled", False, w),
        "bitCompression": opt_bool(sub, "bitCompression", False, w),
        "segments": opt_int(sub, "segments", 0, w),
        "centroids": opt_int(sub, "centroids", 256, w),
        "trainingLimit": opt_int(sub, "trainingLimit", 100000, w),
        "encoder": {
            "type": opt_str(encoder, "type", "kmeans", f"{w}.encoder"),
            "distribution": opt_str(encoder, "distribution", "log-normal", f"{w}.encoder"),
        },
    }
    # Weaviate's messages (entities/vectorindex/hnsw/pq_config.go), which its parser checks whether or not
    # pq is enabled.
    if out["encoder"]["type"] not in ("kmeans", "tile"):
        raise fail(f"{w}.encoder: invalid encoder type {out['encoder']['type']}")
    if out["encoder"]["distribution"] not in ("log-normal", "normal"):
        raise fail(f"{w}.encoder: invalid encoder distribution {out['encoder']['distribution']}")
    if out["segments"] < 0:
        raise fail(f"{w}: pq segments must be non-negative")
    if out["centroids"] > 256:
        raise fail(f"{w}: centroids should not be higher than 256. Attempting to use {out['centroids']}")
    if out["trainingLimit"] < 0:
        raise fail(f"{w}: trainingLimit must not be negative")
    return out


def _sq(sub: dict, w: str) -> dict:
    return {
        "enabled": opt_bool(sub, "enabled", False, w),
        "trainingLimit": opt_int(sub, "trainingLimit", 100000, w),
        "rescoreLimit": opt_int(sub, "rescoreLimit", 20, w),
    }


def _rq(sub: dict, w: str, rescore_default: int) -> dict:
    out: dict[str, Any] = {
        "enabled": opt_bool(sub, "enabled", False, w),
        "bits": opt_int(sub, "bits", 8, w),
        "rescoreLimit": opt_int(sub, "rescoreLimit", rescore_default, w),
    }
    if out["enabled"] and out["bits"] not in (1, 8):
        raise fail(f"{w}: RQ bits must be either 1 or 8")
    return out


def _multivector(sub: dict, w: str) -> dict:
    muvera = as_dict(sub.get("muvera"), f"{w}.muvera")
    out: dict[str, Any] = {
        "enabled": opt_bool(sub, "enabled", False, w),
        "muvera": {
            "enabled": opt_bool(muvera, "enabled", False, f"{w}.muvera"),
            "ksim": opt_int(muvera, "ksim", 4, f"{w}.muvera"),
            "dprojections": opt_int(muvera, "dprojections", 16, f"{w}.muvera"),
            "repetitions": opt_int(muvera, "repetitions", 10, f"{w}.muvera"),
        },
        "aggregation": opt_choice(sub, "aggregation", "maxSim", ("maxSim",), w),
    }
    if out["enabled"]:
        raise fail(f"{w}: multi-vector (late interaction) indexes are not supported by this server")
    return out


def _one_compression(out: dict, w: str, index_type: str) -> None:
    enabled = [key for key in ("pq", "bq", "sq", "rq") if out[key]["enabled"]]
    if len(enabled) > 1:
        raise fail(
            f"{w}: invalid {index_type} config: more than a single compression methods enabled "
            f"({', '.join(enabled)}); enable at most one"
        )
    if "rq" in enabled:
        raise fail(f"{w}.rq: RQ compression is not supported by this server; use pq, sq or bq")
    if enabled:
        try:
            Compression.from_config({**out, "vectorIndexType": index_type})
        except ValueError as exc:
            raise fail(f"{w}: {exc}") from exc


# ---------------------------------------------------------------- inverted index


def normalize_inverted(raw: Any, where: str) -> dict:
    w = f"{where}: invertedIndexConfig"
    cfg = as_dict(raw, w)
    bm25 = as_dict(cfg.get("bm25"), f"{w}.bm25")
    stopwords = as_dict(cfg.get("stopwords"), f"{w}.stopwords")
    cleanup = opt_int(cfg, "cleanupIntervalSeconds", 60, w)
    if cleanup < 0:
        raise fail(f"{w}: cleanup interval seconds must be > 0")
    out: dict[str, Any] = {
        "bm25": {
            "b": opt_number(bm25, "b", 0.75, f"{w}.bm25"),
            "k1": opt_number(bm25, "k1", 1.2, f"{w}.bm25"),
        },
        "cleanupIntervalSeconds": cleanup or 60,
        "stopwords": {
            "preset": _stopword_preset(stopwords, f"{w}.stopwords"),
            "additions": _word_list(stopwords, "additions", f"{w}.stopwords"),
            "removals": _word_list(stopwords, "removals", f"{w}.stopwords"),
        },
        "indexTimestamps": opt_bool(cfg, "indexTimestamps", False, w),
        "indexNullState": opt_bool(cfg, "indexNullState", False, w),
        "indexPropertyLength": opt_bool(cfg, "indexPropertyLength", False, w),
        "usingBlockMaxWAND": opt_bool(cfg, "usingBlockMaxWAND", False, w),
    }
    presets = _stopword_presets(cfg.get("stopwordPresets"), w)
    if presets:
        out["stopwordPresets"] = presets
    if out["bm25"]["k1"] < 0:
        raise fail(f"{w}: BM25.k1 must be >= 0")
    if not 0 <= out["bm25"]["b"] <= 1:
        raise fail(f"{w}: BM25.b must be >= 0 and <= 1")
    both = set(out["stopwords"]["additions"] or ()) & set(out["stopwords"]["removals"] or ())
    if both:
        raise fail(f"{w}: found '{sorted(both)[0]}' in both stopwords.additions and stopwords.removals")
    return out


def _stopword_presets(raw: Any, w: str) -> dict[str, list[str]]:
    """invertedIndexConfig.stopwordPresets: named word lists a property's textAnalyzer.stopwordPreset picks."""
    out: dict[str, list[str]] = {}
    for name, words in as_dict(raw, f"{w}.stopwordPresets").items():
        if not name.strip():
            raise fail(f"{w}: stopwordPresets: preset name must not be empty or whitespace-only")
        if not isinstance(words, list) or not all(isinstance(word, str) for word in words):
            raise fail(f'{w}: stopwordPresets: preset "{name}" must be a list of words')
        if not words:
            raise fail(f'{w}: stopwordPresets: preset "{name}" must have at least one word')
        if any(not word.strip() for word in words):
            raise fail(f'{w}: stopwordPresets: preset "{name}" contains empty or whitespace-only word')
        out[name] = list(words)
    return out


def check_stopword_presets(class_def: dict, where: str, *, updating: bool = False) -> None:
    """Every textAnalyzer.stopwordPreset of the class names a built-in preset or one of its stopwordPresets;
    `updating` words the refusal as Weaviate does for an update that drops a preset still in use."""
    presets = (class_def.get("invertedIndexConfig") or {}).get("stopwordPresets") or {}
    for path, preset in stopword_preset_uses(class_def.get("properties") or []):
        if preset in STOPWORD_PRESETS or preset in presets:
            continue
        if updating:
            raise fail(
                f'{where}: invertedIndexConfig.stopwordPresets: cannot remove preset "{preset}" because it is '
                f'still used by property "{path}"'
            )
        raise fail(
            f"{where}: property '{path}': unknown stopword preset \"{preset}\"; must be a built-in preset "
            "('en', 'none') or defined in invertedIndexConfig.stopwordPresets"
        )


def _stopword_preset(cfg: dict, w: str) -> str:
    preset = opt_str(cfg, "preset", "en", w)
    if preset not in STOPWORD_PRESETS:
        raise fail(f"{w}: stopwordPreset '{preset}' does not exist; use 'en' or 'none'")
    return preset


def _word_list(cfg: dict, key: str, w: str) -> list[str] | None:
    value = cfg.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise fail(f"{w}.{key} must be a list of strings")
    if any(not v.strip() for v in value):
        raise fail(f"{w}: cannot use whitespace in stopword.{key}")
    return list(value)


# ---------------------------------------------------------------- replication, sharding, multi-tenancy


def normalize_multi_tenancy(raw: Any, where: str) -> dict:
    w = f"{where}: multiTenancyConfig"
    cfg = as_dict(raw, w)
    out: dict[str, Any] = {
        "enabled": opt_bool(cfg, "enabled", False, w),
        "autoTenantCreation": opt_bool(cfg, "autoTenantCreation", False, w),
        "autoTenantActivation": opt_bool(cfg, "autoTenantActivation", False, w),
    }
    return out


# What Weaviate shows as the sharding of a multi-tenant class: each tenant is a shard, made when it is added.
TENANT_SHARDING = {"virtualPerPhysical": 0, "desiredCount": 0, "actualCount": 0, "desiredVirtualCount": 0,
                   "actualVirtualCount": 0, "key": "", "strategy": "", "function": ""}


def normalize_replication(raw: Any, where: str) -> dict:
    w = f"{where}: replicationConfig"
    cfg = as_dict(raw, w)
    factor = opt_int(cfg, "factor", 1, w) or 1
    if factor != 1:
        raise fail(
            f"{w}: invalid replication factor: this server is a single node, so the factor must be 1, got "
            f"{factor}"
        )
    return {
        "factor": factor,
        "asyncEnabled": opt_bool(cfg, "asyncEnabled", False, w),
        "deletionStrategy": opt_choice(
            cfg, "deletionStrategy", "NoAutomatedResolution", DELETION_STRATEGIES, w
        ),
    }


def normalize_sharding(raw: Any, where: str) -> dict:
    w = f"{where}: shardingConfig"
    cfg = as_dict(raw, w)
    desired = opt_int(cfg, "desiredCount", 1, w) or 1
    if desired != 1:
        raise fail(
            f"{w}: desiredCount {desired} is not supported: this server keeps each collection in one shard; "
            "leave desiredCount unset or 1"
        )
    virtual = opt_int(cfg, "virtualPerPhysical", 128, w) or 128
    if virtual < 1:
        raise fail(f"{w}: virtualPerPhysical must be a positive integer")
    return {
        "virtualPerPhysical": virtual,
        "desiredCount": 1,
        "actualCount": 1,
        "desiredVirtualCount": virtual,
        "actualVirtualCount": virtual,
        "key": opt_choice(cfg, "key", "_id", ("_id",), w),
        "strategy": opt_choice(cfg, "strategy", "hash", ("hash",), w),
        "function": opt_choice(cfg, "function", "murmur3", ("murmur3",), w),
    }
