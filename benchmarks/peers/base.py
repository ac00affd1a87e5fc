"""The interface every system's adapter implements, and the table of adapters the worker can load."""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np


@dataclass(frozen=True)
class BuildParams:
    """Index parameters given to every system; each maps them to its own names."""

    M: int = 32
    ef_construction: int = 128
    batch: int = 1000
    distance: str = "cosine"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class Adapter(ABC):
    """One system on one data set. Ids are row numbers of the build matrix; `bucket` is an int payload in
    [0, 100) so that `bucket < s` keeps about s % of the rows."""

    #: short name used in results and plots
    name: str = ""
    #: False when the system ignores ef (exact search, or no per-query knob): the sweep then runs once
    tunes_ef: bool = True
    #: what the system does under the hood, shown in the README table
    index_kind: str = ""
    #: True when queries from several threads at once are safe
    thread_safe: bool = True
    #: True to keep the store on tmpfs (/dev/shm): for a system whose disk writes would take the whole budget
    on_tmpfs: bool = False

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir

    @abstractmethod
    def build(self, vectors: np.ndarray, buckets: np.ndarray, params: BuildParams) -> None:
        """Create the store in `workdir` and import every row, in batches of params.batch."""

    @abstractmethod
    def query(self, q: np.ndarray, k: int, ef: int) -> np.ndarray:
        """Row ids of the k nearest rows, best first."""

    @abstractmethod
    def query_filtered(self, q: np.ndarray, k: int, ef: int, max_bucket: int) -> np.ndarray:
        """Row ids of the k nearest rows whose bucket < max_bucket, best first."""

    @abstractmethod
    def close(self) -> None:
        """Release the store; what it persisted stays in `workdir` for `reopen`."""

    @abstractmethod
    def reopen(self) -> None:
        """Open the store `close` left behind, ready to answer queries (as after a process restart)."""

    def versions(self) -> dict[str, str]:
        """Package versions that matter for this system."""
        return {}

    def peak_rss_extra(self) -> dict[str, int]:
        """Peak RSS (bytes) of helper processes this adapter ran (a server), keyed by a label."""
        return {}

    def notes(self) -> dict[str, Any]:
        """Extra measurements or facts the adapter gathered, reported as they are."""
        return {}


# name -> (module, class, which interpreter runs it: "core" is the project's venv, "peers" the peers venv)
ADAPTERS: dict[str, tuple[str, str, str]] = {
    "vectordb-embedded": ("benchmarks.peers.vectordb_embedded", "VectordbEmbedded", "core"),
    "vectordb-http": ("benchmarks.peers.vectordb_http", "VectordbHttp", "core"),
    "vectordb-grpc": ("benchmarks.peers.vectordb_grpc", "VectordbGrpc", "core"),
    "vectordb-embedded-pq": ("benchmarks.peers.vectordb_compressed", "VectordbEmbeddedPQ", "core"),
    "vectordb-embedded-sq": ("benchmarks.peers.vectordb_compressed", "VectordbEmbeddedSQ", "core"),
    "vectordb-embedded-bq": ("benchmarks.peers.vectordb_compressed", "VectordbEmbeddedBQ", "core"),
    "hnswlib": ("benchmarks.peers.hnswlib_raw", "RawHnswlib", "core"),
    "faiss-hnsw": ("benchmarks.peers.faiss_hnsw", "FaissHnsw", "peers"),
    "chromadb": ("benchmarks.peers.chromadb_local", "ChromaLocal", "peers"),
    "lancedb": ("benchmarks.peers.lancedb_local", "LanceLocal", "peers"),
    "qdrant-local": ("benchmarks.peers.qdrant_local", "QdrantLocal", "peers"),
    "milvus-lite": ("benchmarks.peers.milvuslite_local", "MilvusLite", "peers"),
}


def adapter_class(name: str) -> type[Adapter]:
    if name not in ADAPTERS:
        raise ValueError(f"unknown system {name!r}; known: {', '.join(ADAPTERS)}")
    module, cls, _ = ADAPTERS[name]
    return getattr(importlib.import_module(module), cls)


def package_version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "not installed"
