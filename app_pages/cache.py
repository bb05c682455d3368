"""The one module that owns Streamlit's caches.

``st.cache_resource`` holds the heavy shared objects (the region pack, the travel-time model with
its road graph); ``st.cache_data`` holds pure results keyed by a content hash of their inputs
(GeoDataFrames and plans are passed as ``_``-prefixed, unhashed arguments next to that key).
Pages call these wrappers and never the library's heavy functions directly.

Every result that depends on the region pack is cached under the session's pack path
(:func:`app_pages.state.pack_path`) as well: the public wrappers add it to the key of the cached
function behind them, so two sessions on different packs never share a result.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import streamlit as st

from app_pages import state
from planner import scoring
from planner.cache import content_hash
from planner.coverage import MapCoverage, map_coverage
from planner.data.pack import RegionPack, load_pack
from planner.data.packs import PackSummary, list_packs
from planner.export import Exports, export_bytes
from planner.export.report import report_pdf_bytes
from planner.season import SeasonPlan
from planner.season.inputs import SeasonInputs, criterion_weights, season_inputs
from planner.selection.region import RegionSelection, SelectionRequest, select_sites
from planner.settings import pack_path as embedded_pack_path
from planner.settings import packs_dir
from planner.traveltime import LocalModels, SparseMinutes, TravelModel, default_model
from planner.traveltime import local_models as _local_models


@st.cache_resource(show_spinner=False, max_entries=4)
def _pack_at(path: str) -> RegionPack:
    """The region pack at ``path`` (loaded once per server process and path)."""
    return load_pack(Path(path))


def pack(path: str | None = None) -> RegionPack:
    """The region pack at ``path`` (default: the session's, :func:`app_pages.state.pack_path`)."""
    return _pack_at(path or _current())


def _current() -> str:
    """The session's pack path (part of every pack-dependent cache key)."""
    return state.pack_path(st.session_state)


@st.cache_resource(show_spinner=False)
def local_models() -> LocalModels:
    """The local scale's walking and cycling models (on the road source's walk and bike networks
    where it has them, else the crow-fly variants)."""
    return _local_models()


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


def criteria(key: str, threshold_min: float, _sites: gpd.GeoDataFrame) -> scoring.SiteCriteria:
    """Raw criteria of every site (heavy: travel times to all cells); cached by content."""
    return _criteria(_current(), key, threshold_min, _sites)


@st.cache_data(show_spinner=False, max_entries=16)
def _criteria(
    pack_path: str, key: str, threshold_min: float, _sites: gpd.GeoDataFrame
) -> scoring.SiteCriteria:
    return scoring.compute_criteria(
        pack(pack_path), sites=_sites, threshold_min=threshold_min, model=travel_model()
    )


def ranking(
    key: str, threshold_min: float, weights: dict[str, float], _sites: gpd.GeoDataFrame
) -> pd.DataFrame:
    """Scores and ranks for the given weights (cheap, on top of the cached criteria)."""
    return _ranking(_current(), key, threshold_min, weights, _sites)


@st.cache_data(show_spinner=False, max_entries=64)
def _ranking(
    pack_path: str,
    key: str,
    threshold_min: float,
    weights: dict[str, float],
    _sites: gpd.GeoDataFrame,
) -> pd.DataFrame:
    table = _criteria(pack_path, key, threshold_min, _sites)
    return scoring.score_sites(table, criterion_weights(weights)).set_index("site_id")


def sensitivity(
    key: str, threshold_min: float, weights: dict[str, float], _sites: gpd.GeoDataFrame
) -> scoring.SensitivityReport:
    """How stable the top ranks are when each weight moves by ±20 % (on the cached criteria)."""
    return _sensitivity(_current(), key, threshold_min, weights, _sites)


@st.cache_data(show_spinner=False, max_entries=32)
def _sensitivity(
    pack_path: str,
    key: str,
    threshold_min: float,
    weights: dict[str, float],
    _sites: gpd.GeoDataFrame,
) -> scoring.SensitivityReport:
    table = _criteria(pack_path, key, threshold_min, _sites)
    return scoring.weight_sensitivity(table, criterion_weights(weights), change=0.2, top_n=10)


def site_minutes(key: str, _sites: gpd.GeoDataFrame) -> np.ndarray | SparseMinutes:
    """Car minutes from every site to every Zensus cell (heavy); cached by the sites' content."""
    return _site_minutes(_current(), key, _sites)


@st.cache_data(show_spinner=False, max_entries=8)
def _site_minutes(pack_path: str, key: str, _sites: gpd.GeoDataFrame) -> np.ndarray | SparseMinutes:
    from planner.coverage import site_cell_minutes

    return site_cell_minutes(_sites, pack(pack_path).cells, model=travel_model())


def selection(key: str, _request: SelectionRequest, _sites: gpd.GeoDataFrame) -> RegionSelection:
    """The coverage-optimal sites for a request (``key``: content hash of sites and request).

    Raises :class:`planner.selection.InfeasibleRulesError` (not cached) when the rules admit no
    selection.
    """
    return _selection(_current(), key, _request, _sites)


@st.cache_data(show_spinner=False, max_entries=16)
def _selection(
    pack_path: str, key: str, _request: SelectionRequest, _sites: gpd.GeoDataFrame
) -> RegionSelection:
    minutes = _site_minutes(pack_path, sites_key(_sites), _sites)
    return select_sites(
        pack(pack_path), _request, sites=_sites, minutes=minutes, model=travel_model()
    )


def map_html(key: str, _build: Any) -> str:
    """Rendered self-contained map HTML for a content key (``_build`` makes the folium map)."""
    return _map_html(_current(), key, _build)


@st.cache_data(show_spinner=False, max_entries=16)
def _map_html(pack_path: str, key: str, _build: Any) -> str:
    from planner.maps import map_html as render

    return render(_build())


def coverage(key: str, threshold_min: float, _stops: gpd.GeoDataFrame) -> MapCoverage:
    """Minutes to the nearest stop and the urban/rural figures for a set of stops."""
    return _coverage(_current(), key, threshold_min, _stops)


@st.cache_data(show_spinner=False, max_entries=32)
def _coverage(
    pack_path: str, key: str, threshold_min: float, _stops: gpd.GeoDataFrame
) -> MapCoverage:
    return map_coverage(pack(pack_path), _stops, threshold_min=threshold_min, model=travel_model())


def season(
    key: str, threshold_min: float, weights: dict[str, float], _sites: gpd.GeoDataFrame
) -> SeasonInputs:
    """Scores, coverage sets and towing matrix for the season planner (on the cached criteria)."""
    return _season(_current(), key, threshold_min, weights, _sites)


@st.cache_data(show_spinner=False, max_entries=8)
def _season(
    pack_path: str,
    key: str,
    threshold_min: float,
    weights: dict[str, float],
    _sites: gpd.GeoDataFrame,
) -> SeasonInputs:
    return season_inputs(
        pack(pack_path),
        _sites,
        threshold_min=threshold_min,
        model=travel_model(),
        weights=weights,
        criteria=_criteria(pack_path, key, threshold_min, _sites),
    )


def exports(plan_key: str, stem: str, lang: str, _plan: SeasonPlan, title: str) -> Exports:
    """Every export of a plan as ``key → (file name, MIME type, bytes)``, the printable report
    (PDF) included; a format that could not be made is named in ``.errors``."""
    return _exports(_current(), plan_key, stem, lang, _plan, title)


@st.cache_data(show_spinner=False, max_entries=8)
def _exports(
    pack_path: str, plan_key: str, stem: str, lang: str, _plan: SeasonPlan, title: str
) -> Exports:
    files = export_bytes(_plan, stem=stem, lang=lang)
    try:
        pdf = report_pdf_bytes(_plan, pack=pack(pack_path), lang=lang, title=title or None)
    except Exception as exc:  # one failed format never hides the others
        files.errors["pdf"] = f"{type(exc).__name__}: {exc}"
    else:
        files["pdf"] = (f"{stem}.pdf", "application/pdf", pdf)
    return files


def plan_key(payload: Mapping[str, Any]) -> str:
    """Content hash of a stored plan."""
    return content_hash(payload)


def pack_list() -> list[PackSummary]:
    """The packs the app has (embedded first, then the packs folder), cached until a file in the
    folder changes (name, size or time)."""
    folder, embedded = packs_dir(), embedded_pack_path()
    files = sorted(folder.glob("*.gpkg")) if folder.is_dir() else []
    stamps = []
    for path in (embedded, *files):
        try:
            info = path.stat()
        except OSError:  # gone meanwhile (a build replacing its file)
            continue
        stamps.append((str(path), info.st_mtime_ns, info.st_size))
    return _pack_list(str(folder), str(embedded), content_hash(stamps))


@st.cache_data(show_spinner=False, max_entries=4)
def _pack_list(folder: str, embedded: str, stamps: str) -> list[PackSummary]:
    return list_packs(Path(folder), embedded=Path(embedded))


@st.cache_data(show_spinner=False, max_entries=2)
def district_table(germany: str) -> pd.DataFrame:
    """Every German district (key, name, kind) from the Germany-wide folder, for region specs."""
    from planner.data.raw import read_district_table

    return read_district_table(Path(germany))


def forget_pack(path: str) -> None:
    """Drop a pack from the cache (its file was just rebuilt)."""
    _pack_at.clear(path)
