"""One class of a backup as one tar archive, compressed as the request's CompressionLevel says."""

from __future__ import annotations

import gzip
import tarfile
from pathlib import Path
from typing import IO, Any

from vectordb.errors import UserError

# Weaviate's levels: (codec, level)
LEVELS = {
    "DefaultCompression": ("gzip", 6),
    "BestSpeed": ("gzip", 1),
    "BestCompression": ("gzip", 9),
    "ZstdBestSpeed": ("zstd", 1),
    "ZstdDefaultCompression": ("zstd", 3),
    "ZstdBestCompression": ("zstd", 19),
    "NoCompression": ("none", 0),
}
SUFFIX = {"gzip": ".tar.gz", "zstd": ".tar.zst", "none": ".tar"}


def codec_of(level: object) -> tuple[str, int]:
    if not isinstance(level, str) or level not in LEVELS:
        raise UserError(f"config.CompressionLevel in body should be one of {list(LEVELS)}")
    codec, number = LEVELS[level]
    if codec == "zstd":
        _zstd()
    return codec, number


def _zstd() -> Any:
    try:
        import zstandard
    except ImportError:
        raise UserError("the Zstd compression levels need the Python package zstandard "
                        "(pip install 'vectordb[backup]'); choose a gzip level or NoCompression") from None
    return zstandard


def pack(source: Path, target: Path, codec: str, level: int) -> int:
    """Archive the directory `source` into the file `target`; returns the bytes archived before compression."""
    size = sum(p.stat().st_size for p in source.rglob("*") if p.is_file())
    with open(target, "wb") as raw:
        if codec == "zstd":
            with _zstd().ZstdCompressor(level=level).stream_writer(raw) as out:
                _tar(out, source)
        elif codec == "gzip":
            with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=level) as out:
                _tar(out, source)
        else:
            _tar(raw, source)
    return size


def _tar(out: IO[bytes] | gzip.GzipFile, source: Path) -> None:
    with tarfile.open(fileobj=out, mode="w|") as tar:
        tar.add(source, arcname=".")


def unpack(archive: Path, target: Path, codec: str) -> None:
    """Extract into `target`; the "data" filter refuses links out of it, absolute paths and devices."""
    target.mkdir(parents=True, exist_ok=True)
    with open(archive, "rb") as raw:
        if codec == "zstd":
            with _zstd().ZstdDecompressor().stream_reader(raw) as stream:
                _untar(stream, target)
        elif codec == "gzip":
            with gzip.GzipFile(fileobj=raw, mode="rb") as stream:
                _untar(stream, target)
        else:
            _untar(raw, target)


def _untar(stream: IO[bytes] | gzip.GzipFile, target: Path) -> None:
    with tarfile.open(fileobj=stream, mode="r|") as tar:
        tar.extractall(target, filter="data")
