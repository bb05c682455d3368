"""Assembly of a region pack from what was read for one region: the generic part of the build.

:func:`assemble` turns :class:`RegionInputs` (the register rows, the boundary polygons matched to
them, readers for the grid, stops and stations, the schools) into a :class:`RegionPack`, whatever
the source of the inputs (the KielRegion extracts or the Germany-wide files, see
:mod:`planner.data.build`), running the checks of :mod:`planner.data.checks` on the way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner.data.checks import (
    BuildError,
    check_cells,
    check_population,
    check_sites,
    check_stops,
    merge_area_notes,
)
from planner.data.pack import RegionInfo, RegionPack
from planner.data.regions import Region
from planner.data.tour import past_stops_layer
from planner.data.vintages import VintageMatch
from planner.settings import DISPLAY_CRS, METRIC_CRS, URBAN_MIN_POPULATION
from planner.sites import generate_sites

__all__ = [
    "DISTRICT_AREA_TOLERANCE",
    "STOP_BUFFER_M",
    "Progress",
    "RegionInputs",
    "assemble",
    "assign_cells",
    "build_municipalities",
    "classify_area",
    "fill_missing_ags",
    "near_region",
]

#: Stops and stations within this distance of the region are kept (as in the KielRegion extracts).
STOP_BUFFER_M = 300.0
#: A district polygon is replaced by its municipalities' union when their areas differ this much.
DISTRICT_AREA_TOLERANCE = 0.01

#: Progress callback: (fraction done 0..1, i18n key of the stage).
Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class RegionInputs:
    """Everything read for one region, in the pack's CRS."""

    region: Region
    crs: str
    register: pd.DataFrame  # the region's register municipalities
    amter: pd.DataFrame
    polygons: gpd.GeoDataFrame  # VG5000 municipalities (AGS, GEN, geometry), may be wider
    districts: gpd.GeoDataFrame  # VG5000 districts of the region (AGS, GEN, geometry)
    match: VintageMatch
    merges: tuple[dict[str, Any], ...]
    read_cells: Callable[[gpd.GeoDataFrame], gpd.GeoDataFrame]
    read_stops: Callable[[gpd.GeoDataFrame], gpd.GeoDataFrame]
    read_stations: Callable[[gpd.GeoDataFrame], gpd.GeoDataFrame]
    schools: gpd.GeoDataFrame | None
    metadata: pd.DataFrame
    notes: tuple[str, ...]
    past_stops: gpd.GeoDataFrame | None = None  # the tour's known stops, where the file exists


def classify_area(
    urbanisation: pd.Series, population: pd.Series, *, min_population: int = URBAN_MIN_POPULATION
) -> pd.Series:
    """Urban: register class 1, or class 2 with at least ``min_population`` people.

    The register's degree of urbanisation exists for every German municipality, so the rule holds
    for any region; the threshold is stored in the pack (``RegionInfo.urban_min_population``).
    """
    urban = (urbanisation == 1) | ((urbanisation == 2) & (population >= min_population))
    return pd.Series(np.where(urban, "urban", "rural"), index=urbanisation.index)


