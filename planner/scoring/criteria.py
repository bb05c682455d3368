"""The criteria of every candidate site: the slow, weight-independent step of scoring.

Criteria (key — meaning):

==================  ================================================================================
``pop_local``       people within 2 km (the local scale of :mod:`planner.coverage.reach`)
``pull``            the place's pull 0..1 (:mod:`planner.places`)
``recency``         recency weight of the site's Amt or Kiel city area (:mod:`planner.history`)
``pop_car``         people (Zensus 2022 cells) within the car threshold (default 15 min)
``pop65_car``       of those, aged 65 and over
``pop_u18_car``     of those, under 18
``rural_share``     share of the people reached who live in rural municipalities (0..1)
``pop_walk``        people within walking distance (cell centre ≤ 1 km straight line)
``gap_km``          straight-line km to the nearest already-chosen or past stop (novelty)
``transit_stops``   public-transport stops within 500 m
``rail``            a railway station within 1 km (1 = yes)
``power``           mains power on site (planner fact: yes / no / unknown)
``space``           usable space in m² (planner fact; unknown when not entered)
``visibility``      visibility of the site (planner fact: low / medium / high / unknown)
``availability``    available for the season (planner fact from the availability dates)
==================  ================================================================================

The people criteria are compared within the site's district by default
(:mod:`planner.scoring.fairness`); ``pull`` and ``recency`` are used on their own 0..1 scale.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.spatial import cKDTree

from planner.coverage.reach import reached_within_minutes, reached_within_radius
from planner.notation import NotationError, parse_date
from planner.scoring.errors import ScoringOptionError, UnknownSiteError
from planner.scoring.fairness import (
    COMPARE_WITHIN,
    FIXED_SCALE_CRITERIA,
    PEOPLE_CRITERIA,
    place_criteria,
    within_groups,
)
from planner.scoring.normalise import normalise
from planner.scoring.weights import CRITERIA
from planner.settings import WALK_RADIUS_M
from planner.traveltime import SparseMinutes, site_cell_travel_minutes

__all__ = ["FACT_CRITERIA", "SiteCriteria", "compute_criteria"]

#: Criteria planners enter as facts (unknown until entered).
FACT_CRITERIA = ("power", "space", "visibility", "availability")

_VISIBILITY = {"low": 0.0, "medium": 0.5, "high": 1.0}
_POWER = {"no": 0.0, "yes": 1.0}


@dataclass
class SiteCriteria:
    """Criteria of every candidate, computed once; scoring only reads ``normalised``.

    Attributes
    ----------
    sites
        site_id (index), name, municipality, district, area_class, kind; ``group`` (the site's
        Amt or Kiel city area) and ``last_visit`` (Int64, NA = never) from the history.
    raw
        Raw numeric values per criterion (NaN where a fact is unknown).
    display
        Values as shown to people (facts as ``"unknown"``, ``"yes"``, …).
    normalised
        Values 0..1 used by the score.
    unknown
        True where the value is an unknown planner fact.
    catchment_car, catchment_walk
        Sparse boolean ``(n_sites, n_cells)``: cells reached by car / on foot.
    cell_population, cell_pop65, cell_u18, cell_rural
        Per-cell arrays of the pack's cells (for comparisons).
    params
        Thresholds and radii used.
    """

    sites: pd.DataFrame
    raw: pd.DataFrame
    display: pd.DataFrame
    normalised: pd.DataFrame
    unknown: pd.DataFrame
    catchment_car: sparse.csr_matrix
    catchment_walk: sparse.csr_matrix
    cell_population: np.ndarray
    cell_pop65: np.ndarray
    cell_u18: np.ndarray
    cell_rural: np.ndarray
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def site_ids(self) -> list[str]:
        """Candidate ids in row order."""
        return [str(s) for s in self.sites.index]

    def position(self, site_id: str) -> int:
        """Row of ``site_id``; :class:`UnknownSiteError` (a ``KeyError``) naming it when unknown."""
        try:
            loc = self.sites.index.get_loc(site_id)
        except KeyError:
            raise UnknownSiteError(f"unknown site id {site_id!r}") from None
        if not isinstance(loc, int | np.integer):
            raise UnknownSiteError(f"site id {site_id!r} is not unique")
        return int(loc)


@dataclass(frozen=True)
class _Cells:
    """The pack's population cells: centre points and the figures the criteria count."""

    xy: np.ndarray
    population: np.ndarray
    pop65: np.ndarray
    u18: np.ndarray
    rural: np.ndarray  # 1.0 in rural municipalities


