"""The schedule (CP-SAT): order and dates of the chosen sites.

For the chosen sites only (12–30 nodes): a circuit (``add_multiple_circuit`` for several units)
from and to the home base over the allowed relocations, one start day per stop whose domain holds
exactly the calendar days on which its stay fits, the stay's end from the start's weekday,
relocation days and municipality gaps as implications / disjunctions. Times are calendar-day
indices. If the chosen set cannot be scheduled, CP-SAT's infeasibility core over the sites'
presence literals names a conflict for the master's cut.

Spare time: unless the planner asks for idle time (``spare_time = "idle"``), a stay may grow
from its open days up to ``longest_stay_days`` (never across a blackout date, never past its
site's availability), and every calendar day of a stay counts in the objective, so spare weeks
become longer stays instead of idle gaps. Events: a stay that includes an event's days earns
its weight. The objective, in this order: the season's value (events − towing × its weight −
:data:`IDLE_DAY_POINTS` per day not in a stay), then the towing minutes, then the earliest
dates.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from planner.season.cpsat import run_solver
from planner.season.prepare import SeasonProblem, _optional_date, allowed_arcs
from planner.season.settings import MAX_STAY_DAYS

__all__ = [
    "IDLE_DAY_POINTS",
    "Schedule",
    "ScheduleModel",
    "longest_span",
    "schedule_sites",
    "shortest_cadence",
    "stay_span_days",
]

#: Node of the home base in the circuit (the stops are 1..n).
HOME_NODE = 0
#: What a calendar day outside every stay costs in the schedule (season value points; a site's
#: score is 0..100 for a whole stay, so a day of a week's stay is worth about 5 to 15).
IDLE_DAY_POINTS = 5.0
#: Value points are scaled to integers by this factor in the schedule's objective.
VALUE_SCALE = 100
#: Share of the schedule's time for finding the order (the rest grows the stays).
ORDER_SHARE = 0.8


@dataclass
class Schedule:
    """A solved schedule: per unit the stops in order, each stop's first operating day (index
    into the operating days) and the towing minutes."""

    order: list[list[int]]
    start_op: dict[int, int]
    tow: float
    end_op: dict[int, int] = field(default_factory=dict)
    events: list[int] = field(default_factory=list)  # numbers of the events a stay includes


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


def grows(problem: SeasonProblem, i: int) -> bool:
    """Whether the stay at site ``i`` may grow with spare time: not when the planner asked for
    idle time, nor for a booking or a site with a stay length of its own (kept as entered)."""
    if problem.config.spare_time == "idle" or i in problem.booking_of:
        return False
    own = problem.sites["stay_days"].iloc[i] if "stay_days" in problem.sites.columns else None
    return own is None or (isinstance(own, float) and own != own)


def _open_days_range(problem: SeasonProblem, i: int) -> tuple[int, int]:
    """Fewest and most open days of a stay at site ``i``."""
    fewest = problem.stay_days[i]
    return fewest, max(fewest, problem.config.longest_stay_days) if grows(problem, i) else fewest


def longest_span(problem: SeasonProblem, i: int) -> int:
    """Most calendar days from the first to the last open day of a stay at site ``i``."""
    operating = frozenset(problem.config.operating_weekdays)
    most = _open_days_range(problem, i)[1]
    return max(stay_span_days(operating, w, most) for w in operating)


def shortest_cadence(problem: SeasonProblem, i: int) -> int:
    """Fewest calendar days from the start of a stay at site ``i`` to the next start: its
    shortest stay, the relocation days, then the next operating weekday."""
    operating = frozenset(problem.config.operating_weekdays)
    fewest = problem.stay_days[i]
    cadences = []
    for w in operating:
        offset = stay_span_days(operating, w, fewest) + 1 + problem.config.relocation_days
        while (w + offset) % 7 not in operating:
            offset += 1
        cadences.append(offset)
    return min(cadences)


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
        self,
        problem: SeasonProblem,
        chosen: Sequence[int],
        *,
        relaxed: Collection[str] = (),
        grow: bool = True,
        order: Sequence[Sequence[int]] | None = None,
        compact: bool = False,
    ) -> None:
        self.problem = problem
        self.stops = list(chosen)
        self.growing = {i for i in self.stops if grow and grows(problem, i)}
        self.order = order
        self.compact = compact
        self.model = cp_model.CpModel()
        cfg = problem.config
        self.max_tow = None if "max_tow" in relaxed else cfg.max_tow_minutes
        self.gap_days = 0 if "municipality_gap" in relaxed else cfg.municipality_gap_days
        self.is_present = {i: self.model.new_bool_var(f"is_present_{i}") for i in self.stops}
        self.open_days: dict[int, cp_model.IntVar] = {}  # of the stays that may grow
        self.start_day: dict[int, cp_model.IntVar] = {}
        self.stay_end: dict[int, cp_model.IntVar] = {}
        self.relocation: dict[tuple[int, int], cp_model.IntVar] = {}
        self._add_stays()
        self.includes_event: dict[int, cp_model.IntVar] = {}
        self._add_tours()
        self._add_municipality_gaps()
        self._add_events()
        self._set_objective()

    def _add_stays(self) -> None:
        """Start day and end of each stay.

        A stop's start has the calendar days on which its stay fits as domain and its end is
        the start plus a span looked up by the start's weekday (seven values), so the model's
        size does not grow with the season's length (an element constraint over every operating
        day made a 10-year season unsolvable). A stay that may grow ends on an operating day
        between its shortest and longest span, inside the start's stretch without blackout
        dates and its site's availability (:meth:`_add_growing_stay`).
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
            fewest, most = _open_days_range(problem, i)
            most = most if i in self.growing else fewest
            end = model.new_int_var(0, n_days + MAX_STAY_DAYS * 7, f"stay_end_{i}")
            self.start_day[i], self.stay_end[i] = start, end
            if most > fewest:
                self._add_growing_stay(i, fewest, most, first_weekday)
                continue
            spans = [stay_span_days(operating, w, fewest) for w in range(7)]
            if len(set(spans)) == 1:
                model.add(end == start + spans[0])
                continue
            span = model.new_int_var(min(spans), max(spans), f"span_{i}")
            model.add_element(self._weekday(i, first_weekday), spans, span)
            model.add(end == start + span)

    def _weekday(self, i: int, first_weekday: int) -> cp_model.IntVar:
        """The weekday of stop ``i``'s start: first_weekday + start = 7 × week + weekday."""
        model, n_days = self.model, len(self.problem.calendar.days)
        week = model.new_int_var(0, (n_days + first_weekday) // 7 + 1, f"week_{i}")
        weekday = model.new_int_var(0, 6, f"weekday_{i}")
        model.add(self.start_day[i] + first_weekday == 7 * week + weekday)
        return weekday

    def _add_growing_stay(self, i: int, fewest: int, most: int, first_weekday: int) -> None:
        """A stay of ``fewest`` to ``most`` open days: its span looked up by (open days,
        weekday of the start), a table of at most 7 × (most − fewest + 1) values."""
        model = self.model
        operating = frozenset(self.problem.config.operating_weekdays)
        open_days = model.new_int_var(fewest, most, f"open_days_{i}")
        table = [stay_span_days(operating, w, n) for n in range(fewest, most + 1) for w in range(7)]
        row = model.new_int_var(0, len(table) - 1, f"stay_row_{i}")
        model.add(row == 7 * (open_days - fewest) + self._weekday(i, first_weekday))
        span = model.new_int_var(min(table), max(table), f"span_{i}")
        model.add_element(row, table, span)
        model.add(self.stay_end[i] == self.start_day[i] + span)
        self.open_days[i] = open_days
        self._keep_in_stretch(i, _stretches(self.problem))

    def _keep_in_stretch(self, i: int, stretches: list[tuple[int, int]]) -> None:
        """A growing stay stays in its start's stretch without blackout dates and ends by its
        site's last available day."""
        model, start, end = self.model, self.start_day[i], self.stay_end[i]
        firsts = [first for first, _ in stretches]
        lasts = [last for _, last in stretches]
        stretch = model.new_int_var(0, len(stretches) - 1, f"stretch_{i}")
        first = model.new_int_var(min(firsts), max(firsts), f"stretch_first_{i}")
        last = model.new_int_var(min(lasts), max(lasts), f"stretch_last_{i}")
        model.add_element(stretch, firsts, first)
        model.add_element(stretch, lasts, last)
        model.add(start >= first)
        model.add(end <= last)
        until = _optional_date(self.problem.sites["available_to"].iloc[i])
        if until is not None:
            model.add(end <= (until - self.problem.calendar.start).days)

    def _add_tours(self) -> None:
        """Each unit's circuit from and to home over the allowed relocations."""
        problem, model = self.problem, self.model
        cfg = problem.config
        home = problem.home
        allowed = allowed_arcs(problem.minutes, self.max_tow)
        if self.order is not None:
            # the order is given: only its relocations are allowed
            given = np.zeros_like(allowed)
            for tour in self.order:
                path = [home, *tour, home]
                for origin, target in itertools.pairwise(path):
                    given[origin, target] = allowed[origin, target]
            allowed = given
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

    def _add_events(self) -> None:
        """A stay includes an event when it starts by the event's first day and ends on or
        after its last."""
        model = self.model
        for event in self.problem.events:
            if event.site not in self.start_day:
                continue
            includes = model.new_bool_var(f"includes_event_{event.number}")
            model.add(self.start_day[event.site] <= event.first).only_enforce_if(includes)
            model.add(self.stay_end[event.site] >= event.last).only_enforce_if(includes)
            self.includes_event[event.number] = includes

    def _set_objective(self) -> None:
        # The season's value first (events, towing, days in a stay), then the towing minutes,
        # then the earliest dates (ties broken stably).
        problem = self.problem
        minutes, cfg = problem.minutes, problem.config
        tow = {arc: round(10 * minutes[arc]) for arc in self.relocation}
        value = sum(
            round(VALUE_SCALE * cfg.weight_tow * minutes[arc]) * literal
            for arc, literal in self.relocation.items()
        )
        weights = {e.number: e.weight for e in problem.events}
        value -= sum(
            round(VALUE_SCALE * weights[n]) * includes
            for n, includes in self.includes_event.items()
        )
        idle_points = round(VALUE_SCALE * IDLE_DAY_POINTS)
        growing = sorted(self.growing)
        value -= sum(idle_points * self.open_days[i] for i in growing)
        if self.compact and self.gap_days > 0:
            # the order for stays that grow later: two stops in one municipality in a row
            # force a wait that no longer stay can fill (the gap counts from the first's end)
            municipality = problem.sites["municipality"].astype(str).tolist()
            wait = max(0, self.gap_days - 1 - cfg.relocation_days)
            value += sum(
                idle_points * wait * literal
                for (origin, target), literal in self.relocation.items()
                if origin != problem.home
                and target != problem.home
                and municipality[origin] == municipality[target]
            )
        towing_most = (len(self.stops) + 1) * max(tow.values(), default=0) + 1
        towing = sum(tow[arc] * literal for arc, literal in self.relocation.items())
        if growing:
            # stays fill the calendar: the dates follow from the order, no tie-break needed
            # (one would make the proof search every way of filling the same days)
            self.model.minimize(value * towing_most + towing)
        else:
            tie = len(self.stops) * (len(problem.calendar.days) + 1) + 1
            self.model.minimize(
                value * towing_most * tie + towing * tie + sum(self.start_day.values())
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
        ends = {i: operating_day_of[int(solver.value(self.stay_end[i]))] for i in self.stops}
        tow = sum(self.problem.minutes[origin, target] for origin, target in used)
        events = sorted(n for n, lit in self.includes_event.items() if solver.value(lit))
        return Schedule(tours, starts, float(tow), ends, events)


def _stretches(problem: SeasonProblem) -> list[tuple[int, int]]:
    """First and last calendar-day index of each stretch of operating days without a blackout
    date between them."""
    bounds: dict[int, tuple[int, int]] = {}
    for k, segment in enumerate(problem.calendar.segments):
        day = problem.calendar_index[k]
        first, _ = bounds.get(segment, (day, day))
        bounds[segment] = (first, day)
    return [bounds[s] for s in sorted(bounds)] or [(0, 0)]


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
    if not any(grows(problem, i) for i in chosen):
        return ScheduleModel(problem, chosen, relaxed=relaxed).solve(seconds)
    # Spare time as longer stays, in two steps: the order with the shortest stays (towing,
    # events and the shortest season, so that a forced wait is avoided; proven quickly), then
    # that order's stays grown to fill the calendar. One model of both at once could not
    # prove its optimum within the limit.
    deadline = time.perf_counter() + seconds
    first, conflict, status = ScheduleModel(
        problem, chosen, relaxed=relaxed, grow=False, compact=True
    ).solve(seconds * ORDER_SHARE)
    if first is None:
        return first, conflict, status
    left = deadline - time.perf_counter()
    filled, _, fill_status = ScheduleModel(
        problem, chosen, relaxed=relaxed, order=first.order
    ).solve(max(0.0, left))
    if filled is None:  # no time left to grow the stays: the shortest stays stand
        return first, [], "time_limit" if fill_status == "unknown" else status
    worst = status if status != "optimal" else fill_status
    return filled, [], worst
