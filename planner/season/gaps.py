"""The idle gaps of a plan and the rule that forces each one.

A *gap* is a stretch of days between two stays of a unit (after the relocation days), before its
first stop or after its last until the season's end, that holds at least one operating day (a
weekend between two stays is no gap). With spare time as longer stays or more stops the schedule
leaves a gap only when a rule forces it, and each gap is explained by the first rule that
blocks it, in this order: the planner asked for idle time; the next stop's municipality must
wait (``municipality_gap_days``); the next site is not available yet; a holiday or blackout date
lies in the gap (no stay may include one); the stay before it already has the longest length.
When none of these holds, the search ended before it found a plan without the gap, and the
message says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Sequence
from typing import Any

import pandas as pd

from planner.i18n import Message
from planner.season.plan import IdleGap
from planner.season.prepare import SeasonProblem, _optional_date
from planner.season.schedule import grows

__all__ = ["idle_gaps"]


def idle_gaps(problem: SeasonProblem, table: pd.DataFrame) -> list[IdleGap]:
    """The gaps of a schedule table (one row per stop, see :data:`SCHEDULE_COLUMNS`).

    Parameters
    ----------
    problem
        The season problem the schedule was made for.
    table
        The plan's schedule (``stop``, ``unit``, ``site_id``, ``name``, ``municipality``,
        ``start``, ``end``, ``open_days``).

    Returns
    -------
    list of IdleGap
        In date order.
    """
    calendar = problem.calendar
    relocation = dt.timedelta(days=problem.config.relocation_days)
    one = dt.timedelta(days=1)
    gaps: list[IdleGap] = []
    rows = table.sort_values("start").to_dict("records")
    for unit in sorted({int(r["unit"]) for r in rows}):
        stays = [r for r in rows if int(r["unit"]) == unit]
        previous: dict[Hashable, Any] | None = None
        for row in [*stays, None]:
            first = calendar.start if previous is None else _day(previous["end"]) + one
            if previous is not None and row is not None:  # no relocation after the last stop
                first += relocation
            last = calendar.end if row is None else _day(row["start"]) - one
            if previous is None and row is None:
                break
            days = [first + dt.timedelta(days=k) for k in range((last - first).days + 1)]
            operating = sum(calendar.is_operating(d) for d in days)
            if operating > 0:
                stop = None if row is None else int(row["stop"])
                where = _where(previous is None, stop, len(days))
                reason = _reason(problem, rows, previous, row, days, where)
                gaps.append(IdleGap(unit, stop, first, last, len(days), operating, reason))
            previous = row
    return sorted(gaps, key=lambda g: (g.first_day, g.unit))


def _day(value: object) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value  # type: ignore[return-value]


def _where(at_start: bool, stop: int | None, days: int) -> Message:
    if stop is None:
        return Message("season.gap.where_last", {"days": days})
    if at_start:
        return Message("season.gap.where_first", {"days": days, "stop": stop})
    return Message("season.gap.where_stop", {"days": days, "stop": stop})


def _reason(
    problem: SeasonProblem,
    rows: Sequence[dict[Hashable, Any]],
    previous: dict[Hashable, Any] | None,
    row: dict[Hashable, Any] | None,
    days: Sequence[dt.date],
    where: Message,
) -> Message:
    """The first rule that forces the gap ``days`` between ``previous`` and ``row``."""
    cfg, calendar = problem.config, problem.calendar
    if cfg.spare_time == "idle":
        return Message("season.gap.idle", {"where": where})
    first_open = next((d for d in days if calendar.is_operating(d)), days[0])
    if row is not None:
        waited = _municipality_wait(problem, rows, row, first_open)
        if waited is not None:
            return Message("season.gap.municipality", {"where": where, **waited})
        ids = problem.sites["site_id"].astype(str).tolist()
        i = ids.index(str(row["site_id"]))
        since = _optional_date(problem.sites["available_from"].iloc[i])
        if since is not None and since > first_open:
            return Message("season.gap.availability", {"where": where, "name": str(row["name"])})
    for day in days:
        blocked = calendar.blackout_message(day)
        if blocked is not None:
            return Message("season.gap.blackout", {"where": where, "reason": blocked})
    if previous is not None and int(previous["open_days"]) >= _longest(problem, previous):
        return Message(
            "season.gap.longest_stay",
            {"where": where, "name": str(previous["name"]), "days": int(previous["open_days"])},
        )
    return Message("season.gap.search", {"where": where})


def _municipality_wait(
    problem: SeasonProblem,
    rows: Sequence[dict[Hashable, Any]],
    row: dict[Hashable, Any],
    day: dt.date,
) -> dict[str, object] | None:
    """The earlier stop in ``row``'s municipality that keeps it from starting on ``day``."""
    gap = problem.config.municipality_gap_days
    if gap <= 0:
        return None
    start = _day(row["start"])
    for other in rows:
        end = _day(other["end"])
        same = other["municipality"] == row["municipality"] and other["stop"] != row["stop"]
        if same and end < start and (day - end).days < gap:
            return {
                "municipality": str(row["municipality"]).split(",")[0],
                "gap": gap,
                "previous": int(other["stop"]),
            }
    return None


def _longest(problem: SeasonProblem, row: dict[Hashable, Any]) -> int:
    """Most open days of the stay of ``row`` (its own length when it may not grow)."""
    ids = problem.sites["site_id"].astype(str).tolist()
    i = ids.index(str(row["site_id"]))
    if not grows(problem, i):
        return int(row["open_days"])
    return max(problem.stay_days[i], problem.config.longest_stay_days)
