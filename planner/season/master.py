"""The selection master (CP-SAT): which sites become stops.

One boolean per usable candidate (``is_chosen``) and one per populated demand cell
(``is_covered``: a cell counts once however many chosen stops reach it), quotas, the rural share
and the season's capacity as linear constraints. Each rule family is enforced only under a
*rule literal*, assumed true when solving: an infeasible model then names, through CP-SAT's
sufficient assumptions, the rules that cannot hold together. The objective carries a valid lower
bound on towing (every stop is entered once, by its cheapest allowed arc), so the proven bound is
an upper bound on the value of any feasible season. No-good cuts from the schedule exclude sets
of sites that cannot share one season.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from ortools.sat.python import cp_model

from planner.season.cpsat import run_solver
from planner.season.prepare import SeasonProblem

__all__ = ["MasterResult", "SelectionMaster"]

#: The objective's coefficients are scaled to integers (CP-SAT) by this factor.
SCALE = 1000.0


@dataclass(frozen=True)
class MasterResult:
    """One solve of the master: status, the chosen sites, objective and proven bound (in the
    season's value), and the violated rules when infeasible."""

    status: str
    chosen: list[int]
    objective: float
    bound: float
    conflicting_rules: list[str]


class SelectionMaster:
    """CP-SAT selection model with rule literals (for cores) and no-good cuts.

    Parameters
    ----------
    problem
        The season problem.
    relaxed
        Rule names not enforced (assumed false) when solving.
    """

    def __init__(self, problem: SeasonProblem, *, relaxed: Collection[str] = ()) -> None:
        self.problem = problem
        self.model = cp_model.CpModel()
        self.rule_literals: dict[str, cp_model.IntVar] = {}
        self.relaxed = set(relaxed)
        self.cuts = 0
        ids = problem.sites["site_id"].tolist()
        self.is_chosen: dict[int, cp_model.IntVar] = {
            i: self.model.new_bool_var(f"is_chosen_{ids[i]}") for i in problem.usable
        }
        self.is_covered: dict[int, cp_model.IntVar] = {}
        self._add_required_sites()
        self._add_stop_counts()
        self._add_capacity()
        self._add_rural_share()
        self._objective_offset = self._set_objective()

    @classmethod
    def from_problem(
        cls, problem: SeasonProblem, *, relaxed: Collection[str] = ()
    ) -> SelectionMaster:
        """The master of ``problem`` (same as the constructor; reads like the other models)."""
        return cls(problem, relaxed=relaxed)

    def _rule(self, name: str) -> cp_model.IntVar:
        """A new rule literal: the constraints added under it hold while it is assumed."""
        literal = self.model.new_bool_var(name)
        self.rule_literals[name] = literal
        return literal

    def _require(self, site: int, rule: str) -> None:
        """Site ``site`` is a stop while ``rule`` holds (an unusable site refutes the rule)."""
        literal = self._rule(rule)
        if site in self.is_chosen:
            self.model.add(self.is_chosen[site] == 1).only_enforce_if(literal)
        else:
            self.model.add_bool_or([literal.negated()])

    def _add_required_sites(self) -> None:
        # Must-include sites and booked sites are stops.
        problem = self.problem
        ids = problem.sites["site_id"].tolist()
        for site_id in problem.config.must_include:
            self._require(ids.index(site_id), f"must_include[{site_id}]")
        for i, booking in problem.booking_of.items():
            self._require(i, f"booking[{booking.site_id}]")

    def _add_stop_counts(self) -> None:
        problem, model, chosen = self.problem, self.model, self.is_chosen
        cfg = problem.config
        # District quotas: exactly the quota of stops in each district with one.
        in_district: dict[str, list[int]] = defaultdict(list)
        for i in chosen:
            if problem.district_key[i]:
                in_district[problem.district_key[i]].append(i)
        for key, quota in problem.quotas.items():
            stops = sum(chosen[i] for i in in_district.get(key, []))
            model.add(stops == int(quota)).only_enforce_if(self._rule(f"district_quota[{key}]"))
        stops_total = cfg.stops_total
        if (
            stops_total is None
            and problem.quotas
            and not all(problem.district_key[i] for i in chosen)
        ):
            # Districts without a quota get no stops unless stops_total says so (when every
            # candidate has a quota, the quotas fix the total already).
            unquoted = sum(chosen[i] for i in chosen if not problem.district_key[i])
            model.add(unquoted == 0).only_enforce_if(self._rule("district_quota[other districts]"))
        # Total number of stops.
        if stops_total is not None:
            model.add(sum(chosen.values()) == int(stops_total)).only_enforce_if(
                self._rule("stops_total")
            )

    def _add_capacity(self) -> None:
        problem, model, chosen = self.problem, self.model, self.is_chosen
        cfg = problem.config
        # Season length: the stays fit into the operating days of all units.
        open_days = sum(problem.stay_days[i] * chosen[i] for i in chosen)
        model.add(open_days <= cfg.units * len(problem.operating_days)).only_enforce_if(
            self._rule("season_length")
        )
        # Municipality gap: a municipality's stays plus the gaps between them fit the season.
        if cfg.municipality_gap_days <= 0:
            return
        by_municipality: dict[str, list[int]] = defaultdict(list)
        for i in chosen:
            by_municipality[str(problem.sites["municipality"].iloc[i])].append(i)
        literal = self._rule("municipality_gap")
        season_days = len(problem.calendar.days)
        for members in by_municipality.values():
            if len(members) < 2:
                continue
            shortest_stay = min(problem.stay_days[i] for i in members)
            per_stop = shortest_stay + cfg.municipality_gap_days
            most_stops = max(1, (season_days + cfg.municipality_gap_days) // per_stop)
            if most_stops < len(members):
                model.add(sum(chosen[i] for i in members) <= most_stops).only_enforce_if(literal)

    def _add_rural_share(self) -> None:
        problem, chosen = self.problem, self.is_chosen
        share = problem.config.min_rural_share
        if share <= 0:
            return
        # Rural share, in thousandths: 1000 × rural stops ≥ share × 1000 × stops.
        rural = [i for i in chosen if problem.sites["area_class"].iloc[i] == "rural"]
        self.model.add(
            1000 * sum(chosen[i] for i in rural) >= round(share * 1000) * sum(chosen.values())
        ).only_enforce_if(self._rule("min_rural_share"))

    def _set_objective(self) -> float:
        """Maximise score + coverage − towing lower bound; returns the constant term."""
        problem, model, chosen = self.problem, self.model, self.is_chosen
        cfg = problem.config
        terms = [
            round((problem.site_value[i] - cfg.weight_tow * problem.tow_lower_bound[i]) * SCALE)
            * is_chosen
            for i, is_chosen in chosen.items()
        ]
        # Coverage: a cell is covered only if a chosen stop reaches it, and counts once.
        reached_by: dict[int, list[int]] = defaultdict(list)
        for i, cells in problem.cells_of.items():
            if i in chosen:
                for cell in cells:
                    reached_by[cell].append(i)
        for cell, sites in reached_by.items():
            people = problem.cell_population[cell]
            if people <= 0:
                continue
            is_covered = model.new_bool_var(f"is_covered_{cell}")
            model.add(is_covered <= sum(chosen[i] for i in sites))
            self.is_covered[cell] = is_covered
            terms.append(round(cfg.weight_coverage * people * SCALE) * is_covered)
        model.maximize(sum(terms))
        # The way back home is towed however the stops are chosen.
        return -cfg.weight_tow * problem.tow_lower_bound[problem.home] * SCALE

    def add_cut(self, sites: Collection[int]) -> None:
        """No-good cut: ``sites`` cannot all be stops of one season."""
        self.model.add(sum(self.is_chosen[i] for i in sites) <= len(sites) - 1)
        self.cuts += 1

    def solve(self, seconds: float, hint: Collection[int] | None = None) -> MasterResult:
        """Solve within ``seconds``, every rule not relaxed assumed to hold.

        Returns
        -------
        MasterResult
            Status ``"optimal"``, ``"time_limit"`` or ``"stopped"`` with a selection,
            ``"infeasible"`` with the rules of CP-SAT's proof, or ``"unknown"``.
        """
        model = self.model
        model.clear_assumptions()
        model.add_assumptions(
            [lit for name, lit in self.rule_literals.items() if name not in self.relaxed]
        )
        if hint is not None:
            model.clear_hints()
            for i, is_chosen in self.is_chosen.items():
                model.add_hint(is_chosen, i in hint)
        # The coverage model is a covering MIP: a full LP relaxation gives tight bounds.
        status, solver = run_solver(model, seconds=seconds, workers=2, linearization_level=2)
        if status in ("optimal", "time_limit", "stopped"):
            chosen = [i for i, v in self.is_chosen.items() if solver.value(v)]
            objective = (solver.objective_value + self._objective_offset) / SCALE
            bound = (solver.best_objective_bound + self._objective_offset) / SCALE
            return MasterResult(status, chosen, objective, bound, [])
        if status == "infeasible":
            names = {lit.index: name for name, lit in self.rule_literals.items()}
            core = [
                names[k] for k in solver.sufficient_assumptions_for_infeasibility() if k in names
            ]
            return MasterResult("infeasible", [], math.nan, math.nan, core)
        return MasterResult("unknown", [], math.nan, math.nan, [])
