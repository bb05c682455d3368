"""Page "Abdeckung" (regional partners): the coverage map and figures of a plan, read-only."""

from __future__ import annotations

from typing import Any, Literal

import pandas as pd
import streamlit as st

from app_pages import cache, state
from app_pages.sidebar import saved_scenarios, store
from app_pages.widgets import (
    figures_table,
    map_frame,
    plain,
    show_diagnosis,
    show_model_and_sources,
    stop_list,
)
from planner.cache import content_hash
from planner.coverage import MapCoverage, population_base
from planner.i18n import format_number, format_percent, t
from planner.maps import MapOptions, coverage_map, save_map, schedule_stops
from planner.scenarios import ScenarioError, plan_from_payload, scenario_sites
from planner.usertext import file_stem

ss = st.session_state
lang = state.lang(ss)
st.title(state.tr(ss, "ui.coverage.title"))
st.caption(state.tr(ss, "ui.coverage.intro"))

pack = cache.pack(state.pack_path(ss))
current = "__current__"
sources = [current] if ss.get("plan") else []
for info in saved_scenarios():  # none when the store cannot be read (the sidebar says so)
    sources.append(info.name)
if not sources:
    st.info(state.tr(ss, "ui.coverage.no_plan"))
    st.stop()
source = st.selectbox(
    state.tr(ss, "ui.coverage.source"),
    sources,
    format_func=lambda o: state.tr(ss, "ui.coverage.current") if o == current else o,
    key="coverage_source",
    placeholder=state.tr(ss, "ui.choose_one"),
)
if source == current:
    plan = ss.get("plan")
    payload = state.scenario_payload(ss)
else:
    try:
        payload = store().load(str(source)).data
    except ScenarioError as exc:
        st.error(plain(exc))
        st.stop()
    plan = payload.get("plan")
if not plan:
    st.warning(state.tr(ss, "ui.coverage.scenario_without_plan"))
    st.stop()

sites, _edit_errors = scenario_sites(pack.sites, payload)
try:
    season_plan = plan_from_payload(plan, sites=sites)
except (ValueError, KeyError) as exc:
    st.warning(plain(exc))
    st.stop()
if not season_plan.feasible:
    show_diagnosis(season_plan, lang)
stops = schedule_stops(season_plan.schedule, sites=sites)
threshold = float(payload.get("threshold_min", 15))
c1, c2 = st.columns(2)
colour_choice = c1.radio(
    state.tr(ss, "ui.map.colour_by"),
    ["covered", "minutes"],
    format_func=lambda m: state.tr(ss, f"ui.map.colour.{m}"),
    horizontal=True,
    key="coverage_colour",
)
colour_by: Literal["covered", "minutes"] = "minutes" if colour_choice == "minutes" else "covered"
show_cells = c2.checkbox(state.tr(ss, "ui.map.show_cells"), value=False, key="coverage_cells")
model = cache.travel_model()
title = state.tr(
    ss,
    "ui.coverage.map_title",
    name=source if source != current else state.tr(ss, "ui.coverage.current_short"),
)


options = MapOptions(
    threshold_min=threshold,
    colour_by=colour_by,
    show_cells=show_cells,
    compact=True,  # beside the stop list: layers and legend start folded
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


def _region_row(figures: pd.DataFrame | None) -> dict[str, Any] | None:
    """The whole region's row of a figures table (``None`` without figures)."""
    if figures is None:
        return None
    rows = figures[figures["district_ags"] == "region"]
    return dict(rows.iloc[0]) if len(rows) else None


def reach_scales(coverage: MapCoverage, *, population_base: int) -> None:
    """People reached at both scales, each named with its definition: local (≤ 2 km, on foot or
    by bike) and regional (≤ threshold by car), as number and share of the population base,
    urban and rural (the one definition of :mod:`planner.coverage.reach`)."""
    st.subheader(state.tr(ss, "ui.coverage.scales"))
    minutes = f"{coverage.threshold_min:g}"
    scales = (
        (
            coverage.local,
            state.tr(ss, "ui.coverage.scale_local"),
            state.tr(ss, "ui.coverage.scale_local_help"),
        ),
        (
            coverage.figures,
            state.tr(ss, "ui.coverage.scale_regional", minutes=minutes),
            state.tr(ss, "ui.coverage.scale_regional_help", minutes=minutes),
        ),
    )
    for column, (figures, label, definition) in zip(st.columns(2), scales, strict=True):
        row = _region_row(figures)
        with column:
            if row is None:
                st.metric(label, t("ui.none", lang))
                continue
            st.metric(
                label,
                format_number(float(row["reached"]), lang, ",.0f"),
                help=definition,
            )
            st.caption(
                state.tr(
                    ss,
                    "ui.coverage.scale_parts",
                    share=format_percent(row["share"], lang),
                    urban=format_number(float(row["urban_reached"]), lang, ",.0f"),
                    urban_share=format_percent(row["urban_share"], lang),
                    rural=format_number(float(row["rural_reached"]), lang, ",.0f"),
                    rural_share=format_percent(row["rural_share"], lang),
                )
            )
    st.caption(
        state.tr(
            ss, "ui.coverage.scales_definition", base=format_number(population_base, lang, ",.0f")
        )
    )


key = content_hash("coverage", cache.stops_key(stops), repr(options), model.name)
page = cache.map_html(key, build)
map_column, list_column = st.columns([3, 1])
with map_column:
    map_frame(page, height=720)
with list_column:
    st.markdown(f"**{state.tr(ss, 'ui.coverage.stops')}**")
    stop_list(stops, lang)
    st.caption(state.tr(ss, "ui.coverage.stops_help"))

coverage = cache.coverage(cache.stops_key(stops), threshold, stops)
reach_scales(coverage, population_base=int(pack.cells["population"][population_base(pack)].sum()))
st.subheader(state.tr(ss, "ui.coverage.figures", minutes=f"{threshold:g}"))
figures_table(coverage.figures, lang)
if coverage.local is not None:
    st.subheader(state.tr(ss, "ui.coverage.figures_local"))
    figures_table(coverage.local, lang)
show_model_and_sources(coverage.model_description)

st.subheader(state.tr(ss, "ui.coverage.export"))
# one file per exact scenario name (bounded, safe): "Sommer 2025" and "sommer_2025" differ
map_name = f"abdeckung {source if source != current else 'aktuell'}"
file_name = f"{file_stem(map_name, default='map')}.html"
st.download_button(
    state.tr(ss, "ui.coverage.download"),
    data=page.encode("utf-8"),
    file_name=file_name,
    mime="text/html",
    key="coverage_download",
)
if st.button(state.tr(ss, "ui.coverage.save_to_maps"), key="coverage_save"):
    path = save_map(build(), name=map_name)
    st.success(state.tr(ss, "ui.coverage.saved_to", path=plain(path)))
