"""A season plan as geodata: the stops (points) and the route line per unit, as GeoJSON and
GeoPackage.

Coordinates in the schedule (``x``, ``y``) are in EPSG:25832 (the region pack's metric CRS); GeoJSON
is written in EPSG:4326 as the format requires, the GeoPackage keeps EPSG:25832 unless ``crs`` says
otherwise. Field names stay the schedule's (``start``, ``tow_minutes`` …): GIS users join and
style by them.

Each route line runs from the home base through its unit's stops back home, and its figures
cover the same legs: ``tow_minutes``/``tow_km`` are the legs to the stops plus the way home
(``return_minutes``/``return_km``), so the routes add up to the plan's totals. The stops' dates
are ISO text in GeoJSON (it has no date type) and ``DATE`` fields in the GeoPackage.
"""

from __future__ import annotations

import datetime as dt
import math
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import LineString, Point

from planner.export.dates import as_date
from planner.export.schedule import NotExportableError, schedule_table
from planner.season import SeasonPlan, site_xy

__all__ = [
    "PLAN_CRS",
    "geojson_bytes",
    "geopackage_bytes",
    "has_coordinates",
    "home_point",
    "plan_layers",
    "return_legs",
]

#: CRS of a plan's x/y when its totals do not name one (plans made before packs had their own).
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


def return_legs(plan: SeasonPlan) -> dict[int, tuple[float, float]]:
    """Per unit, the towing minutes and km of its way home from its last stop.

    The schedule holds the legs to each stop, the totals the season's towing including every
    unit's way home, so the ways home are the difference. With one unit (the Tiny Rathaus) that
    is exact; with several, the difference is shared in proportion to the straight-line length
    of each unit's way home (the plan does not keep the legs one by one).

    Returns
    -------
    dict
        Unit number → ``(minutes, km)``; empty when the plan has no stops.
    """
    sched = plan.schedule
    if not len(sched):
        return {}
    home = home_point(plan)
    extra_minutes = _total(plan, "tow_minutes") - float(sched["tow_minutes"].astype(float).sum())
    extra_km = _total(plan, "km_towed") - float(sched["tow_km"].astype(float).sum())
    lengths: dict[int, float] = {}
    for unit, grp in sched.groupby("unit"):
        last = grp.iloc[-1]
        far = math.hypot(float(last["x"]) - home[0], float(last["y"]) - home[1]) if home else 0.0
        lengths[int(str(unit))] = far if math.isfinite(far) else 0.0
    whole = sum(lengths.values())
    share = {
        unit: (length / whole if whole else 1 / len(lengths)) for unit, length in lengths.items()
    }
    return {
        unit: (max(extra_minutes, 0.0) * part, max(extra_km, 0.0) * part)
        for unit, part in share.items()
    }


