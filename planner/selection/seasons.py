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
(an Amt without a candidate, more Ämter in a district than its stops over ``k`` seasons, more
Ämter than all stops over ``k`` seasons: :func:`cover_problems`) before anything is solved, and
structured (:class:`CoverError`) so a page can say them in its language.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from planner.coverage.reach import LOCAL, ReachScale, population_base, reach_matrix
from planner.errors import RulesError
from planner.i18n import DEFAULT_LANGUAGE, t

__all__ = ["CoverError", "CoverProblem", "SeasonsAhead", "cover_problems", "plan_seasons_ahead"]


@dataclass(frozen=True)
class CoverProblem:
    """A reason why no plan can visit every Amt within ``seasons`` seasons (proven).

    Attributes
    ----------
    kind
        ``"no_site"`` (an Amt without a candidate site), ``"district"`` (more Ämter in a district
        than its stops over the seasons), ``"total"`` (more Ämter than all stops over the
        seasons), ``"solver"`` (SCIP proved the model infeasible: the rules together).
    amt
        ``"<amt_ars> <name>"`` (``no_site``).
    district
        The district (``district``).
    amter
        Ämter to visit (``district``: in the district; ``total``: in the region).
    stops
        Stops per season (``district``: its quota; ``total``: all).
    seasons
        The planned seasons.
    """

    kind: Literal["no_site", "district", "total", "solver"]
    amt: str = ""
    district: str = ""
    amter: int = 0
    stops: int = 0
    seasons: int = 0

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The problem in ``lang`` (catalogue keys ``seasons.cover.<kind>``)."""
        return t(
            _COVER_KEYS[self.kind],
            lang,
            amt=self.amt,
            district=self.district,
            amter=self.amter,
            stops=self.stops,
            seasons=self.seasons,
            total=self.stops * self.seasons,
        )

    def english(self) -> str:
        """The problem in English, fixed (``str`` of :class:`CoverError`)."""
        if self.kind == "no_site":
            return f"Amt cover: no candidate site in Amt {self.amt}"
        if self.kind == "district":
            return (
                f"Amt cover: {self.district} has {self.amter} Ämter but only {self.stops} stops "
                f"per season × {self.seasons} seasons = {self.stops * self.seasons} stops"
            )
        if self.kind == "total":
            return (
                f"Amt cover: the region has {self.amter} Ämter but only {self.stops} stops per "
                f"season × {self.seasons} seasons = {self.stops * self.seasons} stops"
            )
        return (
            "Amt cover: no plan visits every Amt within "
            f"{self.seasons} seasons under these quotas (proven by SCIP)"
        )


#: The catalogue text of each kind of :class:`CoverProblem`.
_COVER_KEYS: dict[str, str] = {
    "no_site": "seasons.cover.no_site",
    "district": "seasons.cover.district",
    "total": "seasons.cover.total",
    "solver": "seasons.cover.solver",
}


class CoverError(RulesError):
    """No plan visits every Amt within the seasons (proven); ``problems`` names each reason."""

    def __init__(self, problems: Sequence[CoverProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(p.english() for p in self.problems))

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """Every problem in ``lang``."""
        return "; ".join(p.text(lang) for p in self.problems)


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


def cover_problems(
    pack: Any,
    *,
    seasons: int,
    per_season: int,
    quotas: Mapping[str, int] | None = None,
    sites: Any = None,
) -> list[CoverProblem]:
    """Why no plan can visit every Amt within ``seasons`` seasons, proven by counting (empty
    list: counting finds no reason; the solver may still prove the rules infeasible together).

    Parameters
    ----------
    pack
        The region pack.
    seasons, per_season
        ``k`` and the stops of each season.
    quotas
        Stops per season by district name; none: free.
    sites
        Candidate sites (default ``pack.sites``).
    """
    sites = pack.sites if sites is None else sites
    quotas = dict(quotas or {})
    amt = _site_amt(pack, sites)
    munis = pack.municipalities
    names = munis.groupby("amt_ars")["amt"].first()
    names.index = names.index.astype(str)
    problems = [
        CoverProblem("no_site", amt=f"{a} {names[a]}", seasons=seasons)
        for a in sorted(set(names.index) - set(amt))
    ]
    districts = munis.groupby("amt_ars")["district"].first()
    for district, quota in quotas.items():
        n_amter = int((districts == district).sum())
        if n_amter > seasons * int(quota):
            problems.append(
                CoverProblem(
                    "district", district=district, amter=n_amter, stops=int(quota), seasons=seasons
                )
            )
    if len(names) > seasons * per_season:
        problems.append(CoverProblem("total", amter=len(names), stops=per_season, seasons=seasons))
    return problems


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
    CoverError
        A :class:`planner.errors.RulesError` naming every rule that cannot hold (proven: by
        counting, :func:`cover_problems`, or by SCIP).
    planner.errors.RulesError
        Seasons or stops below 1, or quotas adding up to more than the stops of a season.
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
    problems = cover_problems(
        pack, seasons=seasons, per_season=per_season, quotas=quotas, sites=sites
    )
    if problems:
        raise CoverError(problems)
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
        raise CoverError([CoverProblem("solver", seasons=seasons)])
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
