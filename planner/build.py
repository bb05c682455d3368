"""Build the region pack from the raw official files (``tiny-rathaus data build --raw DIR``).

The build validates as it goes and stops with :class:`BuildError` naming what is off: a municipality
without AGS or polygon, counts or totals that differ from the published figures, a grid cell that
cannot be placed in a municipality.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from planner.pack import RegionPack, save_pack
from planner.raw import (
    RAW_FILES,
    raw_path,
    read_boundaries,
    read_rail_stations,
    read_schools,
    read_transit_stops,
    read_zensus_grid,
)
from planner.register import read_register
from planner.settings import (
    EXPECTED_GRID_POPULATION,
    EXPECTED_MUNICIPALITIES,
    EXPECTED_REGISTER_POPULATION,
    METRIC_CRS,
    REGION_DISTRICTS,
    URBAN_MIN_POPULATION,
)
from planner.sites import generate_sites

#: Where each raw file comes from, under which licence, and how it must be attributed.
SOURCES: dict[str, dict[str, str]] = {
    "register": {
        "source": "Destatis Gemeindeverzeichnis (GV-ISys)",
        "vintage": "Gebietsstand 31.12.2024; Bevölkerung 31.12.2023",
        "licence": "dl-de/by-2-0",
        "attribution": "© Statistisches Bundesamt (Destatis), 2025",
        "url": "https://www.destatis.de/DE/Themen/Laender-Regionen/Regionales/Gemeindeverzeichnis/",
    },
    "municipality_boundaries": {
        "source": "BKG VG5000 Gemeinden",
        "vintage": "01.01.2021",
        "licence": "dl-de/by-2-0",
        "attribution": "© GeoBasis-DE / BKG 2021 (Daten verändert)",
        "url": "https://gdz.bkg.bund.de",
    },
    "district_boundaries": {
        "source": "BKG VG5000 Kreise",
        "vintage": "01.01.2021",
        "licence": "dl-de/by-2-0",
        "attribution": "© GeoBasis-DE / BKG 2021 (Daten verändert)",
        "url": "https://gdz.bkg.bund.de",
    },
    "amt_boundaries": {
        "source": "BKG VG5000 Verwaltungsgemeinschaften (cross-check only)",
        "vintage": "01.01.2021",
        "licence": "dl-de/by-2-0",
        "attribution": "© GeoBasis-DE / BKG 2021 (Daten verändert)",
        "url": "https://gdz.bkg.bund.de",
    },
    "zensus_grid": {
        "source": "Zensus 2022, 1-km-Gitter",
        "vintage": "Stichtag 15.05.2022",
        "licence": "dl-de/by-2-0",
        "attribution": "© Statistische Ämter des Bundes und der Länder, Zensus 2022",
        "url": "https://www.zensus2022.de",
    },
    "transit_stops": {
        "source": "db-hafas-stations 2.0.0",
        "vintage": "2024",
        "licence": "CC BY 4.0; ODbL",
        "attribution": "DB InfraGO (CC BY 4.0); © OpenStreetMap contributors (ODbL)",
        "url": "https://www.npmjs.com/package/db-hafas-stations",
    },
    "rail_stations": {
        "source": "db-stations 5.0.2",
        "vintage": "2024",
        "licence": "CC BY 4.0",
        "attribution": "DB InfraGO (CC BY 4.0)",
        "url": "https://www.npmjs.com/package/db-stations",
    },
    "schools": {
        "source": "Schulverzeichnis Schleswig-Holstein",
        "vintage": "2024",
        "licence": "CC0",
        "attribution": "Land Schleswig-Holstein, Schulverzeichnis (CC0, OK Lab Flensburg)",
        "url": "https://opendata.schleswig-holstein.de",
    },
}


class BuildError(ValueError):
    """The raw data does not add up; the message says what and where."""


def sha256(path: Path) -> str:
    """Checksum of a raw file, recorded in the pack's metadata."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def classify_area(urbanisation: pd.Series, population: pd.Series) -> pd.Series:
    """Urban: register class 1, or class 2 with at least ``URBAN_MIN_POPULATION`` people."""
    urban = (urbanisation == 1) | ((urbanisation == 2) & (population >= URBAN_MIN_POPULATION))
    return pd.Series(np.where(urban, "urban", "rural"), index=urbanisation.index)


