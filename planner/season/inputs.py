"""What the season planner needs from the region data, built the same way for the CLI and the app.

:func:`season_inputs` turns a sites table into the inputs of :func:`planner.season.plan_season`:

* the **site scores** (0..100) from :mod:`planner.scoring`: the criteria of every site
  (:func:`~planner.scoring.compute_criteria`) weighted with the planner's weights
  (:func:`~planner.scoring.score_sites`; :data:`~planner.scoring.DEFAULT_WEIGHTS` when none are
  given). A sites table that already holds a score column keeps its scores;
* the **coverage sets** at the two scales of :mod:`planner.coverage.reach`: for every site, the
  cells of the region's population base (populated cells whose centre is in the region) within
  the car threshold (regional scale; the criteria's car catchments, so scores and coverage agree)
  and within 2 km (local scale), with the cells' population, so the season counts each person
  once per scale however many stops reach them;
* the **towing matrix** between the sites (minutes and km) from :mod:`planner.traveltime`.

The season's value is then ``weight_score × Σ scores + weight_coverage × people reached within
the car threshold + weight_local × people reached within 2 km + Σ event weights − weight_tow ×
towing minutes`` (see :class:`planner.season.SeasonConfig`).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy import sparse

from planner import scoring
from planner.coverage.reach import LOCAL, population_base, reach_matrix
from planner.season.plan import SeasonPlan
from planner.season.planning import plan_season
from planner.season.settings import SeasonConfig
from planner.settings import METRIC_CRS

__all__ = ["SeasonInputs", "criterion_weights", "season_inputs", "site_scores", "site_table"]


@dataclass(frozen=True)
class SeasonInputs:
    """The inputs of one season plan.

    Attributes
    ----------
    sites
        The candidate sites (no geometry) with ``x``/``y`` (in :attr:`crs`) and the score column.
    minutes, km
        ``(n, n)`` towing time and distance between the sites, in the order of ``sites``.
    coverage
        site_id → ids of the base cells within the car threshold (regional scale).
    cell_population
        cell id → people, for the cells of the population base.
    threshold_min
        The car threshold of the coverage sets.
    model, description
        Name and description of the travel-time model.
    coverage_local
        site_id → ids of the base cells within reach at the local scale.
    crs
        The metric CRS of ``x``/``y`` (the pack's); a plan records it as ``totals["crs"]``.
    """

    sites: pd.DataFrame
    minutes: np.ndarray
    km: np.ndarray
    coverage: dict[str, list[str]]
    cell_population: dict[Hashable, float]
    threshold_min: float
    model: str
    description: str
    coverage_local: dict[str, list[str]] = field(default_factory=dict)
    crs: str = METRIC_CRS

    def plan(self, config: SeasonConfig, *, diagnose: bool = True) -> SeasonPlan:
        """Plan the season on these inputs (see :func:`planner.season.plan_season`)."""
        plan = plan_season(
            self.sites,
            self.minutes,
            config=config,
            km=self.km,
            coverage=self.coverage,
            cell_population=self.cell_population,
            coverage_local=self.coverage_local,
            diagnose=diagnose,
        )
        if plan.feasible:
            plan.totals["regional_minutes"] = self.threshold_min
        plan.totals["crs"] = self.crs  # the schedule's x/y: exports and maps draw in it
        return plan


def criterion_weights(weights: Mapping[str, float] | None = None) -> dict[str, float]:
    """A weight for every scoring criterion: the given ones, defaults for the rest.

    Parameters
    ----------
    weights
        Criterion → weight (keys of :data:`planner.scoring.CRITERIA`); unknown keys are an error.

    Returns
    -------
    dict
        Every criterion's weight; the defaults when all given weights are zero.

    Raises
    ------
    KeyError
        Naming an unknown criterion.
    """
    given = dict(weights or {})
    unknown = sorted(set(given) - set(scoring.CRITERIA))
    if unknown:
        raise KeyError(f"unknown criterion {unknown[0]!r}; known: {', '.join(scoring.CRITERIA)}")
    full = {c: float(given.get(c, scoring.DEFAULT_WEIGHTS.get(c, 0.0))) for c in scoring.CRITERIA}
    return full if sum(full.values()) > 0 else dict(scoring.DEFAULT_WEIGHTS)


def site_scores(
    criteria: scoring.SiteCriteria, weights: Mapping[str, float] | None = None
) -> pd.Series:
    """Every site's score (0..100) for ``weights``, indexed by site_id."""
    table = scoring.score_sites(criteria, criterion_weights(weights))
    return pd.Series(
        table["score"].to_numpy(float), index=table["site_id"].astype(str), name="score"
    )


def site_table(sites: pd.DataFrame, *, crs: str = METRIC_CRS) -> gpd.GeoDataFrame:
    """Sites as a GeoDataFrame in ``crs`` (the pack's metric CRS) with ``x``/``y`` columns.

    Accepts a GeoDataFrame (any CRS) or a table with ``x``/``y`` in ``crs``.
    """
    if isinstance(sites, gpd.GeoDataFrame) and sites.geometry.name in sites.columns:
        table = sites.to_crs(crs) if sites.crs and str(sites.crs) != crs else sites
        table = table.reset_index(drop=True).copy()
        table["x"] = table.geometry.x.to_numpy(float)
        table["y"] = table.geometry.y.to_numpy(float)
        return table
    missing = [c for c in ("x", "y") if c not in sites.columns]
    if missing:
        raise ValueError(f"sites table: missing column(s) {missing} ({crs} metres)")
    table = pd.DataFrame(sites).reset_index(drop=True).copy()
    table = table.drop(columns=["geometry"], errors="ignore")
    return gpd.GeoDataFrame(
        table,
        geometry=gpd.points_from_xy(table["x"].astype(float), table["y"].astype(float)),
        crs=crs,
    )


def season_inputs(
    pack: Any,
    sites: pd.DataFrame | None = None,
    *,
    threshold_min: float = 15.0,
    model: Any = None,
    weights: Mapping[str, float] | None = None,
    season: tuple[date, date] | None = None,
    criteria: scoring.SiteCriteria | None = None,
    score_column: str = "score",
) -> SeasonInputs:
    """Build the season planner's inputs: scores, coverage sets and towing matrix.

    Parameters
    ----------
    pack
        The region pack (cells and, unless ``sites`` is given, the candidate sites).
    sites
        Candidate sites (GeoDataFrame, or a table with ``x``/``y`` in the pack's CRS).
    threshold_min
        Car minutes within which a cell counts as covered (and for the ``*_car`` criteria).
    model
        Travel-time model (default: the active one).
    weights
        The planner's criterion weights (default :data:`planner.scoring.DEFAULT_WEIGHTS`).
    season
        ``(first_day, last_day)`` for the availability criterion.
    criteria
        Criteria already computed for exactly these sites and ``threshold_min`` (the app's
        cache); computed here when absent.
    score_column
        Column to hold the scores; a table that already has it keeps its own scores.

    Returns
    -------
    SeasonInputs
    """
    from planner.traveltime import travel_time_matrix

    # the pack's metric CRS (a stand-in pack without one: the embedded pack's)
    crs = str(getattr(pack, "crs", METRIC_CRS))
    table = site_table(pack.sites if sites is None else sites, crs=crs)
    ids = table["site_id"].astype(str).tolist()
    if criteria is None:
        criteria = scoring.compute_criteria(
            pack, sites=table, threshold_min=threshold_min, model=model, season=season
        )
    if criteria.site_ids != ids:
        raise ValueError("criteria were computed for other sites than the sites table")
    has_scores = (
        score_column in table.columns
        and pd.to_numeric(table[score_column], errors="coerce").notna().all()
    )
    if not has_scores:
        table[score_column] = site_scores(criteria, weights).reindex(ids).to_numpy(float)
    xy = table[["x", "y"]].to_numpy(float)
    tow = travel_time_matrix(xy, xy, model=model)
    cells = pack.cells
    cell_ids = cells["cell_id"].astype(str).to_numpy()
    population = cells["population"].to_numpy(float)
    # one base for every figure of people reached: populated cells whose centre is in the region
    base = population_base(pack)
    local = reach_matrix(xy, cells[["x", "y"]].to_numpy(float), scale=LOCAL)
    coverage = _sets(criteria.catchment_car.tocsr(), ids, cell_ids, base)
    coverage_local = _sets(local, ids, cell_ids, base)
    cell_population: dict[Hashable, float] = dict(
        zip(cell_ids[base].tolist(), population[base].tolist(), strict=True)
    )
    return SeasonInputs(
        sites=pd.DataFrame(table.drop(columns=table.geometry.name)),
        minutes=np.asarray(tow.minutes, dtype=float),
        km=np.asarray(tow.km, dtype=float),
        coverage=coverage,
        cell_population=cell_population,
        threshold_min=float(threshold_min),
        model=str(tow.model),
        description=str(tow.description),
        coverage_local=coverage_local,
        crs=crs,
    )


def _sets(
    reach: sparse.csr_matrix, ids: list[str], cell_ids: np.ndarray, base: np.ndarray
) -> dict[str, list[str]]:
    """site_id → the ids of the base cells a site reaches (rows of ``reach``)."""
    out: dict[str, list[str]] = {}
    for row, site_id in enumerate(ids):
        cols = reach.indices[reach.indptr[row] : reach.indptr[row + 1]]
        out[site_id] = cell_ids[np.sort(cols[base[cols]])].tolist()
    return out