def _total(plan: SeasonPlan, key: str) -> float:
    """A towing total of the plan (the schedule's sum when the totals do not hold it)."""
    column = "tow_minutes" if key == "tow_minutes" else "tow_km"
    value = plan.totals.get(key)
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        number = math.nan
    return number if math.isfinite(number) else float(plan.schedule[column].astype(float).sum())


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
        CRS of the layers (default: the plan's, ``plan.totals["crs"]``: the metric CRS of its
        region pack; EPSG:25832 for plans made before packs had their own).

    Raises
    ------
    NotExportableError
        The plan is infeasible, its stops have no coordinates or its home base is not among
        its sites.
    """
    sched = schedule_table(plan)
    plan_crs = str(plan.totals.get("crs") or PLAN_CRS)
    xs = plan.schedule["x"].astype(float).tolist()
    ys = plan.schedule["y"].astype(float).tolist()
    if any(pd.isna(v) for v in xs + ys):
        raise NotExportableError(
            "the plan's stops have no coordinates (x/y or geometry in the sites "
            "table); cannot write a geographic export"
        )
    stops = gpd.GeoDataFrame(
        sched, geometry=[Point(x, y) for x, y in zip(xs, ys, strict=True)], crs=plan_crs
    )
    home = home_point(plan)
    if home is None:
        raise NotExportableError(
            f"the plan's home base {plan.config.home_site_id!r} is not among its sites"
        )
    lines = []
    returns = return_legs(plan)
    for unit, grp in plan.schedule.groupby("unit"):
        points = [home, *zip(grp["x"].astype(float), grp["y"].astype(float), strict=True), home]
        back_minutes, back_km = returns.get(int(str(unit)), (0.0, 0.0))
        lines.append(
            {
                "unit": int(str(unit)),
                "stops": len(grp),
                "first_day": as_date(grp["start"].min()),
                "last_day": as_date(grp["end"].max()),
                "tow_minutes": round(float(grp["tow_minutes"].sum()) + back_minutes, 1),
                "tow_km": round(float(grp["tow_km"].sum()) + back_km, 1),
                "return_minutes": round(back_minutes, 1),
                "return_km": round(back_km, 1),
                "geometry": LineString(points),
            }
        )
    route = gpd.GeoDataFrame(lines, geometry="geometry", crs=plan_crs)
    if crs:
        stops, route = stops.to_crs(crs), route.to_crs(crs)
    return stops, route


def _iso_dates(layer: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = layer.copy()
    for c in _date_columns(out):
        out[c] = [None if d is None else d.isoformat() for d in out[c]]
    return out


def _date_columns(layer: gpd.GeoDataFrame) -> list[str]:
    return [
        str(c)
        for c in layer.columns
        if c != layer.geometry.name
        and len(layer)
        and all(isinstance(v, dt.date) or v is None for v in layer[c])
        and any(isinstance(v, dt.date) for v in layer[c])
    ]


def geojson_bytes(plan: SeasonPlan) -> tuple[bytes, bytes]:
    """The stops (points) and the route line(s) as two GeoJSON documents in EPSG:4326
    (dates as ISO text)."""
    stops, route = plan_layers(plan, crs="EPSG:4326")
    return (
        _iso_dates(stops).to_json(drop_id=True).encode("utf-8"),
        _iso_dates(route).to_json(drop_id=True).encode("utf-8"),
    )


def _write_layer(path: Path, layer: gpd.GeoDataFrame, name: str) -> None:
    """Write ``layer`` into the GeoPackage at ``path``; dates become ``DATE`` fields (geopandas
    would write them as text)."""
    import pyogrio.raw
    import shapely

    dates = set(_date_columns(layer))
    names, fields = [], []
    for c in layer.columns:
        if c == layer.geometry.name:
            continue
        values = layer[c]
        if c in dates:
            array = np.array(
                [np.datetime64("NaT") if v is None else np.datetime64(v, "D") for v in values],
                dtype="datetime64[D]",
            )
        elif pd.api.types.is_bool_dtype(values.dtype) or pd.api.types.is_numeric_dtype(
            values.dtype
        ):
            array = values.to_numpy()
        else:
            array = np.array([None if v is None else str(v) for v in values], dtype=object)
        names.append(str(c))
        fields.append(array)
    pyogrio.raw.write(
        path,
        np.array(shapely.to_wkb(layer.geometry.to_numpy()), dtype=object),
        fields,
        names,
        layer=name,
        driver="GPKG",
        geometry_type=str(layer.geom_type.iloc[0]) if len(layer) else "Unknown",
        crs=layer.crs.to_wkt() if layer.crs else None,
        append=path.exists(),
    )


def geopackage_bytes(plan: SeasonPlan, *, crs: str | None = None) -> bytes:
    """A GeoPackage with the layers ``stops`` and ``route`` (EPSG:25832 unless ``crs``); the
    stops' ``start``/``end`` and the routes' first and last day are ``DATE`` fields."""
    stops, route = plan_layers(plan, crs=crs)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.gpkg"
        _write_layer(path, stops, "stops")
        _write_layer(path, route, "route")
        return path.read_bytes()
