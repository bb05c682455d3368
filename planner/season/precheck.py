"""Exact, cheap proofs that a season's rules cannot hold, before any search.

Each check names its rule and the numbers that prove it (a stay longer than the season, a
required site that cannot host a stay, a quota above the district's candidates, bookings that
overlap, more stops than the season's days can hold).
"""

from __future__ import annotations

import math
from collections import defaultdict

from planner.i18n import Message
from planner.season.prepare import RuleConflict, SeasonProblem
from planner.season.settings import Booking

__all__ = ["precheck", "required_stops"]


def required_stops(problem: SeasonProblem) -> int:
    """The fewest stops the rules ask for: quotas, the total, required and booked sites."""
    cfg = problem.config
    required = sum(int(q) for q in problem.quotas.values())
    if cfg.stops_total is not None:
        required = max(required, int(cfg.stops_total))
    return max(required, len(set(cfg.must_include) | {b.site_id for b in cfg.bookings}))


def precheck(problem: SeasonProblem) -> None:
    """Raise :class:`~planner.season.prepare.RuleConflict` for the first rule that provably
    cannot hold."""
    required = required_stops(problem)
    _check_stay_length(problem, required)
    _check_required_sites(problem)
    _check_quotas(problem)
    _check_bookings(problem)
    _check_capacity(problem, required)


def _check_stay_length(problem: SeasonProblem, required: int) -> None:
    # Stays longer than the longest stretch of operating days without a blackout date.
    stretches: dict[int, int] = defaultdict(int)
    for segment in problem.calendar.segments:
        stretches[segment] += 1
    longest = max(stretches.values(), default=0)
    fitting = [i for i in problem.candidates if problem.start_options[i]]
    stay_days = problem.config.stay_days
    if required > len(fitting) and stay_days > longest:
        raise RuleConflict(
            "stay_days",
            Message(
                "season.diag.stay_too_long",
                {"days": stay_days, "ops": len(problem.operating_days), "longest": longest},
            ),
        )


def _check_required_sites(problem: SeasonProblem) -> None:
    # Required sites that cannot host a stay at all.
    ids = problem.sites["site_id"].astype(str).tolist()
    index_of = {s: i for i, s in enumerate(ids)}
    for site in problem.config.must_include:
        i = index_of[site]
        if not problem.start_options[i] or not math.isfinite(problem.tow_lower_bound[i]):
            why = "no_dates" if not problem.start_options[i] else "too_far"
            raise RuleConflict(
                f"must_include[{site}]",
                Message(f"season.diag.must_{why}", {"site": site, "days": problem.stay_days[i]}),
            )


def _check_quotas(problem: SeasonProblem) -> None:
    # Quotas above the district's candidates, or above those that can host a stay.
    usable = problem.usable
    for key, quota in problem.quotas.items():
        in_district = [i for i in problem.candidates if problem.district_key[i] == key]
        can_host = [i for i in usable if problem.district_key[i] == key]
        if int(quota) > len(in_district):
            raise RuleConflict(
                f"district_quota[{key}]",
                Message(
                    "season.diag.quota_sites",
                    {"district": key, "quota": int(quota), "sites": len(in_district)},
                ),
            )
        if int(quota) > len(can_host):
            raise RuleConflict(
                f"district_quota[{key}]",
                Message(
                    "season.diag.quota_usable",
                    {
                        "district": key,
                        "quota": int(quota),
                        "sites": len(in_district),
                        "usable": len(can_host),
                    },
                ),
            )
    stops_total = problem.config.stops_total
    if stops_total is not None and int(stops_total) > len(usable):
        raise RuleConflict(
            "stops_total",
            Message("season.diag.stops_usable", {"stops": int(stops_total), "usable": len(usable)}),
        )


def _check_bookings(problem: SeasonProblem) -> None:
    # More than `units` bookings within relocation reach of each other.
    cfg = problem.config
    days = problem.calendar.days
    spans = []
    for i, booking in problem.booking_of.items():
        first_op = problem.start_options[i][0]
        last_op = first_op + problem.stay_days[i] - 1
        spans.append((problem.calendar_index[first_op], problem.calendar_index[last_op], booking))
    spans.sort(key=lambda span: (span[0], span[1]))
    active: list[tuple[int, int, Booking]] = []
    for first, last, booking in spans:
        # a booking still blocks the unit until its relocation days are over
        active = [a for a in active if a[1] + cfg.relocation_days >= first]
        active.append((first, last, booking))
        if len(active) <= cfg.units:
            continue
        clash = active[-(cfg.units + 1) :]
        a, b = clash[0], clash[-1]
        raise RuleConflict(
            " + ".join(f"booking[{c[2].site_id}]" for c in clash),
            Message(
                "season.diag.bookings_overlap",
                {
                    "a": a[2].site_id,
                    "a_start": days[a[0]].isoformat(),
                    "a_end": days[a[1]].isoformat(),
                    "b": b[2].site_id,
                    "b_start": days[b[0]].isoformat(),
                    "b_end": days[b[1]].isoformat(),
                    "relocation": cfg.relocation_days,
                    "units": cfg.units,
                },
            ),
        )


def _check_capacity(problem: SeasonProblem, required: int) -> None:
    # The busiest unit holds ceil(required / units) stays on distinct days.
    if required <= 0:
        return
    cfg = problem.config
    n_operating = len(problem.operating_days)
    per_unit = -(-required // cfg.units)
    shortest = min((problem.stay_days[i] for i in problem.usable), default=cfg.stay_days)
    need_operating = per_unit * shortest
    if need_operating > n_operating:
        raise RuleConflict(
            "season_length",
            Message(
                "season.diag.capacity",
                {
                    "stops": required,
                    "units": cfg.units,
                    "days": shortest,
                    "need": need_operating,
                    "ops": n_operating,
                },
            ),
        )
    # ... and the relocation days between them.
    need_days = need_operating + (per_unit - 1) * cfg.relocation_days
    n_days = len(problem.calendar.days)
    if cfg.relocation_days > 0 and need_days > n_days:
        raise RuleConflict(
            "relocation_days",
            Message(
                "season.diag.relocation",
                {
                    "stops": per_unit,
                    "days": shortest,
                    "relocation": cfg.relocation_days,
                    "need": need_days,
                    "cal": n_days,
                },
            ),
        )
