"""A solved schedule as a :class:`~planner.season.plan.SeasonPlan`: the stops in date order,
the season's totals, what ended the search, and why each other candidate is not in the plan;
:func:`plan_with_groups` adds the Ämter and city areas the stops stand in (the solver itself
works without the region pack, so whoever holds the pack adds them)."""

from __future__ import annotations

import dataclasses
import math
import time
from collections import defaultdict
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from planner.coverage.groups import plan_groups
from planner.coverage.reach import LOCAL
from planner.i18n import Message
from planner.season.gaps import idle_gaps
from planner.season.plan import (
    SCHEDULE_COLUMNS,
    UNPLANNED_COLUMNS,
    RuleDiagnosis,
    SeasonPlan,
    site_xy,
)
from planner.season.prepare import SeasonProblem, allowed_arcs
from planner.season.schedule import Schedule
from planner.season.settings import SeasonConfig

if TYPE_CHECKING:
    from planner.history import History

__all__ = ["build_plan", "plan_with_groups", "plan_without_stops"]


def plan_without_stops(
    status: str,
    config: SeasonConfig,
    sites: pd.DataFrame,
    diagnosis: list[RuleDiagnosis],
    started: float,
) -> SeasonPlan:
    """A plan without stops: ``"infeasible"`` (proven) or ``"time_limit"`` (no plan in time)."""
    return SeasonPlan(
        status=status,
        schedule=pd.DataFrame(columns=SCHEDULE_COLUMNS),
        totals={
            "stops": 0,
            "seconds": time.perf_counter() - started,
            "time_limit": float(config.time_limit),
            "stop_reason": status,
        },
        unplanned=pd.DataFrame(columns=UNPLANNED_COLUMNS),
        diagnosis=diagnosis,
        config=config,
        sites=sites,
    )


def build_plan(
    problem: SeasonProblem,
    chosen: list[int],
    schedule: Schedule,
    bound: float,
    *,
    master_status: str,
    schedule_status: str,
    log: list[str],
) -> SeasonPlan:
    """The plan of a schedule; ``bound`` is the master's proven bound on the season's value."""
    cfg = problem.config
    # chronological stops, people credited in date order (each person once per scale)
    stops = sorted(
        (schedule.start_op[i], unit, i) for unit, tour in enumerate(schedule.order) for i in tour
    )
    order = [i for _, _, i in stops]
    population_new = _population_new(problem.cells_of, problem.cell_population, order)
    local_new = _population_new(problem.local_cells_of, problem.cell_population, order)
    rows, tow_total, km_total = _stop_rows(
        problem, stops, schedule, (population_new, local_new), len(schedule.order)
    )
    table = pd.DataFrame(rows, columns=SCHEDULE_COLUMNS)
    table["last_visit"] = table["last_visit"].astype("Int64")
    covered = float(sum(population_new.values()))
    local = float(sum(local_new.values()))
    weights = {e.number: e.weight for e in problem.events}
    event_value = float(sum(weights[n] for n in schedule.events))
    value = (
        float(sum(problem.site_value[i] for i in chosen))
        + cfg.weight_coverage * covered
        + cfg.weight_local * local
        + event_value
        - cfg.weight_tow * tow_total
    )
    gaps = idle_gaps(problem, table)
    gap = max(0.0, (bound - value) / abs(bound)) if bound and math.isfinite(bound) else 0.0
    stop_reason = _stop_reason({master_status, schedule_status}, gap)
    n = len(table)
    totals: dict[str, Any] = {
        "stops": n,
        "stops_per_district": table.groupby("district").size().to_dict() if n else {},
        "rural_share": int((table["area_class"] == "rural").sum()) / n if n else 0.0,
        "population_covered": covered,
        "people_regional": covered,
        "people_local": local,
        "local_km": LOCAL.radius_m / 1000.0 if LOCAL.radius_m else None,
        "events": [int(n) for n in schedule.events],
        "event_value": event_value,
        "idle_days": int(sum(g.days for g in gaps)),
        "km_towed": km_total,
        "tow_minutes": tow_total,
        "score_sum": float(table["score"].sum()) if n else 0.0,
        "value": value,
        "bound": bound,
        "gap": gap,
        "first_day": table["start"].min() if n else None,
        "last_day": table["end"].max() if n else None,
        "units": cfg.units,
        "stop_reason": stop_reason,
        "time_limit": float(cfg.time_limit),
    }
    return SeasonPlan(
        status="optimal" if stop_reason == "optimal" else "feasible",
        schedule=table,
        totals=totals,
        unplanned=_unplanned(problem, chosen),
        diagnosis=[],
        config=cfg,
        sites=problem.sites,
        log=log,
        gaps=gaps,
    )


