"""Why a season has no plan: each rule family relaxed on its own, within the call's deadline.

A rule is named only when its relaxed season has a plan (a district quota lowered, the rural
share, the municipality gap, the spacing in one municipality, the share of new local people, the
towing limit, a booking, a must-include site, the planner's
blackouts, the relocation days, four more weeks of season). When no relaxation is shown to help,
the rules of CP-SAT's infeasibility proof are named, and whether every relaxation could be tried
in time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable, Sequence
from typing import NamedTuple

from planner.i18n import Message
from planner.season.decomposition import MIN_SOLVE_SECONDS, solve_problem
from planner.season.plan import RuleDiagnosis, SeasonPlan
from planner.season.precheck import precheck
from planner.season.prepare import RuleConflict, SeasonProblem
from planner.season.settings import ConfigError, SeasonConfig

__all__ = ["Relaxation", "diagnose", "relaxations"]


class Relaxation(NamedTuple):
    """One rule relaxed: its name, what was relaxed, the relaxed settings and the rule names
    the models leave out."""

    rule: str
    description: Message
    config: SeasonConfig
    relaxed: frozenset[str] = frozenset()


def relaxations(config: SeasonConfig, core: Sequence[str]) -> list[Relaxation]:
    """Each rule family of ``config`` relaxed on its own, rules named in ``core`` first."""
    rep = dataclasses.replace
    out: list[Relaxation] = []
    for key, quota in config.district_quotas.items():
        for lower in range(int(quota) - 1, max(-1, int(quota) - 4), -1):
            out.append(
                Relaxation(
                    f"district_quota[{key}]",
                    Message(
                        "season.relax.district_quota",
                        {"district": key, "old": int(quota), "new": lower},
                    ),
                    rep(config, district_quotas={**config.district_quotas, key: lower}),
                )
            )
    out.extend(_numeric_relaxations(config))
    for booking in config.bookings:
        out.append(
            Relaxation(
                f"booking[{booking.site_id}]",
                Message(
                    "season.relax.booking",
                    {"site": booking.site_id, "date": booking.start.isoformat()},
                ),
                rep(config, bookings=tuple(b for b in config.bookings if b != booking)),
            )
        )
    for site in config.must_include:
        out.append(
            Relaxation(
                f"must_include[{site}]",
                Message("season.relax.must_include", {"site": site}),
                rep(config, must_include=tuple(s for s in config.must_include if s != site)),
            )
        )
    out.extend(_calendar_relaxations(config))
    # rules named in the core first
    core_set = set(core)
    core_families = {c.split("[")[0] for c in core_set}
    out.sort(key=lambda r: r.rule not in core_set and r.rule.split("[")[0] not in core_families)
    return out


def _numeric_relaxations(config: SeasonConfig) -> list[Relaxation]:
    """The total, the rural share, the municipality gap, the spacing in one municipality, the
    share of new local people and the towing limit, each dropped."""
    rep = dataclasses.replace
    out: list[Relaxation] = []
    if config.stops_total is not None:
        out.append(
            Relaxation(
                "stops_total",
                Message("season.relax.stops_total", {"n": config.stops_total}),
                rep(config, stops_total=None),
            )
        )
    if config.min_rural_share > 0:
        out.append(
            Relaxation(
                "min_rural_share",
                Message("season.relax.min_rural_share", {"share": config.min_rural_share}),
                rep(config, min_rural_share=0.0),
            )
        )
    if config.municipality_gap_days > 0:
        out.append(
            Relaxation(
                "municipality_gap",
                Message("season.relax.municipality_gap", {"days": config.municipality_gap_days}),
                rep(config, municipality_gap_days=0),
            )
        )
    if config.min_same_municipality_km > 0:
        out.append(
            Relaxation(
                "min_spacing",
                Message("season.relax.min_spacing", {"km": config.min_same_municipality_km}),
                rep(config, min_same_municipality_km=0.0),
            )
        )
    if config.min_new_local_share > 0:
        out.append(
            Relaxation(
                "min_new_local_share",
                Message("season.relax.min_new_local_share", {"share": config.min_new_local_share}),
                rep(config, min_new_local_share=0.0),
            )
        )
    if config.max_tow_minutes is not None:
        out.append(
            Relaxation(
                "max_tow",
                Message("season.relax.max_tow", {"minutes": config.max_tow_minutes}),
                rep(config, max_tow_minutes=None),
            )
        )
    return out


def _calendar_relaxations(config: SeasonConfig) -> list[Relaxation]:
    """No planner blackouts, no relocation days, four more weeks of season."""
    rep = dataclasses.replace
    out: list[Relaxation] = []
    if config.blackout_dates:
        out.append(
            Relaxation(
                "blackout_dates",
                Message("season.relax.blackout_dates"),
                rep(config, blackout_dates={}),
            )
        )
    if config.relocation_days > 0:
        out.append(
            Relaxation(
                "relocation_days",
                Message("season.relax.relocation_days"),
                rep(config, relocation_days=0),
            )
        )
    try:
        longer = config.end + dt.timedelta(weeks=4)
        out.append(
            Relaxation(
                "season_length",
                Message("season.relax.season_length", {"end": longer.isoformat()}),
                rep(config, end=longer),
            )
        )
    except (ConfigError, OverflowError):  # already as long as a season may be
        pass
    return out


def diagnose(
    rebuild: Callable[[SeasonConfig], SeasonProblem],
    config: SeasonConfig,
    core: Sequence[str],
    *,
    deadline: float,
    prepare_seconds: float = 0.0,
) -> list[RuleDiagnosis]:
    """The rules whose relaxation (one at a time) gives a plan, all within ``deadline``.

    Parameters
    ----------
    rebuild
        The season problem of a relaxed configuration (same sites and matrices).
    config
        The season's settings.
    core
        The rules of CP-SAT's infeasibility proof.
    deadline
        When the diagnosis must have ended (a ``time.perf_counter`` value).
    prepare_seconds
        How long building the problem took (a relaxed one takes about as long).
    """
    candidates = relaxations(config, core)
    results: list[RuleDiagnosis] = []
    done: set[str] = set()
    untested = 0
    for k, relaxation in enumerate(candidates):
        if relaxation.rule in done:
            continue
        remaining = deadline - time.perf_counter()
        if remaining <= MIN_SOLVE_SECONDS + prepare_seconds:
            untested = len(candidates) - k
            break
        # an equal share of what is left for each relaxation not yet tried
        share = remaining / (len(candidates) - k)
        try:
            problem = rebuild(relaxation.config)
            precheck(problem)
            result = solve_problem(
                problem,
                deadline=min(deadline, time.perf_counter() + share),
                relaxed=relaxation.relaxed,
            )
        except RuleConflict:
            continue  # proven: this relaxation alone does not help
        if not isinstance(result, SeasonPlan):
            if result.outcome == "time_limit":
                untested += 1
            continue
        done.add(relaxation.rule)
        results.append(_helped(relaxation, result))
    return results or [_not_helped(core, untested)]


def _helped(relaxation: Relaxation, plan: SeasonPlan) -> RuleDiagnosis:
    """The diagnosis of a rule whose relaxation gave ``plan``."""
    totals = plan.totals
    return RuleDiagnosis(
        rule=relaxation.rule,
        message=Message(
            "season.diag.relaxable",
            {
                "relaxation": relaxation.description,
                "stops": int(totals["stops"]),
                "value": float(totals["value"]),
                "detail": _relaxed_detail(relaxation.rule, plan),
            },
        ),
        relaxation=relaxation.description,
        relaxed_feasible=True,
        relaxed_value=float(totals["value"]),
        relaxed_stops=int(totals["stops"]),
    )


def _not_helped(core: Sequence[str], untested: int) -> RuleDiagnosis:
    """No relaxation was shown to help: the proof's rules, tried in time or not."""
    named = ", ".join(core)
    if untested:
        # the proof stands, but not every relaxation could be tried before the deadline
        message = (
            Message("season.diag.proven_untested", {"rules": named})
            if core
            else Message("season.diag.proven_untested_combination")
        )
    else:
        message = (
            Message("season.diag.none", {"rules": named})
            if core
            else Message("season.diag.none_combination")
        )
    return RuleDiagnosis(
        rule=" + ".join(core) if core else "combination",
        message=message,
        relaxed_feasible=None if untested else False,
    )


def _relaxed_detail(rule: str, plan: SeasonPlan) -> Message:
    totals = plan.totals
    if rule.startswith("district_quota["):
        district = rule[len("district_quota[") : -1]
        got = int(plan.schedule["district"].eq(district).sum())
        return Message("season.detail.district_quota", {"got": got, "district": district})
    if rule == "min_rural_share":
        return Message("season.detail.min_rural_share", {"share": float(totals["rural_share"])})
    if rule == "max_tow":
        return Message(
            "season.detail.max_tow", {"minutes": float(plan.schedule["tow_minutes"].max())}
        )
    return Message("season.detail.none")
