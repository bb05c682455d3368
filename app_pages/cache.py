"""The one module that owns Streamlit's caches.

``st.cache_resource`` holds the heavy shared objects (the region pack, the travel-time model with
its road graph); ``st.cache_data`` holds pure results keyed by a content hash of their inputs
(GeoDataFrames and plans are passed as ``_``-prefixed, unhashed arguments next to that key).
Pages call these wrappers and never the library's heavy functions directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import streamlit as st

from planner import scoring
from planner.cache import content_hash
from planner.coverage import MapCoverage, map_coverage
from planner.data.pack import RegionPack, load_pack
from planner.export import Exports, export_bytes
from planner.export.report import report_pdf_bytes
from planner.season import SeasonPlan
from planner.season.inputs import SeasonInputs, criterion_weights, season_inputs
from planner.selection.region import RegionSelection, SelectionRequest, select_sites
from planner.traveltime import TravelModel, default_model


@st.cache_resource(show_spinner=False)
def pack() -> RegionPack:
    """The embedded region pack (loaded once per server process)."""
    return load_pack()


@st.cache_resource(show_spinner=False)
def travel_model() -> TravelModel:
    """The active travel-time model (road graph if configured, else crow-fly)."""
    return default_model()


def sites_key(sites: gpd.GeoDataFrame) -> str:
    """Content hash of a sites table (ids, facts and coordinates)."""
    facts = sites.drop(columns="geometry").astype(str).to_numpy().tolist()
    xy = [(round(g.x, 1), round(g.y, 1)) for g in sites.geometry]
    return content_hash(facts, xy)


def stops_key(stops: gpd.GeoDataFrame) -> str:
    """Content hash of the stops shown on a map."""
    if len(stops) == 0:
        return "none"
    table = stops.drop(columns="geometry").astype(str).to_numpy().tolist()
    return content_hash(table, [(round(g.x, 1), round(g.y, 1)) for g in stops.geometry])


@st.cache_data(show_spinner=False, max_entries=16)
def criteria(key: str, threshold_min: float, _sites: gpd.GeoDataFrame) -> scoring.SiteCriteria:
    """Raw criteria of every site (heavy: travel times to all cells); cached by content."""
    return scoring.compute_criteria(
        pack(), sites=_sites, threshold_min=threshold_min, model=travel_model()
    )


@st.cache_data(show_spinner=False, max_entries=64)
def ranking(
    key: str, threshold_min: float, weights: dict[str, float], _sites: gpd.GeoDataFrame
) -> pd.DataFrame:
    """Scores and ranks for the given weights (cheap, on top of the cached criteria)."""
    table = criteria(key, threshold_min, _sites)
    return scoring.score_sites(table, criterion_weights(weights)).set_index("site_id")


@st.cache_data(show_spinner=False, max_entries=32)
def sensitivity(
    key: str, threshold_min: float, weights: dict[str, float], _sites: gpd.GeoDataFrame
) -> scoring.SensitivityReport:
    """How stable the top ranks are when each weight moves by ±20 % (on the cached criteria)."""
    table = criteria(key, threshold_min, _sites)
    return scoring.weight_sensitivity(table, criterion_weights(weights), change=0.2, top_n=10)


@st.cache_data(show_spinner=False, max_entries=8)
def site_minutes(key: str, _sites: gpd.GeoDataFrame) -> np.ndarray:
    """Car minutes from every site to every Zensus cell (heavy); cached by the sites' content."""
    from planner.coverage import site_cell_minutes

    return site_cell_minutes(_sites, pack().cells, model=travel_model())


@st.cache_data(show_spinner=False, max_entries=16)
def selection(key: str, _request: SelectionRequest, _sites: gpd.GeoDataFrame) -> RegionSelection:
    """The coverage-optimal sites for a request (``key``: content hash of sites and request).

    Raises :class:`planner.selection.InfeasibleRulesError` (not cached) when the rules admit no
    selection.
    """
    minutes = site_minutes(sites_key(_sites), _sites)
    return select_sites(pack(), _request, sites=_sites, minutes=minutes, model=travel_model())


@st.cache_data(show_spinner=False, max_entries=16)
def map_html(key: str, _build: Any) -> str:
    """Rendered self-contained map HTML for a content key (``_build`` makes the folium map)."""
    from planner.maps import map_html as render

    return render(_build())


@st.cache_data(show_spinner=False, max_entries=32)
def coverage(key: str, threshold_min: float, _stops: gpd.GeoDataFrame) -> MapCoverage:
    """Minutes to the nearest stop and the urban/rural figures for a set of stops."""
    return map_coverage(pack(), _stops, threshold_min=threshold_min, model=travel_model())


@st.cache_data(show_spinner=False, max_entries=8)
def season(
    key: str, threshold_min: float, weights: dict[str, float], _sites: gpd.GeoDataFrame
) -> SeasonInputs:
    """Scores, coverage sets and towing matrix for the season planner (on the cached criteria)."""
    return season_inputs(
        pack(),
        _sites,
        threshold_min=threshold_min,
        model=travel_model(),
        weights=weights,
        criteria=criteria(key, threshold_min, _sites),
    )


@st.cache_data(show_spinner=False, max_entries=8)
def exports(plan_key: str, stem: str, lang: str, _plan: SeasonPlan, title: str) -> Exports:
    """Every export of a plan as ``key → (file name, MIME type, bytes)``, the printable report
    (PDF) included; a format that could not be made is named in ``.errors``."""
    files = export_bytes(_plan, stem=stem, lang=lang)
    try:
        pdf = report_pdf_bytes(_plan, pack=pack(), lang=lang, title=title or None)
    except Exception as exc:  # one failed format never hides the others
        files.errors["pdf"] = f"{type(exc).__name__}: {exc}"
    else:
        files["pdf"] = (f"{stem}.pdf", "application/pdf", pdf)
    return files


def plan_key(payload: Mapping[str, Any]) -> str:
    """Content hash of a stored plan."""
    return content_hash(payload)
