"""Plan a season: :func:`plan_season`, the one entry point of the season planner.

Build the problem (:mod:`~planner.season.prepare`), prove cheap infeasibilities
(:mod:`~planner.season.precheck`), search (:mod:`~planner.season.decomposition`) and, when the
rules cannot all hold, name the rules that block the season (:mod:`~planner.season.diagnosis`),
all within one deadline: ``config.time_limit`` seconds from the call.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Collection, Hashable, Mapping

import numpy as np
import pandas as pd

from planner.i18n import Message
from planner.season.decomposition import solve_problem
from planner.season.diagnosis import diagnose as diagnose_rules
from planner.season.outcome import plan_without_stops
from planner.season.plan import RuleDiagnosis, SeasonPlan
from planner.season.precheck import precheck
from planner.season.prepare import RuleConflict, SeasonProblem
from planner.season.settings import SeasonConfig

__all__ = ["plan_season"]

#: Time kept from the search to write the plan: at most this many seconds, or this share of the
#: time limit (the plan of the 2023 season takes about 0.3 s to write).
FINISH_SECONDS = 1.0
FINISH_SHARE = 0.05


def plan_season(
    sites: pd.DataFrame,
    minutes: np.ndarray,
    *,
    config: SeasonConfig,
    km: np.ndarray | None = None,
    coverage: Mapping[str, Collection[Hashable]] | None = None,
    cell_population: Mapping[Hashable, float] | None = None,
    coverage_local: Mapping[str, Collection[Hashable]] | None = None,
    diagnose: bool = True,
) -> SeasonPlan:
    """Plan a season.

    Parameters
    ----------
    sites
        Candidate sites (``sites`` schema of docs/CONTRACTS.md plus the score column;
        optional ``stay_days``; a geometry or ``x``/``y`` columns are carried into the
        schedule for exports).  Must include the home base row.
    minutes
        ``(n, n)`` towing times between the sites, in the order of ``sites``.
    config
        Rules and weights.
    km
        ``(n, n)`` towing distances (optional; reported only).
    coverage
        site_id → ids of the demand cells it reaches at the regional scale (within the car
        threshold), for the people newly reached.
    cell_population
        cell id → population (the region's population base: both scales count these cells).
    coverage_local
        site_id → ids of the demand cells within the local scale (2 km), for the people who
        can drop in and the rule on new local people (``min_new_local_share``).
    diagnose
        When infeasible, try each rule relaxed to say which one blocks the season.

    Returns
    -------
    SeasonPlan
        ``status == "infeasible"`` with a non-empty ``diagnosis`` when the rules cannot all
        be met.
    """
    started = time.perf_counter()
    # One deadline for the whole call: preparation, search and diagnosis all end by it.
    deadline = started + config.time_limit
    build = functools.partial(
        SeasonProblem.build,
        sites,
        minutes,
        km=km,
        coverage=coverage,
        cell_population=cell_population,
        coverage_local=coverage_local,
    )
    try:
        problem = build(config=config)
        precheck(problem)
        prepare_seconds = time.perf_counter() - started
    except RuleConflict as exc:
        diagnosis = [RuleDiagnosis(exc.rule, exc.problem)]
        return plan_without_stops("infeasible", config, sites.copy(), diagnosis, started)
    # the search leaves time to write the plan (totals, gaps, reasons) before the deadline
    finish = min(FINISH_SECONDS, FINISH_SHARE * config.time_limit)
    result = solve_problem(problem, deadline=deadline - finish)
    if isinstance(result, SeasonPlan):
        result.totals["seconds"] = time.perf_counter() - started
        return result
    if result.outcome == "time_limit":
        # Neither a plan nor a proof: say so, and blame no rule.
        plan = plan_without_stops("time_limit", config, problem.sites, [], started)
        plan.log.extend(result.log)
        return plan
    diagnosis = []
    if diagnose:
        diagnosis = diagnose_rules(
            lambda relaxed: build(config=relaxed),
            config,
            result.rules,
            deadline=deadline,
            prepare_seconds=prepare_seconds,
        )
    if not diagnosis:
        # The core of CP-SAT's proof: these rules cannot all hold together.
        diagnosis = [
            RuleDiagnosis(r, Message("season.diag.in_conflict", {"rule": r}), relaxed_feasible=None)
            for r in result.rules
        ] or [RuleDiagnosis("combination", Message("season.diag.none_combination"))]
    plan = plan_without_stops("infeasible", config, problem.sites, diagnosis, started)
    plan.log.extend(result.log)
    return plan
