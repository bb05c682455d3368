"""The region packs on disk: what each one holds, read cheaply for a list (no geometry loaded).

The app lists the embedded KielRegion pack and every pack the user built (``settings.packs_dir()``)
with its region, districts, counts and build date. Reading a pack in full takes seconds; a summary
reads only the ``region`` and ``metadata`` tables, the layers' feature counts and one population
column. A file that is no pack (truncated, foreign, an old format) is listed with its error instead
of breaking the list.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyogrio

from planner.data.pack import RegionInfo
from planner.data.raw import GERMANY_FILES, RAW_FILES

#: Longest file-name stem :func:`pack_file_name` makes.
FILE_NAME_MAX_LENGTH = 60

#: Suffix of the file :func:`planner.data.pack.save_pack` writes before it replaces the pack.
_PARTIAL_SUFFIX = ".tmp.gpkg"


@dataclass(frozen=True)
class PackSummary:
    """What a region pack holds, for a list of packs.

    Attributes
    ----------
    path
        The pack file.
    name
        The region's name (the file's stem when the pack cannot be read).
    embedded
        ``True`` for the pack shipped with the app (the default).
    districts
        ``(district key, name)`` pairs.
    municipalities, population, sites, cells
        Counts and the register population.
    crs
        Metric CRS of the pack's layers.
    size_bytes
        File size.
    built_at
        When it was built (ISO timestamp of the metadata), ``None`` if not recorded.
    notes, merges
        What the build reported (see :class:`planner.data.pack.RegionInfo`).
    sources
        Attribution lines of its sources.
    error
        Why the file could not be read as a pack; ``None`` for a readable pack.
    """

    path: Path
    name: str
    embedded: bool = False
    districts: tuple[tuple[str, str], ...] = ()
    municipalities: int = 0
    population: int = 0
    sites: int = 0
    cells: int = 0
    crs: str = ""
    size_bytes: int = 0
    built_at: dt.datetime | None = None
    notes: tuple[str, ...] = ()
    merges: tuple[Mapping[str, Any], ...] = ()
    sources: tuple[str, ...] = ()
    error: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the file reads as a pack."""
        return self.error is None


def summarize_pack(path: Path, *, embedded: bool = False) -> PackSummary:
    """The summary of one pack file; a file that is no readable pack gets ``error`` set.

    Parameters
    ----------
    path
        A GeoPackage written by :func:`planner.data.pack.save_pack`.
    embedded
        Mark it as the embedded default pack.
    """
    size = path.stat().st_size if path.is_file() else 0
    try:
        layers = {str(name) for name, _ in pyogrio.list_layers(path)}
        missing = [n for n in ("municipalities", "sites", "cells", "metadata") if n not in layers]
        if missing:
            raise ValueError(f"no layer(s) {', '.join(missing)}: not a region pack")
        municipalities = pyogrio.read_dataframe(
            path, layer="municipalities", columns=["ags", "name", "population"], read_geometry=False
        )
        metadata = pyogrio.read_dataframe(path, layer="metadata")
        if "region" in layers:
            info: RegionInfo | None = RegionInfo.from_frame(
                pyogrio.read_dataframe(path, layer="region")
            )
        else:
            info = None  # packs written before the region table: the districts from the layers
        counts = {
            layer: int(pyogrio.read_info(path, layer=layer)["features"])
            for layer in ("sites", "cells")
        }
        crs = str(pyogrio.read_info(path, layer="municipalities")["crs"])
    except Exception as exc:  # a truncated or foreign file: listed with its reason
        return PackSummary(
            path=path,
            name=path.stem,
            embedded=embedded,
            size_bytes=size,
            error=f"{type(exc).__name__}: {exc}",
        )
    if info is not None:
        name, districts = info.name, info.districts
        notes, merges, crs = info.notes, info.merges, info.crs or crs
    else:
        name, districts, notes, merges = path.stem, (), (), ()
    return PackSummary(
        path=path,
        name=name,
        embedded=embedded,
        districts=districts,
        municipalities=len(municipalities),
        population=int(municipalities["population"].sum()),
        sites=counts["sites"],
        cells=counts["cells"],
        crs=crs,
        size_bytes=size,
        built_at=_built_at(metadata),
        notes=notes,
        merges=merges,
        sources=tuple(dict.fromkeys(str(a) for a in metadata.get("attribution", []))),
    )


def list_packs(folder: Path, *, embedded: Path | None = None) -> list[PackSummary]:
    """The packs the app has: ``embedded`` first (if given), then every ``*.gpkg`` in ``folder``
    by name (a missing folder has none; half-written build files are skipped).

    Parameters
    ----------
    folder
        The folder of user-built packs (``settings.packs_dir()``).
    embedded
        The embedded default pack (``settings.pack_path()``), listed first.
    """
    summaries: list[PackSummary] = []
    seen: set[Path] = set()
    if embedded is not None:
        summaries.append(summarize_pack(embedded, embedded=True))
        seen.add(embedded.resolve())
    files = sorted(folder.glob("*.gpkg")) if folder.is_dir() else []
    for path in files:
        if path.name.endswith(_PARTIAL_SUFFIX) or path.resolve() in seen:
            continue
        seen.add(path.resolve())
        summaries.append(summarize_pack(path))
    return summaries


def _built_at(metadata: Any) -> dt.datetime | None:
    """The build time recorded in the metadata table (the first row's ``built_at``)."""
    if "built_at" not in metadata.columns or len(metadata) == 0:
        return None
    try:
        return dt.datetime.fromisoformat(str(metadata["built_at"].iloc[0]))
    except ValueError:
        return None


def missing_build_files(raw_dir: Path, germany_dir: Path) -> list[Path]:
    """The files a region build needs that are absent: every Germany-wide file
    (:data:`planner.data.raw.GERMANY_FILES`) and the register from the KielRegion raw folder
    (it covers all of Germany). Empty when a build can run."""
    needed = [germany_dir / name for name in GERMANY_FILES.values()]
    needed.append(raw_dir / RAW_FILES["register"])
    return [path for path in needed if not path.is_file()]


def pack_file_name(text: str, *, default: str = "region") -> str:
    """A safe pack file name for what a user typed or a region's name: ASCII letters, digits,
    ``-`` and ``_`` (umlauts folded, ``.gpkg`` added once), never a path outside the folder.

    Examples
    --------
    >>> pack_file_name("Schleswig-Flensburg")
    'schleswig-flensburg.gpkg'
    >>> pack_file_name("../Kreis Plön.gpkg")
    'kreis_plon.gpkg'
    """
    stem = re.sub(r"(?i)\.gpkg$", "", text.strip())
    folded = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9_-]+", "_", folded.lower()).strip("_-.")[:FILE_NAME_MAX_LENGTH]
    return f"{slug.strip('_-') or default}.gpkg"


__all__ = [
    "PackSummary",
    "list_packs",
    "missing_build_files",
    "pack_file_name",
    "summarize_pack",
]
