"""Build a region pack from the official files (``tiny-rathaus data build``).

Two sources, one assembly:

- the embedded KielRegion pack from the KielRegion extracts (``build_pack(raw_dir)``, today's
  path, unchanged output);
- any German region (district keys, a Land, names; see :mod:`planner.data.regions`) from the
  Germany-wide files (``build_pack(raw_dir, region="01059", germany=...)``): the register and the
  Schleswig-Holstein school list still come from ``raw_dir``.

The build checks against the register of the region being built (municipalities per district,
population), never against fixed numbers, and stops with :class:`BuildError` naming what is off: a
municipality without polygon, a person or municipality that would be lost, a grid cell that cannot
be placed. Boundary polygons (VG5000, 01.01.2021) are older than the register (31.12.2024):
polygons whose key no longer exists are matched to their successor (:func:`match_vintages`), every
merge is recorded in ``RegionPack.info.merges``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner.data.pack import RegionInfo, RegionPack, save_pack
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
from planner.errors import DataError
from planner.settings import DISPLAY_CRS, METRIC_CRS, URBAN_MIN_POPULATION, ZENSUS_CRS
from planner.sites import generate_sites

#: Stops and stations within this distance of the region are kept (as in the KielRegion extracts).
STOP_BUFFER_M = 300.0
#: Grid cells whose square touches the region buffered by this much are kept (as in the extract).
CELL_BUFFER_M = 500.0
#: A merged municipality's polygons may differ this much from the register's area before the
#: build names it in the notes (VG5000 is generalised to 1:5,000,000).
MERGE_AREA_TOLERANCE = 0.10
#: Sanity range of in-region grid population / register population (census 2022 vs. register
#: 2023 on the 2011 census basis differ by a few per cent; a wrong CRS or region by far more).
GRID_REGISTER_RATIO = (0.8, 1.25)
#: A district polygon is replaced by its municipalities' union when their areas differ this much.
DISTRICT_AREA_TOLERANCE = 0.01
#: School lists by Land key, relative to the raw KielRegion folder (no Germany-wide source).
SCHOOL_SOURCES: dict[str, str] = {"01": RAW_FILES["schools"]}

#: Progress callback: (fraction done 0..1, i18n key of the stage).
Progress = Callable[[float, str], None]

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
    "land_boundaries": {
        "source": "BKG VG5000 Länder (region names only)",
        "vintage": "01.01.2021",
        "licence": "dl-de/by-2-0",
        "attribution": "© GeoBasis-DE / BKG 2021 (Daten verändert)",
        "url": "https://gdz.bkg.bund.de",
    },
    "schools": {
        "source": "Schulverzeichnis Schleswig-Holstein",
        "vintage": "2024",
        "licence": "CC0",
        "attribution": "Land Schleswig-Holstein, Schulverzeichnis (CC0, OK Lab Flensburg)",
        "url": "https://opendata.schleswig-holstein.de",
    },
}


class BuildError(DataError):
    """The raw data does not add up; the message says what and where."""


def sha256(path: Path) -> str:
    """Checksum of a raw file, recorded in the pack's metadata."""
    return sha256_files([path])


def sha256_files(paths: Iterable[Path]) -> str:
    """One checksum over several files read in order (a shapefile's .shp and .dbf, the Zensus
    Parquet set)."""
    digest = hashlib.sha256()
    for path in paths:
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def classify_area(
    urbanisation: pd.Series, population: pd.Series, *, min_population: int = URBAN_MIN_POPULATION
) -> pd.Series:
    """Urban: register class 1, or class 2 with at least ``min_population`` people.

    The register's degree of urbanisation exists for every German municipality, so the rule holds
    for any region; the threshold is stored in the pack (``RegionInfo.urban_min_population``).
    """
    urban = (urbanisation == 1) | ((urbanisation == 2) & (population >= min_population))
    return pd.Series(np.where(urban, "urban", "rural"), index=urbanisation.index)


# --- boundary vintages ---------------------------------------------------------------------------


@dataclass(frozen=True)
class VintageMatch:
    """How the VG5000 polygons map to register municipalities.

    Attributes
    ----------
    owner
        VG5000 AGS → register AGS (itself when the key still exists).
    unmatched
        VG5000 AGS whose territory no register municipality could take (named in the notes).
    polygon_area_km2
        Area of each VG5000 polygon (EPSG:3035, equal-area).
    """

    owner: dict[str, str]
    unmatched: tuple[str, ...]
    polygon_area_km2: dict[str, float]


