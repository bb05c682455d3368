"""Glue between the pages and the library, without Streamlit (so it is testable on its own).

Every function here is pure: it takes tables and settings and returns tables, plans or bytes.
:mod:`app_pages.cache` wraps the heavy ones in Streamlit's caches.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from planner import scoring
from planner.cache import content_hash
from planner.maps import stops_frame
from planner.pack import RegionPack
from planner.scenarios import frame_from_json, frame_to_json
from planner.season import Booking, SeasonConfig, SeasonPlan, plan_season
from planner.sites import SITE_COLUMNS, with_default_facts
from planner.traveltime import TravelModel, travel_time_matrix

#: Site used as home base when none is chosen (Kiel's official midpoint, near the town hall).
DEFAULT_HOME_SITE = "centre-01002000"
#: District names as the quotas name them.
QUOTA_DISTRICTS: dict[str, str] = {
    "quota_kiel": "Kiel",
    "quota_ploen": "Plön",
    "quota_rdeck": "Rendsburg-Eckernförde",
}


def slug(text: str) -> str:
    """A file-name-safe version of ``text``."""
    return re.sub(r"[^\w-]+", "_", text.strip()).strip("_").lower() or "plan"


# --- sites ------------------------------------------------------------------------------------


def apply_site_changes(
    base: gpd.GeoDataFrame,
    *,
    edits: Mapping[str, Mapping[str, Any]] | None,
    added: gpd.GeoDataFrame | None,
) -> gpd.GeoDataFrame:
    """The candidate sites with the planner's edits applied and added sites appended."""
    parts = [base]
    if added is not None and len(added):
        parts.append(added.to_crs(base.crs)[[*SITE_COLUMNS, "geometry"]])
    sites = pd.concat(parts, ignore_index=True) if len(parts) > 1 else base.copy()
    sites = gpd.GeoDataFrame(sites, geometry="geometry", crs=base.crs)
    for site_id, facts in (edits or {}).items():
        mask = (sites["site_id"] == site_id).to_numpy()
        if not mask.any():
            continue
        for column, value in facts.items():
            if column in sites.columns and column not in ("site_id", "geometry"):
                sites.loc[mask, column] = value
    return with_default_facts(sites)


def sites_from_payload(base: gpd.GeoDataFrame, payload: Mapping[str, Any]) -> gpd.GeoDataFrame:
    """The sites of a scenario payload (see :func:`app_pages.state.scenario_payload`)."""
    added_json = payload.get("user_sites")
    added = frame_from_json(added_json) if added_json else None
    assert added is None or isinstance(added, gpd.GeoDataFrame)
    return apply_site_changes(base, edits=payload.get("site_edits"), added=added)


def filter_sites(
    sites: pd.DataFrame,
    *,
    districts: list[str] | None = None,
    areas: list[str] | None = None,
    kinds: list[str] | None = None,
) -> pd.DataFrame:
    """Rows matching the filters (an empty or missing filter keeps everything)."""
    mask = np.ones(len(sites), dtype=bool)
    if districts:
        mask &= sites["district"].isin(districts).to_numpy()
    if areas:
        mask &= sites["area_class"].isin(areas).to_numpy()
    if kinds:
        mask &= sites["kind"].isin(kinds).to_numpy()
    return sites[mask]


# --- travel times for the season ----------------------------------------------------------------


def _xy(frame: gpd.GeoDataFrame) -> np.ndarray:
    return np.column_stack([frame.geometry.x, frame.geometry.y]).astype(float)


