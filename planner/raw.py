"""Readers for the raw KielRegion open-data files (everything but the register, see ``register``).

Each reader returns a (Geo)DataFrame in EPSG:25832 with our own column names and validates what
it reads: a missing column or unreadable value raises :class:`RawDataError` naming file, row, field.
The file layout is the one described in ``shared/kielregion/SOURCES.md``.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import box

from planner.settings import METRIC_CRS, ZENSUS_CRS

#: Relative paths of the raw files inside the raw folder.
RAW_FILES: dict[str, str] = {
    "register": "municipalities/AuszugGV4QAktuell_2024.xlsx",
    "municipality_boundaries": "boundaries/vg5000_gemeinden.geojson",
    "district_boundaries": "boundaries/vg5000_kreise.geojson",
    "amt_boundaries": "boundaries/vg5000_aemter.geojson",
    "zensus_grid": "population/zensus2022_1km_kielregion.csv",
    "transit_stops": "transit/stops_db_hafas_kielregion.csv",
    "rail_stations": "transit/stations_db_kielregion.csv",
    "schools": "schools/schulen_schleswig_holstein.csv",
}

#: Zensus marks cells without a published value with negative codes (-1: no value, -9: withheld for
#: confidentiality). They must never be read as negative people or shares.
ZENSUS_MISSING_CODES = (-1.0, -9.0)


class RawDataError(ValueError):
    """A raw file is missing, misshaped or holds a value we cannot use."""


def _require(frame: pd.DataFrame, columns: list[str], path: Path) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise RawDataError(f"{path.name}: missing column(s) {missing}; found {list(frame.columns)}")


def raw_path(raw_dir: Path, key: str) -> Path:
    """Path of one raw file; raises with the expected location when it is absent."""
    path = raw_dir / RAW_FILES[key]
    if not path.is_file():
        raise RawDataError(f"raw file for {key!r} not found: {path}")
    return path


def read_boundaries(path: Path) -> gpd.GeoDataFrame:
    """Read a BKG VG5000 GeoJSON layer and project it to EPSG:25832."""
    frame = gpd.read_file(path)
    _require(frame, ["ARS", "AGS", "GEN"], path)
    if frame.crs is None:
        raise RawDataError(f"{path.name}: no CRS")
    return frame.to_crs(METRIC_CRS)


def read_zensus_grid(path: Path) -> gpd.GeoDataFrame:
    """Read the Zensus 2022 1 km grid cells.

    Returns cell_id, population (0 where no value), population_suppressed, share_65plus,
    share_under18 (fractions, NaN where suppressed), mean_age, x, y (cell centre, EPSG:25832) and
    the cell square as geometry (built in EPSG:3035, where the grid is defined, then projected).
    """
    frame = pd.read_csv(path)
    _require(
        frame, ["GITTER_ID_1km", "Einwohner", "x", "y", "Alter_D", "ab65_A", "unter18_A"], path
    )
    population = frame["Einwohner"].astype(float)
    suppressed = population.isin(ZENSUS_MISSING_CODES)
    bad = (population < 0) & ~suppressed
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise RawDataError(
            f"{path.name}: row {row + 2}: field Einwohner: value {frame['Einwohner'].iloc[row]!r}"
        )

    def share(column: str) -> pd.Series:
        values = frame[column].astype(float)
        return values.where(~values.isin(ZENSUS_MISSING_CODES) & (values >= 0)) / 100.0

    mean_age = frame["Alter_D"].astype(float)
    out = pd.DataFrame(
        {
            "cell_id": frame["GITTER_ID_1km"].astype(str),
            "population": population.where(~suppressed, 0).astype(int),
            "population_suppressed": suppressed,
            "share_65plus": share("ab65_A"),
            "share_under18": share("unter18_A"),
            "mean_age": mean_age.where(~mean_age.isin(ZENSUS_MISSING_CODES) & (mean_age >= 0)),
        }
    )
    cx, cy = frame["x"].to_numpy(float), frame["y"].to_numpy(float)
    squares = [box(x - 500, y - 500, x + 500, y + 500) for x, y in zip(cx, cy, strict=True)]
    cells = gpd.GeoDataFrame(out, geometry=squares, crs=ZENSUS_CRS).to_crs(METRIC_CRS)
    centres = gpd.GeoSeries(gpd.points_from_xy(cx, cy), crs=ZENSUS_CRS).to_crs(METRIC_CRS)
    cells["x"] = centres.x.to_numpy()
    cells["y"] = centres.y.to_numpy()
    for column in ("share_65plus", "share_under18"):
        cells[f"pop_{column.removeprefix('share_')}"] = cells["population"] * cells[column].fillna(
            0.0
        )
    return cells


def _points(frame: pd.DataFrame, lon: str, lat: str) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        frame, geometry=gpd.points_from_xy(frame[lon], frame[lat]), crs="EPSG:4326"
    ).to_crs(METRIC_CRS)


def read_transit_stops(path: Path) -> gpd.GeoDataFrame:
    """Read the db-hafas-stations stops: stop_id, name, is_rail, is_bus, is_ferry, ags, geometry."""
    frame = pd.read_csv(path, dtype={"id": str, "AGS": str})
    rail_cols = ["p_nationalExpress", "p_national", "p_regionalExpress", "p_regional", "p_suburban"]
    _require(frame, ["id", "name", "lat", "lon", "p_bus", "p_ferry", "AGS", *rail_cols], path)
    out = pd.DataFrame(
        {
            "stop_id": frame["id"],
            "name": frame["name"].astype(str),
            "is_rail": frame[rail_cols].astype(bool).any(axis=1),
            "is_bus": frame["p_bus"].astype(bool),
            "is_ferry": frame["p_ferry"].astype(bool),
            "ags": frame["AGS"].str.zfill(8),
            "lon": frame["lon"].astype(float),
            "lat": frame["lat"].astype(float),
        }
    )
    return _points(out, "lon", "lat").drop(columns=["lon", "lat"])


def read_rail_stations(path: Path) -> gpd.GeoDataFrame:
    """Read the DB rail stations: station_id, name, category, ags, geometry."""
    frame = pd.read_csv(path, dtype={"id": str, "AGS": str})
    _require(frame, ["id", "name", "category", "lat", "lon", "AGS"], path)
    out = pd.DataFrame(
        {
            "station_id": frame["id"],
            "name": frame["name"].astype(str),
            "category": frame["category"].astype(int),
            "ags": frame["AGS"].str.zfill(8),
            "lon": frame["lon"].astype(float),
            "lat": frame["lat"].astype(float),
        }
    )
    return _points(out, "lon", "lat").drop(columns=["lon", "lat"])


def read_schools(path: Path) -> gpd.GeoDataFrame:
    """Read the Schleswig-Holstein school register (tab separated).

    Schools without coordinates cannot become sites or be mapped; they are dropped here and their
    count is returned in ``attrs["dropped_without_coordinates"]``.
    """
    frame = pd.read_csv(path, sep="\t", dtype=str)
    _require(frame, ["id", "name", "longitude", "latitude", "school_type"], path)
    lon = pd.to_numeric(frame["longitude"], errors="coerce")
    lat = pd.to_numeric(frame["latitude"], errors="coerce")
    has_xy = lon.notna() & lat.notna()
    out = pd.DataFrame(
        {
            "school_id": frame["id"],
            "name": frame["name"].astype(str),
            "school_type": frame["school_type"].fillna(""),
            "lon": lon,
            "lat": lat,
        }
    )[has_xy]
    schools = _points(out, "lon", "lat").drop(columns=["lon", "lat"])
    schools.attrs["dropped_without_coordinates"] = int((~has_xy).sum())
    return schools
