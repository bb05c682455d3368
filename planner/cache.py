"""Content hashes and a disk cache keyed by them (as osmnx caches its downloads).

The one place for content hashes: :func:`content_hash` over values and arrays, :func:`file_sha256`
and :func:`files_sha256` over files (the raw-file checksums of the pack's metadata, the road-graph
cache keys). The cache key hashes the *content* (array bytes, parameters), not file names or times,
so a changed input can never return a stale result, and the same input computed twice is read from
disk.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from planner.settings import cache_dir


def content_hash(*parts: object) -> str:
    """SHA-256 over arrays (dtype, shape and bytes) and JSON-serialisable values."""
    digest = hashlib.sha256()
    for part in parts:
        if isinstance(part, np.ndarray):
            array = np.ascontiguousarray(part)
            digest.update(str((array.dtype.str, array.shape)).encode())
            digest.update(array.tobytes())
        elif isinstance(part, bytes):
            digest.update(part)
        else:
            digest.update(json.dumps(part, sort_keys=True, default=str).encode())
        digest.update(b"\x00")
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes (hex), read in 1 MiB chunks."""
    return files_sha256([path])


def files_sha256(paths: Iterable[Path]) -> str:
    """One SHA-256 over several files read in order (a shapefile's .shp and .dbf, the Zensus
    Parquet set)."""
    digest = hashlib.sha256()
    for path in paths:
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def cached_arrays(
    namespace: str,
    key: str,
    compute: Callable[[], dict[str, np.ndarray]],
    *,
    folder: Path | None = None,
) -> dict[str, np.ndarray]:
    """Return the arrays stored under ``namespace/key``, computing and storing them if absent.

    Writes go to a temporary file that is renamed into place, so a reader never sees half a file.
    """
    base = (folder or cache_dir()) / namespace
    base.mkdir(parents=True, exist_ok=True)
    path = base / f"{key}.npz"
    if path.is_file():
        with np.load(path, allow_pickle=False) as stored:
            return {name: stored[name] for name in stored.files}
    arrays = compute()
    handle, tmp = tempfile.mkstemp(dir=base, suffix=".npz")
    os.close(handle)
    np.savez(tmp, **arrays)  # type: ignore[arg-type]
    os.replace(tmp, path)
    return arrays