def season_inputs(
    pack: RegionPack,
    sites: gpd.GeoDataFrame,
    *,
    threshold_min: float,
    model: TravelModel,
) -> dict[str, Any]:
    """Towing matrix between sites and coverage sets, as :func:`planner.season.plan_season` wants.

    Returns
    -------
    dict
        ``minutes``, ``km`` (sites × sites), ``coverage`` (site_id → populated cell ids within
        ``threshold_min``) and ``cell_population`` (cell id → people).
    """
    xy = _xy(sites)
    tow = travel_time_matrix(xy, xy, model=model)
    cells = pack.cells[pack.cells["population"] > 0]
    cell_xy = cells[["x", "y"]].to_numpy(dtype=float)
    reach = travel_time_matrix(xy, cell_xy, model=model).minutes <= threshold_min
    ids = cells["cell_id"].astype(str).to_numpy()
    coverage = {str(site_id): ids[reach[i]].tolist() for i, site_id in enumerate(sites["site_id"])}
    population = dict(zip(ids.tolist(), cells["population"].astype(float), strict=True))
    return {
        "minutes": tow.minutes,
        "km": tow.km,
        "coverage": coverage,
        "cell_population": population,
        "model": tow.model,
        "description": tow.description,
    }


# --- season --------------------------------------------------------------------------------------


def parse_blackouts(text: str) -> tuple[dict[dt.date, str], list[str]]:
    """Blackout dates from free text (one ISO date or ``from..to`` range per line or comma).

    Returns
    -------
    tuple
        ``(dates → reason, bad entries)``.
    """
    dates: dict[dt.date, str] = {}
    bad: list[str] = []
    for raw in re.split(r"[,;\n]+", text or ""):
        entry = raw.strip()
        if not entry:
            continue
        try:
            if ".." in entry:
                first, last = (dt.date.fromisoformat(p.strip()) for p in entry.split("..", 1))
                if last < first:
                    raise ValueError(entry)
                day = first
                while day <= last:
                    dates[day] = "Sperrtermin"
                    day += dt.timedelta(days=1)
            else:
                dates[dt.date.fromisoformat(entry)] = "Sperrtermin"
        except ValueError:
            bad.append(entry)
    return dates, bad


def season_config(
    settings: Mapping[str, Any],
    *,
    sites: pd.DataFrame,
    bookings: tuple[Booking, ...] = (),
) -> tuple[SeasonConfig | None, list[tuple[str, str]]]:
    """Build the season's rules from the page's settings.

    Returns
    -------
    tuple
        ``(config or None, problems)``; each problem is ``(field, message)`` for the page to show
        next to the setting, nothing entered is dropped.
    """
    problems: list[tuple[str, str]] = []
    blackouts, bad = parse_blackouts(str(settings.get("blackouts", "")))
    problems.extend(("blackouts", value) for value in bad)
    home = str(settings.get("home_site") or DEFAULT_HOME_SITE)
    if home not in set(sites["site_id"]):
        problems.append(("home_site", home))
    quotas = {
        name: int(settings.get(key, 0) or 0)
        for key, name in QUOTA_DISTRICTS.items()
        if int(settings.get(key, 0) or 0) > 0
    }
    if problems:
        return None, problems
    try:
        config = SeasonConfig(
            start=settings["start"],
            end=settings["end"],
            home_site_id=home,
            blackout_dates=blackouts,
            stay_days=int(settings.get("stay_days", 5)),
            max_tow_minutes=float(settings.get("max_tow_min") or 0) or None,
            district_quotas=quotas,
            min_rural_share=float(settings.get("min_rural_share", 0.0)),
            municipality_gap_days=int(settings.get("min_revisit_days", 0)),
            bookings=bookings,
            weight_score=1.0,  # score points (0..100 per stop)
            weight_coverage=1.0 / 1_000.0,  # one point per 1,000 people newly covered
            weight_tow=0.05,  # minus one point per 20 minutes of towing
            time_limit=float(settings.get("time_limit_s", 20)),
        )
    except (ValueError, TypeError) as exc:
        return None, [("config", str(exc))]
    return config, []


