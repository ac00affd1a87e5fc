"""A vector index's compression (Weaviate's pq, sq, bq), validated, and how its codes are made.

The codes live in faiss indexes: HNSW over 8-bit scalar codes (sq), over product-quantizer codes (pq), over
sign bits (bq, binary HNSW), and a binary exact scan for a flat index with bq. faiss was chosen over usearch
because it alone has a product quantizer, it filters inside C++ through an id selector (no Python call per
candidate), and one engine then serves all three (measured in benchmarks/compression_engines.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from storage.vector_index import enabled_compression

# faiss's quantized HNSW indexes score by inner product or L2; Weaviate's other distances have no codes here.
COMPRESSED_DISTANCES = ("cosine", "dot", "l2-squared")
# Weaviate's flat index rescores max(rescoreLimit, k) candidates; -1 there means "let the server pick".
FLAT_DEFAULT_RESCORE = -1

FloatArray = npt.NDArray[np.float32]


def optimal_segments(dim: int) -> int:
    """Weaviate's PQ segments when the config leaves them at 0 (common.CalculateOptimalSegments)."""
    if dim >= 2048 and dim % 8 == 0:
        return dim // 8
    if dim >= 768 and dim % 6 == 0:
        return dim // 6
    if dim >= 256 and dim % 4 == 0:
        return dim // 4
    if dim % 2 == 0:
        return dim // 2
    return dim


@dataclass(frozen=True)
class Compression:
    """The compression of one vector index, validated."""

    kind: str
    flat: bool
    distance: str
    training_limit: int  # vectors that must exist before the codes are trained; 0 when nothing is trained
    rescore_limit: int
    segments: int  # pq only; 0 means Weaviate's choice for the dimension
    centroids: int  # pq only

    @classmethod
    def from_config(cls, config: dict) -> Compression:
        kind = enabled_compression(config)
        if kind is None:
            raise ValueError("vectorIndexConfig enables no compression (pq, sq or bq)")
        sub: dict[str, Any] = config[kind]
        distance = config.get("distance", "cosine")
        if distance not in COMPRESSED_DISTANCES:
            raise ValueError(f"vectorIndexConfig.{kind}: compressed vectors support the distances "
                             f"{', '.join(COMPRESSED_DISTANCES)}, not {distance!r}")
        flat = config.get("vectorIndexType", "hnsw") == "flat"
        if flat and kind != "bq":
            raise ValueError(f"vectorIndexConfig.{kind}: {kind.upper()} is not currently supported for flat "
                             "indices")
        if kind == "sq":
            rescore = int(sub.get("rescoreLimit", 20))
        elif flat:
            rescore = int(sub.get("rescoreLimit", FLAT_DEFAULT_RESCORE))
        else:
            rescore = -1  # Weaviate rescores every ef candidate of a pq or bq graph search
        training = int(sub.get("trainingLimit", 100000)) if kind in ("pq", "sq") else 0
        centroids = int(sub.get("centroids", 256)) if kind == "pq" else 0
        segments = int(sub.get("segments", 0)) if kind == "pq" else 0
        if kind == "pq":
            check_pq(sub)
        return cls(kind, flat, distance, max(training, 0), rescore, segments, centroids)

    @property
    def binary(self) -> bool:
        return self.kind == "bq"

    def candidates(self, k: int, ef: int) -> tuple[int, int]:
        """How many candidates the codes yield, and how many of them are rescored from the full vectors."""
        if self.flat:
            n = max(self.rescore_limit, k)
            return n, n
        if self.kind == "sq":
            if self.rescore_limit == 0:
                return k, 0
            return ef, (self.rescore_limit if self.rescore_limit >= k else ef)
        return ef, ef

    def check_length(self, dim: int) -> None:
        """Refuse a vector length these codes cannot be made for."""
        if self.kind == "pq":
            self.segments_for(dim)

    def segments_for(self, dim: int) -> int:
        segments = self.segments or optimal_segments(dim)
        if dim % segments:
            raise ValueError(f"vectorIndexConfig.pq.segments ({segments}) should be an integer divisor of the "
                             f"vector length {dim}")
        return segments

    def new_index(self, dim: int, max_connections: int, ef_construction: int) -> Any:
        """An empty faiss index for vectors of length ``dim`` (before training, for pq and sq)."""
        import faiss  # here, not at the top: schema validation reads this module without faiss

        if self.binary:
            bits = _code_bits(dim)
            if self.flat:
                return faiss.IndexBinaryFlat(bits)
            binary = faiss.IndexBinaryHNSW(bits, max_connections)
            binary.hnsw.efConstruction = ef_construction
            return binary
        metric = faiss.METRIC_L2 if self.distance == "l2-squared" else faiss.METRIC_INNER_PRODUCT
        if self.kind == "sq":
            index = faiss.IndexHNSWSQ(dim, faiss.ScalarQuantizer.QT_8bit, max_connections, metric)
        else:
            index = faiss.IndexHNSWPQ(dim, self.segments_for(dim), max_connections,
                                      int(math.log2(self.centroids)), metric)
            # faiss would print a warning to stderr when the sample is small for its k-means; a sample of at
            # least trainingLimit vectors is what Weaviate asks for, so it is not an error here.
            clustering = faiss.downcast_index(index.storage).pq.cp
            clustering.min_points_per_centroid = 1
            # k-means on at most 64 points a centroid, 10 rounds: a 100k sample then trains in seconds, not
            # minutes, while the write that reached trainingLimit waits (recall after rescoring is unchanged).
            clustering.max_points_per_centroid = 64
            clustering.niter = 10
        index.hnsw.efConstruction = ef_construction
        return index

    def encode(self, vectors: FloatArray) -> np.ndarray:
        """What faiss is given for these vectors: sign bits for bq (set where a value is negative, as
        Weaviate's binary quantizer), unit vectors for cosine, the vectors themselves otherwise."""
        if self.binary:
            return np.packbits(vectors < 0, axis=1)
        if self.distance == "cosine":
            norms = np.linalg.norm(vectors, axis=1, keepdims=True)
            vectors = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def code_bytes(self, dim: int) -> int:
        """Bytes of code per vector (the graph's links come on top, as for the uncompressed index)."""
        if self.binary:
            return _code_bits(dim) // 8
        if self.kind == "sq":
            return dim
        return math.ceil(self.segments_for(dim) * math.log2(self.centroids) / 8)

    def distances(self, raw: FloatArray) -> FloatArray:
        """faiss's scores as Weaviate distances, for results that are not rescored."""
        if self.binary or self.distance == "l2-squared":
            return raw.astype(np.float32)
        if self.distance == "cosine":
            return (1.0 - raw).astype(np.float32)
        return (-raw).astype(np.float32)


def check_pq(sub: dict) -> None:
    """The PQ settings faiss can honour: codes of whole bits, so a power-of-two number of centroids."""
    centroids = int(sub.get("centroids", 256))
    if centroids < 2 or centroids > 256 or centroids & (centroids - 1):
        raise ValueError(f"vectorIndexConfig.pq.centroids must be a power of two from 2 to 256 on this server "
                         f"(its codes are whole bits), got {centroids}")
    encoder = sub.get("encoder") or {}
    if encoder.get("type", "kmeans") != "kmeans":
        raise ValueError(f"vectorIndexConfig.pq.encoder.type {encoder.get('type')!r} is not supported by this "
                         "server; use 'kmeans'")


def _code_bits(dim: int) -> int:
    return math.ceil(dim / 8) * 8
