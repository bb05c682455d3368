"""Coverage of the region by a set of stops, computed by the project from the Zensus cells.

A Zensus 1 km cell counts as *covered* when the car travel time from at least one chosen stop to
the cell's centre is at most the threshold (default 15 minutes: the regional scale of
:mod:`planner.coverage.reach`); the local scale (within 2 km) is in :func:`local_figures`. The
region's figures count the cells whose centre lies in the region, the population base of
:func:`planner.coverage.reach.population_base`, so the season, the maps, the exports and this
module give one number for one plan. Every figure here is summed from the cells' own population
(Zensus 2022), never taken from a solver or a library's summary:

* :func:`cell_coverage` — one row per cell: nearest stop, minutes, covered, newly covered;
* :func:`coverage_summary` — share of the population covered, split urban/rural and by district,
  and how many people a plan newly covers compared with a baseline (e.g. past stops);
* :func:`municipality_coverage` — one row per municipality (for the maps);
* :func:`compute_coverage` — all of the above from a region pack and chosen site ids.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from planner.coverage.reach import LOCAL, reach_matrix
from planner.data.pack import RegionPack
from planner.settings import METRIC_CRS
from planner.traveltime import (
    SparseMinutes,
    TravelModel,
    default_model,
    minute_rows,
    site_cell_travel_minutes,
    travel_time_matrix,
)

__all__ = [
    "CoverageReport",
    "CoverageSummary",
    "MapCoverage",
    "cell_coverage",
    "compute_coverage",
    "coverage_figures",
    "coverage_summary",
    "local_figures",
    "map_coverage",
    "municipality_coverage",
    "site_cell_minutes",
]

DEFAULT_THRESHOLD_MIN = 15.0


@dataclass(frozen=True)
class CoverageSummary:
    """Population covered within the threshold.

    Attributes
    ----------
    threshold_min
        Car minutes that count as covered.
    population, covered, share
        Total population of the cells considered, the part covered and its share (0..1).
    newly_covered
        People covered by the plan but not by the baseline stops.
    baseline_covered
        People covered by the baseline stops alone (0 without a baseline).
    by_area_class
        Rows ``urban`` / ``rural``: population, covered, share.
    by_district
        One row per district: district_ags, district, population, covered, share,
        rural_population, rural_covered, rural_share, newly_covered.
    """

    threshold_min: float
    population: float
    covered: float
    share: float
    newly_covered: float
    baseline_covered: float
    by_area_class: pd.DataFrame
    by_district: pd.DataFrame

    def as_dict(self) -> dict[str, Any]:
        """Plain figures (for JSON, the app's metrics and the map legend)."""
        return {
            "threshold_min": self.threshold_min,
            "population": self.population,
            "covered": self.covered,
            "share": self.share,
            "newly_covered": self.newly_covered,
            "baseline_covered": self.baseline_covered,
            "by_area_class": self.by_area_class.to_dict(orient="records"),
            "by_district": self.by_district.to_dict(orient="records"),
        }


@dataclass(frozen=True)
class CoverageReport:
    """Summary, per-cell table and per-municipality table of one plan."""

    summary: CoverageSummary
    cells: pd.DataFrame
    municipalities: pd.DataFrame


def site_cell_minutes(
    sites: Any,
    cells: Any,
    *,
    model: Any = None,
    limit_min: float | None = None,
    sparse_form: bool | None = None,
) -> np.ndarray | SparseMinutes:
    """Car minutes from every site to every cell centre, shape ``(n_sites, n_cells)``.

    Dense below ``settings.SPARSE_MATRIX_MIN_PAIRS`` pairs, else a
    :class:`planner.traveltime.SparseMinutes` holding only the pairs within ``limit_min``
    (:func:`planner.traveltime.site_cell_travel_minutes`); every consumer here takes both.

    Parameters
    ----------
    sites
        GeoDataFrame of points (the pack's metric CRS).
    cells
        Cells with ``x``/``y`` centre columns, or any geometry (centroids are used).
    model
        A :class:`planner.traveltime.TravelModel`; default: the active model.
    limit_min
        The largest threshold that will be asked (sparse form; default
        ``settings.SPARSE_MATRIX_LIMIT_MIN``, larger ones are recomputed on demand).
    sparse_form
        Force the form (``True`` sparse, ``False`` dense); default: by size.
    """
    site_xy = np.column_stack([sites.geometry.x.to_numpy(float), sites.geometry.y.to_numpy(float)])
    return site_cell_travel_minutes(
        site_xy, cell_xy(cells), limit_min=limit_min, model=model, sparse_form=sparse_form
    )


def cell_xy(cells: Any) -> np.ndarray:
    """Cell centres as ``(n, 2)`` metres: the ``x``/``y`` columns, else geometry centroids."""
    if "x" in cells.columns and "y" in cells.columns:
        return np.column_stack([cells["x"].to_numpy(float), cells["y"].to_numpy(float)])
    centroids = cells.geometry.centroid
    return np.column_stack([centroids.x.to_numpy(float), centroids.y.to_numpy(float)])


def _nearest(minutes: np.ndarray | SparseMinutes, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Position (into ``idx``) and minutes of the nearest of the sites ``idx`` per cell."""
    n_cells = minutes.shape[1]
    if len(idx) == 0:
        return np.full(n_cells, -1), np.full(n_cells, np.inf)
    # the exact rows of the few sites asked for (a sparse matrix recomputes them)
    sub = np.nan_to_num(minute_rows(minutes, idx), nan=np.inf)
    pos = np.argmin(sub, axis=0)
    return pos, sub[pos, np.arange(n_cells)]


def cell_coverage(
    cells: pd.DataFrame,
    site_ids: Sequence[str],
    minutes: np.ndarray | SparseMinutes,
    chosen: Collection[str],
    *,
    threshold_min: float = DEFAULT_THRESHOLD_MIN,
    baseline: Collection[str] = (),
) -> pd.DataFrame:
    """Per-cell coverage table.

    Parameters
    ----------
    cells
        The pack's cells (``cell_id``, ``population``, ``ags``, ``district_ags``, ``area_class``;
        ``pop_65plus``/``pop_under18`` when present).
    site_ids
        Ids of the rows of ``minutes``.
    minutes
        ``(n_sites, n_cells)`` car minutes (:func:`site_cell_minutes`, dense or sparse).
    chosen
        Site ids of the plan.
    threshold_min
        Minutes that count as covered (inclusive).
    baseline
        Site ids of earlier stops; ``newly_covered`` marks cells covered now but not by them.

    Returns
    -------
    pandas.DataFrame
        cell_id, ags, district_ags, area_class, population, pop_65plus, pop_under18,
        nearest_site_id, minutes_to_nearest, covered, covered_baseline, newly_covered.
    """
    if not isinstance(minutes, SparseMinutes):
        minutes = np.asarray(minutes, dtype=float)
    if minutes.shape != (len(site_ids), len(cells)):
        raise ValueError(
            f"minutes has shape {minutes.shape}, expected ({len(site_ids)}, {len(cells)})"
        )
    index = {str(s): i for i, s in enumerate(site_ids)}
    unknown = [s for s in list(chosen) + list(baseline) if str(s) not in index]
    if unknown:
        raise KeyError(f"unknown site id(s): {', '.join(map(str, unknown))}")
    chosen_idx = np.array([index[str(s)] for s in chosen], dtype=int)
    base_idx = np.array([index[str(s)] for s in baseline], dtype=int)
    pos, best = _nearest(minutes, chosen_idx)
    _, base_best = _nearest(minutes, base_idx)
    covered = best <= threshold_min
    covered_base = base_best <= threshold_min
    ids = np.asarray([str(s) for s in site_ids], dtype=object)
    nearest = np.where(pos >= 0, ids[chosen_idx[np.maximum(pos, 0)]] if len(chosen_idx) else "", "")
    table = pd.DataFrame(
        {
            "cell_id": cells["cell_id"].to_numpy() if "cell_id" in cells else np.arange(len(cells)),
            "ags": cells["ags"].astype(str).to_numpy(),
            "district_ags": cells["district_ags"].astype(str).to_numpy(),
            "area_class": cells["area_class"].astype(str).to_numpy(),
            "population": cells["population"].to_numpy(float),
            "pop_65plus": _column(cells, "pop_65plus"),
            "pop_under18": _column(cells, "pop_under18"),
            "nearest_site_id": nearest,
            "minutes_to_nearest": best,
            "covered": covered,
            "covered_baseline": covered_base,
            "newly_covered": covered & ~covered_base,
        }
    )
    return table


def _column(frame: pd.DataFrame, name: str) -> np.ndarray:
    if name in frame.columns:
        return np.nan_to_num(frame[name].to_numpy(float))
    return np.zeros(len(frame))


def _share(covered: float, population: float) -> float:
    return float(covered / population) if population > 0 else 0.0


def coverage_summary(
    cell_table: pd.DataFrame,
    *,
    threshold_min: float = DEFAULT_THRESHOLD_MIN,
    district_names: dict[str, str] | None = None,
) -> CoverageSummary:
    """Totals, urban/rural split and districts from a :func:`cell_coverage` table."""
    t = cell_table
    pop = t["population"].to_numpy(float)
    cov = t["covered"].to_numpy(bool)
    new = t["newly_covered"].to_numpy(bool)
    base = t["covered_baseline"].to_numpy(bool)
    rural = (t["area_class"] == "rural").to_numpy()
    rows = []
    for cls in ("urban", "rural"):
        mask = (t["area_class"] == cls).to_numpy()
        p_cls, c_cls = float(pop[mask].sum()), float(pop[mask & cov].sum())
        rows.append(
            {
                "area_class": cls,
                "population": p_cls,
                "covered": c_cls,
                "share": _share(c_cls, p_cls),
            }
        )
    by_class = pd.DataFrame(rows)
    district_rows = []
    names = district_names or {}
    for district_ags in sorted(t["district_ags"].unique()):
        mask = (t["district_ags"] == district_ags).to_numpy()
        p_d, c_d = float(pop[mask].sum()), float(pop[mask & cov].sum())
        p_r, c_r = float(pop[mask & rural].sum()), float(pop[mask & rural & cov].sum())
        district_rows.append(
            {
                "district_ags": district_ags,
                "district": names.get(district_ags, district_ags),
                "population": p_d,
                "covered": c_d,
                "share": _share(c_d, p_d),
                "rural_population": p_r,
                "rural_covered": c_r,
                "rural_share": _share(c_r, p_r),
                "newly_covered": float(pop[mask & new].sum()),
            }
        )
    total, covered = float(pop.sum()), float(pop[cov].sum())
    return CoverageSummary(
        threshold_min=threshold_min,
        population=total,
        covered=covered,
        share=_share(covered, total),
        newly_covered=float(pop[new].sum()),
        baseline_covered=float(pop[base].sum()),
        by_area_class=by_class,
        by_district=pd.DataFrame(district_rows),
    )


def municipality_coverage(cell_table: pd.DataFrame, municipalities: pd.DataFrame) -> pd.DataFrame:
    """One row per municipality: covered population and share, travel time to the nearest stop.

    Returns
    -------
    pandas.DataFrame
        ags, name, district, area_class, population (register), cell_population, covered,
        share, newly_covered, mean_minutes (population-weighted, cells with people),
        max_minutes, covered_majority (share ≥ 0.5). Municipalities without a populated cell get
        share NaN.
    """
    t = cell_table.copy()
    t["covered_pop"] = t["population"].where(t["covered"], 0.0)
    t["new_pop"] = t["population"].where(t["newly_covered"], 0.0)
    finite = np.isfinite(t["minutes_to_nearest"].to_numpy(float))
    t["weighted_minutes"] = np.where(finite, t["minutes_to_nearest"] * t["population"], 0.0)
    t["weight_for_minutes"] = np.where(finite, t["population"], 0.0)
    grouped = t.groupby("ags").agg(
        cell_population=("population", "sum"),
        covered=("covered_pop", "sum"),
        newly_covered=("new_pop", "sum"),
        weighted_minutes=("weighted_minutes", "sum"),
        weight_for_minutes=("weight_for_minutes", "sum"),
        max_minutes=("minutes_to_nearest", "max"),
    )
    base_cols = [
        c for c in ("ags", "name", "district", "area_class", "population") if c in municipalities
    ]
    out = pd.DataFrame(municipalities[base_cols]).copy()
    out["ags"] = out["ags"].astype(str)
    out = out.merge(grouped, left_on="ags", right_index=True, how="left")
    for col in ("cell_population", "covered", "newly_covered"):
        out[col] = out[col].fillna(0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["share"] = np.where(
            out["cell_population"] > 0, out["covered"] / out["cell_population"], np.nan
        )
        out["mean_minutes"] = np.where(
            out["weight_for_minutes"] > 0,
            out["weighted_minutes"] / out["weight_for_minutes"],
            np.nan,
        )
    out["covered_majority"] = out["share"].fillna(0.0) >= 0.5
    return out.drop(columns=["weighted_minutes", "weight_for_minutes"]).reset_index(drop=True)


def compute_coverage(
    pack: Any,
    chosen: Collection[str],
    *,
    threshold_min: float = DEFAULT_THRESHOLD_MIN,
    baseline: Collection[str] = (),
    sites: Any = None,
    minutes: np.ndarray | SparseMinutes | None = None,
    model: Any = None,
) -> CoverageReport:
    """Coverage of a plan on the region pack.

    Parameters
    ----------
    pack
        A :class:`planner.data.pack.RegionPack`.
    chosen
        Site ids of the plan.
    threshold_min
        Car minutes that count as covered.
    baseline
        Site ids of earlier stops (for "newly covered").
    sites
        The candidate sites (default: ``pack.sites``; pass an edited table with user sites).
    minutes
        Precomputed ``(len(sites), len(pack.cells))`` minutes, to skip the travel-time step.
    model
        Travel model for computing ``minutes``.
    """
    sites = pack.sites if sites is None else sites
    if minutes is None:
        minutes = site_cell_minutes(sites, pack.cells, model=model, limit_min=threshold_min)
    site_ids = sites["site_id"].astype(str).tolist()
    cells = cell_coverage(
        pack.cells, site_ids, minutes, chosen, threshold_min=threshold_min, baseline=baseline
    )
    names: dict[str, str] = {}
    if "district_ags" in pack.municipalities.columns and "district" in pack.municipalities.columns:
        pairs = pack.municipalities[["district_ags", "district"]].drop_duplicates()
        names = dict(
            zip(pairs["district_ags"].astype(str), pairs["district"].astype(str), strict=False)
        )
    summary = coverage_summary(cells, threshold_min=threshold_min, district_names=names)
    return CoverageReport(summary, cells, municipality_coverage(cells, pack.municipalities))


# --- coverage of planned stops (maps, selection, season page) -----------------------------


@dataclass(frozen=True)
class MapCoverage:
    """Travel time from every demand point to its nearest planned stop.

    Attributes
    ----------
    cell_minutes
        Minutes from each Zensus cell centre (``pack.cells`` order) to the nearest stop;
        ``inf`` when there are no stops.
    municipality_minutes
        Minutes from each municipality's official midpoint (``pack.municipalities`` order).
    stop_cell_minutes
        Stops × cells minutes (for the catchments); shape ``(0, n_cells)`` without stops.
    figures
        Population reached per district and urban/rural class at the regional scale (within
        ``threshold_min`` by car), see :func:`coverage_figures`.
    threshold_min
        The threshold the figures use.
    model, model_description
        Which travel-time model made the minutes.
    """

    cell_minutes: np.ndarray
    municipality_minutes: np.ndarray
    stop_cell_minutes: np.ndarray
    figures: pd.DataFrame
    threshold_min: float
    model: str
    model_description: str
    local: pd.DataFrame | None = None
    """The same figures at the local scale (within 2 km), see :func:`local_figures`."""


def _xy(frame: gpd.GeoDataFrame, *, crs: str = METRIC_CRS) -> np.ndarray:
    """Point coordinates in ``crs`` (the pack's); a frame without a CRS is taken to be in it."""
    metric = frame.to_crs(crs) if frame.crs is not None and str(frame.crs) != crs else frame
    return np.column_stack([metric.geometry.x, metric.geometry.y]).astype(float)


def map_coverage(
    pack: RegionPack,
    stops: gpd.GeoDataFrame | None,
    *,
    threshold_min: float = DEFAULT_THRESHOLD_MIN,
    model: TravelModel | None = None,
) -> MapCoverage:
    """Minutes from each cell and municipality midpoint to the nearest stop, and the figures.

    Parameters
    ----------
    pack
        The region pack.
    stops
        Planned stops (points, any CRS); ``None`` or empty for none.
    threshold_min
        Travel-time threshold in minutes for "reached".
    model
        Travel-time model; default :func:`planner.traveltime.default_model`.

    Returns
    -------
    MapCoverage
    """
    model = model or default_model()
    cells_xy = pack.cells[["x", "y"]].to_numpy(dtype=float)
    munis = pack.municipalities
    muni_xy = munis[["midpoint_x", "midpoint_y"]].to_numpy(dtype=float)
    if stops is None or len(stops) == 0:
        cell_min = np.full(len(cells_xy), np.inf)
        muni_min = np.full(len(muni_xy), np.inf)
        stop_cells = np.zeros((0, len(cells_xy)))
        description = model.describe()
        stop_xy = np.zeros((0, 2))
    else:
        stop_xy = _xy(stops, crs=pack.crs)
        to_cells = travel_time_matrix(stop_xy, cells_xy, model=model)
        to_munis = travel_time_matrix(stop_xy, muni_xy, model=model)
        stop_cells = to_cells.minutes
        cell_min = stop_cells.min(axis=0)
        muni_min = to_munis.minutes.min(axis=0)
        description = to_cells.description
    figures = coverage_figures(pack, cell_min, threshold_min=threshold_min)
    local = local_figures(pack, stop_xy)
    return MapCoverage(
        cell_minutes=cell_min,
        municipality_minutes=muni_min,
        stop_cell_minutes=stop_cells,
        figures=figures,
        threshold_min=threshold_min,
        model=model.name,
        model_description=description,
        local=local,
    )


def coverage_figures(
    pack: RegionPack, cell_minutes: np.ndarray, *, threshold_min: float = DEFAULT_THRESHOLD_MIN
) -> pd.DataFrame:
    """Population reached within ``threshold_min``, per district and urban/rural class.

    The figures come from :mod:`planner.coverage` (summed from the Zensus cells themselves),
    counted on the cells whose centre lies in the region (``in_region``), and are reshaped here
    into urban and rural columns side by side for the legend and the app.

    Parameters
    ----------
    pack
        The region pack.
    cell_minutes
        Minutes from each cell to the nearest stop (``pack.cells`` order; ``inf`` = none).
    threshold_min
        A cell counts as reached when its minutes are at most this.

    Returns
    -------
    pandas.DataFrame
        One row per district (``district_ags``, ``district``) plus a final row ``district_ags ==
        "region"``, with ``urban_population``, ``urban_reached``, ``urban_share``,
        ``rural_population``, ``rural_reached``, ``rural_share``, ``population``, ``reached``,
        ``share`` (shares as fractions 0..1, NaN where the population is 0).
    """
    reached = np.asarray(cell_minutes, dtype=float) <= threshold_min
    return _figures(pack, reached, threshold_min=threshold_min)


def local_figures(pack: RegionPack, stop_xy: np.ndarray) -> pd.DataFrame:
    """People within 2 km of a stop (the local scale), per district and urban/rural class.

    Parameters
    ----------
    pack
        The region pack.
    stop_xy
        ``(n, 2)`` stop positions in the pack's metric CRS.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`coverage_figures`, counted over the same population base.
    """
    cells_xy = pack.cells[["x", "y"]].to_numpy(dtype=float)
    reach = reach_matrix(np.asarray(stop_xy, dtype=float).reshape(-1, 2), cells_xy, scale=LOCAL)
    reached = np.asarray(reach.sum(axis=0)).ravel() > 0
    return _figures(pack, reached, threshold_min=0.0)


def _figures(pack: RegionPack, reached: np.ndarray, *, threshold_min: float) -> pd.DataFrame:
    """Figures per district and region from a reached mask over ``pack.cells``, counted over
    the cells of the population base (centre in the region)."""
    inside = pack.cells["in_region"].to_numpy()
    cells = pack.cells[inside]
    # 0 minutes for a reached cell, inf otherwise: the cell table's own "covered" test
    minutes = np.where(np.asarray(reached, dtype=bool), 0.0, np.inf)[inside][None, :]
    names = dict(zip(pack.districts["district_ags"], pack.districts["name"], strict=False))
    table = cell_coverage(cells, ["nearest"], minutes, ["nearest"], threshold_min=threshold_min)
    summary = coverage_summary(table, threshold_min=threshold_min, district_names=names)
    rows: list[dict[str, Any]] = []
    for rec in summary.by_district.to_dict("records"):
        rows.append(
            _figure_row(
                str(rec["district_ags"]),
                str(rec["district"]),
                population=float(rec["population"]),
                reached=float(rec["covered"]),
                rural_population=float(rec["rural_population"]),
                rural_reached=float(rec["rural_covered"]),
            )
        )
    rural = summary.by_area_class[summary.by_area_class["area_class"] == "rural"]
    rows.append(
        _figure_row(
            "region",
            pack.info.name,
            population=summary.population,
            reached=summary.covered,
            rural_population=float(rural["population"].sum()),
            rural_reached=float(rural["covered"].sum()),
        )
    )
    return pd.DataFrame(rows)


def _figure_row(
    ags: str,
    name: str,
    *,
    population: float,
    reached: float,
    rural_population: float,
    rural_reached: float,
) -> dict[str, Any]:
    def share(got: float, pop: float) -> float:
        return got / pop if pop > 0 else float("nan")

    urban_population = population - rural_population
    urban_reached = reached - rural_reached
    return {
        "district_ags": ags,
        "district": name,
        "urban_population": round(urban_population),
        "urban_reached": round(urban_reached),
        "urban_share": share(urban_reached, urban_population),
        "rural_population": round(rural_population),
        "rural_reached": round(rural_reached),
        "rural_share": share(rural_reached, rural_population),
        "population": round(population),
        "reached": round(reached),
        "share": share(reached, population),
    }


# --- geometry for display ------------------------------------------------------------------------