def compute_criteria(
    pack: Any,
    *,
    sites: Any = None,
    threshold_min: float = 15.0,
    walk_radius_m: float | None = None,
    transit_radius_m: float = 500.0,
    reference_site_ids: Collection[str] = (),
    reference_points: np.ndarray | None = None,
    season: tuple[date, date] | None = None,
    minutes: np.ndarray | SparseMinutes | None = None,
    model: Any = None,
    method: str = "minmax",
    unknown_value: float = 0.5,
    compare_within: str = "district",
    history: Any = None,
    planning_year: int | None = None,
) -> SiteCriteria:
    """Compute every criterion for every candidate site (the slow, weight-independent step).

    Parameters
    ----------
    pack
        The region pack (cells, transit stops, municipalities; sites unless ``sites`` is given).
    sites
        Candidate sites (default ``pack.sites``), with the contract's columns.
    threshold_min
        Car minutes for the ``*_car`` criteria.
    walk_radius_m
        Walking distance for ``pop_walk`` and ``rail`` (default ``settings.WALK_RADIUS_M``).
    transit_radius_m
        Radius for counting transit stops.
    reference_site_ids
        Already chosen or past stops among ``sites`` (for ``gap_km``).
    reference_points
        Further past stops as ``(n, 2)`` EPSG:25832 metres.
    season
        ``(first_day, last_day)``; availability is "yes" when the site's dates span it.
    minutes
        Precomputed ``(n_sites, n_cells)`` car minutes, dense or a
        :class:`planner.traveltime.SparseMinutes` (skips the travel-time step).
    model
        Travel model for ``minutes`` (default: the active one).
    method
        ``"minmax"`` or ``"rank"`` (see :mod:`planner.scoring.normalise`).
    unknown_value
        Normalised value given to unknown facts (0.5 = neutral).
    compare_within
        ``"district"`` (default): the people criteria as a share of the best site of the same
        district; ``"region"``: normalised over all candidates with ``method``.
    history
        A :class:`planner.history.History` (default: the pack's past stops).
    planning_year
        Year the recency weights are for (default: the season after the latest visit).
    """
    if compare_within not in COMPARE_WITHIN:
        raise ScoringOptionError(
            f"compare_within must be one of {', '.join(COMPARE_WITHIN)}, not {compare_within!r}"
        )
    walk = float(walk_radius_m if walk_radius_m is not None else WALK_RADIUS_M)
    sites = pack.sites if sites is None else sites
    site_ids = sites["site_id"].astype(str).tolist()
    site_xy = _points(sites)
    cell_xy = _cell_centres(pack.cells)
    minutes = _car_minutes(minutes, site_xy, cell_xy, model=model, limit_min=threshold_min)
    cells = _cell_figures(pack.cells, cell_xy)
    car = reached_within_minutes(minutes, limit=threshold_min)
    walk_catchment = reached_within_radius(site_xy, cell_xy, radius_m=walk)

    place_raw, visits = place_criteria(
        pack, sites, site_xy, cell_xy, history=history, planning_year=planning_year
    )
    raw = place_raw.join(_population_criteria(site_ids, car, walk_catchment, cells))
    ref_xy = _reference_points(site_ids, site_xy, reference_site_ids, reference_points)
    raw["gap_km"] = _gap_km(site_xy, ref_xy)
    raw["transit_stops"], raw["rail"] = _transit_criteria(
        pack.transit_stops, site_xy, transit_radius_m=transit_radius_m, walk_radius_m=walk
    )
    display = raw.copy().astype(object)
    fact_raw, fact_display = _fact_criteria(sites, season)
    for key in FACT_CRITERIA:
        raw[key] = fact_raw[key]
    for key in FACT_CRITERIA:
        display[key] = fact_display[key]
    display["rail"] = ["yes" if v > 0 else "no" for v in raw["rail"]]
    if not len(ref_xy):
        display["gap_km"] = "no stop yet"
    unknown = pd.DataFrame(False, index=raw.index, columns=list(CRITERIA))
    for key in FACT_CRITERIA:
        unknown[key] = ~np.isfinite(raw[key].to_numpy(float))

    return SiteCriteria(
        sites=_site_table(sites, site_ids).join(visits),
        raw=raw,
        display=display,
        normalised=_normalised(
            raw,
            unknown,
            method=method,
            unknown_value=unknown_value,
            groups=_site_column(sites, "district") if compare_within == "district" else None,
        ),
        unknown=unknown,
        catchment_car=car,
        catchment_walk=walk_catchment,
        cell_population=cells.population,
        cell_pop65=cells.pop65,
        cell_u18=cells.u18,
        cell_rural=cells.rural,
        params={
            "threshold_min": threshold_min,
            "walk_radius_m": walk,
            "transit_radius_m": transit_radius_m,
            "method": method,
            "unknown_value": unknown_value,
            "reference_stops": len(ref_xy),
            "compare_within": compare_within,
            "planning_year": planning_year,
        },
    )


