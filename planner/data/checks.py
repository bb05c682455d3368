"""The checks of a pack build: against the register of the region being built, never fixed numbers.

Each check stops the build with :class:`BuildError` naming what is off and where: a district
without municipalities, a municipality without polygon, a person or municipality that would be
lost, a grid cell that cannot be placed, a stop or site outside the region. Differences that are
expected (generalised polygons of a merged municipality) become notes instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from planner.data.regions import Region
from planner.errors import DataError

__all__ = [
    "GRID_REGISTER_RATIO",
    "MERGE_AREA_TOLERANCE",
    "BuildError",
    "check_cells",
    "check_population",
    "check_sites",
    "check_stops",
    "merge_area_notes",
    "region_register",
]

#: A merged municipality's polygons may differ this much from the register's area before the
#: build names it in the notes (VG5000 is generalised to 1:5,000,000).
MERGE_AREA_TOLERANCE = 0.10
#: Sanity range of in-region grid population / register population (census 2022 vs. register
#: 2023 on the 2011 census basis differ by a few per cent; a wrong CRS or region by far more).
GRID_REGISTER_RATIO = (0.8, 1.25)


class BuildError(DataError):
    """The raw data does not add up; the message says what and where."""


def region_register(register: pd.DataFrame, region: Region) -> pd.DataFrame:
    """The region's register rows, with the register-based checks every region gets."""
    keys = region.district_keys
    rows = register[register["district_ags"].isin(keys)].copy()
    counts = rows.groupby("district_ags").size()
    empty = [k for k in keys if k not in counts.index]
    if empty:
        raise BuildError(f"register: no municipalities for district(s) {empty}")
    bad = ~rows["ags"].fillna("").astype(str).str.fullmatch(r"\d{8}")
    if bad.any():
        raise BuildError(
            f"register: municipalities without a valid AGS: {rows.loc[bad, 'name'].tolist()}"
        )
    if (rows["population"] < 0).any():
        raise BuildError(
            f"register: negative population for {rows.loc[rows['population'] < 0, 'ags'].tolist()}"
        )
    return rows


def check_population(munis: gpd.GeoDataFrame, register: pd.DataFrame) -> None:
    """Every person of the register is in the pack's municipalities."""
    if int(munis["population"].sum()) != int(register["population"].sum()):
        raise BuildError(
            f"population {int(munis['population'].sum()):,} in the pack but "
            f"{int(register['population'].sum()):,} in the register"
        )


def merge_area_notes(merges: Iterable[Mapping[str, Any]]) -> list[str]:
    """A note per merged municipality whose polygons' area is off the register's by more than
    :data:`MERGE_AREA_TOLERANCE`."""
    notes = []
    for record in merges:
        ratio = record["area_polygons_km2"] / max(record["area_register_km2"], 1e-6)
        if abs(ratio - 1) > MERGE_AREA_TOLERANCE:
            notes.append(
                f"merge {record['ags']} {record['name']}: polygons "
                f"{record['area_polygons_km2']} km² vs register {record['area_register_km2']} km²"
            )
    return notes


def check_cells(cells: gpd.GeoDataFrame, munis: gpd.GeoDataFrame) -> None:
    """Every grid cell has a municipality, and the region's cells hold about the register's
    population (within :data:`GRID_REGISTER_RATIO`)."""
    if cells["ags"].isin(["nan", "None", ""]).any():
        raise BuildError("Zensus grid: cells without a municipality")
    grid_in = int(cells.loc[cells["in_region"], "population"].sum())
    ratio = grid_in / max(int(munis["population"].sum()), 1)
    low, high = GRID_REGISTER_RATIO
    if not low <= ratio <= high:
        raise BuildError(
            f"Zensus grid: {grid_in:,} people in the region's cells vs "
            f"{int(munis['population'].sum()):,} in the register (ratio {ratio:.2f}, "
            f"expected {low}–{high}): wrong CRS or region?"
        )


def check_stops(stops: gpd.GeoDataFrame, munis: gpd.GeoDataFrame) -> None:
    """Every transit stop belongs to a municipality of the region."""
    unknown = set(stops["ags"]) - set(munis["ags"])
    if unknown:
        raise BuildError(f"transit stops: AGS not in the region: {sorted(unknown)[:5]}")


def check_sites(sites: gpd.GeoDataFrame, region_shape: shapely.Geometry) -> None:
    """Every candidate site lies in the region (1 m of tolerance for rounding)."""
    if not sites.within(region_shape.buffer(1)).all():
        raise BuildError("candidate sites outside the region")