def build_municipalities(
    inputs: RegionInputs,
) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Join the region's register rows with their (merged) polygons; return them and notes."""
    region_rows = inputs.register
    owner = inputs.match.owner
    polygons = inputs.polygons.assign(AGS=inputs.polygons["AGS"].astype(str))
    polygons = polygons[polygons["AGS"].map(owner).isin(set(region_rows["ags"]))]
    polygons = polygons.assign(ags=polygons["AGS"].map(owner))
    # Union of each municipality's 2021 polygons (one polygon unless merged since).
    shapes = polygons[["ags", "geometry"]].dissolve(by="ags")[["geometry"]].reset_index()
    joined = region_rows.merge(shapes, on="ags", how="left")
    notes: list[str] = []
    no_polygon = joined["geometry"].isna()
    lost = joined[no_polygon & (joined["population"] > 0)]
    if len(lost):
        records = lost[["ags", "name", "population"]].to_dict("records")
        raise BuildError(f"no BKG polygon for municipalities {records}")
    for _, row in joined[no_polygon].iterrows():
        notes.append(
            f"register entry {row['ags']} {row['name']} has no territory in VG5000 and 0 people: "
            "not in the pack"
        )
    joined = joined[~no_polygon]
    munis = gpd.GeoDataFrame(joined, geometry="geometry", crs=inputs.crs)
    amt_names = inputs.amter.set_index("amt_ars")["name"]
    munis["amt"] = munis["amt_ars"].map(amt_names).fillna("")
    munis["district"] = munis["district_ags"].map(inputs.region.district_names)
    munis["urbanisation_label"] = munis["urbanisation"].map(
        {1: "dicht besiedelt", 2: "mittlere Besiedlungsdichte", 3: "gering besiedelt"}
    )
    munis["area_class"] = classify_area(munis["urbanisation"], munis["population"])
    mid = gpd.GeoSeries(gpd.points_from_xy(munis["lon"], munis["lat"]), crs=DISPLAY_CRS).to_crs(
        inputs.crs
    )
    munis["midpoint_x"] = mid.x.to_numpy()
    munis["midpoint_y"] = mid.y.to_numpy()
    columns = [
        "ags", "ars", "name", "district_ags", "district", "amt_ars", "amt", "population",
        "population_male", "population_female", "area_km2", "density", "postcode",
        "urbanisation", "urbanisation_label", "area_class", "midpoint_x", "midpoint_y", "geometry",
    ]  # fmt: skip
    return munis[columns].reset_index(drop=True), notes


