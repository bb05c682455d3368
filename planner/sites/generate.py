"""Candidate sites generated from the region data: stations, bus hubs, centres, schools, merged.

Generated kinds, in the order they win when two points lie closer than the merge distance:
``rail`` (DB stations), ``bus_hub`` (bus stops with many stops around them), ``centre`` (the
register's official midpoint of each municipality) and ``school``.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from planner.settings import (
    BUS_HUB_MIN_NEIGHBOURS,
    BUS_HUB_RADIUS_M,
    METRIC_CRS,
    SITE_MERGE_DISTANCE_M,
)
from planner.sites.locate import assign_municipality
from planner.sites.schema import with_default_facts

__all__ = ["bus_hubs", "generate_sites", "merge_close_points"]


def _candidates(
    ids: list[str],
    names: list[str],
    kind: str,
    source: str,
    geometry: gpd.GeoSeries,
    *,
    crs: object,
) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"site_id": ids, "name": names, "kind": kind, "source": source},
        geometry=geometry.to_numpy(),
        crs=crs,
    )


def bus_hubs(
    stops: gpd.GeoDataFrame,
    *,
    radius_m: float = BUS_HUB_RADIUS_M,
    min_neighbours: int = BUS_HUB_MIN_NEIGHBOURS,
) -> gpd.GeoDataFrame:
    """Bus stops served by rail too, or with ``min_neighbours`` other bus stops within ``radius_m``.

    One hub per cluster: rail-served stops first, then the densest; stops within ``radius_m`` of a
    chosen hub are not hubs themselves.
    """
    bus = stops[stops["is_bus"]].reset_index(drop=True)
    xy = np.column_stack([bus.geometry.x, bus.geometry.y])
    tree = cKDTree(xy)
    counts = np.array([len(n) - 1 for n in tree.query_ball_point(xy, r=radius_m)])
    qualifies = bus["is_rail"].to_numpy() | (counts >= min_neighbours)
    chosen: list[int] = []
    taken = np.zeros(len(bus), dtype=bool)
    for i in np.lexsort((-counts, ~bus["is_rail"].to_numpy())):
        if not qualifies[i] or taken[i]:
            continue
        chosen.append(int(i))
        taken[tree.query_ball_point(xy[i], r=radius_m)] = True
    return bus.iloc[chosen].reset_index(drop=True)


def generate_sites(
    *,
    municipalities: gpd.GeoDataFrame,
    stations: gpd.GeoDataFrame,
    stops: gpd.GeoDataFrame,
    schools: gpd.GeoDataFrame,
    merge_distance_m: float = SITE_MERGE_DISTANCE_M,
) -> gpd.GeoDataFrame:
    """Generate and merge candidate sites from the region data.

    All inputs are in one metric CRS, the municipalities' (the pack's: EPSG:25832 or 25833;
    :data:`~planner.settings.METRIC_CRS` when they carry none); the sites come out in it.
    """
    crs = municipalities.crs if municipalities.crs is not None else METRIC_CRS
    hubs = bus_hubs(stops)
    centres = gpd.GeoSeries(
        gpd.points_from_xy(municipalities["midpoint_x"], municipalities["midpoint_y"]),
        crs=crs,
    )
    # In the order the kinds win a merge (see the module docstring).
    parts = [
        _candidates(
            [f"rail-{i}" for i in stations["station_id"]],
            [f"{n} (Bahnhof)" for n in stations["name"]],
            "rail",
            "DB Stationsdaten",
            stations.geometry,
            crs=crs,
        ),
        _candidates(
            [f"hub-{i}" for i in hubs["stop_id"]],
            [f"{n} (Bushaltestelle)" for n in hubs["name"]],
            "bus_hub",
            "DB HAFAS Haltestellen",
            hubs.geometry,
            crs=crs,
        ),
        _candidates(
            [f"centre-{a}" for a in municipalities["ags"]],
            [f"{n} (Ortsmitte)" for n in municipalities["name"]],
            "centre",
            "Destatis Gemeindeverzeichnis",
            centres,
            crs=crs,
        ),
        _candidates(
            [f"school-{i}" for i in schools["school_id"]],
            list(schools["name"]),
            "school",
            "Schulverzeichnis Schleswig-Holstein",
            schools.geometry,
            crs=crs,
        ),
    ]
    candidates = pd.concat(parts, ignore_index=True)
    merged = merge_close_points(candidates, distance_m=merge_distance_m)
    # Generated candidates must lie inside the region (the pack build checks it); the coastal
    # tolerance is for points planners place by hand.
    located = assign_municipality(merged, municipalities, tolerance_m=0)
    return with_default_facts(located)


def merge_close_points(candidates: gpd.GeoDataFrame, *, distance_m: float) -> gpd.GeoDataFrame:
    """Keep the first of any points closer than ``distance_m`` (input order = priority).

    The kept site lists the names it absorbed in ``merged_from``.
    """
    xy = np.column_stack([candidates.geometry.x, candidates.geometry.y])
    tree = cKDTree(xy)
    absorbed_by = np.full(len(candidates), -1)
    keep: list[int] = []
    for i in range(len(candidates)):
        if absorbed_by[i] >= 0:
            continue
        keep.append(i)
        for j in tree.query_ball_point(xy[i], r=distance_m):
            if j != i and absorbed_by[j] < 0 and j > i:
                absorbed_by[j] = i
    names = candidates["name"].to_numpy()
    merged_from = ["; ".join(names[absorbed_by == i]) for i in keep]
    out = candidates.iloc[keep].reset_index(drop=True)
    out["merged_from"] = merged_from
    return out