def match_vintages(polygons: gpd.GeoDataFrame, register: pd.DataFrame) -> VintageMatch:
    """Match VG5000 municipalities (01.01.2021) to register municipalities (31.12.2024).

    Method: a polygon whose AGS is still in the register keeps it. Polygons whose AGS vanished
    (merged municipalities) are matched in two steps, both within one Land:

    1. a register municipality without polygon (a merger that got a new key) takes the vanished
       polygon that holds its official midpoint;
    2. then, repeatedly, the pair of vanished polygon and neighbouring register municipality
       (borders within 100 m) that most improves the area fit: the municipality's *area gap* is the
       register's area minus the polygon area it holds so far, relative to the register's area; the
       pair chosen shrinks that gap the most. A successor that kept one of its predecessors' keys
       (Tastrup and Maasbüll → Hürup: 16 km² of polygon for 28 km² in the register) has exactly
       such a gap, while generalisation leaves other neighbours a few per cent off at most.

    Parameters
    ----------
    polygons
        VG5000 municipalities (AGS, geometry) in any CRS.
    register
        Register municipalities (ags, area_km2, lon, lat).
    """
    poly = polygons[["AGS", "geometry"]].dissolve(by="AGS", as_index=False)
    eq = poly.to_crs(ZENSUS_CRS)
    keys = eq["AGS"].astype(str).to_numpy()
    area = dict(zip(keys, eq.geometry.area.to_numpy() / 1e6, strict=True))
    reg = register.drop_duplicates("ags").set_index("ags")
    reg_area = {str(k): float(v) for k, v in reg["area_km2"].fillna(0.0).items()}
    owner = {a: a for a in keys if a in reg.index}
    orphans = [a for a in keys if a not in reg.index]
    if not orphans:
        return VintageMatch(owner=owner, unmatched=(), polygon_area_km2=area)
    geoms = dict(zip(keys, eq.geometry.to_numpy(), strict=True))
    held: dict[str, float] = {}
    for ags, succ in owner.items():
        held[succ] = held.get(succ, 0.0) + area[ags]

    # Step 1: new keys take the vanished polygon holding their midpoint.
    new_keys = reg.index[~reg.index.isin(keys) & (reg["area_km2"].fillna(0) > 0)]
    if len(new_keys):
        mids = gpd.GeoSeries(
            gpd.points_from_xy(reg.loc[new_keys, "lon"], reg.loc[new_keys, "lat"]), crs=DISPLAY_CRS
        ).to_crs(ZENSUS_CRS)
        for succ, point in zip(new_keys, mids, strict=True):
            for orphan in orphans:
                if orphan not in owner and orphan[:2] == succ[:2] and geoms[orphan].contains(point):
                    owner[orphan] = succ
                    held[succ] = held.get(succ, 0.0) + area[orphan]
                    break

    # Step 2: grow successors over neighbouring vanished polygons by the best-fitting area gap.
    tree = shapely.STRtree(eq.geometry.to_numpy())
    neighbours = {
        o: [str(keys[j]) for j in tree.query(geoms[o], predicate="dwithin", distance=100.0)]
        for o in orphans
    }
    while True:
        best: tuple[float, str, str] | None = None
        for orphan in orphans:
            if orphan in owner:
                continue
            for n in neighbours[orphan]:
                succ = owner.get(n)
                if succ is None or succ[:2] != orphan[:2]:
                    continue
                gap = reg_area[succ] - held.get(succ, 0.0)
                size = max(reg_area[succ], 1e-6)
                # Negative: the best gain wins (first orphan/successor key on ties).
                score = (abs(gap - area[orphan]) - abs(gap)) / size
                if best is None or score < best[0]:
                    best = (score, orphan, succ)
        if best is None:
            break
        _, orphan, succ = best
        owner[orphan] = succ
        held[succ] = held.get(succ, 0.0) + area[orphan]
    unmatched = tuple(o for o in orphans if o not in owner)
    return VintageMatch(owner=owner, unmatched=unmatched, polygon_area_km2=area)