# --- steps of compute_criteria ----------------------------------------------------------------


def _points(frame: Any) -> np.ndarray:
    """``(n, 2)`` coordinates of a GeoDataFrame's point geometries."""
    return np.column_stack([frame.geometry.x.to_numpy(float), frame.geometry.y.to_numpy(float)])


def _cell_centres(cells: Any) -> np.ndarray:
    """Cell centres: the stored ``x``/``y`` columns, else the geometry's centroids."""
    if "x" in cells.columns:
        return np.column_stack([cells["x"].to_numpy(float), cells["y"].to_numpy(float)])
    centres = cells.geometry.centroid
    return np.column_stack([centres.x.to_numpy(float), centres.y.to_numpy(float)])


def _car_minutes(
    minutes: np.ndarray | SparseMinutes | None,
    site_xy: np.ndarray,
    cell_xy: np.ndarray,
    *,
    model: Any,
    limit_min: float,
) -> np.ndarray | SparseMinutes:
    """The given car minutes (shape checked), or the travel model's: dense, or sparse above
    ``settings.SPARSE_MATRIX_MIN_PAIRS`` pairs (only the pairs within ``limit_min``)."""
    if minutes is None:
        minutes = site_cell_travel_minutes(site_xy, cell_xy, limit_min=limit_min, model=model)
    if not isinstance(minutes, SparseMinutes):
        minutes = np.asarray(minutes, dtype=float)
    if minutes.shape != (len(site_xy), len(cell_xy)):
        raise ValueError(
            f"minutes has shape {minutes.shape}, expected ({len(site_xy)}, {len(cell_xy)})"
        )
    return minutes


def _cell_figures(cells: Any, cell_xy: np.ndarray) -> _Cells:
    population = cells["population"].to_numpy(float)
    # Older packs lack the age columns: nobody counted.
    pop65 = (
        np.nan_to_num(cells["pop_65plus"].to_numpy(float))
        if "pop_65plus" in cells
        else 0 * population
    )
    u18 = (
        np.nan_to_num(cells["pop_under18"].to_numpy(float))
        if "pop_under18" in cells
        else 0 * population
    )
    rural = (cells["area_class"].astype(str) == "rural").to_numpy(float)
    return _Cells(xy=cell_xy, population=population, pop65=pop65, u18=u18, rural=rural)


def _population_criteria(
    site_ids: list[str], car: sparse.csr_matrix, walk: sparse.csr_matrix, cells: _Cells
) -> pd.DataFrame:
    """People reached by car (all, 65+, under 18, rural share) and on foot."""
    raw = pd.DataFrame(index=pd.Index(site_ids, name="site_id"))
    raw["pop_car"] = car @ cells.population
    raw["pop65_car"] = car @ cells.pop65
    raw["pop_u18_car"] = car @ cells.u18
    with np.errstate(invalid="ignore", divide="ignore"):
        raw["rural_share"] = np.where(
            raw["pop_car"] > 0, (car @ (cells.population * cells.rural)) / raw["pop_car"], 0.0
        )
    raw["pop_walk"] = walk @ cells.population
    return raw


def _reference_points(
    site_ids: list[str],
    site_xy: np.ndarray,
    reference_site_ids: Collection[str],
    reference_points: np.ndarray | None,
) -> np.ndarray:
    """``(n, 2)`` points of the chosen or past stops: named candidates and further points."""
    refs = [site_xy[[site_ids.index(str(s)) for s in reference_site_ids if str(s) in site_ids]]]
    unknown_refs = [s for s in reference_site_ids if str(s) not in site_ids]
    if unknown_refs:
        raise UnknownSiteError(f"unknown reference site id(s): {', '.join(map(str, unknown_refs))}")
    if reference_points is not None:
        refs.append(np.asarray(reference_points, dtype=float).reshape(-1, 2))
    return np.vstack(refs) if refs else np.zeros((0, 2))


def _gap_km(site_xy: np.ndarray, ref_xy: np.ndarray) -> np.ndarray | float:
    """Straight-line km to the nearest reference point (NaN while there is none)."""
    if not len(ref_xy):
        return np.nan
    dist, _ = cKDTree(ref_xy).query(site_xy)
    return dist / 1000.0