def plan_with_groups(
    plan: SeasonPlan,
    pack: Any,
    *,
    history: History | None = None,
    year: int | None = None,
) -> SeasonPlan:
    """The plan with the fairness group of every stop and the groups it visits.

    The schedule's ``group`` (the Amt or city area the stop stands in) and ``last_visit`` (that
    group's last visit before the season, NA = none known) are filled, and the totals gain
    ``groups_visited`` and ``groups_total`` (:func:`planner.coverage.groups.plan_groups`). A plan
    without stops is returned as it is.

    Parameters
    ----------
    plan
        A plan of :func:`planner.season.plan_season`.
    pack
        The region pack the plan was made on.
    history
        The tour's history (default: the pack's past stops).
    year
        The season's year (default: the year of the plan's first day).

    Returns
    -------
    SeasonPlan
        A new plan; ``plan`` is left unchanged.
    """
    if not plan.feasible or not len(plan.schedule):
        return plan
    year = plan.config.start.year if year is None else int(year)
    # the schedule's x/y are in the CRS the plan names (EPSG:25832 for plans that name none)
    crs = str(plan.totals.get("crs") or "") or None
    report = plan_groups(pack, plan.schedule, history=history, year=year, crs=crs)
    schedule = plan.schedule.copy()
    schedule["group"] = report.stop_groups["group"].to_numpy()
    schedule["last_visit"] = report.stop_groups["last_visit"].astype("Int64").to_numpy()
    # the schedule keeps its column order (a stored plan of an earlier version gains them)
    order = [c for c in SCHEDULE_COLUMNS if c in schedule.columns]
    schedule = schedule[order + [c for c in schedule.columns if c not in order]]
    totals = {**plan.totals, "groups_visited": report.visited, "groups_total": report.total}
    return dataclasses.replace(plan, schedule=schedule, totals=totals)


def _stop_reason(statuses: set[str], gap: float) -> str:
    """What ended the search, from the statuses of master and schedule and the gap."""
    if statuses == {"optimal"} and gap < 1e-9:
        return "optimal"
    if "time_limit" in statuses:
        return "time_limit"
    if "stopped" in statuses:
        return "stopped"
    # both parts proven optimal, but the selection's towing bound leaves a gap: the
    # decomposition ends with the first selection that can be scheduled
    return "search_done"


def _population_new(
    cells_of: dict[int, list[int]], population: np.ndarray, order: list[int]
) -> dict[int, float]:
    """Per stop in ``order``, the people it reaches that no earlier stop reached."""
    seen: set[int] = set()
    out: dict[int, float] = {}
    for i in order:
        cells = [c for c in cells_of.get(i, []) if c not in seen]
        out[i] = float(sum(population[c] for c in cells))
        seen.update(cells)
    return out


def _stop_rows(
    problem: SeasonProblem,
    stops: list[tuple[int, int, int]],
    schedule: Schedule,
    new: tuple[dict[int, float], dict[int, float]],
    units: int,
) -> tuple[list[dict[str, Any]], float, float]:
    """The schedule's rows for (first operating day, unit, site) in date order, and the
    towing minutes and km including each unit's way home."""
    population_new, local_new = new
    df = problem.sites
    xs, ys = site_xy(df)
    rows = []
    previous = {unit: problem.home for unit in range(units)}
    tow_total = km_total = 0.0
    for number, (first, unit, i) in enumerate(stops, start=1):
        last = schedule.end_op.get(i, first + problem.stay_days[i] - 1)
        open_days = last - first + 1  # a stay holds no blackout date: every operating day
        origin = previous[unit]
        booking = problem.booking_of.get(i)
        rows.append(
            {
                "stop": number,
                "unit": unit + 1,
                "site_id": df["site_id"].iloc[i],
                "name": df["name"].iloc[i],
                "municipality": df["municipality"].iloc[i],
                "district": df["district"].iloc[i],
                "area_class": df["area_class"].iloc[i],
                # known with the region pack and the history: plan_with_groups fills them
                "group": "",
                "last_visit": None,
                "start": problem.operating_days[first],
                "end": problem.operating_days[last],
                "open_days": open_days,
                "tow_minutes": float(problem.minutes[origin, i]),
                "tow_km": float(problem.km[origin, i]),
                "score": float(df[problem.config.score_column].iloc[i]),
                "population_new": population_new.get(i, 0.0),
                "people_local": float(
                    sum(problem.cell_population[c] for c in problem.local_cells_of.get(i, []))
                ),
                "local_new": local_new.get(i, 0.0),
                "locked": bool(booking is not None and booking.locked),
                "x": float(xs[i]),
                "y": float(ys[i]),
            }
        )
        tow_total += float(problem.minutes[origin, i])
        km_total += float(problem.km[origin, i])
        previous[unit] = i
    for last in previous.values():
        if last != problem.home:
            tow_total += float(problem.minutes[last, problem.home])
            km_total += float(problem.km[last, problem.home])
    return rows, tow_total, km_total