def run_season(
    sites: gpd.GeoDataFrame,
    scores: pd.Series,
    inputs: Mapping[str, Any],
    config: SeasonConfig,
) -> SeasonPlan:
    """Plan the season on ``sites`` with their ``scores`` (indexed by site_id)."""
    table = pd.DataFrame(sites.drop(columns="geometry"))
    table["x"] = sites.geometry.x.to_numpy()
    table["y"] = sites.geometry.y.to_numpy()
    table["score"] = scores.reindex(table["site_id"]).fillna(0.0).to_numpy()
    return plan_season(
        table,
        inputs["minutes"],
        km=inputs["km"],
        config=config,
        coverage=inputs["coverage"],
        cell_population=inputs["cell_population"],
    )


def plan_to_state(plan: SeasonPlan) -> dict[str, Any]:
    """A plan as JSON-compatible session state / scenario content."""
    return {
        "status": plan.status,
        "schedule": frame_to_json(plan.schedule),
        "unplanned": frame_to_json(plan.unplanned),
        "totals": _plain_totals(plan.totals),
        "diagnosis": [
            {
                "rule": d.rule,
                "message": d.message,
                "relaxation": d.relaxation,
                "relaxed_feasible": d.relaxed_feasible,
                "relaxed_value": d.relaxed_value,
                "relaxed_stops": d.relaxed_stops,
            }
            for d in plan.diagnosis
        ],
    }


