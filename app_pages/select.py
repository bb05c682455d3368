"""Page "Standorte auswählen" (planners): the ``p`` sites that bring the most people within reach
(MCLP) or make the average trip shortest (p-median), under the season's rules, with the reason
every other candidate was left out."""

from __future__ import annotations

from typing import Any

import streamlit as st

from app_pages import cache, state
from app_pages.plan_groups import group_report, show_groups_metric
from app_pages.widgets import (
    figures_table,
    map_frame,
    number_table,
    plain,
    show_model_and_sources,
    site_pickers,
)
from planner.cache import content_hash
from planner.i18n import format_number, format_percent
from planner.maps import MapOptions, coverage_map, stops_frame
from planner.selection import InfeasibleRulesError, RuleProblem, SelectionRequestError

ss = st.session_state
lang = state.lang(ss)
tr = lambda key, **kw: state.tr(ss, key, **kw)  # noqa: E731

pack = cache.pack(state.pack_path(ss))
sites, _edit_errors = state.current_sites(pack.sites, ss)
sites_key = cache.sites_key(sites)
names = dict(zip(sites["site_id"], sites["name"], strict=True))

#: The choices of the spacing (km) and emphasis factor sliders.
SPACING_STEPS = tuple(i / 2 for i in range(101))
FACTOR_STEPS = tuple(1 + i / 2 for i in range(9))


def _snap(value: object, steps: tuple[float, ...]) -> float:
    """A stored value on a slider's steps (a scenario may hold any number)."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return steps[0]
    return min(steps, key=lambda step: abs(step - number))


st.title(tr("ui.select.title"))
st.caption(tr("ui.select.intro"))

# --- settings ------------------------------------------------------------------------------------
with st.form("select_form"):
    c1, c2, c3 = st.columns(3)
    c1.radio(
        tr("ui.select.model"),
        ["mclp", "pmedian"],
        format_func=lambda m: tr(f"ui.select.model_{m}"),
        key="select_model",
        help=tr("ui.select.model_help"),
    )
    c2.number_input(tr("ui.select.p"), min_value=1, max_value=60, key="select_p")
    c3.slider(tr("ui.select.threshold"), min_value=5, max_value=60, step=5, key="select_threshold")
    st.checkbox(tr("ui.select.use_quotas"), key="select_use_quotas")
    # one quota field per district of the pack, in rows of up to four
    quota_fields = list(state.quota_fields(pack.info).items())
    for first in range(0, len(quota_fields), 4):
        chunk = quota_fields[first : first + 4]
        for quota_column, (form_key, (district, _default)) in zip(
            st.columns(min(4, len(quota_fields))), chunk, strict=False
        ):
            quota_column.number_input(
                tr("ui.select.quota", district=plain(district)),
                min_value=0,
                max_value=60,
                key=f"select_{form_key}",
            )
    e1, e2, e3 = st.columns(3)
    e1.number_input(tr("ui.select.min_urban"), min_value=0, max_value=60, key="select_min_urban")
    e2.number_input(tr("ui.select.min_rural"), min_value=0, max_value=60, key="select_min_rural")
    # a slider of half kilometres written in the UI's notation ("2,5 km"), not the browser's
    ss["select_spacing_km"] = _snap(ss.get("select_spacing_km"), SPACING_STEPS)
    e3.select_slider(
        tr("ui.select.spacing"),
        options=SPACING_STEPS,
        format_func=lambda km: tr("ui.select.spacing_value", km=format_number(km, lang, "g")),
        key="select_spacing_km",
    )
    g1, g2, g3 = st.columns(3)
    g1.selectbox(
        tr("ui.select.emphasis"),
        ["population", "rural", "age65"],
        format_func=lambda e: tr(f"ui.select.emphasis_{e}"),
        key="select_emphasis",
    )
    ss["select_factor"] = _snap(ss.get("select_factor"), FACTOR_STEPS)
    g2.select_slider(
        tr("ui.select.factor"),
        options=FACTOR_STEPS,
        format_func=lambda f: format_number(f, lang, "g"),
        key="select_factor",
    )
    g3.slider(
        tr("ui.select.time_limit"), min_value=5, max_value=120, step=5, key="select_time_limit_s"
    )
    site_pickers({f"select_{f}": tr(f"ui.select.{f}") for f in ("must", "must_not")}, names)
    submitted = st.form_submit_button(tr("ui.select.run"), type="primary")

if submitted:
    # A failed run (rules that cannot hold, an error) keeps the last result on screen below its
    # message; only a new result replaces it.
    ss["select_problems"] = []
    ss["select_error"] = None
    try:
        request = state.selection_request(ss, pack.info)
        with st.spinner(tr("ui.select.running", seconds=f"{request.time_limit:g}")):
            key = content_hash("selection", sites_key, repr(request))
            result = cache.selection(key, request, sites)
        if not result.found:
            ss["select_error"] = result.status_text(lang)  # no set found in time, said honestly
        else:
            ss["selection"] = result
    except SelectionRequestError as exc:
        ss["select_error"] = exc.message(lang)
    except InfeasibleRulesError as exc:
        ss["select_problems"] = exc.problems
    except Exception as exc:  # shown to the user; the last result stays
        ss["select_error"] = f"{type(exc).__name__}: {exc}"

problems: list[RuleProblem] = ss.get("select_problems") or []
if problems:
    st.error(tr("ui.select.infeasible"))
    for problem in problems:
        st.error(
            tr("ui.select.problem", rule=problem.rule_text(lang), message=plain(problem.text(lang)))
        )
if ss.get("select_error"):
    st.error(tr("ui.select.run_error", error=plain(ss["select_error"])))
if (problems or ss.get("select_error")) and ss.get("selection") is not None:
    st.warning(tr("ui.select.kept_result"))

selection = ss.get("selection")
if selection is None:
    if not problems and not ss.get("select_error"):
        st.info(tr("ui.select.none_yet"))
    st.stop()
try:
    stale = selection.request != state.selection_request(ss, pack.info)
except SelectionRequestError:  # the form holds a value the request refuses: named above on run
    stale = True
if stale:
    st.caption(tr("ui.select.stale"))

# --- result --------------------------------------------------------------------------------------
request = selection.request
threshold = float(request.threshold_min)
m1, m2, m3, m4 = st.columns(4)
m1.metric(tr("ui.select.sites"), len(selection.result.chosen))
m2.metric(
    tr("ui.select.reached", minutes=f"{threshold:g}"),
    format_number(selection.reached, lang, ",.0f"),
)
m3.metric(tr("ui.select.share"), format_percent(selection.share, lang))
m4.metric(tr("ui.select.average"), format_number(selection.average_minutes, lang, ",.1f") + " min")
# the Ämter and city areas the chosen sites stand in, for the season after the latest visit
chosen_sites = sites[sites["site_id"].isin(set(selection.chosen["site_id"]))]
show_groups_metric(
    st.columns(4)[0], group_report(state.pack_path(ss), pack, chosen_sites, year=None)
)
st.caption(selection.status_text(lang), help=tr("ui.select.status_help"))

st.subheader(tr("ui.select.chosen"))
columns = {
    "name": tr("ui.col.name"),
    "municipality": tr("ui.col.municipality"),
    "district": tr("ui.col.district"),
    "area_class": tr("ui.col.area"),
    "reached": tr("ui.select.col_reached", minutes=f"{threshold:g}"),
    "reached_only": tr("ui.select.col_only"),
    "rural_reached": tr("ui.select.col_rural"),
    "reached_65plus": tr("ui.select.col_65"),
}
chosen = selection.chosen
shown = chosen[list(columns)].assign(area_class=chosen["area_class"].map(lambda a: tr(f"area.{a}")))
number_table(
    shown.rename(columns=columns),
    formats={
        columns[c]: "int" for c in ("reached", "reached_only", "rural_reached", "reached_65plus")
    },
)
st.caption(tr("ui.select.only_help"))


def _to_season(site_ids: list[str]) -> None:
    """The chosen sites become the season's required sites (and are no longer excluded)."""
    ss["season_must_include"] = list(site_ids)
    ss["season_exclude"] = [s for s in ss.get("season_exclude") or [] if s not in site_ids]
    ss["select_to_season"] = len(site_ids)


