"""Season planner: which sites, in what order, on which dates.

Design
------
The season problem mixes a *selection* problem (which sites: quotas per district, a rural
share, must/exclude, population covered without double counting) with a small
*sequencing and scheduling* problem (order, dates on operating days, stays that must not
span a blackout date, availability windows, relocation days, a maximum towing time per
relocation, a minimum gap before a municipality is visited again, home base, several
units).  It is solved as a logic-based decomposition, both parts with OR-Tools CP-SAT:

1. **Selection (master, CP-SAT).**  One boolean per candidate site, coverage booleans per
   demand cell (a cell counts once however many chosen stops reach it, so two
   neighbouring stops do not both get credit for the same people), quotas and the rural
   share as linear constraints, a capacity constraint (the stays must fit into the
   season's operating days) and, in the objective, a valid *lower bound* on towing (every
   stop is entered once, by its cheapest allowed arc).  Its proven bound is therefore an
   upper bound on the value of any feasible season, which gives the reported gap.
2. **Schedule (sub-problem, CP-SAT).**  For the chosen sites only (12–30 nodes): a
   circuit (``add_multiple_circuit`` for several units) from and to the home base over the
   allowed arcs, one start variable per stop whose domain holds exactly the operating
   days on which a stay fits (availability window, blackout dates, season end), calendar
   start/end through element constraints, relocation days and municipality gaps as
   implications / disjunctions, minimising towing time.  If the chosen set cannot be
   scheduled, a CP-SAT infeasibility core over the sites gives a cut for the master
   ("these sites cannot all be in one season") and the loop repeats.

Why not the routing library?  Its time dimension cannot express stays whose calendar
length depends on the start day (weekends inside a stay, no blackout inside), nor
coverage de-duplication or exact district quotas; the schedules here are short (a dozen
stops) while the selection is wide (hundreds of candidates), which is exactly the shape a
decomposition handles well.  The general routing core, :mod:`benchmarks/optw.py`, solves the
classic orienteering problem with time windows and is benchmarked separately.

When the rules cannot all be met, every rule family is tried relaxed on its own (a
district quota, the rural share, the municipality gap, the towing limit, bookings,
must-include sites, planner blackouts, the season length) and the report names the rules
whose relaxation makes the season feasible, with what the relaxed plan gives.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import numbers
import time
from collections import defaultdict
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

from planner.errors import InputError
from planner.i18n import DEFAULT_LANGUAGE, Message, t
from planner.notation import MAX_YEAR, MIN_YEAR
from planner.season.calendar import SeasonCalendar, parse_date

__all__ = [
    "REASON_CODES",
    "REQUIRED_SITE_COLUMNS",
    "SCHEDULE_COLUMNS",
    "Booking",
    "ConfigError",
    "PlanComparison",
    "RuleDiagnosis",
    "SeasonConfig",
    "SeasonPlan",
    "compare_plans",
    "coverage_from_matrix",
    "lock_stops",
    "plan_season",
    "replan",
]

REQUIRED_SITE_COLUMNS = ("site_id", "name", "municipality", "district", "area_class")
#: Why a candidate is not in the plan (column ``reason`` of :attr:`SeasonPlan.unplanned`); the
#: text is the catalogue entry ``season.reason.<code>`` filled with ``reason_params``.
REASON_CODES = (
    "excluded",
    "availability",
    "too_far",
    "no_quota",
    "covered",
    "quota_full",
    "quota_full_fit",
    "low_score",
)

_NO_VALUE: Any = object()


class ConfigError(InputError):
    """A season setting is invalid; names the setting and its value, in German or English.

    The same errors come from config files (:mod:`planner.season.config`), the app's form and
    :class:`SeasonConfig` itself, so the CLI and the app show the same messages.

    Attributes
    ----------
    key
        The setting, as written in a config file (e.g. ``"season.stay_days"``).
    value
        The offending value (absent when the setting is missing).
    problem
        What is wrong, as a structured :class:`~planner.i18n.Message`.
    """

    def __init__(self, key: str, problem: Message, *, value: object = _NO_VALUE) -> None:
        self.key = key
        self.problem = problem
        self.value = value
        super().__init__(self.message("en"))

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The error in ``lang``."""
        if self.value is _NO_VALUE:
            return t("config.error_key", lang, key=self.key, problem=self.problem)
        value = self.value.isoformat() if isinstance(self.value, dt.date) else self.value
        return t("config.error", lang, key=self.key, value=repr(value), problem=self.problem)


@dataclass(frozen=True)
class Booking:
    """A fixed booking or a locked stop: ``site_id`` from ``start`` (to ``end``).

    Parameters
    ----------
    site_id
        Site of the stop.
    start
        First open day (must be an operating day).
    end
        Last open day (default: the site's stay length in operating days).
    locked
        ``True`` when it comes from a locked stop of an earlier plan (reporting only).
    """

    site_id: str
    start: dt.date
    end: dt.date | None = None
    locked: bool = False


@dataclass(frozen=True)
class SeasonConfig:
    """Rules and weights of a season.

    Parameters
    ----------
    start, end
        Season dates (inclusive).
    home_site_id
        Site (row of the sites table and the matrix) where every unit starts and ends.
        It is not a stop unless booked.
    operating_weekdays
        0 = Monday … 6 = Sunday.
    blackout_dates
        Planner blackout dates → reason; with ``public_holidays`` the Schleswig-Holstein
        holidays are blackout dates too.  No stay spans a blackout date.
    stay_days
        Default stay in operating days (sites may override it with a ``stay_days``
        column).
    relocation_days
        Free calendar days needed between two stops (towing and set-up).
    max_tow_minutes
        Maximum towing time of one relocation (``None``: no limit).
    district_quotas
        Exact number of stops per district (key: district name or district_ags).
    stops_total
        Total number of stops (``None``: the sum of the quotas if all stops are covered
        by quotas, else as many as are worth it).
    min_rural_share
        Minimum share (0..1) of stops at rural sites.
    municipality_gap_days
        Minimum number of days between the end of a stop and the start of the next stop
        in the same municipality.
    units
        Number of units touring at the same time.
    must_include, exclude
        Site ids.
    bookings
        Fixed bookings and locked stops.
    weight_score, weight_coverage, weight_tow
        Objective: ``weight_score * Σ score + weight_coverage * population covered
        - weight_tow * towing minutes``.
    score_column
        Column of the sites table with the site score.
    time_limit
        Seconds for the whole planning call.
    """

    start: dt.date
    end: dt.date
    home_site_id: str
    operating_weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    blackout_dates: Mapping[dt.date, str] = field(default_factory=dict)
    public_holidays: bool = True
    stay_days: int = 5
    relocation_days: int = 1
    max_tow_minutes: float | None = 90.0
    district_quotas: Mapping[str, int] = field(default_factory=dict)
    stops_total: int | None = None
    min_rural_share: float = 0.0
    municipality_gap_days: int = 0
    units: int = 1
    must_include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    bookings: tuple[Booking, ...] = ()
    weight_score: float = 1.0
    weight_coverage: float = 0.0
    weight_tow: float = 0.0
    score_column: str = "score"
    time_limit: float = 30.0

    def __post_init__(self) -> None:
        # Every bound is checked here, so the file parser, the app's form and direct callers
        # share one validation; bounds keep the solver's integer model and date arithmetic in
        # range (a relocation of 1e12 days or a weight of 1e300 is a typo, not a plan).
        problem = _config_problem(self)
        if problem is not None:
            key, value, message = problem
            raise ConfigError(key, message, value=value)

    def calendar(self) -> SeasonCalendar:
        """The season's :class:`~planner.season.calendar.SeasonCalendar`."""
        return SeasonCalendar(
            start=self.start,
            end=self.end,
            operating_weekdays=frozenset(self.operating_weekdays),
            blackouts=dict(self.blackout_dates),
            public_holidays=self.public_holidays,
        )


#: Bounds of the season settings (see :func:`_config_problem`): wide enough for any real tour,
#: narrow enough that the solver's integer model and the date arithmetic stay in range.
MAX_STAY_DAYS = 366
MAX_RELOCATION_DAYS = 365
MAX_GAP_DAYS = 3660
MAX_UNITS = 20
MAX_STOPS = 10_000
MAX_WEIGHT = 1000.0
MAX_TOW_MINUTES = 24 * 60.0
MAX_TIME_LIMIT = 24 * 3600.0
MAX_SEASON_DAYS = 11 * 366


def _is_whole(value: object, low: int, high: int) -> bool:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return False
    number = float(value)
    return math.isfinite(number) and number.is_integer() and low <= number <= high


def _is_number(value: object, low: float, high: float, *, open_low: bool = False) -> bool:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return False
    number = float(value)
    above = number > low if open_low else number >= low
    return math.isfinite(number) and above and number <= high


