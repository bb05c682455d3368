"""Season planner: which sites, in what order, on which dates.

Design
------
The season problem mixes a *selection* problem (which sites: quotas per district, a rural
share, must/exclude, population covered without double counting) with a small
*sequencing and scheduling* problem (order, dates on operating days, stays that must not
span a blackout date, availability windows, relocation days, a maximum towing time per
relocation, a minimum gap before a municipality is visited again, home base, several
units).  It is solved as a logic-based decomposition, both parts with OR-Tools CP-SAT:
a selection master (:mod:`~planner.season.master`) whose proven bound gives the reported gap,
and a schedule of the chosen sites (:mod:`~planner.season.schedule`) whose infeasibility core
becomes a cut for the master (:mod:`~planner.season.decomposition`).

Why not the routing library?  Its time dimension cannot express stays whose calendar
length depends on the start day (weekends inside a stay, no blackout inside), nor
coverage de-duplication or exact district quotas; the schedules here are short (a dozen
stops) while the selection is wide (hundreds of candidates), which is exactly the shape a
decomposition handles well.  The general routing core, :mod:`benchmarks/optw.py`, solves the
classic orienteering problem with time windows and is benchmarked separately.

When the rules cannot all be met, every rule family is tried relaxed on its own and the report
names the rules whose relaxation makes the season feasible (:mod:`~planner.season.diagnosis`).

Modules, in the order a call goes through them:

========================  ====================================================================
``settings``              :class:`SeasonConfig` (pydantic: each default and bound once),
                          :class:`Booking`, :class:`ConfigError`
``calendar``              operating days, public holidays of the region's Land, blackout dates
``config``                the TOML file and the app's form → :class:`SeasonConfig`
``run``                   run a file: its region pack, defaults from the pack, the exports
``inputs``                scores, coverage sets and towing matrix from the region pack
``prepare``               the problem: windows, start days, quotas, coverage, towing bounds
``precheck``              exact, cheap proofs that a rule cannot hold
``master``                CP-SAT selection (which sites; reach per scale, spacing, new locals)
``schedule``              CP-SAT schedule (order and dates; longer stays, events)
``cpsat``                 running CP-SAT and naming what ended it
``decomposition``         master ↔ schedule with cuts, by one deadline
``outcome``               a schedule as a plan: stops, totals, reasons for the others
``gaps``                  the idle gaps of a plan and the rule that forces each
``diagnosis``             relaxations that name the rules blocking a season
``planning``              :func:`plan_season`
``plan``                  :class:`SeasonPlan`, :class:`RuleDiagnosis`, :class:`PlanComparison`
``compare``               lock stops, replan, compare two plans
``edits``                 the rule check of a schedule edited by hand (every broken rule named)
========================  ====================================================================
"""

from planner.season.compare import compare_plans, lock_stops, replan
from planner.season.edits import (
    EditProblem,
    check_schedule,
    edit_bookings,
    edited_stops,
    tow_lookup,
    with_site_facts,
)
from planner.season.plan import (
    REASON_CODES,
    SCHEDULE_COLUMNS,
    IdleGap,
    PlanComparison,
    RuleDiagnosis,
    SeasonPlan,
    rule_label,
    site_xy,
    unplanned_text,
)
from planner.season.planning import plan_season
from planner.season.prepare import REQUIRED_SITE_COLUMNS, coverage_from_matrix
from planner.season.settings import (
    MAX_WEIGHT,
    Booking,
    ConfigError,
    Event,
    SeasonConfig,
)

__all__ = [
    "MAX_WEIGHT",
    "REASON_CODES",
    "REQUIRED_SITE_COLUMNS",
    "SCHEDULE_COLUMNS",
    "Booking",
    "ConfigError",
    "EditProblem",
    "Event",
    "IdleGap",
    "PlanComparison",
    "RuleDiagnosis",
    "SeasonConfig",
    "SeasonPlan",
    "check_schedule",
    "compare_plans",
    "coverage_from_matrix",
    "edit_bookings",
    "edited_stops",
    "lock_stops",
    "plan_season",
    "replan",
    "rule_label",
    "site_xy",
    "tow_lookup",
    "unplanned_text",
    "with_site_facts",
]
