"""Exports of a season plan: CSV, Excel, iCalendar, GeoJSON and GeoPackage.

:func:`export_bytes` makes every export in memory (what the app offers as downloads); the
``to_*`` functions and :func:`export_all` write the same bytes to files (what the CLI does), so
there is one way to make each format.  Coordinates in the schedule (``x``, ``y``) are in
EPSG:25832 (the region pack's metric CRS); GeoJSON is written in EPSG:4326 as the format
requires, the GeoPackage keeps EPSG:25832 unless ``crs`` says otherwise.  Texts meant for people
(calendar entries, reasons in the sites sheet) are in German unless ``lang="en"``.

Every table export (the schedule CSV, the Excel sheets, the site selection's CSV, the CLI's
tables) goes through one writer: :func:`table_csv_bytes` / :func:`table_csv_text` for CSV and
:func:`excel_workbook_bytes` for .xlsx. User text is data there, never a formula: each text cell
is cleaned of characters no cell may hold and a leading ``=``, ``+``, ``-``, ``@``, tab or line
break is neutralised (OWASP CSV injection, :func:`planner.usertext.spreadsheet_text`); in .xlsx
text cells are written as strings, so no cell is ever a formula. The formats are made
independently: one that fails is named in :attr:`Exports.errors` and the others are still made.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import math
import numbers
import re
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from planner.i18n import DEFAULT_LANGUAGE, t
from planner.season import SCHEDULE_COLUMNS, SeasonPlan, _xy, unplanned_text
from planner.usertext import (
    SPREADSHEET_CELL_MAX_LENGTH,
    clean_text,
    file_stem,
    spreadsheet_text,
)

__all__ = [
    "EXPORT_FORMATS",
    "SCHEDULE_EXPORT_COLUMNS",
    "ExportPaths",
    "Exports",
    "csv_bytes",
    "excel_bytes",
    "excel_workbook_bytes",
    "export_all",
    "export_bytes",
    "geojson_bytes",
    "geopackage_bytes",
    "ics_bytes",
    "safe_table",
    "schedule_table",
    "table_csv_bytes",
    "table_csv_text",
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


# ---------------------------------------------------------------------------------------------
# The one table writer every table export uses
# ---------------------------------------------------------------------------------------------


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and math.isnan(float(value))


def _cell(value: object, *, max_length: int | None) -> object:
    """One cell as a plain Python value a table file can hold: text made safe
    (:func:`planner.usertext.spreadsheet_text`), numbers and dates kept, missing values ``None``,
    anything else as safe text."""
    if _is_missing(value):
        return None
    if isinstance(value, str):
        return spreadsheet_text(value, max_length=max_length)
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        # a spreadsheet has no infinity: write the sign (U+2212 minus, which no spreadsheet
        # reads as the start of a formula) instead of a broken file
        return number if math.isfinite(number) else ("∞" if number > 0 else "\u2212∞")
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        # spreadsheets have no time zones: keep the wall-clock time in UTC
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value
    if isinstance(value, dt.date | dt.time):
        return value
    return spreadsheet_text(str(value), max_length=max_length)


def _safe_columns(frame: pd.DataFrame, max_length: int | None) -> list[str]:
    return [str(_cell(str(c), max_length=max_length)) for c in frame.columns]


def safe_table(frame: pd.DataFrame, *, max_length: int | None = None) -> pd.DataFrame:
    """``frame`` with every text cell and column name safe for a table export.

    Parameters
    ----------
    frame
        Any table (columns may repeat; cells may hold any value).
    max_length
        Longest text of a cell (``None``: no limit).

    Returns
    -------
    pandas.DataFrame
        A copy (default index): numeric and boolean columns unchanged, other cells as
        :func:`_cell` makes them.
    """
    columns: dict[int, pd.Series] = {}
    for k in range(frame.shape[1]):
        col = frame.iloc[:, k].reset_index(drop=True)
        if pd.api.types.is_bool_dtype(col.dtype) or (
            pd.api.types.is_numeric_dtype(col.dtype)
            and not isinstance(col.dtype, pd.CategoricalDtype)
        ):
            columns[k] = col
        else:
            columns[k] = pd.Series(
                [_cell(v, max_length=max_length) for v in col], dtype=object, name=k
            )
    out = pd.DataFrame(columns, index=pd.RangeIndex(len(frame)))
    out.columns = pd.Index(_safe_columns(frame, max_length))
    return out


def table_csv_text(frame: pd.DataFrame) -> str:
    """``frame`` as CSV text (comma separated, no index), every text cell made safe.

    The one CSV writer of every table export (schedule, site selection, ``sites check``):
    no cell starts with a formula prefix unless neutralised, no cell holds a control character.
    """
    return safe_table(frame).to_csv(index=False)


def table_csv_bytes(frame: pd.DataFrame) -> bytes:
    """:func:`table_csv_text` as UTF-8 bytes (what downloads and files hold)."""
    return table_csv_text(frame).encode("utf-8")


def excel_workbook_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """An .xlsx workbook with one sheet per table (sheet name → table), in order.

    Text cells are made safe (:func:`planner.usertext.spreadsheet_text`, cut at Excel's 32,767
    characters) and stored as strings: openpyxl would read a text starting with ``=`` as a
    formula, so the cell type is set explicitly and no cell of the file is a formula.
    """
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, frame in sheets.items():
        sheet = book.create_sheet(title=str(title)[:31])
        sheet.append(_safe_columns(frame, SPREADSHEET_CELL_MAX_LENGTH))
        for r, row in enumerate(frame.itertuples(index=False, name=None), start=2):
            for c, value in enumerate(row, start=1):
                safe = _cell(value, max_length=SPREADSHEET_CELL_MAX_LENGTH)
                cell = sheet.cell(row=r, column=c, value=safe)
                if isinstance(safe, str):
                    cell.data_type = "s"
        for cell in sheet[1]:
            cell.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class Exports(dict[str, tuple[str, str, bytes]]):
    """Format key → ``(file name, MIME type, bytes)`` for each export that was made.

    Attributes
    ----------
    errors
        Format key → why that export could not be made (English; the other formats are
        still there).
    """

    def __init__(
        self,
        files: Mapping[str, tuple[str, str, bytes]] | None = None,
        *,
        errors: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(files or {})
        self.errors: dict[str, str] = dict(errors or {})


class ExportPaths(dict[str, Path]):
    """Format key → path written, with :attr:`errors` (format key → why it was not written)."""

    def __init__(
        self, paths: Mapping[str, Path] | None = None, *, errors: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(paths or {})
        self.errors: dict[str, str] = dict(errors or {})


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


# ---------------------------------------------------------------------------------------------
# Season plan exports
# ---------------------------------------------------------------------------------------------


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
    for c in df.columns:
        # names are user text: no control, bidi or surrogate character reaches any format
        # (openpyxl, UTF-8 and the GeoPackage driver reject them; a reader can be misled)
        if not pd.api.types.is_numeric_dtype(df[c].dtype):
            df[c] = pd.Series(
                [clean_text(v) if isinstance(v, str) else v for v in df[c]],
                index=df.index,
                dtype=object,
            )
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
    """The schedule as CSV (UTF-8, comma separated, ISO dates; :func:`table_csv_bytes`)."""
    return table_csv_bytes(schedule_table(plan))


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
    return excel_workbook_bytes(
        {"schedule": sched, "sites": _sites_sheet(plan, lang), "totals": totals}
    )


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
    cal.add("x-wr-calname", clean_text(calendar_name or t("export.calendar_name", lang)))
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
) -> Exports:
    """Every export of a feasible plan, in memory.

    Parameters
    ----------
    plan
        A feasible plan.
    stem
        File-name stem (made safe with :func:`planner.usertext.file_stem`).
    lang
        Language of the texts for people.

    Returns
    -------
    Exports
        Format key of :data:`EXPORT_FORMATS` → ``(file name, MIME type, bytes)``; the
        geographic formats only when the stops have coordinates. A format that could not be
        made is missing and named with the reason in ``.errors``; the others are there.

    Raises
    ------
    ValueError
        For an infeasible plan (nothing to export).
    """
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,80}", stem):  # already safe stems stay as they are
        stem = file_stem(stem, default="season")
    schedule_table(plan)  # an infeasible plan has no export at all (raises ValueError)
    makers: dict[str, Callable[[], Any]] = {
        "csv": lambda: csv_bytes(plan),
        "xlsx": lambda: excel_bytes(plan, lang=lang),
        "ics": lambda: ics_bytes(plan, lang=lang),
    }
    if _has_coordinates(plan):
        makers["geojson"] = lambda: geojson_bytes(plan)
        makers["gpkg"] = lambda: geopackage_bytes(plan)
    data: dict[str, bytes] = {}
    errors: dict[str, str] = {}
    for key, make in makers.items():
        # each format on its own: one that fails must not take the others with it
        try:
            made = make()
        except Exception as exc:  # any failure is reported for its format alone
            errors[key] = _error_text(exc)
            if key == "geojson":
                errors["route_geojson"] = errors[key]
            continue
        if key == "geojson":
            data["geojson"], data["route_geojson"] = made
        else:
            data[key] = made
    return Exports(
        {
            key: (f"{stem}{EXPORT_FORMATS[key][0]}", EXPORT_FORMATS[key][1], data[key])
            for key in EXPORT_FORMATS
            if key in data
        },
        errors={key: errors[key] for key in EXPORT_FORMATS if key in errors},
    )


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
) -> ExportPaths:
    """Write every export of :func:`export_bytes` into ``out_dir``.

    Returns
    -------
    ExportPaths
        Format key → path written; a format that could not be made or written is named with
        the reason in ``.errors`` and the others are still written.

    Raises
    ------
    ValueError
        For an infeasible plan.
    OSError
        When ``out_dir`` cannot be created.
    """
    d = Path(out_dir)
    d.mkdir(parents=True, exist_ok=True)
    files = export_bytes(plan, stem=stem, lang=lang)
    out = ExportPaths(errors=files.errors)
    for key, (name, _mime, data) in files.items():
        path = d / name
        try:
            path.write_bytes(data)
        except OSError as exc:
            out.errors[key] = f"{path}: {_error_text(exc)}"
            continue
        out[key] = path
    return out