def _plain_totals(totals: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in totals.items():
        if isinstance(value, Mapping):
            out[key] = _plain_totals(value)
        elif isinstance(value, np.generic):
            out[key] = value.item()
        elif isinstance(value, float) and not np.isfinite(value):
            out[key] = None
        elif isinstance(value, dt.date):
            out[key] = value.isoformat()
        else:
            out[key] = value
    return out


def schedule_frame(plan_state: Mapping[str, Any] | None) -> pd.DataFrame:
    """The schedule table of a stored plan (dates as :class:`datetime.date`)."""
    if not plan_state or not plan_state.get("schedule"):
        return pd.DataFrame(columns=["stop", "site_id", "name", "start", "end"])
    frame = frame_from_json(plan_state["schedule"])
    for column in ("start", "end"):
        if column in frame.columns:
            frame[column] = [_to_date(v) for v in frame[column]]
    return pd.DataFrame(frame)


def unplanned_frame(plan_state: Mapping[str, Any] | None) -> pd.DataFrame:
    """The table of candidates not in the plan, with the reason."""
    if not plan_state or not plan_state.get("unplanned"):
        return pd.DataFrame(columns=["site_id", "name", "district", "reason"])
    return pd.DataFrame(frame_from_json(plan_state["unplanned"]))


def _to_date(value: object) -> dt.date | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def locked_bookings(schedule: pd.DataFrame, stops: list[int]) -> tuple[Booking, ...]:
    """Bookings that keep the given stops (by number) on their site and dates."""
    rows = schedule[schedule["stop"].isin(stops)]
    return tuple(
        Booking(site_id=str(r["site_id"]), start=r["start"], end=r["end"], locked=True)
        for r in rows.to_dict("records")
    )


def stops_for_map(schedule: pd.DataFrame, sites: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Planned stops as points (schedule order) for the coverage map."""
    columns = [
        c
        for c in ("site_id", "stop", "name", "start", "end", "municipality", "district")
        if c in schedule.columns
    ]
    records = schedule[columns].to_dict("records") if len(schedule) else []
    return stops_frame(records, sites=sites)


def stops_key(stops: gpd.GeoDataFrame) -> str:
    """Content hash of the stops shown on a map."""
    if len(stops) == 0:
        return "none"
    table = stops.drop(columns="geometry").astype(str).to_numpy().tolist()
    return content_hash(table, [(round(g.x, 1), round(g.y, 1)) for g in stops.geometry])


# --- scoring -----------------------------------------------------------------------------------

#: Criteria the weights apply to, in display order (keys of :data:`planner.scoring.CRITERIA`).
CRITERIA: tuple[str, ...] = tuple(scoring.CRITERIA)
#: Starting weights of the sliders.
DEFAULT_WEIGHTS: dict[str, float] = dict(scoring.DEFAULT_WEIGHTS)


def site_criteria(
    pack: RegionPack,
    sites: gpd.GeoDataFrame,
    *,
    threshold_min: float,
    model: TravelModel,
    season: tuple[dt.date, dt.date] | None = None,
) -> scoring.SiteCriteria:
    """Every criterion of every site (the slow, weight-independent step)."""
    return scoring.compute_criteria(
        pack, sites=sites, threshold_min=threshold_min, model=model, season=season
    )


def full_weights(weights: Mapping[str, float]) -> dict[str, float]:
    """A weight for every criterion (slider values, defaults for the rest; never all zero)."""
    full = {c: float(weights.get(c, DEFAULT_WEIGHTS.get(c, 0.0))) for c in CRITERIA}
    return full if sum(full.values()) > 0 else dict(DEFAULT_WEIGHTS)


def show_value(value: object, lang: str) -> str:
    """A criterion value for people: rounded numbers, translated fact words."""
    from planner.i18n import CATALOGUE, t

    if isinstance(value, float | int | np.number) and not isinstance(value, bool):
        number = float(value)
        text = f"{number:,.0f}" if abs(number) >= 10 else f"{number:,.2f}"
        if lang == "de":
            text = text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")
        return text
    key = "fact." + str(value).replace(" ", "_")
    return t(key, lang) if key in CATALOGUE else str(value)


def rank_sites(criteria: scoring.SiteCriteria, *, weights: Mapping[str, float]) -> pd.DataFrame:
    """Score (0..100) and rank for ``weights``; index ``site_id``, ``pts_<criterion>`` parts."""
    return scoring.score_sites(criteria, full_weights(weights)).set_index("site_id")


# --- exports -------------------------------------------------------------------------------------

#: Export formats: key → (file suffix, MIME type).
EXPORT_FORMATS: dict[str, tuple[str, str]] = {
    "csv": (".csv", "text/csv"),
    "xlsx": (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "ics": (".ics", "text/calendar"),
    "geojson": (".geojson", "application/geo+json"),
    "route_geojson": ("_route.geojson", "application/geo+json"),
    "gpkg": (".gpkg", "application/geopackage+sqlite3"),
}


def plan_from_state(
    plan_state: Mapping[str, Any], *, sites: gpd.GeoDataFrame, config: SeasonConfig
) -> SeasonPlan:
    """Rebuild a :class:`~planner.season.SeasonPlan` from stored state (for exports)."""
    table = pd.DataFrame(sites.drop(columns="geometry"))
    table["x"] = sites.geometry.x.to_numpy()
    table["y"] = sites.geometry.y.to_numpy()
    return SeasonPlan(
        status=str(plan_state.get("status", "feasible")),
        schedule=schedule_frame(plan_state),
        totals=dict(plan_state.get("totals") or {}),
        unplanned=unplanned_frame(plan_state),
        diagnosis=[],
        config=config,
        sites=table,
    )


def export_files(plan: SeasonPlan, *, stem: str = "saison") -> dict[str, tuple[str, str, bytes]]:
    """Every export of a plan as ``key → (file name, MIME type, bytes)``."""
    import tempfile
    from pathlib import Path

    from planner import export

    out: dict[str, tuple[str, str, bytes]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        export.to_csv(plan, folder / f"{stem}.csv")
        export.to_excel(plan, folder / f"{stem}.xlsx")
        export.to_ics(plan, folder / f"{stem}.ics", calendar_name="Tiny Rathaus Saison")
        export.to_geojson(plan, folder / f"{stem}.geojson")
        export.to_geopackage(plan, folder / f"{stem}.gpkg")
        for key, (suffix, mime) in EXPORT_FORMATS.items():
            path = folder / f"{stem}{suffix}"
            out[key] = (path.name, mime, path.read_bytes())
    return out