def _config_problem(cfg: SeasonConfig) -> tuple[str, object, Message] | None:
    """The first setting of ``cfg`` out of its bounds, as (key, value, problem), else ``None``."""

    def whole(low: int, high: int) -> Message:
        return Message("config.whole_between", {"low": low, "high": high})

    for key, day in (("season.start", cfg.start), ("season.end", cfg.end)):
        if not isinstance(day, dt.date):
            return key, day, Message("config.not_a_date")
        if not MIN_YEAR <= day.year <= MAX_YEAR:
            return key, day, Message("config.year_range", {"low": MIN_YEAR, "high": MAX_YEAR})
    if cfg.end < cfg.start:
        return (
            "season.end",
            cfg.end,
            Message("config.before_start", {"start": cfg.start.isoformat()}),
        )
    days = (cfg.end - cfg.start).days + 1
    if days > MAX_SEASON_DAYS:
        return (
            "season.end",
            cfg.end,
            Message("config.season_too_long", {"days": days, "max": MAX_SEASON_DAYS}),
        )
    wholes: list[tuple[str, object, int, int]] = [
        ("season.stay_days", cfg.stay_days, 1, MAX_STAY_DAYS),
        ("season.relocation_days", cfg.relocation_days, 0, MAX_RELOCATION_DAYS),
        ("season.municipality_gap_days", cfg.municipality_gap_days, 0, MAX_GAP_DAYS),
        ("season.units", cfg.units, 1, MAX_UNITS),
    ]
    if cfg.stops_total is not None:
        wholes.append(("season.stops_total", cfg.stops_total, 0, MAX_STOPS))
    wholes.extend((f"quotas.{k}", q, 0, MAX_STOPS) for k, q in cfg.district_quotas.items())
    for key, value, low, high in wholes:
        if not _is_whole(value, low, high):
            return key, value, whole(low, high)
    between = Message("config.number_between", {"low": 0, "high": 1})
    if not _is_number(cfg.min_rural_share, 0.0, 1.0):
        return "season.min_rural_share", cfg.min_rural_share, between
    for key, value in (
        ("weights.score", cfg.weight_score),
        ("weights.coverage", cfg.weight_coverage),
        ("weights.tow", cfg.weight_tow),
    ):
        if not _is_number(value, 0.0, MAX_WEIGHT):
            return key, value, Message("config.number_between", {"low": 0, "high": MAX_WEIGHT})
    above = Message("config.number_above_max", {"low": 0, "high": MAX_TIME_LIMIT})
    if not _is_number(cfg.time_limit, 0.0, MAX_TIME_LIMIT, open_low=True):
        return "season.time_limit", cfg.time_limit, above
    if cfg.max_tow_minutes is not None and not _is_number(
        cfg.max_tow_minutes, 0.0, MAX_TOW_MINUTES, open_low=True
    ):
        return (
            "season.max_tow_minutes",
            cfg.max_tow_minutes,
            Message("config.number_above_max", {"low": 0, "high": MAX_TOW_MINUTES}),
        )
    weekdays = tuple(cfg.operating_weekdays)
    if not weekdays or not all(_is_whole(w, 0, 6) for w in weekdays):
        return "season.operating_weekdays", list(weekdays), Message("config.weekday_list")
    for day in cfg.blackout_dates:
        if not isinstance(day, dt.date) or not MIN_YEAR <= day.year <= MAX_YEAR:
            return (
                "season.blackout_dates",
                day,
                Message("config.year_range", {"low": MIN_YEAR, "high": MAX_YEAR}),
            )
    for n, b in enumerate(cfg.bookings):
        parts: tuple[tuple[str, dt.date | None], ...] = (("start", b.start), ("end", b.end))
        for part, when in parts:
            if when is None:
                continue
            if not isinstance(when, dt.date) or not MIN_YEAR <= when.year <= MAX_YEAR:
                return (
                    f"bookings[{n}].{part}",
                    when,
                    Message("config.year_range", {"low": MIN_YEAR, "high": MAX_YEAR}),
                )
    return None


