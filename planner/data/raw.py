"""Readers for the raw open-data files (everything but the register, see ``register``).

Each reader returns a (Geo)DataFrame in the metric CRS it is asked for (default EPSG:25832) with our
own column names and validates what it reads: a missing column or unreadable value raises
:class:`RawDataError` naming file, row, field. Two layouts are read: the KielRegion extracts
(``shared/kielregion/SOURCES.md``, :data:`RAW_FILES`) and the Germany-wide files
(``shared/germany/SOURCES.md``, :data:`GERMANY_FILES`).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner.errors import DataError
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

#: Relative paths of the Germany-wide files inside the germany folder.
GERMANY_FILES: dict[str, str] = {
    "municipality_boundaries": "boundaries/vg5000_2021/VG5000_GEM.shp",
    "district_boundaries": "boundaries/vg5000_2021/VG5000_KRS.shp",
    "land_boundaries": "boundaries/vg5000_2021/VG5000_LAN.shp",
    "zensus_grid": "population/zensus2022_1km/continuous_Einwohner.parquet",
    "transit_stops": "transit/stops_db_hafas_germany.csv.gz",
    "rail_stations": "transit/stations_db_germany.csv.gz",
}

#: The Zensus Parquet files of one grid, by the column each holds (joined on the cell centre).
ZENSUS_PARQUET_FILES: dict[str, str] = {
    "Einwohner": "continuous_Einwohner.parquet",
    "ab65_A": "continuous_ab65_A.parquet",
    "unter18_A": "continuous_unter18_A.parquet",
    "Alter_D": "continuous_Alter_D.parquet",
}

#: Zensus marks cells without a published value with negative codes (-1: no value, -9: withheld for
#: confidentiality). They must never be read as negative people or shares.
ZENSUS_MISSING_CODES = (-1.0, -9.0)


class RawDataError(DataError):
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


def germany_path(germany_dir: Path, key: str) -> Path:
    """Path of one Germany-wide file; raises with the expected location when it is absent."""
    path = germany_dir / GERMANY_FILES[key]
    if not path.is_file():
        raise RawDataError(f"Germany-wide file for {key!r} not found: {path}")
    return path


def read_boundaries(path: Path, *, crs: str = METRIC_CRS) -> gpd.GeoDataFrame:
    """Read a BKG VG5000 layer (GeoJSON or shapefile) and project it to ``crs``."""
    frame = gpd.read_file(path)
    _require(frame, ["ARS", "AGS", "GEN"], path)
    if frame.crs is None:
        raise RawDataError(f"{path.name}: no CRS")
    return frame.to_crs(crs)


def read_zensus_grid(path: Path, *, crs: str = METRIC_CRS) -> gpd.GeoDataFrame:
    """Read the Zensus 2022 1 km grid cells of the KielRegion CSV extract.

    Returns cell_id, population (0 where no value), population_suppressed, share_65plus,
    share_under18 (fractions, NaN where suppressed), mean_age, x, y (cell centre, in ``crs``) and
    the cell square as geometry (built in EPSG:3035, where the grid is defined, then projected).
    """
    frame = pd.read_csv(path)
    _require(
        frame, ["GITTER_ID_1km", "Einwohner", "x", "y", "Alter_D", "ab65_A", "unter18_A"], path
    )
    return _zensus_cells(frame, path, crs=crs)


def read_zensus_parquet(
    path: Path,
    *,
    crs: str = METRIC_CRS,
    touching: shapely.Geometry | None = None,
) -> gpd.GeoDataFrame:
    """Read the Germany-wide Zensus 2022 1 km grid (the four Parquet files next to ``path``).

    Parameters
    ----------
    path
        ``continuous_Einwohner.parquet``; the share and age files are read from the same folder
        and joined on the cell centre (a cell missing from one of them has no value there).
    crs
        Metric CRS of the result.
    touching
        A geometry in EPSG:3035: keep only the cells whose square intersects it (the KielRegion
        extract holds the cells touching the region buffered by 500 m).

    Returns
    -------
    The same columns as :func:`read_zensus_grid`; ``cell_id`` is the official
    ``CRS3035RES1000mN…E…`` id of the cell's lower-left corner.
    """
    folder = path.parent
    frame: pd.DataFrame | None = None
    for column, name in ZENSUS_PARQUET_FILES.items():
        part_path = folder / name
        if not part_path.is_file():
            raise RawDataError(f"Zensus file for {column!r} not found: {part_path}")
        filters = None
        if touching is not None:
            minx, miny, maxx, maxy = shapely.bounds(touching)
            # Centres of cells whose square touches the box lie within 500 m of it.
            filters = [
                ("x", ">=", int(minx) - 500),
                ("x", "<=", int(maxx) + 500),
                ("y", ">=", int(miny) - 500),
                ("y", "<=", int(maxy) + 500),
            ]
        part = pd.read_parquet(part_path, filters=filters)
        _require(part, [column, "x", "y"], part_path)
        part = part[["x", "y", column]]
        frame = part if frame is None else frame.merge(part, on=["x", "y"], how="left")
    assert frame is not None
    if touching is not None:
        cx, cy = frame["x"].to_numpy(float), frame["y"].to_numpy(float)
        shapely.prepare(touching)
        hit = shapely.intersects(touching, shapely.box(cx - 500, cy - 500, cx + 500, cy + 500))
        frame = frame[hit]
    for column in ZENSUS_PARQUET_FILES:
        frame[column] = frame[column].fillna(-1)
    x = frame["x"].astype(np.int64)
    y = frame["y"].astype(np.int64)
    frame["GITTER_ID_1km"] = (
        "CRS3035RES1000mN" + (y - 500).astype(str) + "E" + (x - 500).astype(str)
    )
    return _zensus_cells(frame.reset_index(drop=True), path, crs=crs)


def _zensus_cells(frame: pd.DataFrame, path: Path, *, crs: str) -> gpd.GeoDataFrame:
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
    squares = shapely.box(cx - 500, cy - 500, cx + 500, cy + 500)
    cells = gpd.GeoDataFrame(out, geometry=squares, crs=ZENSUS_CRS).to_crs(crs)
    centres = gpd.GeoSeries(gpd.points_from_xy(cx, cy), crs=ZENSUS_CRS).to_crs(crs)
    cells["x"] = centres.x.to_numpy()
    cells["y"] = centres.y.to_numpy()
    for column in ("share_65plus", "share_under18"):
        cells[f"pop_{column.removeprefix('share_')}"] = cells["population"] * cells[column].fillna(
            0.0
        )
    return cells


def _points(
    frame: pd.DataFrame,
    lon: str,
    lat: str,
    *,
    crs: str = METRIC_CRS,
    bounds: tuple[float, float, float, float] | None = None,
) -> gpd.GeoDataFrame:
    if bounds is not None:
        # Cheap cut before projecting: the Germany-wide files hold 285,350 stops.
        minx, miny, maxx, maxy = bounds
        keep = frame[lon].between(minx, maxx) & frame[lat].between(miny, maxy)
        frame = frame[keep].reset_index(drop=True)
    return gpd.GeoDataFrame(
        frame, geometry=gpd.points_from_xy(frame[lon], frame[lat]), crs="EPSG:4326"
    ).to_crs(crs)


def _ags_column(frame: pd.DataFrame) -> pd.Series:
    """The AGS a stop file carries (KielRegion extracts), or none (Germany-wide files)."""
    if "AGS" not in frame.columns:
        return pd.Series(np.nan, index=frame.index, dtype=object)
    return frame["AGS"].str.zfill(8)


def read_transit_stops(
    path: Path,
    *,
    crs: str = METRIC_CRS,
    bounds: tuple[float, float, float, float] | None = None,
) -> gpd.GeoDataFrame:
    """Read the db-hafas-stations stops: stop_id, name, is_rail, is_bus, is_ferry, ags, geometry.

    ``ags`` is NaN where the file has no AGS column (the build places those stops). ``bounds``
    (lon/lat box) keeps only the stops inside it.
    """
    frame = pd.read_csv(path, dtype={"id": str, "AGS": str})
    rail_cols = ["p_nationalExpress", "p_national", "p_regionalExpress", "p_regional", "p_suburban"]
    _require(frame, ["id", "name", "lat", "lon", "p_bus", "p_ferry", *rail_cols], path)
    out = pd.DataFrame(
        {
            "stop_id": frame["id"],
            "name": frame["name"].astype(str),
            "is_rail": frame[rail_cols].astype(bool).any(axis=1),
            "is_bus": frame["p_bus"].astype(bool),
            "is_ferry": frame["p_ferry"].astype(bool),
            "ags": _ags_column(frame),
            "lon": frame["lon"].astype(float),
            "lat": frame["lat"].astype(float),
        }
    )
    return _points(out, "lon", "lat", crs=crs, bounds=bounds).drop(columns=["lon", "lat"])


def read_rail_stations(
    path: Path,
    *,
    crs: str = METRIC_CRS,
    bounds: tuple[float, float, float, float] | None = None,
) -> gpd.GeoDataFrame:
    """Read the DB rail stations: station_id, name, category, ags (NaN if absent), geometry."""
    frame = pd.read_csv(path, dtype={"id": str, "AGS": str})
    _require(frame, ["id", "name", "category", "lat", "lon"], path)
    out = pd.DataFrame(
        {
            "station_id": frame["id"],
            "name": frame["name"].astype(str),
            "category": frame["category"].astype(int),
            "ags": _ags_column(frame),
            "lon": frame["lon"].astype(float),
            "lat": frame["lat"].astype(float),
        }
    )
    return _points(out, "lon", "lat", crs=crs, bounds=bounds).drop(columns=["lon", "lat"])


def read_district_table(germany_dir: Path) -> pd.DataFrame:
    """Every district of the VG5000 (``district_ags``, ``name``, ``kind``), for region specs."""
    path = germany_path(germany_dir, "district_boundaries")
    frame = gpd.read_file(path, ignore_geometry=True)
    _require(frame, ["AGS", "GEN", "BEZ"], path)
    return pd.DataFrame(
        {
            "district_ags": frame["AGS"].astype(str),
            "name": frame["GEN"].astype(str),
            "kind": frame["BEZ"].astype(str),
        }
    ).drop_duplicates("district_ags")


def read_schools(path: Path, *, crs: str = METRIC_CRS) -> gpd.GeoDataFrame:
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
    schools = _points(out, "lon", "lat", crs=crs).drop(columns=["lon", "lat"])
    schools.attrs["dropped_without_coordinates"] = int((~has_xy).sum())
    return schools
