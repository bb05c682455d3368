"""A season plan as geodata: the stops (points) and the route line per unit, as GeoJSON and
GeoPackage.

Coordinates in the schedule (``x``, ``y``) are in EPSG:25832 (the region pack's metric CRS); GeoJSON
is written in EPSG:4326 as the format requires, the GeoPackage keeps EPSG:25832 unless ``crs`` says
otherwise.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString, Point

from planner.export.schedule import NotExportableError, schedule_table
from planner.season import SeasonPlan, site_xy

__all__ = [
    "PLAN_CRS",
    "geojson_bytes",
    "geopackage_bytes",
    "has_coordinates",
    "home_point",
    "plan_layers",
]

PLAN_CRS = "EPSG:25832"


def has_coordinates(plan: SeasonPlan) -> bool:
    """Whether the plan has stops and every stop has ``x`` and ``y``."""
    return bool(len(plan.schedule)) and not plan.schedule[["x", "y"]].isna().any().any()


def home_point(plan: SeasonPlan) -> tuple[float, float] | None:
    """The home base of the plan in the plan's CRS (``None`` when it is not among the sites).

    Where the sites are (:func:`planner.season.site_xy`): their ``x``/``y`` columns, else their
    point geometry, else NaN.
    """
    sites = plan.sites.reset_index(drop=True)
    is_home = (sites["site_id"].astype(str) == str(plan.config.home_site_id)).to_numpy()
    if not is_home.any():
        return None
    xs, ys = site_xy(sites)
    return float(xs[is_home][0]), float(ys[is_home][0])


def plan_layers(
    plan: SeasonPlan, *, crs: str | None = None
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """The stops (points, the exported schedule's columns) and the routes (one line per unit,
    from the home base through its stops back home).

    Parameters
    ----------
    plan
        A feasible plan whose stops have coordinates.
    crs
        CRS of the layers (default: the plan's, EPSG:25832).

    Raises
    ------
    NotExportableError
        The plan is infeasible, its stops have no coordinates or its home base is not among
        its sites.
    """
    sched = schedule_table(plan)
    xs = plan.schedule["x"].astype(float).tolist()
    ys = plan.schedule["y"].astype(float).tolist()
    if any(pd.isna(v) for v in xs + ys):
        raise NotExportableError(
            "the plan's stops have no coordinates (x/y or geometry in the sites "
            "table); cannot write a geographic export"
        )
    stops = gpd.GeoDataFrame(
        sched, geometry=[Point(x, y) for x, y in zip(xs, ys, strict=True)], crs=PLAN_CRS
    )
    home = home_point(plan)
    if home is None:
        raise NotExportableError(
            f"the plan's home base {plan.config.home_site_id!r} is not among its sites"
        )
    lines = []
    for unit, grp in plan.schedule.groupby("unit"):
        points = [home, *zip(grp["x"].astype(float), grp["y"].astype(float), strict=True), home]
        lines.append(
            {
                "unit": int(str(unit)),
                "stops": len(grp),
                "tow_minutes": round(float(grp["tow_minutes"].sum()), 1),
                "geometry": LineString(points),
            }
        )
    route = gpd.GeoDataFrame(lines, geometry="geometry", crs=PLAN_CRS)
    if crs:
        stops, route = stops.to_crs(crs), route.to_crs(crs)
    return stops, route


def geojson_bytes(plan: SeasonPlan) -> tuple[bytes, bytes]:
    """The stops (points) and the route line(s) as two GeoJSON documents in EPSG:4326."""
    stops, route = plan_layers(plan, crs="EPSG:4326")
    return (
        stops.to_json(drop_id=True).encode("utf-8"),
        route.to_json(drop_id=True).encode("utf-8"),
    )


def geopackage_bytes(plan: SeasonPlan, *, crs: str | None = None) -> bytes:
    """A GeoPackage with the layers ``stops`` and ``route`` (EPSG:25832 unless ``crs``)."""
    stops, route = plan_layers(plan, crs=crs)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.gpkg"
        stops.to_file(path, layer="stops", driver="GPKG")
        route.to_file(path, layer="route", driver="GPKG")
        return path.read_bytes()