def _merge_records(
    match: VintageMatch, polygons: gpd.GeoDataFrame, register: pd.DataFrame
) -> list[dict[str, Any]]:
    """One record per register municipality made of polygons with other keys."""
    names = dict(zip(polygons["AGS"].astype(str), polygons["GEN"].astype(str), strict=True))
    reg = register.drop_duplicates("ags").set_index("ags")
    reg_name = {str(k): str(v) for k, v in reg["name"].items()}
    reg_area = {str(k): float(v) for k, v in reg["area_km2"].fillna(0.0).items()}
    parts: dict[str, list[str]] = {}
    for old, succ in match.owner.items():
        parts.setdefault(succ, []).append(old)
    records = []
    for succ, olds in sorted(parts.items()):
        if olds == [succ] or succ not in reg.index:
            continue
        records.append(
            {
                "ags": succ,
                "name": reg_name[succ],
                "from": [[o, names.get(o, "")] for o in sorted(olds)],
                "area_polygons_km2": round(sum(match.polygon_area_km2[o] for o in olds), 2),
                "area_register_km2": reg_area[succ],
            }
        )
    return records


# --- assembly ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Inputs:
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


def _noop(_fraction: float, _stage: str) -> None:
    return None


def _region_register(register: pd.DataFrame, region: Region) -> pd.DataFrame:
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


