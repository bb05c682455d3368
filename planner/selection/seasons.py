"""The multi-season view: plan ``k`` seasons ahead so that every Amt is visited at least once.

An option, not the default. One MIP (SCIP through OR-Tools) with one copy of the chosen-site
variables per season:

* ``is_chosen[s, j]`` — site ``j`` is a stop of season ``s``; ``per_season`` stops each season,
  district quotas per season, each site in at most one of the ``k`` seasons;
* ``is_covered[s, i]`` ≤ Σ ``is_chosen[s, j]`` over the sites ``j`` that reach cell ``i`` at the
  chosen scale (:mod:`planner.coverage.reach`): each person counts once per season;
* **Amt cover**: for every Amt (and Kiel, an Amt of its own) Σ over seasons and its sites of
  ``is_chosen[s, j]`` ≥ 1;
* objective: people reached over the ``k`` seasons, each weighted by the recency weight of their
  Amt or city area for that season's year from the known history (:class:`planner.history.History`;
  an Amt visited last season counts 0.5 in the first planned season, 0.75 in the second, 1.0
  after). The planned seasons' own stops are not fed back into the weights (that would make the
  model non-linear); the Amt cover and "each place once" spread them instead.

The result says whether SCIP proved it optimal or states the gap; rules that cannot hold are named
(an Amt without a candidate, more Ämter in a district than its stops over ``k`` seasons) before
anything is solved.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from planner.coverage.reach import LOCAL, ReachScale, population_base, reach_matrix
from planner.errors import RulesError

__all__ = ["SeasonsAhead", "plan_seasons_ahead"]


@dataclass(frozen=True)
class SeasonsAhead:
    """``k`` seasons planned together.

    Attributes
    ----------
    years
        The planned seasons.
    seasons
        Chosen site ids per season (same order as ``years``).
    status
        ``"optimal"`` (proven), ``"feasible"`` (time limit; see ``gap``) or ``"no_solution"``.
    objective, bound, gap
        Recency-weighted people reached (summed over seasons), SCIP's proven bound, relative gap.
    seconds
        Wall time of the whole call.
    amt_visits
        One row per Amt: ``amt_ars``, ``amt``, ``district``, ``season`` (first planned visit).
    """

    years: tuple[int, ...]
    seasons: tuple[tuple[str, ...], ...]
    status: str
    objective: float
    bound: float
    gap: float
    seconds: float
    amt_visits: pd.DataFrame


def _site_amt(pack: Any, sites: Any) -> np.ndarray:
    amt_of = pack.municipalities.set_index("ags")["amt_ars"].astype(str)
    return sites["ags"].astype(str).map(amt_of).fillna("").to_numpy(dtype=object)


def _check_cover(
    pack: Any, sites: Any, amt: np.ndarray, *, seasons: int, quotas: Mapping[str, int]
) -> None:
    """Name the rules that cannot hold before solving (proven by counting)."""
    munis = pack.municipalities
    names = munis.groupby("amt_ars")["amt"].first()
    without = sorted(set(names.index.astype(str)) - set(amt))
    if without:
        listed = ", ".join(f"{a} {names[a]}" for a in without)
        raise RulesError(f"Amt cover: no candidate site in Amt {listed}")
    districts = munis.groupby("amt_ars")["district"].first()
    for district, quota in quotas.items():
        n_amter = int((districts == district).sum())
        if n_amter > seasons * int(quota):
            raise RulesError(
                f"Amt cover: {district} has {n_amter} Ämter but only {quota} stops per season × "
                f"{seasons} seasons = {seasons * int(quota)} stops"
            )


def plan_seasons_ahead(
    pack: Any,
    *,
    seasons: int,
    per_season: int,
    quotas: Mapping[str, int] | None = None,
    first_year: int | None = None,
    history: Any = None,
    sites: Any = None,
    scale: ReachScale = LOCAL,
    time_limit: float = 60.0,
) -> SeasonsAhead:
    """Choose ``per_season`` sites for each of ``seasons`` seasons so that every Amt is visited
    at least once (see the module docstring).

    Parameters
    ----------
    pack
        The region pack.
    seasons, per_season
        ``k`` and the stops of each season.
    quotas
        Stops per season by district name (e.g. ``{"Kiel": 4, "Plön": 4, …}``); none: free.
    first_year
        The first planned season (default: the season after the latest known visit).
    history
        A :class:`planner.history.History` (default: the pack's past stops).
    sites
        Candidate sites (default ``pack.sites``).
    scale
        Reach scale of the objective (default local, 2 km).
    time_limit
        Seconds for the whole call (building the model included).

    Raises
    ------
    planner.errors.RulesError
        Naming the rule that cannot hold (proven: by counting, or by SCIP).
    """
    from ortools.linear_solver import pywraplp  # loaded on first use

    from planner.history import History

    started = time.perf_counter()
    if seasons < 1 or per_season < 1:
        raise RulesError(f"seasons ({seasons}) and stops per season ({per_season}) must be ≥ 1")
    sites = pack.sites if sites is None else sites
    quotas = dict(quotas or {})
    if sum(quotas.values()) > per_season:
        raise RulesError(f"quotas add up to {sum(quotas.values())}, more than {per_season} stops")
    amt = _site_amt(pack, sites)
    _check_cover(pack, sites, amt, seasons=seasons, quotas=quotas)
    history = history if history is not None else History.from_pack(pack)
    year = history.default_year() if first_year is None else int(first_year)

    cells = pack.cells
    base = population_base(pack)
    people = cells["population"].to_numpy(float) * base
    weight = np.vstack([people * history.cell_weights(year + s) for s in range(seasons)])
    cell_xy = np.column_stack([cells["x"].to_numpy(float), cells["y"].to_numpy(float)])
    site_xy = np.column_stack([sites.geometry.x.to_numpy(float), sites.geometry.y.to_numpy(float)])
    reach = reach_matrix(site_xy, cell_xy, scale=scale).T.tocsr()[people > 0]  # (cells, sites)
    w = weight[:, people > 0]

    solver = pywraplp.Solver.CreateSolver("SCIP")
    n_sites = len(sites)
    is_chosen = [
        [solver.BoolVar(f"is_chosen_{s}_{j}") for j in range(n_sites)] for s in range(seasons)
    ]
    objective = solver.Objective()
    district = sites["district"].astype(str).to_numpy()
    for s in range(seasons):
        solver.Add(solver.Sum(is_chosen[s]) == per_season)
        for name, quota in quotas.items():
            members = np.flatnonzero(district == name)
            solver.Add(solver.Sum([is_chosen[s][j] for j in members]) == int(quota))
        for i in range(reach.shape[0]):
            covering = reach.indices[reach.indptr[i] : reach.indptr[i + 1]]
            if not len(covering):
                continue
            is_covered = solver.NumVar(0.0, 1.0, f"is_covered_{s}_{i}")
            solver.Add(is_covered <= solver.Sum([is_chosen[s][int(j)] for j in covering]))
            objective.SetCoefficient(is_covered, float(w[s, i]))
    for j in range(n_sites):  # a place once in k seasons
        solver.Add(solver.Sum([is_chosen[s][j] for s in range(seasons)]) <= 1)
    for a in sorted(set(amt) - {""}):  # every Amt at least once in k seasons
        members = np.flatnonzero(amt == a)
        solver.Add(solver.Sum([is_chosen[s][j] for s in range(seasons) for j in members]) >= 1)
    objective.SetMaximization()
    left = time_limit - (time.perf_counter() - started)
    solver.SetTimeLimit(max(1, int(left * 1000)))
    status = solver.Solve()
    seconds = time.perf_counter() - started
    years = tuple(year + s for s in range(seasons))
    if status == pywraplp.Solver.INFEASIBLE:
        raise RulesError(
            "Amt cover: no plan visits every Amt within "
            f"{seasons} seasons under these quotas (proven by SCIP)"
        )
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        empty = pd.DataFrame(columns=["amt_ars", "amt", "district", "season"])
        return SeasonsAhead(years, (), "no_solution", math.nan, math.nan, math.nan, seconds, empty)
    chosen = tuple(
        tuple(
            str(sites["site_id"].iloc[j])
            for j in range(n_sites)
            if is_chosen[s][j].solution_value() > 0.5
        )
        for s in range(seasons)
    )
    value, bound = objective.Value(), objective.BestBound()
    # "optimal" is SCIP's proof within its default relative gap (1e-4): the gap is stated as is
    gap = abs(bound - value) / max(abs(bound), 1e-9)
    return SeasonsAhead(
        years=years,
        seasons=chosen,
        status="optimal" if status == pywraplp.Solver.OPTIMAL else "feasible",
        objective=value,
        bound=bound,
        gap=gap,
        seconds=seconds,
        amt_visits=_amt_visits(pack, sites, amt, chosen, years),
    )


def _amt_visits(
    pack: Any,
    sites: Any,
    amt: np.ndarray,
    chosen: tuple[tuple[str, ...], ...],
    years: tuple[int, ...],
) -> pd.DataFrame:
    munis = pack.municipalities
    table = munis.groupby("amt_ars", as_index=False).agg(
        amt=("amt", "first"), district=("district", "first")
    )
    ids = sites["site_id"].astype(str).tolist()
    first: dict[str, int] = {}
    for year, stops in zip(years, chosen, strict=True):
        for site in stops:
            first.setdefault(str(amt[ids.index(site)]), year)
    table["amt_ars"] = table["amt_ars"].astype(str)
    table["season"] = table["amt_ars"].map(first).astype("Int64")
    return table