def assign_cells(cells: gpd.GeoDataFrame, munis: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Give every grid cell a municipality.

    A cell belongs to the municipality that holds its centre; cells whose centre lies outside the
    region (border cells) go to the region municipality they overlap most, or failing that the
    nearest one. ``in_region`` tells them apart.
    """
    crs = munis.crs
    centres = gpd.GeoDataFrame(
        {"i": np.arange(len(cells))},
        geometry=gpd.points_from_xy(cells["x"], cells["y"]),
        crs=crs,
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
    """Give points without a region AGS the one of the municipality holding them, else the
    nearest region municipality."""
    out = points.copy()
    out["ags"] = out["ags"].where(out["ags"].isin(set(munis["ags"])))
    missing = out["ags"].isna().to_numpy()
    if missing.any():
        near = gpd.sjoin_nearest(out.loc[missing, ["geometry"]], munis[["ags", "geometry"]])
        near = near[~near.index.duplicated()]
        out.loc[near.index, "ags"] = near["ags"]
    return out


def near_region(points: gpd.GeoDataFrame, region_shape: shapely.Geometry) -> gpd.GeoDataFrame:
    """Points within :data:`STOP_BUFFER_M` of the region."""
    shapely.prepare(region_shape)
    keep = shapely.dwithin(points.geometry.to_numpy(), region_shape, STOP_BUFFER_M)
    return points[keep].reset_index(drop=True)


def district_layer(
    inputs: RegionInputs, munis: gpd.GeoDataFrame, notes: list[str]
) -> gpd.GeoDataFrame:
    """District polygons from VG5000; a district whose municipalities changed since 2021 (area off
    by more than :data:`DISTRICT_AREA_TOLERANCE`) gets the union of its municipalities."""
    names = inputs.region.district_names
    vg = inputs.districts.drop_duplicates("AGS").set_index("AGS")
    geoms = []
    for key in names:
        own = munis[munis["district_ags"] == key]
        union = shapely.union_all(own.geometry.to_numpy())
        if key in vg.index:
            polygon = vg.at[key, "geometry"]
            if abs(polygon.area - union.area) <= DISTRICT_AREA_TOLERANCE * union.area:
                geoms.append(polygon)
                continue
        notes.append(f"district {key} {names[key]}: polygon = union of its municipalities")
        geoms.append(union)
    return gpd.GeoDataFrame(
        {"district_ags": list(names), "name": list(names.values())}, geometry=geoms, crs=inputs.crs
    )


def as_multi(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Polygons as MultiPolygons (the contract's municipality type; the shapefile has Polygons
    where the KielRegion GeoJSON extract has MultiPolygons)."""
    geoms = frame.geometry.to_numpy()
    single = shapely.get_type_id(geoms) == shapely.GeometryType.POLYGON
    if single.any():
        geoms = geoms.copy()
        geoms[single] = [shapely.MultiPolygon([g]) for g in geoms[single]]
        frame = frame.set_geometry(gpd.GeoSeries(geoms, index=frame.index, crs=frame.crs))
    return frame


def relabel(frame: gpd.GeoDataFrame, crs: str) -> gpd.GeoDataFrame:
    """Same coordinates, other CRS label (``planner.sites`` labels its output EPSG:25832)."""
    return frame.set_crs(crs, allow_override=True)


def _boundary_layers(
    inputs: RegionInputs,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame, list[str]]:
    """Municipalities, districts and Ämter of the region, with the notes on them."""
    munis, notes = build_municipalities(inputs)
    munis = as_multi(munis)
    notes = [*inputs.notes, *notes]
    check_population(munis, inputs.register)
    notes += merge_area_notes(inputs.merges)
    districts = district_layer(inputs, munis, notes)
    # Ämter from the current register keys (the 2021 polygons predate some mergers).
    amter = munis.dissolve(
        by="amt_ars", as_index=False, aggfunc={"amt": "first", "district_ags": "first"}
    )
    amter = amter.rename(columns={"amt": "name"})[["amt_ars", "name", "district_ags", "geometry"]]
    return munis, districts, amter, notes


def _schools_in(inputs: RegionInputs, munis: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The schools inside the region's municipalities (an empty layer without a school list)."""
    if inputs.schools is None:
        return gpd.GeoDataFrame(
            {"school_id": [], "name": [], "school_type": [], "ags": []},
            geometry=gpd.GeoSeries([], crs=inputs.crs),
            crs=inputs.crs,
        )
    schools = gpd.sjoin(inputs.schools, munis[["ags", "geometry"]], predicate="within")
    return schools.drop_duplicates("school_id").drop(columns="index_right").reset_index(drop=True)


def _candidate_sites(
    crs: str,
    *,
    munis: gpd.GeoDataFrame,
    stations: gpd.GeoDataFrame,
    stops: gpd.GeoDataFrame,
    schools: gpd.GeoDataFrame,
) -> gpd.GeoDataFrame:
    """Candidate sites from the layers (generated in the sites module's CRS label, relabelled)."""
    sites = generate_sites(
        municipalities=relabel(munis, METRIC_CRS),
        stations=relabel(stations, METRIC_CRS),
        stops=relabel(stops, METRIC_CRS),
        schools=relabel(schools, METRIC_CRS),
    )
    return relabel(sites, crs)


def assemble(inputs: RegionInputs, progress: Progress, built_at: datetime | None) -> RegionPack:
    """The region pack from ``inputs``, checked against the region's register.

    Parameters
    ----------
    inputs
        What was read for the region.
    progress
        Called with (fraction done, i18n key of the stage).
    built_at
        Timestamp for the metadata (default: now).

    Raises
    ------
    BuildError
        Naming what does not add up.
    """
    munis, districts, amter, notes = _boundary_layers(inputs)
    progress(0.35, "build.stage.cells")

    cells = assign_cells(inputs.read_cells(munis), munis)
    check_cells(cells, munis)
    progress(0.6, "build.stage.stops")

    region_shape = shapely.union_all(munis.geometry.to_numpy())
    stops = fill_missing_ags(inputs.read_stops(munis), munis)
    check_stops(stops, munis)
    stations = inputs.read_stations(munis)
    schools = _schools_in(inputs, munis)
    progress(0.8, "build.stage.sites")
    sites = _candidate_sites(
        inputs.crs, munis=munis, stations=stations, stops=stops, schools=schools
    )
    check_sites(sites, region_shape)

    past_stops, stop_notes = past_stops_layer(inputs.past_stops, munis, crs=inputs.crs)
    notes += stop_notes
    stamp = (built_at or datetime.now(UTC)).isoformat(timespec="seconds")
    info = RegionInfo.derive(
        munis, districts, name=inputs.region.name, notes=tuple(notes), merges=inputs.merges
    )
    progress(1.0, "build.stage.done")
    return RegionPack(
        municipalities=munis,
        districts=districts,
        amter=amter,
        cells=cells,
        transit_stops=stops,
        schools=schools,
        sites=sites,
        metadata=inputs.metadata.assign(built_at=stamp),
        region=info,
        past_stops=past_stops,
    )