st.button(
    tr("ui.select.to_season"),
    key="select_to_season_button",
    on_click=_to_season,
    args=(list(chosen["site_id"]),),
)
if ss.get("select_to_season"):
    st.success(tr("ui.select.to_season_done", n=ss.pop("select_to_season")))

st.subheader(tr("ui.select.map"))
model = cache.travel_model()
stops = stops_frame(
    [{"site_id": s, "stop": i} for i, s in enumerate(chosen["site_id"], start=1)], sites=sites
)
title = tr("ui.select.map_title", p=len(stops), minutes=f"{threshold:g}")


options = MapOptions(
    threshold_min=threshold,
    draw_route=False,
    stops_label=tr("ui.select.layer"),
    title=title,
    lang=lang,
)


def build() -> Any:
    """The folium map (only built on a cache miss)."""
    return coverage_map(
        pack,
        stops=stops,
        coverage=cache.coverage(cache.stops_key(stops), threshold, stops),
        model=model,
        options=options,
    )


map_key = content_hash("select", cache.stops_key(stops), repr(options), model.name)
map_frame(cache.map_html(map_key, build), height=680)

st.subheader(tr("ui.select.figures", minutes=f"{threshold:g}"))
figures_table(selection.figures, lang)

st.subheader(tr("ui.select.why_not"))
others = selection.candidates(lang)
reasons = {
    "name": tr("ui.col.name"),
    "municipality": tr("ui.col.municipality"),
    "district": tr("ui.col.district"),
    "reached": tr("ui.select.col_reached", minutes=f"{threshold:g}"),
    "reason": tr("ui.col.reason"),
}
number_table(
    others[list(reasons)].rename(columns=reasons),
    formats={reasons["reached"]: "int"},
    height=360,
)
st.download_button(
    tr("ui.select.download"),
    data=selection.csv_bytes(lang),
    file_name="standortauswahl.csv" if lang == "de" else "site_selection.csv",
    mime="text/csv",
    key="select_download",
)
show_model_and_sources(selection.travel_model)
