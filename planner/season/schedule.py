"""The schedule (CP-SAT): order and dates of the chosen sites.

For the chosen sites only (12–30 nodes): a circuit (``add_multiple_circuit`` for several units)
from and to the home base over the allowed relocations, one start day per stop whose domain holds
exactly the calendar days on which its stay fits, the stay's end from the start's weekday,
relocation days and municipality gaps as implications / disjunctions, minimising towing. Times
are calendar-day indices. If the chosen set cannot be scheduled, CP-SAT's infeasibility core over
the sites' presence literals names a conflict for the master's cut.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from planner.season.cpsat import run_solver
from planner.season.prepare import SeasonProblem, allowed_arcs
from planner.season.settings import MAX_STAY_DAYS

__all__ = ["Schedule", "ScheduleModel", "schedule_sites", "stay_span_days"]

#: Node of the home base in the circuit (the stops are 1..n).
HOME_NODE = 0


@dataclass
class Schedule:
    """A solved schedule: per unit the stops in order, each stop's first operating day (index
    into the operating days) and the towing minutes."""

    order: list[list[int]]
    start_op: dict[int, int]
    tow: float


def stay_span_days(operating: Collection[int], weekday: int, open_days: int) -> int:
    """Calendar days from the first to the last open day of a stay starting on ``weekday``.

    A stay never contains a blackout date, so the only closed days inside it are
    non-operating weekdays: its calendar length depends on the starting weekday alone.
    """
    count, offset = 0, 0
    while True:
        if (weekday + offset) % 7 in operating:
            count += 1
            if count == open_days:
                return offset
        offset += 1


class ScheduleModel:
    """The CP-SAT schedule of ``chosen`` sites.

    Parameters
    ----------
    problem
        The season problem.
    chosen
        Sites to schedule (each with at least one start option).
    relaxed
        Rule names not enforced: ``"max_tow"``, ``"municipality_gap"``.
    """

    def __init__(
        self, problem: SeasonProblem, chosen: Sequence[int], *, relaxed: Collection[str] = ()
    ) -> None:
        self.problem = problem
        self.stops = list(chosen)
        self.model = cp_model.CpModel()
        cfg = problem.config
        self.max_tow = None if "max_tow" in relaxed else cfg.max_tow_minutes
        self.gap_days = 0 if "municipality_gap" in relaxed else cfg.municipality_gap_days
        self.is_present = {i: self.model.new_bool_var(f"is_present_{i}") for i in self.stops}
        self.start_day: dict[int, cp_model.IntVar] = {}
        self.stay_end: dict[int, cp_model.IntVar] = {}
        self.relocation: dict[tuple[int, int], cp_model.IntVar] = {}
        self._add_stays()
        self._add_tours()
        self._add_municipality_gaps()
        self._set_objective()

    def _add_stays(self) -> None:
        """Start day and end of each stay.

        A stop's start has the calendar days on which its stay fits as domain and its end is
        the start plus a span looked up by the start's weekday (seven values), so the model's
        size does not grow with the season's length (an element constraint over every operating
        day made a 10-year season unsolvable).
        """
        problem, model = self.problem, self.model
        n_days = len(problem.calendar.days)
        first_weekday = problem.calendar.start.weekday()
        operating = frozenset(problem.config.operating_weekdays)
        for i in self.stops:
            days = [problem.calendar_index[k] for k in problem.start_options[i]]
            start = model.new_int_var_from_domain(
                cp_model.Domain.from_values(days), f"start_day_{i}"
            )
            end = model.new_int_var(0, n_days + MAX_STAY_DAYS * 7, f"stay_end_{i}")
            self.start_day[i], self.stay_end[i] = start, end
            spans = [stay_span_days(operating, w, problem.stay_days[i]) for w in range(7)]
            if len(set(spans)) == 1:
                model.add(end == start + spans[0])
                continue
            # Weekday of the start: first_weekday + start = 7 × week + weekday.
            week = model.new_int_var(0, (n_days + first_weekday) // 7 + 1, f"week_{i}")
            weekday = model.new_int_var(0, 6, f"weekday_{i}")
            model.add(start + first_weekday == 7 * week + weekday)
            span = model.new_int_var(min(spans), max(spans), f"span_{i}")
            model.add_element(weekday, spans, span)
            model.add(end == start + span)

    def _add_tours(self) -> None:
        """Each unit's circuit from and to home over the allowed relocations."""
        problem, model = self.problem, self.model
        cfg = problem.config
        home = problem.home
        allowed = allowed_arcs(problem.minutes, self.max_tow)
        node = {i: k + 1 for k, i in enumerate(self.stops)}
        arcs: list[tuple[int, int, Any]] = []

        def relocation(origin: int, target: int, tail: int, head: int) -> cp_model.IntVar:
            # (origin, target): sites; (tail, head): their circuit nodes (home is HOME_NODE,
            # also when it is booked as a stop itself)
            literal = model.new_bool_var("")
            self.relocation[origin, target] = literal
            arcs.append((tail, head, literal))
            return literal

        for i in self.stops:
            # Leaving home for i and returning home from i.
            if allowed[home, i]:
                relocation(home, i, HOME_NODE, node[i])
            if allowed[i, home]:
                relocation(i, home, node[i], HOME_NODE)
            # Relocating from i to j: j starts after i's end and the relocation days.
            for j in self.stops:
                if i == j or not allowed[i, j]:
                    continue
                moved = relocation(i, j, node[i], node[j])
                model.add(
                    self.start_day[j] >= self.stay_end[i] + 1 + cfg.relocation_days
                ).only_enforce_if(moved)
            # A stop left out of the tour (only in an infeasibility proof) loops on itself.
            arcs.append((node[i], node[i], self.is_present[i].negated()))
        if cfg.units == 1:
            model.add_circuit(arcs)
        else:
            # At most `units` tours leave home.
            model.add_multiple_circuit(arcs)
            leaving = [lit for (origin, _), lit in self.relocation.items() if origin == home]
            model.add(sum(leaving) <= cfg.units)

    def _add_municipality_gaps(self) -> None:
        """Two stops in one municipality: one ends ``gap_days`` before the other starts."""
        if self.gap_days <= 0:
            return
        model, start, end = self.model, self.start_day, self.stay_end
        municipality = self.problem.sites["municipality"].astype(str).tolist()
        for x, i in enumerate(self.stops):
            for j in self.stops[x + 1 :]:
                if municipality[i] != municipality[j]:
                    continue
                i_first = model.new_bool_var("")
                model.add(start[j] >= end[i] + self.gap_days).only_enforce_if(i_first)
                model.add(start[i] >= end[j] + self.gap_days).only_enforce_if(i_first.negated())

    def _set_objective(self) -> None:
        # Towing first; among equally short tours, the earliest dates (ties broken stably).
        minutes = self.problem.minutes
        tie = len(self.stops) * (len(self.problem.calendar.days) + 1) + 1
        self.model.minimize(
            sum(
                round(10 * minutes[origin, target]) * tie * literal
                for (origin, target), literal in self.relocation.items()
            )
            + sum(self.start_day.values())
        )
        self.model.add_assumptions(list(self.is_present.values()))

    def solve(self, seconds: float) -> tuple[Schedule | None, list[int], str]:
        """(schedule, conflicting sites, status) within ``seconds``."""
        status, solver = run_solver(self.model, seconds=seconds, workers=1)
        if status in ("optimal", "time_limit", "stopped"):
            return self._schedule(solver), [], status
        if status == "infeasible":
            core = solver.sufficient_assumptions_for_infeasibility()
            site_of = {literal.index: i for i, literal in self.is_present.items()}
            conflict = [site_of[k] for k in core if k in site_of] or list(self.stops)
            return None, conflict, "infeasible"
        return None, list(self.stops), "unknown"

    def _schedule(self, solver: cp_model.CpSolver) -> Schedule:
        """The tours, start days and towing of a solution."""
        home = self.problem.home
        used = [arc for arc, literal in self.relocation.items() if solver.value(literal)]
        successor = dict(used)
        tours: list[list[int]] = []
        for origin, target in used:
            if origin != home:
                continue
            tour = [target]
            while successor[tour[-1]] != home:
                tour.append(successor[tour[-1]])
            tours.append(tour)
        tours.sort(key=lambda tour: solver.value(self.start_day[tour[0]]))
        operating_day_of = {c: k for k, c in enumerate(self.problem.calendar_index)}
        starts = {i: operating_day_of[int(solver.value(self.start_day[i]))] for i in self.stops}
        tow = sum(self.problem.minutes[origin, target] for origin, target in used)
        return Schedule(tours, starts, float(tow))


def schedule_sites(
    problem: SeasonProblem,
    chosen: Sequence[int],
    seconds: float,
    *,
    relaxed: Collection[str] = (),
) -> tuple[Schedule | None, list[int], str]:
    """Order and dates for the chosen sites; returns (schedule, conflict sites, status)."""
    if not chosen:
        return Schedule([], {}, 0.0), [], "optimal"
    for i in chosen:
        if not problem.start_options[i]:
            return None, [i], "infeasible"
    return ScheduleModel(problem, chosen, relaxed=relaxed).solve(seconds)
