"""The Ämter and city areas a plan visits, as the season and the selection page show them: one
metric ("Ämter/Stadtteile besucht: 9 von 42") and a table of every group with the plan's stops
in it and its last visit before (:func:`planner.coverage.plan_groups`).

The history is the pack's past stops plus the seasons marked as run in the scenario store, as on
the page "Tourgeschichte"; the report is cached privately (key: the pack, the run seasons and
the stops), so a rerun of a page does not redo it.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from app_pages import state
from app_pages.sidebar import saved_scenarios, store
from app_pages.widgets import number_table
from planner.cache import content_hash
from planner.coverage import GroupReport, plan_groups
from planner.history import History, runs_from_store
from planner.i18n import format_number
from planner.scenarios import ScenarioError

__all__ = ["group_report", "run_seasons_key", "show_group_table", "show_groups_metric"]


def run_seasons_key() -> str:
    """A content hash of the seasons marked as run (name, year, revision): the history's key."""
    runs = [(i.name, i.run_year, i.run_revision) for i in saved_scenarios() if i.run_year]
    return content_hash("runs", runs)


def tour_history(pack: Any) -> History:
    """The pack's past stops plus the seasons marked as run (the store's problem: past stops
    only; the sidebar names it)."""
    try:
        runs = runs_from_store(store(), pack)
    except ScenarioError:
        runs = []
    return History.from_pack(pack, runs=runs)


@st.cache_data(show_spinner=False, max_entries=16)
def _report(
    key: str, year: int | None, crs: str | None, _pack: Any, _stops: pd.DataFrame
) -> GroupReport:
    """Private cache of :func:`group_report` (``key``: pack, run seasons and stops)."""
    return plan_groups(_pack, _stops, history=tour_history(_pack), year=year, crs=crs)


def group_report(
    pack_path: str, pack: Any, stops: pd.DataFrame, *, year: int | None, crs: str | None = None
) -> GroupReport:
    """The groups ``stops`` visit (a schedule with ``x``/``y`` in ``crs``, default EPSG:25832,
    or sites with a geometry) for the season ``year`` (``None``: the season after the latest
    known visit)."""
    places = pd.DataFrame(stops.drop(columns="geometry", errors="ignore"))
    geometry = getattr(stops, "geometry", None) if "geometry" in stops.columns else None
    if geometry is not None:
        points = geometry.to_crs(pack.crs)
        places = places.assign(_x=points.x.to_numpy(float), _y=points.y.to_numpy(float))
    columns = [c for c in ("stop", "site_id", "ags", "x", "y", "_x", "_y") if c in places.columns]
    stops_json = places[columns].astype(str).to_json(orient="values")
    key = content_hash("plan_groups", pack_path, run_seasons_key(), year, crs, stops_json)
    return _report(key, year, crs, pack, stops)


def groups_value(report: GroupReport) -> str:
    """The value "9 von 42" in the UI language."""
    return state.tr(
        st.session_state, "ui.groups.metric_value", visited=report.visited, total=report.total
    )


def show_groups_metric(column: Any, report: GroupReport) -> None:
    """The metric "Ämter/Stadtteile besucht: 9 von 42" with its help, in ``column``."""
    ss = st.session_state
    column.metric(
        state.tr(ss, "ui.groups.metric"),
        groups_value(report),
        help=state.tr(ss, "ui.groups.metric_help", year=_year(report.year)),
    )


def show_group_table(report: GroupReport) -> None:
    """Every group: district, name, kind, the plan's stops in it and its last visit before
    (year, "nie"; a city area whose city was visited at an unknown place says so)."""
    ss = st.session_state
    tr = lambda key, **kw: state.tr(ss, key, **kw)  # noqa: E731
    table = report.table
    kinds = {"amt": tr("ui.history.kind.amt"), "city_area": tr("ui.history.kind.city_area")}
    last = [
        _last_visit_text(own, city, tr)
        for own, city in zip(table["last_visit"], table["city_last_visit"], strict=True)
    ]
    shown = pd.DataFrame(
        {
            tr("ui.groups.col.district"): table["district"].astype(str).to_numpy(),
            tr("ui.groups.col.group"): table["name"].astype(str).to_numpy(),
            tr("ui.groups.col.kind"): table["kind"].map(kinds).fillna("").to_numpy(),
            tr("ui.groups.col.stops"): [
                ", ".join(str(s) for s in stops) for stops in table["stops"]
            ],
            tr("ui.groups.col.last_visit", year=_year(report.year)): last,
        }
    )
    st.caption(tr("ui.groups.table_caption", year=_year(report.year)))
    number_table(shown, key=None)


def _year(year: object) -> str:
    """A year as the UI writes it ("2023", no thousands mark)."""
    return format_number(float(year), state.lang(st.session_state), ".0f")  # type: ignore[arg-type]


def _last_visit_text(own: object, city: object, tr: Any) -> str:
    if not pd.isna(own):  # type: ignore[call-overload]
        return _year(own)
    if not pd.isna(city):  # type: ignore[call-overload]
        return str(tr("ui.groups.city_visit", year=_year(city)))
    return str(tr("ui.groups.never"))
