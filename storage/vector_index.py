"""Which index holds a vector: hnswlib's float graph, or compressed codes when its config enables pq, sq or bq.

The compressed index (and faiss under it) is imported only for a collection that asks for it, so that opening
the uncompressed default costs no more than before.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from storage.hnsw import Fetch, VectorIndex

if TYPE_CHECKING:
    from storage.compressed import CompressedIndex

log = logging.getLogger(__name__)

COMPRESSIONS = ("pq", "sq", "bq")

AnyIndex: TypeAlias = "VectorIndex | CompressedIndex"


def enabled_compression(config: dict) -> str | None:
    """The compression a vectorIndexConfig enables, if any."""
    for kind in COMPRESSIONS:
        sub = config.get(kind)
        if isinstance(sub, dict) and sub.get("enabled"):
            return kind
    return None


def open_index(directory: Path, name: str, config: dict, fetch: Fetch) -> AnyIndex:
    """The index a vectorIndexConfig asks for."""
    if enabled_compression(config) is None:
        return VectorIndex(directory, name, config, fetch)
    from storage.compressed import CompressedIndex
    from storage.compression import Compression

    try:
        Compression.from_config(config)
    except ValueError as err:
        # A class stored by an older version, which recorded compression without compressing: it still opens.
        log.warning("vector index %r keeps its vectors uncompressed: %s", name, err)
        return VectorIndex(directory, name, config, fetch)
    return CompressedIndex(directory, name, config, fetch)


def is_compressed(index: AnyIndex) -> bool:
    """True when the index holds compressed codes (a pq or sq index before training holds floats)."""
    return not isinstance(index, VectorIndex) and index.compressed


def settle(index: AnyIndex) -> None:
    """After open, replay or a rebuild: train a compressed index whose vectors reached trainingLimit, and wait
    for its background build, so that the index is served as it will stay."""
    if not isinstance(index, VectorIndex):
        index.train_if_due()
        index.wait()