def _unplanned(problem: SeasonProblem, chosen: list[int]) -> pd.DataFrame:
    """One row per candidate not in the plan with the reason code and its parameters."""
    df = problem.sites
    ids = df["site_id"].tolist()
    reasons = _UnplannedReasons(problem, chosen)
    rows = []
    for i in range(len(df)):
        if i in reasons.chosen or i == problem.home:
            continue
        reason, params = reasons.of(i)
        rows.append(
            {
                "site_id": ids[i],
                "name": df["name"].iloc[i],
                "district": df["district"].iloc[i],
                "reason": reason,
                "reason_params": Message("", params).to_dict()["params"],
            }
        )
    return pd.DataFrame(rows, columns=UNPLANNED_COLUMNS)


class _UnplannedReasons:
    """Why a candidate is not a stop, checked in order: excluded, no dates, too far, no quota,
    covered by a chosen stop, its district's quota full, a low score."""

    def __init__(self, problem: SeasonProblem, chosen: list[int]) -> None:
        self.problem = problem
        self.chosen = set(chosen)
        self.chosen_list = chosen
        self.allowed = allowed_arcs(problem.minutes, problem.config.max_tow_minutes)
        self.by_key: dict[str, list[int]] = defaultdict(list)
        for i in chosen:
            self.by_key[self._key(i)].append(i)
        self.cells = {i: set(c) for i, c in problem.cells_of.items()}

    def _key(self, i: int) -> str:
        return self.problem.district_key[i] or str(self.problem.sites["district"].iloc[i])

    def of(self, i: int) -> tuple[str, dict[str, Any]]:
        """(reason code, parameters) of candidate ``i``."""
        problem, cfg, df = self.problem, self.problem.config, self.problem.sites
        if df["site_id"].iloc[i] in cfg.exclude:
            return "excluded", {}
        if not problem.start_options[i]:
            first, last = df["available_from"].iloc[i], df["available_to"].iloc[i]
            return "availability", {
                "days": problem.stay_days[i],
                "start": str(first) if first else Message("season.window.start"),
                "end": str(last) if last else Message("season.window.end"),
            }
        reachable = self.allowed[problem.home, i] or any(
            self.allowed[j, i] for j in self.chosen_list
        )
        if not math.isfinite(problem.tow_lower_bound[i]) or not reachable:
            return "too_far", {"minutes": float(cfg.max_tow_minutes or 0.0)}
        if problem.quotas and not problem.district_key[i] and cfg.stops_total is None:
            return "no_quota", {"district": str(df["district"].iloc[i])}
        covered = self._covered_by(i)
        if covered is not None:
            return "covered", covered
        key = self._key(i)
        if key in problem.quotas and len(self.by_key.get(key, [])) >= problem.quotas[key]:
            worst = min((problem.site_value[j] for j in self.by_key[key]), default=math.inf)
            reason = "quota_full" if problem.site_value[i] <= worst else "quota_full_fit"
            return reason, {"district": key, "quota": int(problem.quotas[key])}
        return "low_score", {}

    def _covered_by(self, i: int) -> dict[str, Any] | None:
        """The chosen stop that already reaches at least half of ``i``'s people, if any."""
        problem = self.problem
        mine = self.cells.get(i, set())
        people = float(sum(problem.cell_population[c] for c in mine)) if mine else 0.0
        best_shared, best = 0.0, -1
        if people > 0:
            for j in self.chosen_list:
                shared = mine & self.cells.get(j, set())
                if shared:
                    shared_people = float(sum(problem.cell_population[c] for c in shared))
                    if shared_people > best_shared:
                        best_shared, best = shared_people, j
        if best < 0 or best_shared < 0.5 * people:
            return None
        return {
            "name": str(problem.sites["name"].iloc[best]),
            "site": str(problem.sites["site_id"].iloc[best]),
            "shared": best_shared,
            "total": people,
        }
