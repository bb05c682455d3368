"""Exports of a season plan: CSV, Excel, iCalendar, GeoJSON and GeoPackage.

:func:`export_bytes` makes every export in memory (what the app offers as downloads); the
``to_*`` functions and :func:`export_all` write the same bytes to files (what the CLI does), so
there is one way to make each format.  Coordinates in the schedule (``x``, ``y``) are in
EPSG:25832 (the region pack's metric CRS); GeoJSON is written in EPSG:4326 as the format
requires, the GeoPackage keeps EPSG:25832 unless ``crs`` says otherwise.  Texts meant for people
(calendar entries, reasons in the sites sheet) are in German unless ``lang="en"``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import tempfile
from pathlib import Path

import pandas as pd

from planner.i18n import DEFAULT_LANGUAGE, t
from planner.season import SCHEDULE_COLUMNS, SeasonPlan, _xy, unplanned_text

__all__ = [
    "EXPORT_FORMATS",
    "SCHEDULE_EXPORT_COLUMNS",
    "csv_bytes",
    "excel_bytes",
    "export_all",
    "export_bytes",
    "file_stem",
    "geojson_bytes",
    "geopackage_bytes",
    "ics_bytes",
    "schedule_table",
    "to_csv",
    "to_excel",
    "to_geojson",
    "to_geopackage",
    "to_ics",
]

#: The schedule columns people read (coordinates go into the geodata exports instead).
SCHEDULE_EXPORT_COLUMNS = [c for c in SCHEDULE_COLUMNS if c not in ("x", "y")]
PLAN_CRS = "EPSG:25832"
#: Export formats: key → (file-name suffix after the stem, MIME type).
EXPORT_FORMATS: dict[str, tuple[str, str]] = {
    "csv": (".csv", "text/csv"),
    "xlsx": (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "ics": (".ics", "text/calendar"),
    "geojson": ("_stops.geojson", "application/geo+json"),
    "route_geojson": ("_route.geojson", "application/geo+json"),
    "gpkg": (".gpkg", "application/geopackage+sqlite3"),
}


def file_stem(text: str, *, default: str = "season") -> str:
    """A file-name-safe stem made from ``text`` (letters, digits, ``_`` and ``-``)."""
    return re.sub(r"[^\w-]+", "_", text.strip()).strip("_").lower() or default


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
        raise ValueError(f"cannot export an infeasible plan: {plan.explain('en')}")
    df = plan.schedule[SCHEDULE_EXPORT_COLUMNS].copy()
    df["start"] = [_iso(d) for d in df["start"]]
    df["end"] = [_iso(d) for d in df["end"]]
    for c in ("tow_minutes", "tow_km"):
        df[c] = df[c].astype(float).round(1)
    return df


def _iso(value: object) -> str:
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)[:10]


def csv_bytes(plan: SeasonPlan) -> bytes:
    """The schedule as CSV (UTF-8, comma separated, ISO dates)."""
    return schedule_table(plan).to_csv(index=False).encode("utf-8")


def _sites_sheet(plan: SeasonPlan, lang: str) -> pd.DataFrame:
    df = pd.DataFrame(plan.sites).drop(columns=["geometry"], errors="ignore").copy()
    chosen = plan.schedule.set_index("site_id")["stop"].to_dict()
    df.insert(0, "stop", [chosen.get(s) for s in df["site_id"]])
    reasons = unplanned_text(plan.unplanned, lang).set_index("site_id")["reason"].to_dict()
    df["in_plan"] = df["site_id"].isin(chosen)
    df["reason_not_planned"] = [reasons.get(s, "") for s in df["site_id"]]
    for c in df.columns:
        if df[c].dtype == object:
            df[c] = df[c].map(
                lambda v: (
                    v if v is None or isinstance(v, str | int | float | bool | dt.date) else str(v)
                )
            )
    return df


def excel_bytes(plan: SeasonPlan, *, lang: str = DEFAULT_LANGUAGE) -> bytes:
    """An .xlsx workbook with the sheets ``schedule``, ``sites`` and ``totals``."""
    sched = schedule_table(plan)
    totals = pd.DataFrame(
        [
            {"total": k, "value": str(v) if isinstance(v, dict) else v}
            for k, v in plan.totals.items()
        ]
    )
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as xw:
        sched.to_excel(xw, sheet_name="schedule", index=False)
        _sites_sheet(plan, lang).to_excel(xw, sheet_name="sites", index=False)
        totals.to_excel(xw, sheet_name="totals", index=False)
    return buffer.getvalue()


def ics_bytes(
    plan: SeasonPlan,
    *,
    lang: str = DEFAULT_LANGUAGE,
    calendar_name: str | None = None,
    uid_domain: str = "tiny-rathaus.kielregion",
) -> bytes:
    """An iCalendar file: one all-day VEVENT per stop.

    DTSTART is the first open day, DTEND the day after the last (exclusive, as RFC 5545
    requires for all-day events); LOCATION is the site and municipality; DESCRIPTION
    gives the district, open days and towing from the previous stop.  UIDs are stable
    for the same site and dates, so re-importing an updated plan updates the events.
    """
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//Tiny Rathaus Tourplaner//season planner//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", calendar_name or t("export.calendar_name", lang))
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
        ev.add("summary", t("export.summary", lang, name=r["name"], stop=int(r["stop"])))
        ev.add("location", f"{r['name']}, {r['municipality']}")
        ev.add(
            "description",
            t(
                "export.description",
                lang,
                stop=int(r["stop"]),
                unit=int(r["unit"]),
                name=r["name"],
                municipality=r["municipality"],
                district=r["district"],
                area=t(f"area.{r['area_class']}", lang),
                open_days=int(r["open_days"]),
                start=start.isoformat(),
                end=end.isoformat(),
                tow_minutes=float(r["tow_minutes"]),
                tow_km=float(r["tow_km"]),
            ),
        )
        ev.add("transp", "TRANSPARENT")
        cal.add_component(ev)
    return bytes(cal.to_ical())


def _geo(plan: SeasonPlan, crs: str | None) -> tuple[object, object]:
    import geopandas as gpd
    from shapely.geometry import LineString, Point

    sched = schedule_table(plan)
    xs = plan.schedule["x"].astype(float).tolist()
    ys = plan.schedule["y"].astype(float).tolist()
    if any(pd.isna(v) for v in xs + ys):
        raise ValueError(
            "the plan's stops have no coordinates (x/y or geometry in the sites "
            "table); cannot write a geographic export"
        )
    stops = gpd.GeoDataFrame(
        sched, geometry=[Point(x, y) for x, y in zip(xs, ys, strict=True)], crs=PLAN_CRS
    )
    sites = plan.sites.reset_index(drop=True)
    home_i = sites.index[sites["site_id"] == plan.config.home_site_id][0]
    hx, hy = _xy(sites)
    home = (float(hx[home_i]), float(hy[home_i]))
    lines = []
    for u, grp in plan.schedule.groupby("unit"):
        pts = [home, *zip(grp["x"].astype(float), grp["y"].astype(float), strict=True), home]
        lines.append(
            {
                "unit": int(str(u)),
                "stops": len(grp),
                "tow_minutes": round(float(grp["tow_minutes"].sum()), 1),
                "geometry": LineString(pts),
            }
        )
    route = gpd.GeoDataFrame(lines, geometry="geometry", crs=PLAN_CRS)
    if crs:
        stops, route = stops.to_crs(crs), route.to_crs(crs)
    return stops, route


def _has_coordinates(plan: SeasonPlan) -> bool:
    return bool(len(plan.schedule)) and not plan.schedule[["x", "y"]].isna().any().any()


def geojson_bytes(plan: SeasonPlan) -> tuple[bytes, bytes]:
    """The stops (points) and the route line(s) as two GeoJSON documents in EPSG:4326."""
    stops, route = _geo(plan, "EPSG:4326")
    return (
        stops.to_json(drop_id=True).encode("utf-8"),  # type: ignore[attr-defined]
        route.to_json(drop_id=True).encode("utf-8"),  # type: ignore[attr-defined]
    )


def geopackage_bytes(plan: SeasonPlan, *, crs: str | None = None) -> bytes:
    """A GeoPackage with the layers ``stops`` and ``route`` (EPSG:25832 unless ``crs``)."""
    stops, route = _geo(plan, crs)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.gpkg"
        stops.to_file(path, layer="stops", driver="GPKG")  # type: ignore[attr-defined]
        route.to_file(path, layer="route", driver="GPKG")  # type: ignore[attr-defined]
        return path.read_bytes()


def export_bytes(
    plan: SeasonPlan, *, stem: str = "season", lang: str = DEFAULT_LANGUAGE
) -> dict[str, tuple[str, str, bytes]]:
    """Every export of a feasible plan, in memory.

    Parameters
    ----------
    plan
        A feasible plan.
    stem
        File-name stem (made safe with :func:`file_stem`).
    lang
        Language of the texts for people.

    Returns
    -------
    dict
        Format key of :data:`EXPORT_FORMATS` → ``(file name, MIME type, bytes)``; the
        geographic formats only when the stops have coordinates.
    """
    stem = file_stem(stem)
    data: dict[str, bytes] = {
        "csv": csv_bytes(plan),
        "xlsx": excel_bytes(plan, lang=lang),
        "ics": ics_bytes(plan, lang=lang),
    }
    if _has_coordinates(plan):
        data["geojson"], data["route_geojson"] = geojson_bytes(plan)
        data["gpkg"] = geopackage_bytes(plan)
    return {
        key: (f"{stem}{EXPORT_FORMATS[key][0]}", EXPORT_FORMATS[key][1], data[key])
        for key in EXPORT_FORMATS
        if key in data
    }


def to_csv(plan: SeasonPlan, path: str | Path) -> Path:
    """Write :func:`csv_bytes` to ``path``."""
    p = Path(path)
    p.write_bytes(csv_bytes(plan))
    return p


def to_excel(plan: SeasonPlan, path: str | Path, *, lang: str = DEFAULT_LANGUAGE) -> Path:
    """Write :func:`excel_bytes` to ``path``."""
    p = Path(path)
    p.write_bytes(excel_bytes(plan, lang=lang))
    return p


def to_ics(
    plan: SeasonPlan,
    path: str | Path,
    *,
    lang: str = DEFAULT_LANGUAGE,
    calendar_name: str | None = None,
    uid_domain: str = "tiny-rathaus.kielregion",
) -> Path:
    """Write :func:`ics_bytes` to ``path``."""
    p = Path(path)
    p.write_bytes(ics_bytes(plan, lang=lang, calendar_name=calendar_name, uid_domain=uid_domain))
    return p


def to_geojson(plan: SeasonPlan, path: str | Path, *, route_path: str | Path | None = None) -> Path:
    """Write the stops as GeoJSON to ``path`` and the route to ``route_path`` (default:
    ``<stem>_route.geojson`` next to ``path``); both from :func:`geojson_bytes`."""
    p = Path(path)
    stops, route = geojson_bytes(plan)
    p.write_bytes(stops)
    rp = Path(route_path) if route_path else p.with_name(p.stem + "_route.geojson")
    rp.write_bytes(route)
    return p


def to_geopackage(plan: SeasonPlan, path: str | Path, *, crs: str | None = None) -> Path:
    """Write :func:`geopackage_bytes` to ``path``."""
    p = Path(path)
    p.write_bytes(geopackage_bytes(plan, crs=crs))
    return p


def export_all(
    plan: SeasonPlan,
    out_dir: str | Path,
    *,
    stem: str = "season",
    lang: str = DEFAULT_LANGUAGE,
) -> dict[str, Path]:
    """Write every export of :func:`export_bytes` into ``out_dir``.

    Returns
    -------
    dict
        Format key → path written.
    """
    d = Path(out_dir)
    d.mkdir(parents=True, exist_ok=True)
    out: dict[str, Path] = {}
    for key, (name, _mime, data) in export_bytes(plan, stem=stem, lang=lang).items():
        path = d / name
        path.write_bytes(data)
        out[key] = path
    return out
