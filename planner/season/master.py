"""The selection master (CP-SAT): which sites become stops.

One boolean per usable candidate (``is_chosen``) and one per populated demand cell and scale
(``is_covered`` for the regional scale, ``is_reached_local`` for the local one: a cell counts once
per scale however many chosen stops reach it), quotas, the rural share and the season's capacity
as linear constraints. Two stops in one municipality closer than ``min_same_municipality_km``
cannot both be chosen, and at most ``1 - min_new_local_share`` of the people within 2 km of a
stop may be within 2 km of another stop: pairs that break it are excluded in the model, sets of
three or more by a cut after the solve (:meth:`SelectionMaster.local_share_cut`). This is
stronger than "new compared with the earlier stops" and holds in any order, so the schedule is
free to choose the order. Each rule family is enforced only under a
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

import numpy as np
from ortools.sat.python import cp_model

from planner.season.cpsat import run_solver
from planner.season.prepare import SeasonProblem
from planner.season.schedule import longest_span, shortest_cadence

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
        self.is_reached_local: dict[int, cp_model.IntVar] = {}
        self._add_required_sites()
        self._add_stop_counts()
        self._add_capacity()
        self._add_rural_share()
        self._add_spacing()
        self._add_new_local_share()
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
        # With spare time as more stops, quotas and the total are minimums.
        at_least = cfg.spare_time == "more_stops"
        for key, quota in problem.quotas.items():
            stops = sum(chosen[i] for i in in_district.get(key, []))
            rule = self._rule(f"district_quota[{key}]")
            model.add(stops >= int(quota) if at_least else stops == int(quota)).only_enforce_if(
                rule
            )
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
            total = sum(chosen.values())
            model.add(
                total >= int(stops_total) if at_least else total == int(stops_total)
            ).only_enforce_if(self._rule("stops_total"))

    def _add_capacity(self) -> None:
        problem, model, chosen = self.problem, self.model, self.is_chosen
        cfg = problem.config
        # Season length: the stays fit into the operating days of all units.
        open_days = sum(problem.stay_days[i] * chosen[i] for i in chosen)
        season_rule = self._rule("season_length")
        model.add(open_days <= cfg.units * len(problem.operating_days)).only_enforce_if(season_rule)
        if cfg.spare_time == "more_stops" and chosen:
            # Each stop holds its unit at least from its start to the next possible start
            # (stay, relocation days, then an operating weekday): a valid limit on how many
            # stops the calendar holds (the last stop needs only its stay).
            cadence = {i: shortest_cadence(problem, i) for i in chosen}
            room = len(problem.calendar.days) + max(cadence.values()) - 1
            model.add(
                sum(cadence[i] * chosen[i] for i in chosen) <= cfg.units * room
            ).only_enforce_if(season_rule)
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

    def _add_spacing(self) -> None:
        """Two stops in one municipality are at least ``min_same_municipality_km`` apart."""
        problem, chosen = self.problem, self.is_chosen
        limit_m = 1000.0 * problem.config.min_same_municipality_km
        if limit_m <= 0:
            return
        by_municipality: dict[str, list[int]] = defaultdict(list)
        for i in chosen:
            by_municipality[str(problem.sites["municipality"].iloc[i])].append(i)
        literal = None
        for members in by_municipality.values():
            for x, i in enumerate(members):
                for j in members[x + 1 :]:
                    apart = float(np.hypot(*(problem.xy[i] - problem.xy[j])))
                    if apart < limit_m:  # NaN positions compare False: no rule without them
                        literal = literal if literal is not None else self._rule("min_spacing")
                        self.model.add_bool_or(
                            [chosen[i].negated(), chosen[j].negated()]
                        ).only_enforce_if(literal)

    def _add_new_local_share(self) -> None:
        """Two stops of which one alone takes more than ``1 - share`` of the other's people
        within 2 km are never both chosen. When three or more stops share people, the check
        after each solve (:meth:`local_share_cut`) adds a cut for the set."""
        problem, chosen = self.problem, self.is_chosen
        share = problem.config.min_new_local_share
        if share <= 0 or not problem.local_cells_of:
            return
        people = problem.cell_population
        overlap: dict[tuple[int, int], float] = defaultdict(float)
        for cell, sites in _reached_by(problem.local_cells_of, chosen).items():
            for x, i in enumerate(sites):
                for j in sites[x + 1 :]:
                    overlap[i, j] += people[cell]
        literal = self._rule("min_new_local_share")
        for (i, j), shared_people in overlap.items():
            if shared_people > _local_limit(problem, i) or shared_people > _local_limit(problem, j):
                self.model.add_bool_or([chosen[i].negated(), chosen[j].negated()]).only_enforce_if(
                    literal
                )

    def _greedy(self) -> list[int]:
        """The best-valued sites that keep the quotas, the total and the pairs that may not
        share a season (a hint: the solver repairs what it misses, e.g. the rural share)."""
        problem, chosen = self.problem, self.is_chosen
        quotas, total = problem.quotas, problem.config.stops_total
        if not quotas and total is None:
            return []
        taken: list[int] = []
        per_key: dict[str, int] = defaultdict(int)
        for i in sorted(chosen, key=lambda i: -problem.site_value[i]):
            key = problem.district_key[i]
            if quotas and (not key or per_key[key] >= quotas[key]):
                continue
            if total is not None and len(taken) >= total:
                break
            if any(self._apart_too_little(i, j) for j in taken):
                continue
            taken.append(i)
            per_key[key] += 1
        return taken

    def _apart_too_little(self, i: int, j: int) -> bool:
        """Whether sites ``i`` and ``j`` break the spacing or the share of new local people."""
        problem = self.problem
        same = problem.sites["municipality"].iloc[i] == problem.sites["municipality"].iloc[j]
        apart = float(np.hypot(*(problem.xy[i] - problem.xy[j])))
        if same and apart < 1000.0 * problem.config.min_same_municipality_km:
            return True
        if problem.config.min_new_local_share <= 0 or not problem.local_cells_of:
            return False
        shared = set(problem.local_cells_of.get(i, [])) & set(problem.local_cells_of.get(j, []))
        people = sum(problem.cell_population[c] for c in shared)
        return people > _local_limit(problem, i) or people > _local_limit(problem, j)

    def local_share_cut(self, selection: Collection[int]) -> bool:
        """Add a cut when a stop of ``selection`` shares more than ``1 - share`` of its people
        within 2 km with the other stops together; returns whether one was added."""
        too_much = self._shares_too_much(selection)
        if too_much is not None:
            self.add_cut(too_much)
        return too_much is not None

    def _shares_too_much(self, selection: Collection[int]) -> list[int] | None:
        """A stop of ``selection`` and the stops it shares local people with, when it shares
        more than ``1 - share`` of them; else ``None``."""
        problem = self.problem
        if problem.config.min_new_local_share <= 0 or "min_new_local_share" in self.relaxed:
            return None
        cells_of = problem.local_cells_of
        for i in selection:
            mine = set(cells_of.get(i, []))
            others = {j: mine & set(cells_of.get(j, [])) for j in selection if j != i}
            sharing = [j for j, cells in others.items() if cells]
            shared = set().union(*(others[j] for j in sharing)) if sharing else set()
            if sum(problem.cell_population[c] for c in shared) > _local_limit(problem, i):
                return [i, *sharing]
        return None

    def _set_objective(self) -> float:
        """Maximise score + events + people reached per scale − towing lower bound; returns
        the constant term."""
        problem, model, chosen = self.problem, self.model, self.is_chosen
        cfg = problem.config
        bonus = _event_bound(problem)
        terms = [
            round(
                (problem.site_value[i] + bonus[i] - cfg.weight_tow * problem.tow_lower_bound[i])
                * SCALE
            )
            * is_chosen
            for i, is_chosen in chosen.items()
        ]
        # A cell is reached at a scale only if a chosen stop reaches it, and counts once.
        for weight, cells_of, reached, name in (
            (cfg.weight_coverage, problem.cells_of, self.is_covered, "is_covered"),
            (cfg.weight_local, problem.local_cells_of, self.is_reached_local, "is_reached_local"),
        ):
            if weight <= 0:
                continue
            for cell, sites in _reached_by(cells_of, chosen).items():
                people = problem.cell_population[cell]
                if people <= 0:
                    continue
                is_reached = model.new_bool_var(f"{name}_{cell}")
                model.add(is_reached <= sum(chosen[i] for i in sites))
                reached[cell] = is_reached
                terms.append(round(weight * people * SCALE) * is_reached)
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
        greedy = self._greedy() if self.cuts == 0 else []
        if hint is None and greedy:
            hint = greedy  # a first selection for the solver's search
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
            if status != "optimal" and greedy and self._keeps_every_rule(greedy):
                greedy_value = self._value_and_bound(greedy)[0]
                if greedy_value > objective:  # the search had no time to reach the hint
                    chosen, objective = greedy, greedy_value
            return MasterResult(status, chosen, objective, bound, [])
        if status == "infeasible":
            names = {lit.index: name for name, lit in self.rule_literals.items()}
            core = [
                names[k] for k in solver.sufficient_assumptions_for_infeasibility() if k in names
            ]
            return MasterResult("infeasible", [], math.nan, math.nan, core)
        if greedy and self._keeps_every_rule(greedy):
            # No solution in time (a loaded machine can spend it all in presolve): the greedy
            # selection keeps every rule, so it stands, with a valid but loose bound.
            objective, bound = self._value_and_bound(greedy)
            return MasterResult("time_limit", greedy, objective, bound, [])
        return MasterResult("unknown", [], math.nan, math.nan, [])

    def _keeps_every_rule(self, selection: list[int]) -> bool:
        """Whether ``selection`` (made by :meth:`_greedy`, which keeps the quotas, the total and
        the pairs) keeps the other rules of the model too."""
        problem, cfg = self.problem, self.problem.config
        ids = problem.sites["site_id"].tolist()
        required = {ids.index(s) for s in cfg.must_include} | set(problem.booking_of)
        if not required <= set(selection) or cfg.spare_time == "more_stops":
            return False
        if cfg.stops_total is not None and len(selection) != cfg.stops_total:
            return False
        if problem.quotas and any(
            sum(problem.district_key[i] == k for i in selection) != q
            for k, q in problem.quotas.items()
        ):
            return False
        if sum(problem.stay_days[i] for i in selection) > cfg.units * len(problem.operating_days):
            return False
        rural = sum(problem.sites["area_class"].iloc[i] == "rural" for i in selection)
        if rural < cfg.min_rural_share * len(selection) - 1e-9:
            return False
        municipalities = [str(problem.sites["municipality"].iloc[i]) for i in selection]
        if cfg.municipality_gap_days > 0 and len(set(municipalities)) < len(municipalities):
            return False  # whether the gaps fit is the model's to say
        return self._shares_too_much(selection) is None

    def _value_and_bound(self, selection: list[int]) -> tuple[float, float]:
        """The objective of ``selection`` and a valid upper bound on every selection's: the
        best sites' values and everyone reached at both scales."""
        problem, cfg = self.problem, self.problem.config
        bonus = _event_bound(problem)

        def site(i: int) -> float:
            value = problem.site_value[i] + bonus[i]
            return float(value - cfg.weight_tow * problem.tow_lower_bound[i])

        people = problem.cell_population
        reached = {c for i in selection for c in problem.cells_of.get(i, [])}
        local = {c for i in selection for c in problem.local_cells_of.get(i, [])}
        offset = self._objective_offset / SCALE
        objective = (
            sum(site(i) for i in selection)
            + cfg.weight_coverage * sum(people[c] for c in reached)
            + cfg.weight_local * sum(people[c] for c in local)
            + offset
        )
        best = sorted((site(i) for i in self.is_chosen), reverse=True)[: len(selection)]
        everyone = float(people.sum()) if len(people) else 0.0
        bound = sum(max(0.0, v) for v in best) + offset
        bound += (cfg.weight_coverage + cfg.weight_local) * everyone
        return float(objective), float(bound)


def _reached_by(cells_of: dict[int, list[int]], chosen: Collection[int]) -> dict[int, list[int]]:
    """Cell → the candidate sites that reach it."""
    reached_by: dict[int, list[int]] = defaultdict(list)
    for i, cells in cells_of.items():
        if i in chosen:
            for cell in cells:
                reached_by[cell].append(i)
    return reached_by


def _local_limit(problem: SeasonProblem, i: int) -> float:
    """The most people within 2 km of site ``i`` that other stops may also reach."""
    total = sum(problem.cell_population[c] for c in problem.local_cells_of.get(i, []))
    return (1.0 - problem.config.min_new_local_share) * total + 1e-6


def _event_bound(problem: SeasonProblem) -> dict[int, float]:
    """Per site, the weights of the events a stay there could include (an upper bound on what
    its events add: the schedule decides whether the stay does)."""
    bonus: dict[int, float] = defaultdict(float)
    for event in problem.events:
        i = event.site
        span = longest_span(problem, i)
        if any(
            problem.calendar_index[k]
            <= event.first
            <= event.last
            <= problem.calendar_index[k] + span
            for k in problem.start_options[i]
        ):
            bonus[i] += event.weight
    return bonus