def build_municipalities(raw_dir: Path) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Join the register with the BKG polygons; return municipalities and the Amt name table."""
    register, amter = read_register(raw_path(raw_dir, "register"))
    region = register[register["district_ags"].isin(REGION_DISTRICTS)].copy()
    counts = region.groupby("district_ags").size().to_dict()
    if counts != EXPECTED_MUNICIPALITIES:
        raise BuildError(
            f"register: municipalities per district {counts}, expected {EXPECTED_MUNICIPALITIES}"
        )
    total = int(region["population"].sum())
    if total != EXPECTED_REGISTER_POPULATION:
        raise BuildError(
            f"register: population {total:,}, expected {EXPECTED_REGISTER_POPULATION:,}"
        )
    if region["ags"].isna().any() or not region["ags"].str.fullmatch(r"\d{8}").all():
        bad = region.loc[~region["ags"].fillna("").str.fullmatch(r"\d{8}"), "name"].tolist()
        raise BuildError(f"register: municipalities without a valid AGS: {bad}")

    polygons = read_boundaries(raw_path(raw_dir, "municipality_boundaries"))
    # ARS codes of ten municipalities changed since the VG5000 vintage; the AGS did not.
    polygons = polygons.dissolve(by="AGS")[["geometry"]].reset_index()
    joined = region.merge(polygons.rename(columns={"AGS": "ags"}), on="ags", how="left")
    no_polygon = joined.loc[joined["geometry"].isna(), ["ags", "name"]]
    if len(no_polygon):
        raise BuildError(f"no BKG polygon for municipalities {no_polygon.to_dict('records')}")
    munis = gpd.GeoDataFrame(joined, geometry="geometry", crs=METRIC_CRS)
    amt_names = amter.set_index("amt_ars")["name"]
    munis["amt"] = munis["amt_ars"].map(amt_names).fillna("")
    munis["district"] = munis["district_ags"].map(REGION_DISTRICTS)
    munis["urbanisation_label"] = munis["urbanisation"].map(
        {1: "dicht besiedelt", 2: "mittlere Besiedlungsdichte", 3: "gering besiedelt"}
    )
    munis["area_class"] = classify_area(munis["urbanisation"], munis["population"])
    mid = gpd.GeoSeries(gpd.points_from_xy(munis["lon"], munis["lat"]), crs="EPSG:4326").to_crs(
        METRIC_CRS
    )
    munis["midpoint_x"] = mid.x.to_numpy()
    munis["midpoint_y"] = mid.y.to_numpy()
    columns = [
        "ags", "ars", "name", "district_ags", "district", "amt_ars", "amt", "population",
        "population_male", "population_female", "area_km2", "density", "postcode",
        "urbanisation", "urbanisation_label", "area_class", "midpoint_x", "midpoint_y", "geometry",
    ]  # fmt: skip
    return munis[columns].reset_index(drop=True), amter


def assign_cells(cells: gpd.GeoDataFrame, munis: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Give every grid cell a municipality.

    A cell belongs to the municipality that holds its centre; cells whose centre lies outside the
    region (border cells) go to the region municipality they overlap most, or failing that the
    nearest one. ``in_region`` tells them apart.
    """
    centres = gpd.GeoDataFrame(
        {"i": np.arange(len(cells))},
        geometry=gpd.points_from_xy(cells["x"], cells["y"]),
        crs=METRIC_CRS,
    )
    within = gpd.sjoin(centres, munis[["ags", "geometry"]], predicate="within")
    within = within.drop_duplicates("i").set_index("i")["ags"]
    ags = pd.Series(within.reindex(range(len(cells))).to_numpy(), dtype=object)
    in_region = ags.notna().to_numpy()
    rest = np.flatnonzero(~in_region)
    if len(rest):
        border = cells.iloc[rest][["geometry"]].assign(i=rest)
        overlay = gpd.overlay(border, munis[["ags", "geometry"]], how="intersection")
        if len(overlay):
            overlay["a"] = overlay.geometry.area
            best = overlay.sort_values("a", ascending=False).drop_duplicates("i")
            ags.iloc[best["i"].to_numpy()] = best["ags"].to_numpy()
        still = np.flatnonzero(ags.isna().to_numpy())
        if len(still):
            near = gpd.sjoin_nearest(centres.iloc[still], munis[["ags", "geometry"]])
            near = near.drop_duplicates("i")
            ags.iloc[near["i"].to_numpy()] = near["ags"].to_numpy()
    out = cells.copy()
    out["ags"] = ags.to_numpy().astype(str)
    lookup = munis.set_index("ags")
    out["district_ags"] = out["ags"].map(lookup["district_ags"])
    out["area_class"] = out["ags"].map(lookup["area_class"])
    out["in_region"] = in_region
    return out