@dataclass(frozen=True)
class RuleDiagnosis:
    """Why a season is infeasible: one rule and what relaxing it gives.

    Attributes
    ----------
    rule
        Rule identifier, e.g. ``"district_quota[Plön]"``.
    message
        The explanation, structured (translate with ``message.text(lang)``).
    relaxation
        What was relaxed to test it (``None``: nothing relaxed).
    relaxed_feasible
        Whether the season becomes feasible with this rule relaxed (``None``: not tried).
    relaxed_value, relaxed_stops
        Objective value and number of stops of the relaxed plan.
    """

    rule: str
    message: Message
    relaxation: Message | None = None
    relaxed_feasible: bool | None = None
    relaxed_value: float | None = None
    relaxed_stops: int | None = None

    def rule_text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The rule's name in ``lang`` (e.g. "Quote Plön")."""
        return rule_label(self.rule, lang)

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The explanation in ``lang``."""
        return self.message.text(lang)

    def relaxation_text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """What was relaxed, in ``lang`` (empty when nothing was)."""
        return "" if self.relaxation is None else self.relaxation.text(lang)

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible form (see :meth:`from_dict`)."""
        return {
            "rule": self.rule,
            "message": self.message.to_dict(),
            "relaxation": None if self.relaxation is None else self.relaxation.to_dict(),
            "relaxed_feasible": self.relaxed_feasible,
            "relaxed_value": self.relaxed_value,
            "relaxed_stops": self.relaxed_stops,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RuleDiagnosis:
        """Inverse of :meth:`to_dict`."""
        relax = data.get("relaxation")
        value = data.get("relaxed_value")
        stops = data.get("relaxed_stops")
        return cls(
            rule=str(data["rule"]),
            message=Message.from_dict(data["message"]),
            relaxation=Message.from_dict(relax) if relax else None,
            relaxed_feasible=data.get("relaxed_feasible"),
            relaxed_value=None if value is None else float(value),
            relaxed_stops=None if stops is None else int(stops),
        )


def rule_label(rule: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A rule identifier (``"district_quota[Plön]"``, ``"max_tow"`` …) as a name in ``lang``."""
    parts = []
    for one in rule.split(" + "):
        family, _, rest = one.partition("[")
        key = f"season.rule.{family}"
        parts.append(t(key, lang, name=rest.rstrip("]")) if rest or key != t(key, lang) else one)
    return " + ".join(parts)


@dataclass
class SeasonPlan:
    """A planned season (or a diagnosed infeasible one).

    Attributes
    ----------
    status
        ``"optimal"`` (proven), ``"feasible"`` (a plan, not proven optimal),
        ``"infeasible"`` (proven: the rules cannot all hold, see ``diagnosis``) or
        ``"time_limit"`` (neither a plan nor a proof within the time limit).  What ended the
        search is ``totals["stop_reason"]`` (see :meth:`status_text`).
    schedule
        One row per stop: stop, unit, site_id, name, municipality, district, area_class,
        start, end, open_days, tow_minutes, tow_km (from the previous stop or home),
        score, population_new, locked, x, y.
    totals
        Season totals: stops, stops_per_district, rural_share, population_covered,
        km_towed, tow_minutes (including the way home), value, bound, gap, seconds.
    unplanned
        One row per candidate not in the plan: site_id, name, district, reason (a code of
        :data:`REASON_CODES`) and reason_params (its parameters); see :meth:`unplanned_table`
        for the text.
    diagnosis
        Filled when infeasible.
    config
        The configuration used.
    sites
        The sites table used (for exports).
    """

    status: str
    schedule: pd.DataFrame
    totals: dict[str, Any]
    unplanned: pd.DataFrame
    diagnosis: list[RuleDiagnosis]
    config: SeasonConfig
    sites: pd.DataFrame
    log: list[str] = field(default_factory=list)

    @property
    def feasible(self) -> bool:
        """Whether the plan satisfies all rules."""
        return self.status in ("optimal", "feasible")

    def status_text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """What ended the search, in ``lang``: proven optimal, search ended with a gap, time
        limit reached with a plan, stopped, proven infeasible, or no plan within the limit."""
        reason = str(self.totals.get("stop_reason") or "")
        if self.status in ("infeasible", "time_limit"):
            reason = "no_plan" if self.status == "time_limit" else "infeasible"
        elif reason not in ("optimal", "search_done", "time_limit", "stopped"):
            reason = "optimal" if self.status == "optimal" else "feasible"  # older plans
        limit = self.totals.get("time_limit", self.config.time_limit)
        return t(
            f"season.stop.{reason}",
            lang,
            gap=100 * float(self.totals.get("gap") or 0.0),
            seconds=float(self.totals.get("seconds") or 0.0),
            limit=float(limit if limit is not None else self.config.time_limit),
        )

    def explain(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """Short text in ``lang``: the totals, or the diagnosis when infeasible."""
        if self.status == "time_limit":
            return self.status_text(lang)
        if not self.feasible:
            lines = [t("season.explain.infeasible", lang)]
            for d in self.diagnosis:
                lines.append(f"- {d.rule_text(lang)}: {d.text(lang)}")
            return "\n".join(lines)
        tot = self.totals
        return t(
            "season.explain.feasible",
            lang,
            stops=int(tot["stops"]),
            value=float(tot["value"]),
            bound=float(tot["bound"]),
            gap=100 * float(tot["gap"] or 0.0),
            rural=100 * float(tot["rural_share"]),
            km=float(tot["km_towed"]),
        )

    def unplanned_table(self, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
        """The candidates not in the plan with the reason as text in ``lang``.

        Returns
        -------
        pandas.DataFrame
            site_id, name, district, reason (text).
        """
        return unplanned_text(self.unplanned, lang)


def unplanned_text(unplanned: pd.DataFrame, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """:attr:`SeasonPlan.unplanned` with the structured reasons written out in ``lang``."""
    out = unplanned[["site_id", "name", "district"]].copy()
    params: Sequence[Any] = (
        unplanned["reason_params"].tolist() if "reason_params" in unplanned else [{}] * len(out)
    )
    out["reason"] = [
        Message.from_dict({"key": f"season.reason.{code}", "params": p or {}}).text(lang)
        if code in REASON_CODES
        else str(code)  # plain text stored by an earlier version
        for code, p in zip(unplanned["reason"], params, strict=True)
    ]
    return out


@dataclass(frozen=True)
class PlanComparison:
    """Two plans side by side.

    Attributes
    ----------
    totals
        One row per total (index: the total's key, ``stops_per_district[<district>]`` for the
        stops per district), one column per plan and a ``difference`` column.
    stops
        One row per site in either plan: stop number and dates in each plan, and ``change``
        (``same_dates``, ``moved``, ``only_a``, ``only_b``).
    labels
        The two plans' labels.
    """

    totals: pd.DataFrame
    stops: pd.DataFrame
    labels: tuple[str, str] = ("A", "B")

    def totals_table(self, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
        """:attr:`totals` with translated row names and a translated difference column."""
        names = []
        for key in self.totals.index:
            family, _, district = str(key).partition("[")
            names.append(t(f"season.total.{family}", lang, district=district.rstrip("]")))
        out = self.totals.copy()
        out.index = pd.Index(names)
        return out.rename(columns={"difference": t("season.total.difference", lang)})

    def stops_table(self, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
        """:attr:`stops` with translated change codes and column names."""
        la, lb = self.labels
        out = self.stops.copy()
        out["change"] = [
            t(f"season.change.{c}", lang, label=la if c == "only_a" else lb) for c in out["change"]
        ]
        cols = {"change": t("season.col.change", lang)}
        for label in (la, lb):
            for part in ("stop", "start", "end"):
                cols[f"{part} {label}"] = t(f"season.col.{part}", lang, label=label)
        return out.rename(columns=cols)


class _Infeasible(Exception):
    def __init__(self, rule: str, message: Message) -> None:
        super().__init__(message.text("en"))
        self.rule = rule
        self.message = message


# ---------------------------------------------------------------------- helpers
def coverage_from_matrix(
    site_ids: Sequence[str],
    cell_ids: Sequence[Hashable],
    minutes: np.ndarray,
    *,
    threshold: float,
) -> dict[str, list[Hashable]]:
    """Coverage sets: for each site, the cells within ``threshold`` minutes.

    Parameters
    ----------
    site_ids
        Row labels of ``minutes``.
    cell_ids
        Column labels of ``minutes``.
    minutes
        ``(n_sites, n_cells)`` travel times.
    threshold
        Coverage threshold in minutes.

    Returns
    -------
    dict
        site_id → list of cell ids.
    """
    mat = np.asarray(minutes, dtype=float)
    if mat.shape != (len(site_ids), len(cell_ids)):
        raise ValueError(
            f"minutes has shape {mat.shape}, expected ({len(site_ids)}, {len(cell_ids)})"
        )
    cells = list(cell_ids)
    return {
        s: [cells[j] for j in np.flatnonzero(mat[i] <= threshold)] for i, s in enumerate(site_ids)
    }


def _validate_sites(sites: pd.DataFrame, config: SeasonConfig) -> pd.DataFrame:
    missing = [c for c in (*REQUIRED_SITE_COLUMNS, config.score_column) if c not in sites.columns]
    if missing:
        raise ValueError(f"sites table: missing column(s) {missing}")
    df = sites.copy()
    df["site_id"] = df["site_id"].astype(str)
    dup = df["site_id"][df["site_id"].duplicated()]
    if len(dup):
        row = int(np.flatnonzero(df["site_id"].duplicated())[0])
        raise ValueError(f"sites table: row {row}: site_id {dup.iloc[0]!r} is a duplicate")
    for i, v in enumerate(df[config.score_column]):
        try:
            f = float(v)
        except (TypeError, ValueError):
            f = math.nan
        if not math.isfinite(f):
            raise ValueError(
                f"sites table: row {i} (site {df['site_id'].iloc[i]!r}): "
                f"{config.score_column} = {v!r} is not a number"
            )
    for i, v in enumerate(df["area_class"]):
        if v not in ("urban", "rural"):
            raise ValueError(
                f"sites table: row {i} (site {df['site_id'].iloc[i]!r}): area_class = {v!r} "
                "must be 'urban' or 'rural'"
            )
    for col in ("available_from", "available_to"):
        if col not in df.columns:
            df[col] = ""
        for i, v in enumerate(df[col]):
            if v is None or (isinstance(v, float) and math.isnan(v)) or v == "":
                continue
            try:
                parse_date(v, field_name=col)
            except ValueError as exc:
                raise ValueError(
                    f"sites table: row {i} (site {df['site_id'].iloc[i]!r}): {exc}"
                ) from None
    if "stay_days" in df.columns:
        for i, v in enumerate(df["stay_days"]):
            if v is None or (isinstance(v, float) and math.isnan(v)):
                continue
            if not (float(v) == int(v) and int(v) >= 1):
                raise ValueError(
                    f"sites table: row {i} (site {df['site_id'].iloc[i]!r}): stay_days = "
                    f"{v!r} must be a whole number >= 1"
                )
    ids = set(df["site_id"])
    for name, vals in (
        ("season.must_include", config.must_include),
        ("season.exclude", config.exclude),
        ("bookings", [b.site_id for b in config.bookings]),
        ("season.home", [config.home_site_id]),
    ):
        for v in vals:
            if v not in ids:
                raise ConfigError(name, Message("config.unknown_site"), value=v)
    both = set(config.must_include) & set(config.exclude)
    if both:
        raise ConfigError(
            "season.must_include", Message("config.must_and_exclude"), value=sorted(both)
        )
    return df.reset_index(drop=True)


def _opt_date(v: object) -> dt.date | None:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v == "":
        return None
    return parse_date(v)


@dataclass
class _Problem:
    """Pre-computed data of one planning call."""

    config: SeasonConfig
    sites: pd.DataFrame
    minutes: np.ndarray
    km: np.ndarray
    cal: SeasonCalendar
    home: int
    ops: list[dt.date]
    op_cal: list[int]  # calendar index of each operating day
    stay: list[int]  # per site, open days
    starts: list[list[int]]  # per site, feasible first operating-day indices
    booking_of: dict[int, Booking]
    cand: list[int]  # candidate site indices (not home unless booked)
    value: np.ndarray  # standalone value of each site (score part only)
    cover: dict[int, list[int]]  # site -> cell indices
    cell_pop: np.ndarray
    quota_of: dict[str, int]  # district label -> quota
    district_key: list[str]  # per site, key matched in quotas ("" if none)
    tow_lb: np.ndarray  # per site, cheapest allowed incoming arc (minutes)


def _district_keys(
    sites: pd.DataFrame, quotas: Mapping[str, int]
) -> tuple[list[str], dict[str, int]]:
    names = sites["district"].astype(str).tolist()
    ags = (
        sites["district_ags"].astype(str).tolist() if "district_ags" in sites else [""] * len(names)
    )
    keys = []
    for n, a in zip(names, ags, strict=True):
        keys.append(n if n in quotas else (a if a in quotas else ""))
    known = set(names) | set(ags)
    for k in quotas:
        if k not in known:
            raise ConfigError(
                "quotas",
                Message("config.unknown_district", {"known": ", ".join(sorted(set(names)))}),
                value=k,
            )
    return keys, dict(quotas)


def _prepare(
    sites: pd.DataFrame,
    minutes: np.ndarray,
    km: np.ndarray | None,
    config: SeasonConfig,
    coverage: Mapping[str, Collection[Hashable]] | None,
    cell_population: Mapping[Hashable, float] | None,
) -> _Problem:
    df = _validate_sites(sites, config)
    n = len(df)
    mins = np.asarray(minutes, dtype=float)
    if mins.shape != (n, n):
        raise ValueError(
            f"travel-time matrix has shape {mins.shape}, expected ({n}, {n}) "
            "(sites × sites, in the order of the sites table)"
        )
    if not np.all(np.isfinite(mins)) or (mins < 0).any():
        i, j = np.argwhere(~np.isfinite(mins) | (mins < 0))[0]
        raise ValueError(
            f"travel-time matrix: minutes[{i}, {j}] = {mins[i, j]!r} is not a finite number >= 0"
        )
    kmm = np.asarray(km, dtype=float) if km is not None else np.full((n, n), np.nan)
    if kmm.shape != (n, n):
        raise ValueError(f"distance matrix has shape {kmm.shape}, expected ({n}, {n})")
    cal = config.calendar()
    ops = cal.operating_days
    op_cal = [cal.index(d) for d in ops]
    seg = cal.segments
    ids = df["site_id"].tolist()
    idx_of = {s: i for i, s in enumerate(ids)}
    home = idx_of[config.home_site_id]
    booking_of: dict[int, Booking] = {}
    for b in config.bookings:
        i = idx_of[b.site_id]
        if i in booking_of:
            raise ConfigError("bookings", Message("config.booked_twice"), value=b.site_id)
        booking_of[i] = b
    stay = []
    for i in range(n):
        v = df["stay_days"].iloc[i] if "stay_days" in df.columns else None
        s = config.stay_days if v is None or (isinstance(v, float) and math.isnan(v)) else int(v)
        stay.append(s)
    starts: list[list[int]] = []
    # Most sites share their stay and window: compute each distinct start list once (a
    # 10-year season has thousands of operating days).
    memo: dict[tuple[int, dt.date | None, dt.date | None], list[int]] = {}
    for i in range(n):
        lo = _opt_date(df["available_from"].iloc[i])
        hi = _opt_date(df["available_to"].iloc[i])
        L = stay[i]
        key = (L, lo, hi)
        if key not in memo:
            feas = []
            for k in range(len(ops) - L + 1):
                if seg[k] != seg[k + L - 1]:
                    continue
                if lo is not None and ops[k] < lo:
                    continue
                if hi is not None and ops[k + L - 1] > hi:
                    continue
                feas.append(k)
            memo[key] = feas
        starts.append(list(memo[key]))
    # bookings override stay and start
    for i, b in booking_of.items():
        if b.start not in ops:
            raise _Infeasible(
                f"booking[{b.site_id}]",
                Message(
                    "season.diag.booking_closed",
                    {
                        "site": b.site_id,
                        "date": b.start.isoformat(),
                        "reason": cal.closed_message(b.start) or "",
                    },
                ),
            )
        k = ops.index(b.start)
        if b.end is not None:
            if b.end < b.start:
                raise ConfigError(
                    "bookings",
                    Message("config.range_reversed"),
                    value=f"{b.site_id}: {b.start}..{b.end}",
                )
            last = [j for j, d in enumerate(ops) if d <= b.end][-1]
            stay[i] = last - k + 1
        L = stay[i]
        if k + L - 1 >= len(ops) or seg[k] != seg[k + L - 1]:
            raise _Infeasible(
                f"booking[{b.site_id}]",
                Message(
                    "season.diag.booking_span",
                    {"site": b.site_id, "date": b.start.isoformat(), "days": L},
                ),
            )
        starts[i] = [k]
    cand = [i for i in range(n) if (i != home or i in booking_of) and ids[i] not in config.exclude]
    score = df[config.score_column].astype(float).to_numpy()
    value = config.weight_score * score
    # coverage
    cover: dict[int, list[int]] = {}
    cell_pop = np.zeros(0)
    if coverage is not None and config.weight_coverage != 0:
        if cell_population is None:
            raise ValueError("coverage given without cell_population")
        cells = list(cell_population.keys())
        cidx = {c: k for k, c in enumerate(cells)}
        cell_pop = np.array([float(cell_population[c]) for c in cells])
        for sid, cells_of in coverage.items():
            if sid not in idx_of:
                raise ValueError(f"coverage: site {sid!r} is not in the sites table")
            bad = [c for c in cells_of if c not in cidx]
            if bad:
                raise ValueError(f"coverage: site {sid!r}: cell {bad[0]!r} has no population")
            cover[idx_of[sid]] = [cidx[c] for c in cells_of]
    keys, quotas = _district_keys(df, config.district_quotas)
    allowed = _allowed_arcs(mins, config.max_tow_minutes)
    tow_lb = np.zeros(n)
    for i in range(n):
        inc = [mins[j, i] for j in [*cand, home] if j != i and allowed[j, i]]
        tow_lb[i] = min(inc) if inc else math.inf
    return _Problem(
        config,
        df,
        mins,
        kmm,
        cal,
        home,
        ops,
        op_cal,
        stay,
        starts,
        booking_of,
        cand,
        value,
        cover,
        cell_pop,
        quotas,
        keys,
        tow_lb,
    )


def _precheck(p: _Problem) -> None:
    """Exact, cheap proofs that the rules cannot hold, each naming its rule and numbers.

    Raises
    ------
    _Infeasible
        For the first rule found that cannot hold: a stay longer than the season, a required
        site that cannot host a stay, a quota above the district's candidates, bookings that
        overlap, more stops than the season's days can hold.
    """
    cfg = p.config
    ids = p.sites["site_id"].astype(str).tolist()
    n_ops = len(p.ops)
    n_cal = len(p.cal.days)
    usable = [i for i in p.cand if p.starts[i] and math.isfinite(p.tow_lb[i])]
    required = sum(int(q) for q in p.quota_of.values())
    if cfg.stops_total is not None:
        required = max(required, int(cfg.stops_total))
    required = max(required, len(set(cfg.must_include) | {b.site_id for b in cfg.bookings}))
    # stays longer than the longest stretch of operating days without a blackout date
    stretches: dict[int, int] = defaultdict(int)
    for segment in p.cal.segments:
        stretches[segment] += 1
    longest = max(stretches.values(), default=0)
    fitting = [i for i in p.cand if p.starts[i]]
    if required > len(fitting) and cfg.stay_days > longest:
        raise _Infeasible(
            "stay_days",
            Message(
                "season.diag.stay_too_long",
                {"days": cfg.stay_days, "ops": n_ops, "longest": longest},
            ),
        )
    # required sites that cannot host a stay at all
    idx_of = {s: i for i, s in enumerate(ids)}
    for s in cfg.must_include:
        i = idx_of[s]
        if not p.starts[i] or not math.isfinite(p.tow_lb[i]):
            why = "no_dates" if not p.starts[i] else "too_far"
            raise _Infeasible(
                f"must_include[{s}]",
                Message(f"season.diag.must_{why}", {"site": s, "days": p.stay[i]}),
            )
    # quotas above the district's candidates
    for k, q in p.quota_of.items():
        in_district = [i for i in p.cand if p.district_key[i] == k]
        can_host = [i for i in usable if p.district_key[i] == k]
        if int(q) > len(in_district):
            raise _Infeasible(
                f"district_quota[{k}]",
                Message(
                    "season.diag.quota_sites",
                    {"district": k, "quota": int(q), "sites": len(in_district)},
                ),
            )
        if int(q) > len(can_host):
            raise _Infeasible(
                f"district_quota[{k}]",
                Message(
                    "season.diag.quota_usable",
                    {
                        "district": k,
                        "quota": int(q),
                        "sites": len(in_district),
                        "usable": len(can_host),
                    },
                ),
            )
    if cfg.stops_total is not None and int(cfg.stops_total) > len(usable):
        raise _Infeasible(
            "stops_total",
            Message(
                "season.diag.stops_usable", {"stops": int(cfg.stops_total), "usable": len(usable)}
            ),
        )
    # bookings: more than `units` of them within relocation reach of each other
    spans = []
    for i, b in p.booking_of.items():
        first_op = p.starts[i][0]
        spans.append((p.op_cal[first_op], p.op_cal[first_op + p.stay[i] - 1], b))
    spans.sort(key=lambda x: (x[0], x[1]))
    active: list[tuple[int, int, Booking]] = []
    for first, last, b in spans:
        # a booking still blocks the unit until its relocation days are over
        active = [a for a in active if a[1] + cfg.relocation_days >= first]
        active.append((first, last, b))
        if len(active) > cfg.units:
            clash = active[-(cfg.units + 1) :]
            a_, b_ = clash[0][2], clash[-1][2]
            raise _Infeasible(
                " + ".join(f"booking[{c[2].site_id}]" for c in clash),
                Message(
                    "season.diag.bookings_overlap",
                    {
                        "a": a_.site_id,
                        "a_start": p.cal.days[clash[0][0]].isoformat(),
                        "a_end": p.cal.days[clash[0][1]].isoformat(),
                        "b": b_.site_id,
                        "b_start": p.cal.days[clash[-1][0]].isoformat(),
                        "b_end": p.cal.days[clash[-1][1]].isoformat(),
                        "relocation": cfg.relocation_days,
                        "units": cfg.units,
                    },
                ),
            )
    # capacity: the busiest unit holds ceil(required / units) stays on distinct days
    if required > 0:
        per_unit = -(-required // cfg.units)
        shortest = min((p.stay[i] for i in usable), default=cfg.stay_days)
        need_ops = per_unit * shortest
        if need_ops > n_ops:
            raise _Infeasible(
                "season_length",
                Message(
                    "season.diag.capacity",
                    {
                        "stops": required,
                        "units": cfg.units,
                        "days": shortest,
                        "need": need_ops,
                        "ops": n_ops,
                    },
                ),
            )
        need_cal = need_ops + (per_unit - 1) * cfg.relocation_days
        if cfg.relocation_days > 0 and need_cal > n_cal:
            raise _Infeasible(
                "relocation_days",
                Message(
                    "season.diag.relocation",
                    {
                        "stops": per_unit,
                        "days": shortest,
                        "relocation": cfg.relocation_days,
                        "need": need_cal,
                        "cal": n_cal,
                    },
                ),
            )


def _allowed_arcs(mins: np.ndarray, max_tow: float | None) -> np.ndarray:
    if max_tow is None:
        return np.ones(mins.shape, dtype=bool)
    return mins <= max_tow + 1e-9


# ---------------------------------------------------------------------- master
class _Master:
    """CP-SAT selection model with rule literals (for cores) and no-good cuts."""

    SCALE = 1000.0

    def __init__(self, p: _Problem, *, relaxed: Collection[str] = ()) -> None:
        self.p = p
        cfg = p.config
        self.m = cp_model.CpModel()
        m = self.m
        self.rule_lits: dict[str, cp_model.IntVar] = {}
        self.x: dict[int, cp_model.IntVar] = {}
        ids = p.sites["site_id"].tolist()
        usable = [i for i in p.cand if p.starts[i] and math.isfinite(p.tow_lb[i])]
        for i in usable:
            self.x[i] = m.new_bool_var(f"x_{ids[i]}")

        def rule(name: str) -> cp_model.IntVar:
            lit = m.new_bool_var(name)
            self.rule_lits[name] = lit
            return lit

        # must include, bookings
        for s in cfg.must_include:
            i = ids.index(s)
            lit = rule(f"must_include[{s}]")
            if i in self.x:
                m.add(self.x[i] == 1).only_enforce_if(lit)
            else:
                m.add_bool_or([lit.negated()])
        for i, b in p.booking_of.items():
            lit = rule(f"booking[{b.site_id}]")
            if i in self.x:
                m.add(self.x[i] == 1).only_enforce_if(lit)
            else:
                m.add_bool_or([lit.negated()])
        # quotas
        by_key: dict[str, list[int]] = defaultdict(list)
        for i in self.x:
            if p.district_key[i]:
                by_key[p.district_key[i]].append(i)
        for k, q in p.quota_of.items():
            lit = rule(f"district_quota[{k}]")
            m.add(sum(self.x[i] for i in by_key.get(k, [])) == int(q)).only_enforce_if(lit)
        total = sum(self.x.values())
        n_total = cfg.stops_total
        if n_total is None and p.quota_of:
            all_quoted = all(p.district_key[i] for i in self.x)
            if all_quoted:
                n_total = None  # quotas fix the total already
            else:
                # districts without a quota get no stops unless stops_total says so
                lit = rule("district_quota[other districts]")
                m.add(sum(self.x[i] for i in self.x if not p.district_key[i]) == 0).only_enforce_if(
                    lit
                )
        if n_total is not None:
            lit = rule("stops_total")
            m.add(total == int(n_total)).only_enforce_if(lit)
        # capacity: the stays fit into the operating days of all units
        lit = rule("season_length")
        m.add(sum(p.stay[i] * self.x[i] for i in self.x) <= cfg.units * len(p.ops)).only_enforce_if(
            lit
        )
        # municipality: stays plus gaps fit into the season
        if cfg.municipality_gap_days > 0:
            by_mun: dict[str, list[int]] = defaultdict(list)
            for i in self.x:
                by_mun[str(p.sites["municipality"].iloc[i])].append(i)
            lit = rule("municipality_gap")
            season_days = len(p.cal.days)
            for _mun, members in by_mun.items():
                if len(members) < 2:
                    continue
                span_min = min(p.stay[i] for i in members)
                per = span_min + cfg.municipality_gap_days
                cap = max(1, (season_days + cfg.municipality_gap_days) // per)
                if cap < len(members):
                    m.add(sum(self.x[i] for i in members) <= cap).only_enforce_if(lit)
        # rural share
        if cfg.min_rural_share > 0:
            lit = rule("min_rural_share")
            share = round(cfg.min_rural_share * 1000)
            rural = [i for i in self.x if p.sites["area_class"].iloc[i] == "rural"]
            m.add(1000 * sum(self.x[i] for i in rural) >= share * total).only_enforce_if(lit)
        self.relaxed = set(relaxed)
        # objective
        terms = []
        consts = 0.0
        sc = self.SCALE
        for i, v in self.x.items():
            coef = p.value[i] - cfg.weight_tow * p.tow_lb[i]
            terms.append(round(coef * sc) * v)
        consts -= cfg.weight_tow * p.tow_lb[p.home] * sc
        self.z: dict[int, cp_model.IntVar] = {}
        if p.cover:
            covering: dict[int, list[int]] = defaultdict(list)
            for i, cells in p.cover.items():
                if i in self.x:
                    for c in cells:
                        covering[c].append(i)
            for c, sites_c in covering.items():
                pop = p.cell_pop[c]
                if pop <= 0:
                    continue
                z = m.new_bool_var(f"z{c}")
                m.add(z <= sum(self.x[i] for i in sites_c))
                self.z[c] = z
                terms.append(round(cfg.weight_coverage * pop * sc) * z)
        self.const = consts
        m.maximize(sum(terms))
        self.cuts = 0

    def add_cut(self, sites: Collection[int]) -> None:
        self.m.add(sum(self.x[i] for i in sites) <= len(sites) - 1)
        self.cuts += 1

    def solve(
        self, seconds: float, hint: Collection[int] | None = None
    ) -> tuple[str, list[int], float, float, list[str]]:
        m = self.m
        m.clear_assumptions()
        active = [lit for name, lit in self.rule_lits.items() if name not in self.relaxed]
        m.add_assumptions(active)
        if hint is not None:
            m.clear_hints()
            for i, v in self.x.items():
                m.add_hint(v, i in hint)
        # The coverage model is a covering MIP: a full LP relaxation gives tight bounds.
        st, solver = _run_solver(m, seconds=seconds, workers=2, linearization_level=2)
        if st in ("optimal", "time_limit", "stopped"):
            chosen = [i for i, v in self.x.items() if solver.value(v)]
            obj = (solver.objective_value + self.const) / self.SCALE
            bound = (solver.best_objective_bound + self.const) / self.SCALE
            return st, chosen, obj, bound, []
        if st == "infeasible":
            core_idx = solver.sufficient_assumptions_for_infeasibility()
            names = {lit.index: name for name, lit in self.rule_lits.items()}
            core = [names[k] for k in core_idx if k in names]
            return "infeasible", [], math.nan, math.nan, core
        return "unknown", [], math.nan, math.nan, []


def _run_solver(
    model: cp_model.CpModel, *, seconds: float, workers: int, linearization_level: int = 1
) -> tuple[str, cp_model.CpSolver]:
    """Solve ``model`` within ``seconds`` and say what ended the solver.

    Returns
    -------
    tuple
        (``"optimal"`` proven, ``"time_limit"`` a solution when the time ran out,
        ``"stopped"`` a solution when the search stopped for another reason,
        ``"infeasible"`` proven, ``"unknown"`` neither a solution nor a proof), the solver.
    """
    solver = cp_model.CpSolver()
    # No floor on the budget: the caller's deadline is the limit, whatever is left of it.
    solver.parameters.max_time_in_seconds = max(0.0, float(seconds))
    solver.parameters.num_workers = workers
    solver.parameters.linearization_level = linearization_level
    st = solver.solve(model)
    if st == cp_model.OPTIMAL:
        return "optimal", solver
    if st == cp_model.FEASIBLE:
        # CP-SAT stops with FEASIBLE at a limit; only the time limit is set here, but the
        # wall time tells it apart from an interrupted search.
        hit = solver.wall_time >= 0.9 * seconds
        return ("time_limit" if hit else "stopped"), solver
    if st == cp_model.INFEASIBLE:
        return "infeasible", solver
    if st == cp_model.MODEL_INVALID:
        raise ValueError(f"season model is invalid: {model.validate()}")
    return "unknown", solver


# ---------------------------------------------------------------------- schedule
@dataclass
class _Schedule:
    order: list[list[int]]  # per unit, site indices
    start_op: dict[int, int]
    tow: float


def _stay_span_days(operating: Collection[int], weekday: int, open_days: int) -> int:
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


def _schedule(
    p: _Problem, chosen: Sequence[int], seconds: float, *, relaxed: Collection[str] = ()
) -> tuple[_Schedule | None, list[int], str]:
    """Order and dates for the chosen sites; returns (schedule, conflict sites, status).

    Times are calendar-day indices.  A stop's start has the calendar days on which its
    stay fits as domain and its end is the start plus a span looked up by the start's
    weekday (seven values), so the model's size does not grow with the season's length
    (an element constraint over every operating day made a 10-year season unsolvable).
    """
    cfg = p.config
    home = p.home
    mins = p.minutes
    if not chosen:
        return _Schedule([], {}, 0.0), [], "optimal"
    allowed = _allowed_arcs(mins, None if "max_tow" in relaxed else cfg.max_tow_minutes)
    gap_days = 0 if "municipality_gap" in relaxed else cfg.municipality_gap_days
    m = cp_model.CpModel()
    ncal = len(p.cal.days)
    first_weekday = p.cal.start.weekday()
    operating = frozenset(cfg.operating_weekdays)
    nodes = list(chosen)
    present: dict[int, cp_model.IntVar] = {i: m.new_bool_var(f"p{i}") for i in nodes}
    cs: dict[int, cp_model.IntVar] = {}
    ce: dict[int, cp_model.IntVar] = {}
    op_of_cal = {c: k for k, c in enumerate(p.op_cal)}
    for i in nodes:
        dom = p.starts[i]
        if not dom:
            return None, [i], "infeasible"
        cs[i] = m.new_int_var_from_domain(
            cp_model.Domain.from_values([p.op_cal[k] for k in dom]), f"cs{i}"
        )
        ce[i] = m.new_int_var(0, ncal + MAX_STAY_DAYS * 7, f"ce{i}")
        spans = [_stay_span_days(operating, w, p.stay[i]) for w in range(7)]
        if len(set(spans)) == 1:
            m.add(ce[i] == cs[i] + spans[0])
            continue
        # weekday of the start: (first_weekday + cs) = 7 * week + weekday
        week = m.new_int_var(0, (ncal + first_weekday) // 7 + 1, f"w{i}")
        weekday = m.new_int_var(0, 6, f"d{i}")
        m.add(cs[i] + first_weekday == 7 * week + weekday)
        span = m.new_int_var(min(spans), max(spans), f"s{i}")
        m.add_element(weekday, spans, span)
        m.add(ce[i] == cs[i] + span)
    arcs: list[tuple[int, int, Any]] = []
    lit: dict[tuple[int, int], cp_model.IntVar] = {}
    node_id = {i: k + 1 for k, i in enumerate(nodes)}  # 0 = home
    rel = cfg.relocation_days
    for i in nodes:
        # from home / to home
        if allowed[home, i]:
            v = m.new_bool_var("")
            lit[home, i] = v
            arcs.append((0, node_id[i], v))
        if allowed[i, home]:
            v = m.new_bool_var("")
            lit[i, home] = v
            arcs.append((node_id[i], 0, v))
        for j in nodes:
            if i == j or not allowed[i, j]:
                continue
            v = m.new_bool_var("")
            lit[i, j] = v
            arcs.append((node_id[i], node_id[j], v))
            m.add(cs[j] >= ce[i] + 1 + rel).only_enforce_if(v)
        arcs.append((node_id[i], node_id[i], present[i].negated()))
    if cfg.units == 1:
        m.add_circuit(arcs)
    else:
        m.add_multiple_circuit(arcs)
        m.add(sum(v for (f, _t), v in lit.items() if f == home) <= cfg.units)
    # municipality gap
    if gap_days > 0:
        mun = p.sites["municipality"].astype(str).tolist()
        for x, i in enumerate(nodes):
            for j in nodes[x + 1 :]:
                if mun[i] != mun[j]:
                    continue
                b = m.new_bool_var("")
                m.add(cs[j] >= ce[i] + gap_days).only_enforce_if(b)
                m.add(cs[i] >= ce[j] + gap_days).only_enforce_if(b.negated())
    # Towing first; among equally short tours, the earliest dates (ties broken stably).
    tie = len(nodes) * (ncal + 1) + 1
    m.minimize(
        sum(round(10 * mins[f, t]) * tie * v for (f, t), v in lit.items()) + sum(cs.values())
    )
    m.add_assumptions(list(present.values()))
    st, solver = _run_solver(m, seconds=seconds, workers=1)
    if st in ("optimal", "time_limit", "stopped"):
        succ = {f: t for (f, t), v in lit.items() if solver.value(v)}
        order: list[list[int]] = []
        for (f, t), v in lit.items():
            if f == home and solver.value(v):
                r = [t]
                while succ[r[-1]] != home:
                    r.append(succ[r[-1]])
                order.append(r)
        order.sort(key=lambda r: solver.value(cs[r[0]]))
        starts = {i: op_of_cal[int(solver.value(cs[i]))] for i in nodes}
        tow = sum(mins[f, t] for (f, t), v in lit.items() if solver.value(v))
        return _Schedule(order, starts, float(tow)), [], st
    if st == "infeasible":
        core = solver.sufficient_assumptions_for_infeasibility()
        idx = {v.index: i for i, v in present.items()}
        conflict = [idx[k] for k in core if k in idx] or list(nodes)
        return None, conflict, "infeasible"
    return None, list(nodes), "unknown"


# ---------------------------------------------------------------------- public API
def plan_season(
    sites: pd.DataFrame,
    minutes: np.ndarray,
    *,
    config: SeasonConfig,
    km: np.ndarray | None = None,
    coverage: Mapping[str, Collection[Hashable]] | None = None,
    cell_population: Mapping[Hashable, float] | None = None,
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
        site_id → ids of the demand cells it reaches (for population newly covered).
    cell_population
        cell id → population.
    diagnose
        When infeasible, try each rule relaxed to say which one blocks the season.

    Returns
    -------
    SeasonPlan
        ``status == "infeasible"`` with a non-empty ``diagnosis`` when the rules cannot all
        be met.
    """
    t0 = time.perf_counter()
    # One deadline for the whole call: preparation, search and diagnosis all end by it.
    deadline = t0 + config.time_limit
    try:
        p = _prepare(sites, minutes, km, config, coverage, cell_population)
        _precheck(p)
        prepare_seconds = time.perf_counter() - t0
    except _Infeasible as exc:
        return _unplanned_plan(
            "infeasible", config, sites.copy(), [RuleDiagnosis(exc.rule, exc.message)], t0
        )
    res = _solve(p, deadline=deadline)
    if isinstance(res, SeasonPlan):
        res.totals["seconds"] = time.perf_counter() - t0
        return res
    outcome, core, log = res
    if outcome == "time_limit":
        # Neither a plan nor a proof: say so, and blame no rule.
        plan = _unplanned_plan("time_limit", config, p.sites, [], t0)
        plan.log.extend(log)
        return plan
    diags: list[RuleDiagnosis] = []
    if diagnose:
        diags = _diagnose(
            sites,
            minutes,
            km,
            config,
            coverage,
            cell_population,
            core,
            deadline=deadline,
            prepare_seconds=prepare_seconds,
        )
    if not diags:
        # The core of CP-SAT's proof: these rules cannot all hold together.
        diags = [
            RuleDiagnosis(r, Message("season.diag.in_conflict", {"rule": r}), relaxed_feasible=None)
            for r in core
        ] or [RuleDiagnosis("combination", Message("season.diag.none_combination"))]
    plan = _unplanned_plan("infeasible", config, p.sites, diags, t0)
    plan.log.extend(log)
    return plan


def _unplanned_plan(
    status: str,
    config: SeasonConfig,
    sites: pd.DataFrame,
    diags: list[RuleDiagnosis],
    t0: float,
) -> SeasonPlan:
    """A plan without stops: ``"infeasible"`` (proven) or ``"time_limit"`` (no plan in time)."""
    return SeasonPlan(
        status=status,
        schedule=pd.DataFrame(columns=SCHEDULE_COLUMNS),
        totals={
            "stops": 0,
            "seconds": time.perf_counter() - t0,
            "time_limit": float(config.time_limit),
            "stop_reason": status,
        },
        unplanned=pd.DataFrame(columns=_UNPLANNED_COLUMNS),
        diagnosis=diags,
        config=config,
        sites=sites,
    )


_UNPLANNED_COLUMNS = ["site_id", "name", "district", "reason", "reason_params"]
#: Columns of a plan's schedule (x, y: the stop in EPSG:25832).
SCHEDULE_COLUMNS = [
    "stop",
    "unit",
    "site_id",
    "name",
    "municipality",
    "district",
    "area_class",
    "start",
    "end",
    "open_days",
    "tow_minutes",
    "tow_km",
    "score",
    "population_new",
    "locked",
    "x",
    "y",
]


#: Below this many seconds left, no solve is started: it could not finish by the deadline.
_MIN_SOLVE_SECONDS = 0.05


def _solve(
    p: _Problem, *, deadline: float, relaxed: Collection[str] = ()
) -> SeasonPlan | tuple[str, list[str], list[str]]:
    """A plan, or (``"infeasible"`` with the proof's rules | ``"time_limit"``, rules, log)."""
    master = _Master(p, relaxed=relaxed)
    log: list[str] = []
    hint: list[int] | None = None
    while True:
        remaining = deadline - time.perf_counter()
        if remaining <= _MIN_SOLVE_SECONDS:
            return "time_limit", [], log
        # keep time for the schedule, but never more than what is left
        st, chosen, obj, bound, core = master.solve(remaining * 0.6, hint)
        log.append(
            f"master: {st}, {len(chosen)} sites, objective {obj:.2f}, bound {bound:.2f}, "
            f"cuts {master.cuts}"
        )
        if st == "infeasible":
            return "infeasible", core, log
        if st == "unknown":
            return "time_limit", [], log
        remaining = deadline - time.perf_counter()
        if remaining <= _MIN_SOLVE_SECONDS:
            return "time_limit", [], log
        sched, conflict, sst = _schedule(p, chosen, remaining, relaxed=relaxed)
        log.append(f"schedule: {sst}" + (f", conflict {len(conflict)} sites" if conflict else ""))
        if sched is not None:
            return _build_plan(p, chosen, sched, bound, master_status=st, sched_status=sst, log=log)
        if sst == "unknown":
            return "time_limit", [], log
        master.add_cut(conflict)
        hint = None


def _population_new(p: _Problem, order: list[int]) -> dict[int, float]:
    seen: set[int] = set()
    out: dict[int, float] = {}
    for i in order:
        cells = [c for c in p.cover.get(i, []) if c not in seen]
        out[i] = float(sum(p.cell_pop[c] for c in cells))
        seen.update(cells)
    return out


def _xy(sites: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    n = len(sites)
    if "x" in sites.columns and "y" in sites.columns:
        return sites["x"].to_numpy(dtype=float), sites["y"].to_numpy(dtype=float)
    geom = sites.get("geometry")
    if geom is not None:
        try:
            return (
                np.array([g.x for g in geom], dtype=float),
                np.array([g.y for g in geom], dtype=float),
            )
        except AttributeError:
            pass
    return np.full(n, np.nan), np.full(n, np.nan)


def _build_plan(
    p: _Problem,
    chosen: list[int],
    sched: _Schedule,
    bound: float,
    *,
    master_status: str,
    sched_status: str,
    log: list[str],
) -> SeasonPlan:
    cfg = p.config
    df = p.sites
    xs, ys = _xy(df)
    rows = []
    # chronological stops, population credited in date order
    flat = sorted(((sched.start_op[i], u, i) for u, r in enumerate(sched.order) for i in r))
    pop_new = _population_new(p, [i for _, _, i in flat])
    prev = {u: p.home for u in range(len(sched.order))}
    tow_total = 0.0
    km_total = 0.0
    for k, (a, u, i) in enumerate(flat, start=1):
        L = p.stay[i]
        f = prev[u]
        rows.append(
            {
                "stop": k,
                "unit": u + 1,
                "site_id": df["site_id"].iloc[i],
                "name": df["name"].iloc[i],
                "municipality": df["municipality"].iloc[i],
                "district": df["district"].iloc[i],
                "area_class": df["area_class"].iloc[i],
                "start": p.ops[a],
                "end": p.ops[a + L - 1],
                "open_days": L,
                "tow_minutes": float(p.minutes[f, i]),
                "tow_km": float(p.km[f, i]),
                "score": float(df[cfg.score_column].iloc[i]),
                "population_new": pop_new.get(i, 0.0),
                "locked": bool(i in p.booking_of and p.booking_of[i].locked),
                "x": float(xs[i]),
                "y": float(ys[i]),
            }
        )
        tow_total += float(p.minutes[f, i])
        km_total += float(p.km[f, i])
        prev[u] = i
    for _u, last in prev.items():
        if last != p.home:
            tow_total += float(p.minutes[last, p.home])
            km_total += float(p.km[last, p.home])
    schedule = pd.DataFrame(rows, columns=SCHEDULE_COLUMNS)
    covered = float(sum(pop_new.values()))
    value = (
        float(sum(p.value[i] for i in chosen))
        + cfg.weight_coverage * covered
        - cfg.weight_tow * tow_total
    )
    n = len(schedule)
    rural = int((schedule["area_class"] == "rural").sum())
    gap = max(0.0, (bound - value) / abs(bound)) if bound and math.isfinite(bound) else 0.0
    statuses = {master_status, sched_status}
    if statuses == {"optimal"} and gap < 1e-9:
        stop_reason = "optimal"
    elif "time_limit" in statuses:
        stop_reason = "time_limit"
    elif "stopped" in statuses:
        stop_reason = "stopped"
    else:
        # both parts proven optimal, but the selection's towing bound leaves a gap: the
        # decomposition ends with the first selection that can be scheduled
        stop_reason = "search_done"
    optimal = stop_reason == "optimal"
    totals: dict[str, Any] = {
        "stops": n,
        "stops_per_district": schedule.groupby("district").size().to_dict() if n else {},
        "rural_share": rural / n if n else 0.0,
        "population_covered": covered,
        "km_towed": km_total,
        "tow_minutes": tow_total,
        "score_sum": float(schedule["score"].sum()) if n else 0.0,
        "value": value,
        "bound": bound,
        "gap": gap,
        "first_day": schedule["start"].min() if n else None,
        "last_day": schedule["end"].max() if n else None,
        "units": cfg.units,
        "stop_reason": stop_reason,
        "time_limit": float(cfg.time_limit),
    }
    plan = SeasonPlan(
        status="optimal" if optimal else "feasible",
        schedule=schedule,
        totals=totals,
        unplanned=_unplanned(p, chosen, sched),
        diagnosis=[],
        config=cfg,
        sites=df,
        log=log,
    )
    return plan


def _unplanned(p: _Problem, chosen: list[int], sched: _Schedule) -> pd.DataFrame:
    cfg = p.config
    df = p.sites
    ids = df["site_id"].tolist()
    allowed = _allowed_arcs(p.minutes, cfg.max_tow_minutes)
    chosen_set = set(chosen)
    by_key: dict[str, list[int]] = defaultdict(list)
    for i in chosen:
        by_key[p.district_key[i] or str(df["district"].iloc[i])].append(i)
    cover_sets = {i: set(c) for i, c in p.cover.items()}
    rows = []
    for i in range(len(df)):
        if i in chosen_set or i == p.home:
            continue
        key = p.district_key[i] or str(df["district"].iloc[i])
        reason: str
        params: dict[str, Any] = {}
        if ids[i] in cfg.exclude:
            reason = "excluded"
        elif not p.starts[i]:
            lo, hi = df["available_from"].iloc[i], df["available_to"].iloc[i]
            reason = "availability"
            params = {
                "days": p.stay[i],
                "start": str(lo) if lo else Message("season.window.start"),
                "end": str(hi) if hi else Message("season.window.end"),
            }
        elif not math.isfinite(p.tow_lb[i]) or not (
            allowed[p.home, i] or any(allowed[j, i] for j in chosen)
        ):
            reason = "too_far"
            params = {"minutes": float(cfg.max_tow_minutes or 0.0)}
        elif p.quota_of and not p.district_key[i] and cfg.stops_total is None:
            reason = "no_quota"
            params = {"district": str(df["district"].iloc[i])}
        else:
            best_overlap = (0.0, -1)
            mine = cover_sets.get(i, set())
            pop_mine = float(sum(p.cell_pop[c] for c in mine)) if mine else 0.0
            if pop_mine > 0:
                for j in chosen:
                    shared = mine & cover_sets.get(j, set())
                    if shared:
                        sp = float(sum(p.cell_pop[c] for c in shared))
                        if sp > best_overlap[0]:
                            best_overlap = (sp, j)
            if best_overlap[1] >= 0 and best_overlap[0] >= 0.5 * pop_mine:
                j = best_overlap[1]
                reason = "covered"
                params = {
                    "name": str(df["name"].iloc[j]),
                    "site": str(ids[j]),
                    "shared": best_overlap[0],
                    "total": pop_mine,
                }
            elif key in p.quota_of and len(by_key.get(key, [])) >= p.quota_of[key]:
                worst = min((p.value[j] for j in by_key[key]), default=math.inf)
                reason = "quota_full" if p.value[i] <= worst else "quota_full_fit"
                params = {"district": key, "quota": int(p.quota_of[key])}
            else:
                reason = "low_score"
        rows.append(
            {
                "site_id": ids[i],
                "name": df["name"].iloc[i],
                "district": df["district"].iloc[i],
                "reason": reason,
                "reason_params": Message("", params).to_dict()["params"],
            }
        )
    return pd.DataFrame(rows, columns=_UNPLANNED_COLUMNS)


# ---------------------------------------------------------------------- diagnosis
def _relaxations(
    config: SeasonConfig, core: Sequence[str]
) -> list[tuple[str, Message, SeasonConfig, set[str]]]:
    """(rule, description, relaxed config, relaxed rule names) for each rule family."""
    out: list[tuple[str, Message, SeasonConfig, set[str]]] = []
    rep = dataclasses.replace
    for k, q in config.district_quotas.items():
        for lower in range(int(q) - 1, max(-1, int(q) - 4), -1):
            quotas = {**config.district_quotas, k: lower}
            out.append(
                (
                    f"district_quota[{k}]",
                    Message(
                        "season.relax.district_quota", {"district": k, "old": int(q), "new": lower}
                    ),
                    rep(config, district_quotas=quotas),
                    set(),
                )
            )
    if config.stops_total is not None:
        out.append(
            (
                "stops_total",
                Message("season.relax.stops_total", {"n": config.stops_total}),
                rep(config, stops_total=None),
                set(),
            )
        )
    if config.min_rural_share > 0:
        out.append(
            (
                "min_rural_share",
                Message("season.relax.min_rural_share", {"share": config.min_rural_share}),
                rep(config, min_rural_share=0.0),
                set(),
            )
        )
    if config.municipality_gap_days > 0:
        out.append(
            (
                "municipality_gap",
                Message("season.relax.municipality_gap", {"days": config.municipality_gap_days}),
                rep(config, municipality_gap_days=0),
                set(),
            )
        )
    if config.max_tow_minutes is not None:
        out.append(
            (
                "max_tow",
                Message("season.relax.max_tow", {"minutes": config.max_tow_minutes}),
                rep(config, max_tow_minutes=None),
                set(),
            )
        )
    for b in config.bookings:
        out.append(
            (
                f"booking[{b.site_id}]",
                Message("season.relax.booking", {"site": b.site_id, "date": b.start.isoformat()}),
                rep(config, bookings=tuple(x for x in config.bookings if x != b)),
                set(),
            )
        )
    for s in config.must_include:
        out.append(
            (
                f"must_include[{s}]",
                Message("season.relax.must_include", {"site": s}),
                rep(config, must_include=tuple(x for x in config.must_include if x != s)),
                set(),
            )
        )
    if config.blackout_dates:
        out.append(
            (
                "blackout_dates",
                Message("season.relax.blackout_dates"),
                rep(config, blackout_dates={}),
                set(),
            )
        )
    if config.relocation_days > 0:
        out.append(
            (
                "relocation_days",
                Message("season.relax.relocation_days"),
                rep(config, relocation_days=0),
                set(),
            )
        )
    try:
        longer = config.end + dt.timedelta(weeks=4)
        out.append(
            (
                "season_length",
                Message("season.relax.season_length", {"end": longer.isoformat()}),
                rep(config, end=longer),
                set(),
            )
        )
    except (ConfigError, OverflowError):  # already as long as a season may be
        pass
    # rules named in the core first
    core_set = set(core)
    out.sort(
        key=lambda r: (
            r[0] not in core_set and r[0].split("[")[0] not in {c.split("[")[0] for c in core_set}
        )
    )
    return out


def _diagnose(
    sites: pd.DataFrame,
    minutes: np.ndarray,
    km: np.ndarray | None,
    config: SeasonConfig,
    coverage: Mapping[str, Collection[Hashable]] | None,
    cell_population: Mapping[Hashable, float] | None,
    core: Sequence[str],
    *,
    deadline: float,
    prepare_seconds: float = 0.0,
) -> list[RuleDiagnosis]:
    """The rules whose relaxation (one at a time) gives a plan, all within ``deadline``.

    A rule is named only when its relaxed season has a plan; when no relaxation was shown to
    help, the rules of CP-SAT's infeasibility proof are named, and whether every relaxation
    could be tried in time.
    """
    cands = _relaxations(config, core)
    results: list[RuleDiagnosis] = []
    done: set[str] = set()
    untested = 0
    for k, (rule, desc, cfg2, relaxed) in enumerate(cands):
        if rule in done:
            continue
        remaining = deadline - time.perf_counter()
        # preparing a relaxed season takes about as long as the first preparation did
        if remaining <= _MIN_SOLVE_SECONDS + prepare_seconds:
            untested = len(cands) - k
            break
        # an equal share of what is left for each relaxation not yet tried
        share = remaining / (len(cands) - k)
        try:
            p2 = _prepare(sites, minutes, km, cfg2, coverage, cell_population)
            _precheck(p2)
            res = _solve(p2, deadline=min(deadline, time.perf_counter() + share), relaxed=relaxed)
        except _Infeasible:
            continue  # proven: this relaxation alone does not help
        if not isinstance(res, SeasonPlan):
            if res[0] == "time_limit":
                untested += 1
            continue
        tot = res.totals
        done.add(rule)
        results.append(
            RuleDiagnosis(
                rule=rule,
                message=Message(
                    "season.diag.relaxable",
                    {
                        "relaxation": desc,
                        "stops": int(tot["stops"]),
                        "value": float(tot["value"]),
                        "detail": _relaxed_detail(rule, res),
                    },
                ),
                relaxation=desc,
                relaxed_feasible=True,
                relaxed_value=float(tot["value"]),
                relaxed_stops=int(tot["stops"]),
            )
        )
    if results:
        return results
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
    return [
        RuleDiagnosis(
            rule=" + ".join(core) if core else "combination",
            message=message,
            relaxed_feasible=None if untested else False,
        )
    ]


def _relaxed_detail(rule: str, plan: SeasonPlan) -> Message:
    tot = plan.totals
    if rule.startswith("district_quota["):
        k = rule[len("district_quota[") : -1]
        got = int(plan.schedule["district"].eq(k).sum())
        return Message("season.detail.district_quota", {"got": got, "district": k})
    if rule == "min_rural_share":
        return Message("season.detail.min_rural_share", {"share": float(tot["rural_share"])})
    if rule == "max_tow":
        return Message(
            "season.detail.max_tow", {"minutes": float(plan.schedule["tow_minutes"].max())}
        )
    return Message("season.detail.none")


# ---------------------------------------------------------------------- locks, compare
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
) -> SeasonPlan:
    """Re-optimise a plan with some stops locked (site and dates stay).

    Parameters
    ----------
    plan
        The plan whose stops are locked.
    lock
        Stop numbers to keep.
    minutes, km, coverage, cell_population
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
        plan.sites, minutes, config=cfg, km=km, coverage=coverage, cell_population=cell_population
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
    keys = [
        "status",
        "stops",
        "value",
        "bound",
        "gap",
        "rural_share",
        "population_covered",
        "km_towed",
        "tow_minutes",
        "score_sum",
        "first_day",
        "last_day",
    ]
    rows = []
    for k in keys:
        va = a.status if k == "status" else a.totals.get(k)
        vb = b.status if k == "status" else b.totals.get(k)
        diff: object = None
        if isinstance(va, int | float) and isinstance(vb, int | float) and not isinstance(va, bool):
            diff = vb - va
        rows.append({"total": k, la: va, lb: vb, "difference": diff})
    districts = sorted(
        set(a.totals.get("stops_per_district", {})) | set(b.totals.get("stops_per_district", {}))
    )
    for d in districts:
        va = a.totals.get("stops_per_district", {}).get(d, 0)
        vb = b.totals.get("stops_per_district", {}).get(d, 0)
        rows.append({"total": f"stops_per_district[{d}]", la: va, lb: vb, "difference": vb - va})
    totals = pd.DataFrame(rows).set_index("total")
    sa = a.schedule.set_index("site_id")
    sb = b.schedule.set_index("site_id")
    ids = list(dict.fromkeys([*sa.index, *sb.index]))
    srows = []
    for s in ids:
        ra = sa.loc[s] if s in sa.index else None
        rb = sb.loc[s] if s in sb.index else None
        name = (ra if ra is not None else rb)["name"]  # type: ignore[index]
        if ra is not None and rb is not None:
            same = (ra["start"], ra["end"]) == (rb["start"], rb["end"])
            change = "same_dates" if same else "moved"
        else:
            change = "only_a" if ra is not None else "only_b"
        srows.append(
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
    return PlanComparison(totals=totals, stops=pd.DataFrame(srows), labels=(la, lb))