def _transit_criteria(
    stops: Any, site_xy: np.ndarray, *, transit_radius_m: float, walk_radius_m: float
) -> tuple[list[int] | float, np.ndarray | float]:
    """Transit stops within ``transit_radius_m``, and a railway station within walking distance."""
    if not len(stops):
        return 0.0, 0.0
    stop_xy = _points(stops)
    stop_tree = cKDTree(stop_xy)
    counts = [len(x) for x in stop_tree.query_ball_point(site_xy, r=transit_radius_m)]
    is_rail = stops["is_rail"].to_numpy(bool)
    if not is_rail.any():
        return counts, 0.0
    rail_dist, _ = cKDTree(stop_xy[is_rail]).query(site_xy)
    return counts, (rail_dist <= walk_radius_m).astype(float)


def _fact_criteria(
    sites: Any, season: tuple[date, date] | None
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The planner facts: raw values (NaN where unknown) and how they are shown."""
    power_txt = _column_text(sites, "power", "unknown")
    vis_txt = _column_text(sites, "visibility", "unknown")
    space = (
        pd.to_numeric(sites["space_m2"], errors="coerce").to_numpy(float)
        if "space_m2" in sites
        else np.full(len(sites), np.nan)
    )
    avail = [
        _availability(a, b, season)
        for a, b in zip(
            _column_text(sites, "available_from", ""),
            _column_text(sites, "available_to", ""),
            strict=True,
        )
    ]
    raw = {
        "power": [_POWER.get(v, np.nan) for v in power_txt],
        "space": space,
        "visibility": [_VISIBILITY.get(v, np.nan) for v in vis_txt],
        "availability": [a for a, _ in avail],
    }
    display = {
        "power": [v if v in _POWER else "unknown" for v in power_txt],
        "space": [f"{v:,.0f} m²" if np.isfinite(v) else "unknown" for v in space],
        "visibility": [v if v in _VISIBILITY else "unknown" for v in vis_txt],
        "availability": [t for _, t in avail],
    }
    return raw, display


def _availability(frm: str, to: str, season: tuple[date, date] | None) -> tuple[float, str]:
    frm, to = (frm or "").strip(), (to or "").strip()
    if not frm and not to:
        return np.nan, "unknown"
    if season is None:
        return 1.0, f"{frm or '…'} – {to or '…'}"
    try:  # ISO as uploads and edits store it; German dates of older scenarios read too
        start = parse_date(frm) if frm else date.min
        end = parse_date(to) if to else date.max
    except NotationError:
        return np.nan, "unknown"
    ok = start <= season[0] and end >= season[1]
    return (1.0 if ok else 0.0), ("yes" if ok else f"only {frm or '…'} – {to or '…'}")


def _column_text(frame: pd.DataFrame, col: str, default: str) -> list[str]:
    if col not in frame.columns:
        return [default] * len(frame)
    return [default if pd.isna(v) else str(v).strip().lower() for v in frame[col]]


def _site_column(sites: Any, column: str) -> np.ndarray | None:
    return sites[column].astype(str).to_numpy() if column in sites.columns else None


def _normalised(
    raw: pd.DataFrame,
    unknown: pd.DataFrame,
    *,
    method: str,
    unknown_value: float,
    groups: np.ndarray | None = None,
) -> pd.DataFrame:
    """Every criterion 0..1; unknown facts get ``unknown_value``; the people criteria within
    ``groups`` when given, the fixed-scale ones as they are."""
    normalised = pd.DataFrame(index=raw.index)
    for key in CRITERIA:
        values = raw[key].to_numpy(float)
        if key in FIXED_SCALE_CRITERIA:
            norm = np.where(np.isfinite(values), np.clip(values, 0.0, 1.0), 0.5)
        elif groups is not None and key in PEOPLE_CRITERIA:
            norm = np.nan_to_num(within_groups(values, groups), nan=0.5)
        else:
            norm = normalise(values, method)
        if CRITERIA[key].is_fact:
            norm[unknown[key].to_numpy()] = unknown_value
        normalised[key] = norm
    return normalised


def _site_table(sites: Any, site_ids: list[str]) -> pd.DataFrame:
    """The sites' descriptive columns, indexed by site id."""
    meta_cols = [
        c for c in ("name", "municipality", "district", "area_class", "kind") if c in sites
    ]
    meta = pd.DataFrame(sites[meta_cols]).copy()
    meta.index = pd.Index(site_ids, name="site_id")
    return meta