def build_municipalities(
    inputs: _Inputs,
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


def _near_region(points: gpd.GeoDataFrame, region_shape: shapely.Geometry) -> gpd.GeoDataFrame:
    """Points within :data:`STOP_BUFFER_M` of the region."""
    shapely.prepare(region_shape)
    keep = shapely.dwithin(points.geometry.to_numpy(), region_shape, STOP_BUFFER_M)
    return points[keep].reset_index(drop=True)


def _district_layer(inputs: _Inputs, munis: gpd.GeoDataFrame, notes: list[str]) -> gpd.GeoDataFrame:
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


def _as_multi(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Polygons as MultiPolygons (the contract's municipality type; the shapefile has Polygons
    where the KielRegion GeoJSON extract has MultiPolygons)."""
    geoms = frame.geometry.to_numpy()
    single = shapely.get_type_id(geoms) == shapely.GeometryType.POLYGON
    if single.any():
        geoms = geoms.copy()
        geoms[single] = [shapely.MultiPolygon([g]) for g in geoms[single]]
        frame = frame.set_geometry(gpd.GeoSeries(geoms, index=frame.index, crs=frame.crs))
    return frame


def _relabel(frame: gpd.GeoDataFrame, crs: str) -> gpd.GeoDataFrame:
    """Same coordinates, other CRS label (``planner.sites`` labels its output EPSG:25832)."""
    return frame.set_crs(crs, allow_override=True)


def _assemble(inputs: _Inputs, progress: Progress, built_at: datetime | None) -> RegionPack:
    crs = inputs.crs
    munis, notes = build_municipalities(inputs)
    munis = _as_multi(munis)
    notes = [*inputs.notes, *notes]
    if int(munis["population"].sum()) != int(inputs.register["population"].sum()):
        raise BuildError(
            f"population {int(munis['population'].sum()):,} in the pack but "
            f"{int(inputs.register['population'].sum()):,} in the register"
        )
    for record in inputs.merges:
        ratio = record["area_polygons_km2"] / max(record["area_register_km2"], 1e-6)
        if abs(ratio - 1) > MERGE_AREA_TOLERANCE:
            notes.append(
                f"merge {record['ags']} {record['name']}: polygons "
                f"{record['area_polygons_km2']} km² vs register {record['area_register_km2']} km²"
            )
    districts = _district_layer(inputs, munis, notes)
    # Ämter from the current register keys (the 2021 polygons predate some mergers).
    amter = munis.dissolve(
        by="amt_ars", as_index=False, aggfunc={"amt": "first", "district_ags": "first"}
    )
    amter = amter.rename(columns={"amt": "name"})[["amt_ars", "name", "district_ags", "geometry"]]
    progress(0.35, "build.stage.cells")

    cells = assign_cells(inputs.read_cells(munis), munis)
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
    progress(0.6, "build.stage.stops")

    region_shape = shapely.union_all(munis.geometry.to_numpy())
    stops = fill_missing_ags(inputs.read_stops(munis), munis)
    unknown = set(stops["ags"]) - set(munis["ags"])
    if unknown:
        raise BuildError(f"transit stops: AGS not in the region: {sorted(unknown)[:5]}")
    stations = inputs.read_stations(munis)
    if inputs.schools is not None:
        schools = gpd.sjoin(inputs.schools, munis[["ags", "geometry"]], predicate="within")
        schools = (
            schools.drop_duplicates("school_id").drop(columns="index_right").reset_index(drop=True)
        )
    else:
        schools = gpd.GeoDataFrame(
            {"school_id": [], "name": [], "school_type": [], "ags": []},
            geometry=gpd.GeoSeries([], crs=crs),
            crs=crs,
        )
    progress(0.8, "build.stage.sites")
    sites = _relabel(
        generate_sites(
            municipalities=_relabel(munis, METRIC_CRS),
            stations=_relabel(stations, METRIC_CRS),
            stops=_relabel(stops, METRIC_CRS),
            schools=_relabel(schools, METRIC_CRS),
        ),
        crs,
    )
    if not sites.within(region_shape.buffer(1)).all():
        raise BuildError("candidate sites outside the region")

    stamp = (built_at or datetime.now(UTC)).isoformat(timespec="seconds")
    metadata = inputs.metadata.assign(built_at=stamp)
    info = RegionInfo.derive(
        munis,
        districts,
        name=inputs.region.name,
        notes=tuple(notes),
        merges=inputs.merges,
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
        metadata=metadata,
        region=info,
    )


def _source_row(key: str, file: str, checksum: str) -> dict[str, str]:
    return {**SOURCES[key], "file": file, "sha256": checksum}


def _kielregion_inputs(raw_dir: Path) -> _Inputs:
    """Inputs of the embedded pack from the KielRegion extracts (today's sources)."""
    crs = METRIC_CRS
    register, amter = read_register(raw_path(raw_dir, "register"))
    district_polys = read_boundaries(raw_path(raw_dir, "district_boundaries"), crs=crs)
    keys = PRESETS["KielRegion"]
    names = dict(zip(district_polys["AGS"], district_polys["GEN"], strict=True))
    region = Region(name="KielRegion", districts=tuple((k, names.get(k, k)) for k in keys))
    rows = _region_register(register, region)
    polygons = read_boundaries(raw_path(raw_dir, "municipality_boundaries"), crs=crs)
    match = match_vintages(polygons, rows)
    metadata = pd.DataFrame(
        [_source_row(key, RAW_FILES[key], sha256(raw_path(raw_dir, key))) for key in RAW_FILES]
    )
    return _Inputs(
        region=region,
        crs=crs,
        register=rows,
        amter=amter,
        polygons=polygons,
        districts=district_polys[district_polys["AGS"].isin(keys)],
        match=match,
        merges=tuple(_merge_records(match, polygons, rows)),
        read_cells=lambda _m: read_zensus_grid(raw_path(raw_dir, "zensus_grid"), crs=crs),
        read_stops=lambda _m: read_transit_stops(raw_path(raw_dir, "transit_stops"), crs=crs),
        read_stations=lambda _m: read_rail_stations(raw_path(raw_dir, "rail_stations"), crs=crs),
        schools=read_schools(raw_path(raw_dir, "schools"), crs=crs),
        metadata=metadata,
        notes=(),
    )


def _germany_inputs(
    raw_dir: Path, germany_dir: Path, spec: str | Sequence[str], progress: Progress
) -> _Inputs:
    """Inputs for any region from the Germany-wide files (register and schools from ``raw_dir``)."""
    region = resolve_region(spec, read_district_table(germany_dir))
    progress(0.05, "build.stage.register")
    register, amter = read_register(raw_path(raw_dir, "register"))
    rows = _region_register(register, region)
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
        m for m in _merge_records(match, everything, land_register) if m["ags"] in set(rows["ags"])
    ]
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
    owners = everything["AGS"].map(match.owner)
    polygons = everything[owners.isin(set(rows["ags"]))].to_crs(crs)
    district_polys = read_boundaries(krs_path, crs=crs)
    district_polys = district_polys[district_polys["AGS"].isin(region.district_keys)]

    def shape_3035(munis: gpd.GeoDataFrame) -> shapely.Geometry:
        return shapely.union_all(munis.to_crs(ZENSUS_CRS).geometry.to_numpy()).buffer(CELL_BUFFER_M)

    def lonlat_box(munis: gpd.GeoDataFrame) -> tuple[float, float, float, float]:
        minx, miny, maxx, maxy = munis.to_crs(DISPLAY_CRS).total_bounds
        pad = 0.02  # > STOP_BUFFER_M in degrees at German latitudes
        return (minx - pad, miny - pad, maxx + pad, maxy + pad)

    def near(points: gpd.GeoDataFrame, munis: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        return _near_region(points, shapely.union_all(munis.geometry.to_numpy()))

    zensus = germany_path(germany_dir, "zensus_grid")
    stops_path = germany_path(germany_dir, "transit_stops")
    stations_path = germany_path(germany_dir, "rail_stations")
    schools = None
    school_files = [
        raw_dir / SCHOOL_SOURCES[land] for land in region.lands if land in SCHOOL_SOURCES
    ]
    school_files = [p for p in school_files if p.is_file()]
    if school_files:
        schools = pd.concat([read_schools(p, crs=crs) for p in school_files], ignore_index=True)
        schools = gpd.GeoDataFrame(schools, geometry="geometry", crs=crs)
    without = [land for land in region.lands if land not in SCHOOL_SOURCES]
    if without:
        notes.append(
            f"no school list for Land {', '.join(without)}: candidate sites there come from "
            "municipality centres, rail stations and bus hubs"
        )
    shp_parts = [gem_path, gem_path.with_suffix(".dbf")]
    krs_parts = [krs_path, krs_path.with_suffix(".dbf")]
    zensus_parts = [zensus.parent / name for name in ZENSUS_PARQUET_FILES.values()]
    rows_meta = [
        _source_row("register", RAW_FILES["register"], sha256(raw_path(raw_dir, "register"))),
        _source_row(
            "municipality_boundaries",
            GERMANY_FILES["municipality_boundaries"],
            sha256_files(shp_parts),
        ),
        _source_row(
            "district_boundaries", GERMANY_FILES["district_boundaries"], sha256_files(krs_parts)
        ),
        _source_row(
            "zensus_grid",
            "population/zensus2022_1km/" + ",".join(ZENSUS_PARQUET_FILES.values()),
            sha256_files(zensus_parts),
        ),
        _source_row("transit_stops", GERMANY_FILES["transit_stops"], sha256(stops_path)),
        _source_row("rail_stations", GERMANY_FILES["rail_stations"], sha256(stations_path)),
    ]
    for land, path in zip(
        [land for land in region.lands if land in SCHOOL_SOURCES], school_files, strict=False
    ):
        rows_meta.append(_source_row("schools", SCHOOL_SOURCES[land], sha256(path)))
    return _Inputs(
        region=region,
        crs=crs,
        register=rows,
        amter=amter,
        polygons=polygons,
        districts=district_polys,
        match=match,
        merges=tuple(merges),
        read_cells=lambda m: read_zensus_parquet(zensus, crs=crs, touching=shape_3035(m)),
        read_stops=lambda m: near(read_transit_stops(stops_path, crs=crs, bounds=lonlat_box(m)), m),
        read_stations=lambda m: near(
            read_rail_stations(stations_path, crs=crs, bounds=lonlat_box(m)), m
        ),
        schools=schools,
        metadata=pd.DataFrame(rows_meta),
        notes=tuple(notes),
    )


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
    """
    report = progress or _noop
    if region is None:
        report(0.05, "build.stage.register")
        inputs = _kielregion_inputs(raw_dir)
    else:
        from planner.settings import germany_dir

        inputs = _germany_inputs(raw_dir, germany or germany_dir(), region, report)
    return _assemble(inputs, report, built_at)


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


def merge_report(merges: Iterable[Mapping[str, Any]]) -> list[str]:
    """One line per merge, for the CLI and the app."""
    return [
        f"{m['ags']} {m['name']} ← "
        + ", ".join(f"{a} {n}" for a, n in m["from"])
        + f" ({m['area_polygons_km2']} km² polygons, {m['area_register_km2']} km² register)"
        for m in merges
    ]
