"""Build a region pack from the official files (``tiny-rathaus data build``).

Two sources, one assembly:

- the embedded KielRegion pack from the KielRegion extracts (``build_pack(raw_dir)``, today's
  path, unchanged output);
- any German region (district keys, a Land, names; see :mod:`planner.data.regions`) from the
  Germany-wide files (``build_pack(raw_dir, region="01059", germany=...)``): the register and the
  Schleswig-Holstein school list still come from ``raw_dir``.

This module reads the inputs of either source (:class:`~planner.data.assembly.RegionInputs`);
:mod:`planner.data.assembly` turns them into the pack. The build checks against the register of
the region being built (municipalities per district, population), never against fixed numbers,
and stops with :class:`BuildError` naming what is off (:mod:`planner.data.checks`). Boundary
polygons (VG5000, 01.01.2021) are older than the register (31.12.2024): polygons whose key no
longer exists are matched to their successor (:func:`match_vintages`), every merge is recorded in
``RegionPack.info.merges``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from planner.cache import file_sha256, files_sha256
from planner.data.assembly import Progress, RegionInputs, assemble, near_region
from planner.data.checks import BuildError, region_register
from planner.data.pack import RegionPack, save_pack
from planner.data.raw import (
    GERMANY_FILES,
    RAW_FILES,
    ZENSUS_PARQUET_FILES,
    germany_path,
    raw_path,
    read_boundaries,
    read_district_table,
    read_rail_stations,
    read_schools,
    read_transit_stops,
    read_zensus_grid,
    read_zensus_parquet,
)
from planner.data.regions import PRESETS, Region, metric_crs_for, resolve_region
from planner.data.register import read_register
from planner.data.sources import source_row
from planner.data.tour import PAST_STOPS_FILE, read_past_stops
from planner.data.vintages import VintageMatch, match_vintages, merge_records, merge_report
from planner.settings import DISPLAY_CRS, METRIC_CRS, ZENSUS_CRS, germany_dir

__all__ = [
    "CELL_BUFFER_M",
    "SCHOOL_SOURCES",
    "BuildError",
    "Progress",
    "VintageMatch",
    "build",
    "build_pack",
    "match_vintages",
    "merge_report",
]

#: Grid cells whose square touches the region buffered by this much are kept (as in the extract).
CELL_BUFFER_M = 500.0
#: School lists by Land key, relative to the raw KielRegion folder (no Germany-wide source).
SCHOOL_SOURCES: dict[str, str] = {"01": RAW_FILES["schools"]}


def _noop(_fraction: float, _stage: str) -> None:
    return None


def _past_stops(raw_dir: Path, crs: str) -> tuple[gpd.GeoDataFrame | None, list[dict[str, str]]]:
    """The tour's past stops from the raw folder, and their metadata row (none without the file).

    Both sources read them from the KielRegion raw folder (where the register comes from too), so
    a KielRegion pack built either way holds the same stops and a region elsewhere keeps only the
    stops inside it (the file names one in Kreis Schleswig-Flensburg).
    """
    path = raw_dir / PAST_STOPS_FILE
    if not path.is_file():
        return None, []
    return read_past_stops(path, crs=crs), [
        source_row("past_stops", PAST_STOPS_FILE, file_sha256(path))
    ]


# --- the KielRegion extracts ---------------------------------------------------------------------


def _kielregion_inputs(raw_dir: Path) -> RegionInputs:
    """Inputs of the embedded pack from the KielRegion extracts (today's sources)."""
    crs = METRIC_CRS
    register, amter = read_register(raw_path(raw_dir, "register"))
    district_polys = read_boundaries(raw_path(raw_dir, "district_boundaries"), crs=crs)
    keys = PRESETS["KielRegion"]
    names = dict(zip(district_polys["AGS"], district_polys["GEN"], strict=True))
    region = Region(name="KielRegion", districts=tuple((k, names.get(k, k)) for k in keys))
    rows = region_register(register, region)
    polygons = read_boundaries(raw_path(raw_dir, "municipality_boundaries"), crs=crs)
    match = match_vintages(polygons, rows)
    past_stops, past_rows = _past_stops(raw_dir, crs)
    metadata = pd.DataFrame(
        [source_row(key, RAW_FILES[key], file_sha256(raw_path(raw_dir, key))) for key in RAW_FILES]
        + past_rows
    )
    return RegionInputs(
        region=region,
        crs=crs,
        register=rows,
        amter=amter,
        polygons=polygons,
        districts=district_polys[district_polys["AGS"].isin(keys)],
        match=match,
        merges=tuple(merge_records(match, polygons, rows)),
        read_cells=lambda _m: read_zensus_grid(raw_path(raw_dir, "zensus_grid"), crs=crs),
        read_stops=lambda _m: read_transit_stops(raw_path(raw_dir, "transit_stops"), crs=crs),
        read_stations=lambda _m: read_rail_stations(raw_path(raw_dir, "rail_stations"), crs=crs),
        schools=read_schools(raw_path(raw_dir, "schools"), crs=crs),
        metadata=metadata,
        notes=(),
        past_stops=past_stops,
    )


# --- the Germany-wide files ----------------------------------------------------------------------


def _vintage_notes(
    match: VintageMatch, everything: gpd.GeoDataFrame, region: Region, rows: pd.DataFrame
) -> list[str]:
    """Notes on the region's VG5000 areas that no register municipality of the region takes."""
    notes: list[str] = []
    for orphan in match.unmatched:
        if orphan[:5] in region.district_keys:
            name = everything.loc[everything["AGS"] == orphan, "GEN"].iloc[0]
            notes.append(
                f"VG5000 area {orphan} {name} matches no register municipality: not in the pack"
            )
    for orphan, succ in match.owner.items():
        if orphan != succ and orphan[:5] in region.district_keys and succ not in set(rows["ags"]):
            notes.append(f"VG5000 area {orphan} now belongs to {succ}, outside the region")
    return notes


def _school_lists(
    raw_dir: Path, region: Region, crs: str
) -> tuple[gpd.GeoDataFrame | None, list[tuple[str, Path]], list[str]]:
    """The region's school lists: the schools (``None`` without any list), the ``(Land, file)``
    pairs read, and a note naming the Länder without a list."""
    files = [
        (land, raw_dir / SCHOOL_SOURCES[land]) for land in region.lands if land in SCHOOL_SOURCES
    ]
    files = [(land, path) for land, path in files if path.is_file()]
    schools = None
    if files:
        frames = pd.concat([read_schools(path, crs=crs) for _, path in files], ignore_index=True)
        schools = gpd.GeoDataFrame(frames, geometry="geometry", crs=crs)
    notes = []
    without = [land for land in region.lands if land not in SCHOOL_SOURCES]
    if without:
        notes.append(
            f"no school list for Land {', '.join(without)}: candidate sites there come from "
            "municipality centres, rail stations and bus hubs"
        )
    return schools, files, notes


def _germany_metadata(
    raw_dir: Path, germany_dir: Path, school_files: Sequence[tuple[str, Path]]
) -> pd.DataFrame:
    """The ``metadata`` rows of the Germany-wide build: each source with its files' checksum."""
    gem_path = germany_path(germany_dir, "municipality_boundaries")
    krs_path = germany_path(germany_dir, "district_boundaries")
    zensus = germany_path(germany_dir, "zensus_grid")
    zensus_parts = [zensus.parent / name for name in ZENSUS_PARQUET_FILES.values()]
    rows = [
        source_row("register", RAW_FILES["register"], file_sha256(raw_path(raw_dir, "register"))),
        source_row(
            "municipality_boundaries",
            GERMANY_FILES["municipality_boundaries"],
            files_sha256([gem_path, gem_path.with_suffix(".dbf")]),
        ),
        source_row(
            "district_boundaries",
            GERMANY_FILES["district_boundaries"],
            files_sha256([krs_path, krs_path.with_suffix(".dbf")]),
        ),
        source_row(
            "zensus_grid",
            "population/zensus2022_1km/" + ",".join(ZENSUS_PARQUET_FILES.values()),
            files_sha256(zensus_parts),
        ),
        source_row(
            "transit_stops",
            GERMANY_FILES["transit_stops"],
            file_sha256(germany_path(germany_dir, "transit_stops")),
        ),
        source_row(
            "rail_stations",
            GERMANY_FILES["rail_stations"],
            file_sha256(germany_path(germany_dir, "rail_stations")),
        ),
    ]
    rows += [
        source_row("schools", SCHOOL_SOURCES[land], file_sha256(path))
        for land, path in school_files
    ]
    return pd.DataFrame(rows)


def _shape_3035(munis: gpd.GeoDataFrame) -> shapely.Geometry:
    """The region in the Zensus CRS, buffered by :data:`CELL_BUFFER_M` (which cells to read)."""
    return shapely.union_all(munis.to_crs(ZENSUS_CRS).geometry.to_numpy()).buffer(CELL_BUFFER_M)


def _lonlat_box(munis: gpd.GeoDataFrame) -> tuple[float, float, float, float]:
    """A lon/lat box around the region (which stops and stations to read)."""
    minx, miny, maxx, maxy = munis.to_crs(DISPLAY_CRS).total_bounds
    pad = 0.02  # > STOP_BUFFER_M in degrees at German latitudes
    return (minx - pad, miny - pad, maxx + pad, maxy + pad)


def _near(points: gpd.GeoDataFrame, munis: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return near_region(points, shapely.union_all(munis.geometry.to_numpy()))


def _germany_inputs(
    raw_dir: Path, germany_dir: Path, spec: str | Sequence[str], progress: Progress
) -> RegionInputs:
    """Inputs for any region from the Germany-wide files (register and schools from ``raw_dir``)."""
    region = resolve_region(spec, read_district_table(germany_dir))
    progress(0.05, "build.stage.register")
    register, amter = read_register(raw_path(raw_dir, "register"))
    rows = region_register(register, region)
    # The CRS follows the region's register midpoints (west/east of 12° E).
    crs = metric_crs_for(float(rows["lon"].mean()))
    progress(0.15, "build.stage.boundaries")
    gem_path = germany_path(germany_dir, "municipality_boundaries")
    krs_path = germany_path(germany_dir, "district_boundaries")
    everything = gpd.read_file(gem_path, engine="pyogrio", use_arrow=True)
    if everything.crs is None:
        raise BuildError(f"{gem_path.name}: no CRS")
    lands = set(region.lands)
    # Merges stay within a Land: match on the region's Länder only (all of their polygons).
    everything = everything[everything["AGS"].astype(str).str[:2].isin(lands)]
    land_register = register[register["ags"].str[:2].isin(lands)]
    match = match_vintages(everything, land_register)
    merges = [
        m for m in merge_records(match, everything, land_register) if m["ags"] in set(rows["ags"])
    ]
    notes = _vintage_notes(match, everything, region, rows)
    owners = everything["AGS"].map(match.owner)
    polygons = everything[owners.isin(set(rows["ags"]))].to_crs(crs)
    district_polys = read_boundaries(krs_path, crs=crs)
    district_polys = district_polys[district_polys["AGS"].isin(region.district_keys)]

    zensus = germany_path(germany_dir, "zensus_grid")
    stops_path = germany_path(germany_dir, "transit_stops")
    stations_path = germany_path(germany_dir, "rail_stations")
    schools, school_files, school_notes = _school_lists(raw_dir, region, crs)
    past_stops, past_rows = _past_stops(raw_dir, crs)
    return RegionInputs(
        region=region,
        crs=crs,
        register=rows,
        amter=amter,
        polygons=polygons,
        districts=district_polys,
        match=match,
        merges=tuple(merges),
        read_cells=lambda m: read_zensus_parquet(zensus, crs=crs, touching=_shape_3035(m)),
        read_stops=lambda m: _near(
            read_transit_stops(stops_path, crs=crs, bounds=_lonlat_box(m)), m
        ),
        read_stations=lambda m: _near(
            read_rail_stations(stations_path, crs=crs, bounds=_lonlat_box(m)), m
        ),
        schools=schools,
        metadata=pd.concat(
            [_germany_metadata(raw_dir, germany_dir, school_files), pd.DataFrame(past_rows)],
            ignore_index=True,
        ),
        notes=tuple(notes + school_notes),
        past_stops=past_stops,
    )


# --- entry points --------------------------------------------------------------------------------


def build_pack(
    raw_dir: Path,
    *,
    region: str | Sequence[str] | None = None,
    germany: Path | None = None,
    built_at: datetime | None = None,
    progress: Progress | None = None,
) -> RegionPack:
    """Read and validate the raw files and return a region pack (not yet written).

    Parameters
    ----------
    raw_dir
        The KielRegion raw folder (register, school list; and everything for the default pack).
    region
        ``None``: the embedded KielRegion pack from the KielRegion extracts. Otherwise a region
        spec for :func:`planner.data.regions.resolve_region` (``"01059"``, ``"01"``,
        ``"Schleswig-Flensburg"``, ``"KielRegion"``, comma-separated parts), built from the
        Germany-wide files in ``germany``.
    germany
        The Germany-wide folder (default: ``settings.germany_dir()``).
    built_at
        Timestamp for the metadata (default: now).
    progress
        Called with (fraction done, i18n key of the stage), for progress bars.

    Raises
    ------
    BuildError
        The raw data does not add up (the message says what and where).
    """
    report = progress or _noop
    if region is None:
        report(0.05, "build.stage.register")
        inputs = _kielregion_inputs(raw_dir)
    else:
        inputs = _germany_inputs(raw_dir, germany or germany_dir(), region, report)
    return assemble(inputs, report, built_at)


def build(
    raw_dir: Path,
    out: Path,
    *,
    region: str | Sequence[str] | None = None,
    germany: Path | None = None,
    progress: Progress | None = None,
) -> RegionPack:
    """Build the pack (see :func:`build_pack`) and write it to ``out``."""
    pack = build_pack(raw_dir, region=region, germany=germany, progress=progress)
    save_pack(pack, out)
    return pack
