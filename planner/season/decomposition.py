"""The logic-based decomposition: master selection, schedule, cut, repeat, by one deadline.

The master (:mod:`planner.season.master`) chooses the sites; the schedule
(:mod:`planner.season.schedule`) orders and dates them. When the chosen set cannot be scheduled,
the schedule's conflict becomes a no-good cut for the master and the loop repeats; the first
selection that can be scheduled is the plan.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass, field

from planner.season.master import SelectionMaster
from planner.season.outcome import build_plan
from planner.season.plan import SeasonPlan
from planner.season.prepare import SeasonProblem
from planner.season.schedule import schedule_sites

__all__ = ["MIN_SOLVE_SECONDS", "NoPlan", "solve_problem"]

#: Below this many seconds left, no solve is started: it could not finish by the deadline.
MIN_SOLVE_SECONDS = 0.05
#: Share of the time left that the master may use (the rest is kept for the schedule).
MASTER_SHARE = 0.6


@dataclass
class NoPlan:
    """The search ended without a plan: ``"infeasible"`` (proven; ``rules`` are those of
    CP-SAT's proof) or ``"time_limit"`` (neither a plan nor a proof in time)."""

    outcome: str
    rules: list[str] = field(default_factory=list)
    log: list[str] = field(default_factory=list)


def solve_problem(
    problem: SeasonProblem, *, deadline: float, relaxed: Collection[str] = ()
) -> SeasonPlan | NoPlan:
    """A plan of ``problem`` found by ``deadline`` (a ``time.perf_counter`` value), or why not.

    Parameters
    ----------
    problem
        The season problem (prechecked).
    deadline
        When every solve must have ended.
    relaxed
        Rule names not enforced (see :class:`~planner.season.master.SelectionMaster`).
    """
    master = SelectionMaster.from_problem(problem, relaxed=relaxed)
    log: list[str] = []
    hint: list[int] | None = None
    while True:
        remaining = deadline - time.perf_counter()
        if remaining <= MIN_SOLVE_SECONDS:
            return NoPlan("time_limit", log=log)
        # keep time for the schedule, but never more than what is left
        selection = master.solve(remaining * MASTER_SHARE, hint)
        log.append(
            f"master: {selection.status}, {len(selection.chosen)} sites, "
            f"objective {selection.objective:.2f}, bound {selection.bound:.2f}, cuts {master.cuts}"
        )
        if selection.status == "infeasible":
            return NoPlan("infeasible", selection.conflicting_rules, log)
        if selection.status == "unknown":
            return NoPlan("time_limit", log=log)
        if master.local_share_cut(selection.chosen):
            log.append("master: cut, a stop shares too many local people with several others")
            hint = None
            continue
        remaining = deadline - time.perf_counter()
        if remaining <= MIN_SOLVE_SECONDS:
            return NoPlan("time_limit", log=log)
        schedule, conflict, status = schedule_sites(
            problem, selection.chosen, remaining, relaxed=relaxed
        )
        log.append(
            f"schedule: {status}" + (f", conflict {len(conflict)} sites" if conflict else "")
        )
        if schedule is not None:
            return build_plan(
                problem,
                selection.chosen,
                schedule,
                selection.bound,
                master_status=selection.status,
                schedule_status=status,
                log=log,
            )
        if status == "unknown":
            return NoPlan("time_limit", log=log)
        master.add_cut(conflict)
        hint = None
