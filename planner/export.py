"""Exports of a season plan: CSV, Excel, iCalendar, GeoJSON and GeoPackage.

All functions take a :class:`planner.season.SeasonPlan` and a target path and return the
path written.  Coordinates in the schedule (``x``, ``y``) are in EPSG:25832 (the region
pack's metric CRS); GeoJSON is written in EPSG:4326 as the format requires, the
GeoPackage keeps EPSG:25832 unless ``crs`` says otherwise.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pandas as pd

from planner.season import SeasonPlan, _xy

__all__ = [
    "SCHEDULE_EXPORT_COLUMNS",
    "export_all",
    "schedule_table",
    "to_csv",
    "to_excel",
    "to_geojson",
    "to_geopackage",
    "to_ics",
]

SCHEDULE_EXPORT_COLUMNS = [
    "stop", "unit", "site_id", "name", "municipality", "district", "area_class", "start", "end",
    "open_days", "tow_minutes", "tow_km", "score", "population_new", "locked",
]
PLAN_CRS = "EPSG:25832"


def schedule_table(plan: SeasonPlan) -> pd.DataFrame:
    """The schedule as exported (ISO dates, rounded towing figures).

    Parameters
    ----------
    plan
        A feasible plan.

    Returns
    -------
    pandas.DataFrame
    """
    if not plan.feasible:
        raise ValueError(f"cannot export an infeasible plan: {plan.explain()}")
    df = plan.schedule[SCHEDULE_EXPORT_COLUMNS].copy()
    df["start"] = [d.isoformat() for d in df["start"]]
    df["end"] = [d.isoformat() for d in df["end"]]
    for c in ("tow_minutes", "tow_km"):
        df[c] = df[c].astype(float).round(1)
    return df


def to_csv(plan: SeasonPlan, path: str | Path) -> Path:
    """Write the schedule as CSV (UTF-8, comma separated, ISO dates)."""
    p = Path(path)
    schedule_table(plan).to_csv(p, index=False, encoding="utf-8")
    return p


def _sites_sheet(plan: SeasonPlan) -> pd.DataFrame:
    df = pd.DataFrame(plan.sites).drop(columns=["geometry"], errors="ignore").copy()
    chosen = plan.schedule.set_index("site_id")["stop"].to_dict()
    df.insert(0, "stop", [chosen.get(s) for s in df["site_id"]])
    reasons = plan.unplanned.set_index("site_id")["reason"].to_dict()
    df["in_plan"] = df["site_id"].isin(chosen)
    df["reason_not_planned"] = [reasons.get(s, "") for s in df["site_id"]]
    for c in df.columns:
        if df[c].dtype == object:
            df[c] = df[c].map(lambda v: v if v is None or isinstance(v, str | int | float | bool
                                                                       | dt.date) else str(v))
    return df


def to_excel(plan: SeasonPlan, path: str | Path) -> Path:
    """Write an .xlsx workbook with the sheets ``schedule``, ``sites`` and ``totals``."""
    p = Path(path)
    sched = schedule_table(plan)
    totals = pd.DataFrame(
        [{"total": k, "value": str(v) if isinstance(v, dict) else v}
         for k, v in plan.totals.items()]
    )
    with pd.ExcelWriter(p, engine="openpyxl") as xw:
        sched.to_excel(xw, sheet_name="schedule", index=False)
        _sites_sheet(plan).to_excel(xw, sheet_name="sites", index=False)
        totals.to_excel(xw, sheet_name="totals", index=False)
    return p


def to_ics(
    plan: SeasonPlan,
    path: str | Path,
    *,
    calendar_name: str = "Tiny Rathaus season",
    uid_domain: str = "tiny-rathaus.kielregion",
) -> Path:
    """Write an iCalendar file: one all-day VEVENT per stop.

    DTSTART is the first open day, DTEND the day after the last (exclusive, as RFC 5545
    requires for all-day events); LOCATION is the site and municipality; DESCRIPTION
    gives the district, open days and towing from the previous stop.  UIDs are stable
    for the same site and dates, so re-importing an updated plan updates the events.
    """
    from icalendar import Calendar, Event

    p = Path(path)
    cal = Calendar()
    cal.add("prodid", "-//Tiny Rathaus Tourplaner//season planner//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", calendar_name)
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    for _, r in schedule_table(plan).iterrows():
        start = dt.date.fromisoformat(r["start"])
        end = dt.date.fromisoformat(r["end"])
        ev = Event()
        key = f"{r['site_id']}|{start.isoformat()}|{end.isoformat()}|{r['unit']}"
        uid = hashlib.sha1(key.encode()).hexdigest()[:20]
        ev.add("uid", f"{uid}@{uid_domain}")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", start)
        ev.add("dtend", end + dt.timedelta(days=1))
        ev.add("summary", f"Tiny Rathaus: {r['name']} (stop {r['stop']})")
        ev.add("location", f"{r['name']}, {r['municipality']}")
        ev.add("description", (
            f"Stop {r['stop']} of the season (unit {r['unit']}): {r['name']}, "
            f"{r['municipality']}, {r['district']} ({r['area_class']}). "
            f"{r['open_days']} open days from {start.isoformat()} to {end.isoformat()}. "
            f"Towing from the previous stop: {r['tow_minutes']} min, {r['tow_km']} km."
        ))
        ev.add("transp", "TRANSPARENT")
        cal.add_component(ev)
    p.write_bytes(cal.to_ical())
    return p


def _geo(plan: SeasonPlan, crs: str | None) -> tuple[object, object]:
    import geopandas as gpd
    from shapely.geometry import LineString, Point

    sched = schedule_table(plan)
    xs = plan.schedule["x"].astype(float).tolist()
    ys = plan.schedule["y"].astype(float).tolist()
    if any(pd.isna(v) for v in xs + ys):
        raise ValueError("the plan's stops have no coordinates (x/y or geometry in the sites "
                         "table); cannot write a geographic export")
    stops = gpd.GeoDataFrame(sched, geometry=[Point(x, y) for x, y in zip(xs, ys, strict=True)],
                             crs=PLAN_CRS)
    sites = plan.sites.reset_index(drop=True)
    home_i = sites.index[sites["site_id"] == plan.config.home_site_id][0]
    hx, hy = _xy(sites)
    home = (float(hx[home_i]), float(hy[home_i]))
    lines = []
    for u, grp in plan.schedule.groupby("unit"):
        pts = [home, *zip(grp["x"].astype(float), grp["y"].astype(float), strict=True), home]
        lines.append({"unit": int(str(u)), "stops": len(grp),
                      "tow_minutes": round(float(grp["tow_minutes"].sum()), 1),
                      "geometry": LineString(pts)})
    route = gpd.GeoDataFrame(lines, geometry="geometry", crs=PLAN_CRS)
    if crs:
        stops, route = stops.to_crs(crs), route.to_crs(crs)
    return stops, route


def to_geojson(plan: SeasonPlan, path: str | Path, *, route_path: str | Path | None = None
               ) -> Path:
    """Write the stops (points) as GeoJSON in EPSG:4326; the route line(s) to ``route_path``
    (default: ``<stem>_route.geojson`` next to ``path``)."""
    p = Path(path)
    stops, route = _geo(plan, "EPSG:4326")
    stops.to_file(p, driver="GeoJSON")  # type: ignore[attr-defined]
    rp = Path(route_path) if route_path else p.with_name(p.stem + "_route.geojson")
    route.to_file(rp, driver="GeoJSON")  # type: ignore[attr-defined]
    return p


def to_geopackage(plan: SeasonPlan, path: str | Path, *, crs: str | None = None) -> Path:
    """Write layers ``stops`` and ``route`` to a GeoPackage (EPSG:25832 unless ``crs``)."""
    p = Path(path)
    stops, route = _geo(plan, crs)
    stops.to_file(p, layer="stops", driver="GPKG")  # type: ignore[attr-defined]
    route.to_file(p, layer="route", driver="GPKG")  # type: ignore[attr-defined]
    return p


def export_all(plan: SeasonPlan, out_dir: str | Path, *, stem: str = "season") -> dict[str, Path]:
    """Write every export into ``out_dir``; geographic ones only if stops have coordinates.

    Returns
    -------
    dict
        Format → path written.
    """
    d = Path(out_dir)
    d.mkdir(parents=True, exist_ok=True)
    out = {
        "csv": to_csv(plan, d / f"{stem}.csv"),
        "xlsx": to_excel(plan, d / f"{stem}.xlsx"),
        "ics": to_ics(plan, d / f"{stem}.ics"),
    }
    if len(plan.schedule) and not plan.schedule[["x", "y"]].isna().any().any():
        out["geojson"] = to_geojson(plan, d / f"{stem}_stops.geojson",
                                    route_path=d / f"{stem}_route.geojson")
        out["gpkg"] = to_geopackage(plan, d / f"{stem}.gpkg")
    return out