def fill_missing_ags(points: gpd.GeoDataFrame, munis: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Give points without an AGS the one of the nearest region municipality (0 m when inside)."""
    out = points.copy()
    out["ags"] = out["ags"].where(out["ags"].str.fullmatch(r"\d{8}", na=False))
    missing = out["ags"].isna().to_numpy()
    if missing.any():
        near = gpd.sjoin_nearest(out.loc[missing, ["geometry"]], munis[["ags", "geometry"]])
        near = near[~near.index.duplicated()]
        out.loc[near.index, "ags"] = near["ags"]
    return out


def build_pack(raw_dir: Path, *, built_at: datetime | None = None) -> RegionPack:
    """Read and validate all raw files and return the region pack (not yet written)."""
    munis, _amter = build_municipalities(raw_dir)
    districts = read_boundaries(raw_path(raw_dir, "district_boundaries"))
    districts = districts[districts["AGS"].isin(REGION_DISTRICTS)]
    if sorted(districts["AGS"]) != sorted(REGION_DISTRICTS):
        raise BuildError(f"district polygons: found {sorted(districts['AGS'])}")
    districts = gpd.GeoDataFrame(
        {
            "district_ags": districts["AGS"].to_numpy(),
            "name": districts["AGS"].map(REGION_DISTRICTS),
        },
        geometry=districts.geometry.to_numpy(),
        crs=METRIC_CRS,
    )
    # Ämter from the current register keys (the 2021 polygons predate some mergers).
    amter = munis.dissolve(
        by="amt_ars", as_index=False, aggfunc={"amt": "first", "district_ags": "first"}
    )
    amter = amter.rename(columns={"amt": "name"})[["amt_ars", "name", "district_ags", "geometry"]]

    cells = assign_cells(read_zensus_grid(raw_path(raw_dir, "zensus_grid")), munis)
    grid_total = int(cells["population"].sum())
    if grid_total != EXPECTED_GRID_POPULATION:
        raise BuildError(
            f"Zensus grid: population {grid_total:,}, expected {EXPECTED_GRID_POPULATION:,}"
        )
    if cells["ags"].isin(["nan", "None", ""]).any():
        raise BuildError("Zensus grid: cells without a municipality")

    stops = fill_missing_ags(read_transit_stops(raw_path(raw_dir, "transit_stops")), munis)
    unknown = set(stops["ags"]) - set(munis["ags"])
    if unknown:
        raise BuildError(f"transit stops: AGS not in the region: {sorted(unknown)[:5]}")
    stations = read_rail_stations(raw_path(raw_dir, "rail_stations"))
    region_shape = munis.union_all()
    schools_all = read_schools(raw_path(raw_dir, "schools"))
    schools = gpd.sjoin(schools_all, munis[["ags", "geometry"]], predicate="within")
    schools = (
        schools.drop_duplicates("school_id").drop(columns="index_right").reset_index(drop=True)
    )
    sites = generate_sites(municipalities=munis, stations=stations, stops=stops, schools=schools)
    if not sites.within(region_shape.buffer(1)).all():
        raise BuildError("candidate sites outside the region")

    stamp = (built_at or datetime.now(UTC)).isoformat(timespec="seconds")
    metadata = pd.DataFrame(
        [
            {
                **SOURCES[key],
                "file": RAW_FILES[key],
                "sha256": sha256(raw_path(raw_dir, key)),
                "built_at": stamp,
            }
            for key in RAW_FILES
        ]
    )
    return RegionPack(
        municipalities=munis,
        districts=districts,
        amter=amter,
        cells=cells,
        transit_stops=stops,
        schools=schools,
        sites=sites,
        metadata=metadata,
    )


def build(raw_dir: Path, out: Path) -> RegionPack:
    """Build the pack from ``raw_dir`` and write it to ``out``."""
    pack = build_pack(raw_dir)
    save_pack(pack, out)
    return pack
