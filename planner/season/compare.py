"""Lock stops, replan around them, and compare two plans side by side."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from planner.season.calendar import parse_date
from planner.season.plan import PlanComparison, SeasonPlan
from planner.season.planning import plan_season
from planner.season.settings import Booking, SeasonConfig

__all__ = ["compare_plans", "lock_stops", "replan"]

#: The totals compared, in this order (``status`` is the plan's).
COMPARED_TOTALS = (
    "status",
    "stops",
    "value",
    "bound",
    "gap",
    "rural_share",
    "people_local",
    "people_regional",
    "idle_days",
    "km_towed",
    "tow_minutes",
    "score_sum",
    "first_day",
    "last_day",
)


def lock_stops(plan: SeasonPlan, stops: Sequence[int]) -> tuple[Booking, ...]:
    """Bookings that keep the given stops (by stop number) on their site and dates.

    Parameters
    ----------
    plan
        A feasible plan.
    stops
        Stop numbers (column ``stop`` of the schedule).

    Returns
    -------
    tuple of Booking
    """
    sch = plan.schedule.set_index("stop")
    out = []
    for s in stops:
        if s not in sch.index:
            raise ValueError(f"lock_stops: stop {s!r} is not in the plan (stops 1..{len(sch)})")
        r = sch.loc[s]
        out.append(
            Booking(
                site_id=str(r["site_id"]),
                start=parse_date(r["start"]),
                end=parse_date(r["end"]),
                locked=True,
            )
        )
    return tuple(out)


def replan(
    plan: SeasonPlan,
    *,
    lock: Sequence[int],
    minutes: np.ndarray,
    km: np.ndarray | None = None,
    config: SeasonConfig | None = None,
    coverage: Mapping[str, Collection[Hashable]] | None = None,
    cell_population: Mapping[Hashable, float] | None = None,
    coverage_local: Mapping[str, Collection[Hashable]] | None = None,
) -> SeasonPlan:
    """Re-optimise a plan with some stops locked (site and dates stay).

    Parameters
    ----------
    plan
        The plan whose stops are locked.
    lock
        Stop numbers to keep.
    minutes, km, coverage, cell_population, coverage_local
        As for :func:`plan_season`.
    config
        Changed rules (default: the plan's); the locked stops are added to its bookings,
        replacing bookings of the same sites.

    Returns
    -------
    SeasonPlan
    """
    cfg = config or plan.config
    locks = lock_stops(plan, lock)
    locked_ids = {b.site_id for b in locks}
    bookings = tuple(b for b in cfg.bookings if b.site_id not in locked_ids) + locks
    cfg = dataclasses.replace(
        cfg, bookings=bookings, exclude=tuple(s for s in cfg.exclude if s not in locked_ids)
    )
    return plan_season(
        plan.sites,
        minutes,
        config=cfg,
        km=km,
        coverage=coverage,
        cell_population=cell_population,
        coverage_local=coverage_local,
    )


def compare_plans(
    a: SeasonPlan, b: SeasonPlan, *, labels: tuple[str, str] = ("A", "B")
) -> PlanComparison:
    """Compare two plans side by side.

    Parameters
    ----------
    a, b
        Plans.
    labels
        Column labels.

    Returns
    -------
    PlanComparison
    """
    la, lb = labels
    return PlanComparison(
        totals=_compared_totals(a, b, la, lb),
        stops=_compared_stops(a, b, la, lb),
        labels=(la, lb),
    )


def _compared_totals(a: SeasonPlan, b: SeasonPlan, la: str, lb: str) -> pd.DataFrame:
    """One row per total and per district's stops: both plans' values and the difference."""
    rows = []
    for k in COMPARED_TOTALS:
        va = a.status if k == "status" else a.totals.get(k)
        vb = b.status if k == "status" else b.totals.get(k)
        diff: object = None
        if isinstance(va, int | float) and isinstance(vb, int | float) and not isinstance(va, bool):
            diff = vb - va
        rows.append({"total": k, la: va, lb: vb, "difference": diff})
    per_a = a.totals.get("stops_per_district", {})
    per_b = b.totals.get("stops_per_district", {})
    for d in sorted(set(per_a) | set(per_b)):
        va, vb = per_a.get(d, 0), per_b.get(d, 0)
        rows.append({"total": f"stops_per_district[{d}]", la: va, lb: vb, "difference": vb - va})
    return pd.DataFrame(rows).set_index("total")


def _compared_stops(a: SeasonPlan, b: SeasonPlan, la: str, lb: str) -> pd.DataFrame:
    """One row per site in either plan: its stop and dates in each, and what changed."""
    sa = a.schedule.set_index("site_id")
    sb = b.schedule.set_index("site_id")
    rows: list[dict[str, Any]] = []
    for s in dict.fromkeys([*sa.index, *sb.index]):
        ra = sa.loc[s] if s in sa.index else None
        rb = sb.loc[s] if s in sb.index else None
        name = (ra if ra is not None else rb)["name"]  # type: ignore[index]
        if ra is not None and rb is not None:
            same = (ra["start"], ra["end"]) == (rb["start"], rb["end"])
            change = "same_dates" if same else "moved"
        else:
            change = "only_a" if ra is not None else "only_b"
        rows.append(
            {
                "site_id": s,
                "name": name,
                f"stop {la}": None if ra is None else int(ra["stop"]),
                f"start {la}": None if ra is None else ra["start"],
                f"end {la}": None if ra is None else ra["end"],
                f"stop {lb}": None if rb is None else int(rb["stop"]),
                f"start {lb}": None if rb is None else rb["start"],
                f"end {lb}": None if rb is None else rb["end"],
                "change": change,
            }
        )
    return pd.DataFrame(rows)
