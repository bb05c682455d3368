"""The season problem built from the sites and the settings: what every model below reads.

:meth:`SeasonProblem.build` checks the sites table and the matrices, then computes once per
planning call the operating days, each site's stay length and the operating days on which its
stay may start (availability window, blackout dates, season end, bookings), the candidates, the
district quotas, the coverage sets and a lower bound on the towing into each site.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.coverage.reach import reached_within_minutes
from planner.errors import RulesError
from planner.i18n import DEFAULT_LANGUAGE, Message
from planner.season.calendar import SeasonCalendar, parse_date
from planner.season.plan import site_xy
from planner.season.settings import Booking, ConfigError, SeasonConfig

__all__ = [
    "REQUIRED_SITE_COLUMNS",
    "EventSpan",
    "RuleConflict",
    "SeasonProblem",
    "allowed_arcs",
    "coverage_from_matrix",
]

REQUIRED_SITE_COLUMNS = ("site_id", "name", "municipality", "district", "area_class")


class RuleConflict(RulesError):
    """A rule of the season cannot hold (proven before or without a search).

    Attributes
    ----------
    rule
        Rule identifier, e.g. ``"booking[Kie1]"``.
    problem
        Why, as a structured :class:`~planner.i18n.Message`.
    """

    def __init__(self, rule: str, problem: Message) -> None:
        super().__init__(problem.text("en"))
        self.rule = rule
        self.problem = problem

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The conflict in ``lang``."""
        return self.problem.text(lang)


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
    reached = reached_within_minutes(mat, limit=threshold)  # the one rule (planner.coverage)
    return {
        s: [cells[j] for j in reached.indices[reached.indptr[i] : reached.indptr[i + 1]]]
        for i, s in enumerate(site_ids)
    }


def allowed_arcs(minutes: np.ndarray, max_tow: float | None) -> np.ndarray:
    """Which relocations (row → column) keep within the towing limit (``None``: all)."""
    if max_tow is None:
        return np.ones(minutes.shape, dtype=bool)
    return minutes <= max_tow + 1e-9


@dataclass(frozen=True)
class EventSpan:
    """An event of the settings on the season's calendar: its site (row), its first and last
    calendar-day index and its weight; ``number`` is its position in ``config.events``."""

    number: int
    site: int
    first: int
    last: int
    weight: float


@dataclass
class SeasonProblem:
    """Pre-computed data of one planning call (sites by their row in :attr:`sites`).

    Build it with :meth:`build`.
    """

    config: SeasonConfig
    sites: pd.DataFrame
    minutes: np.ndarray  # towing time, site × site
    km: np.ndarray  # towing distance, site × site (NaN when not given)
    calendar: SeasonCalendar
    home: int
    operating_days: list[dt.date]
    calendar_index: list[int]  # per operating day, its index among the calendar days
    stay_days: list[int]  # per site, open days of a stay
    start_options: list[list[int]]  # per site, operating days on which a stay may start
    booking_of: dict[int, Booking]
    candidates: list[int]  # sites that may become stops (not home unless booked)
    site_value: np.ndarray  # per site, its weighted score (the coverage counts apart)
    cells_of: dict[int, list[int]]  # per site, the demand cells it reaches (regional scale)
    cell_population: np.ndarray
    local_cells_of: dict[int, list[int]]  # per site, the demand cells within 2 km (local)
    events: list[EventSpan]  # the events inside the season, by site row
    xy: np.ndarray  # per site, its position (EPSG:25832 metres; NaN when unknown)
    quotas: dict[str, int]  # district key → stops
    district_key: list[str]  # per site, its key in the quotas ("" if none)
    tow_lower_bound: np.ndarray  # per site, cheapest allowed towing into it (minutes)

    @property
    def usable(self) -> list[int]:
        """Candidates that can host a stay and be reached within the towing limit."""
        return [
            i
            for i in self.candidates
            if self.start_options[i] and math.isfinite(self.tow_lower_bound[i])
        ]

    @classmethod
    def build(
        cls,
        sites: pd.DataFrame,
        minutes: np.ndarray,
        *,
        config: SeasonConfig,
        km: np.ndarray | None = None,
        coverage: Mapping[str, Collection[Hashable]] | None = None,
        cell_population: Mapping[Hashable, float] | None = None,
        coverage_local: Mapping[str, Collection[Hashable]] | None = None,
    ) -> SeasonProblem:
        """Check the inputs of :func:`~planner.season.plan_season` and compute the problem.

        Raises
        ------
        ValueError
            A sites table, matrix or coverage set that cannot be used, naming row and value.
        ConfigError
            A setting that does not fit the sites (unknown site, district, double booking).
        RuleConflict
            A booking that cannot hold (a closed day, a stay across a blackout date).
        """
        df = _validate_sites(sites, config)
        n = len(df)
        mins, kms = _checked_matrices(minutes, km, n)
        calendar = config.calendar()
        operating_days = calendar.operating_days
        ids = df["site_id"].tolist()
        index_of = {s: i for i, s in enumerate(ids)}
        home = index_of[config.home_site_id]
        booking_of = _bookings_by_site(config, index_of)
        stay_days = _stay_lengths(df, config)
        start_options = _start_options(df, stay_days, operating_days, calendar.segments)
        for i, booking in booking_of.items():
            stay_days[i], first = _booked_stay(booking, stay_days[i], calendar)
            start_options[i] = [first]
        candidates = [
            i for i in range(n) if (i != home or i in booking_of) and ids[i] not in config.exclude
        ]
        cells_of, population, local_cells_of = _coverage_sets(
            coverage, coverage_local, cell_population, index_of
        )
        district_key, quotas = _district_keys(df, config.district_quotas)
        return cls(
            config=config,
            sites=df,
            minutes=mins,
            km=kms,
            calendar=calendar,
            home=home,
            operating_days=operating_days,
            calendar_index=[calendar.index(d) for d in operating_days],
            stay_days=stay_days,
            start_options=start_options,
            booking_of=booking_of,
            candidates=candidates,
            site_value=config.weight_score * df[config.score_column].astype(float).to_numpy(),
            cells_of=cells_of,
            cell_population=population,
            local_cells_of=local_cells_of,
            events=_event_spans(config, index_of, calendar),
            xy=np.column_stack(site_xy(df)),
            quotas=quotas,
            district_key=district_key,
            tow_lower_bound=_tow_lower_bounds(mins, config.max_tow_minutes, candidates, home),
        )


# ---------------------------------------------------------------------- checks of the inputs
def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value == ""


def _validate_sites(sites: pd.DataFrame, config: SeasonConfig) -> pd.DataFrame:
    """The sites table with string ids, every column the planner reads checked by row."""
    missing = [c for c in (*REQUIRED_SITE_COLUMNS, config.score_column) if c not in sites.columns]
    if missing:
        raise ValueError(f"sites table: missing column(s) {missing}")
    df = sites.copy()
    df["site_id"] = df["site_id"].astype(str)
    dup = df["site_id"][df["site_id"].duplicated()]
    if len(dup):
        row = int(np.flatnonzero(df["site_id"].duplicated())[0])
        raise ValueError(f"sites table: row {row}: site_id {dup.iloc[0]!r} is a duplicate")

    def where(i: int) -> str:
        return f"sites table: row {i} (site {df['site_id'].iloc[i]!r})"

    for i, v in enumerate(df[config.score_column]):
        try:
            f = float(v)
        except (TypeError, ValueError):
            f = math.nan
        if not math.isfinite(f):
            raise ValueError(f"{where(i)}: {config.score_column} = {v!r} is not a number")
    for i, v in enumerate(df["area_class"]):
        if v not in ("urban", "rural"):
            raise ValueError(f"{where(i)}: area_class = {v!r} must be 'urban' or 'rural'")
    for col in ("available_from", "available_to"):
        if col not in df.columns:
            df[col] = ""
        for i, v in enumerate(df[col]):
            if _is_blank(v):
                continue
            try:
                parse_date(v, field_name=col)
            except ValueError as exc:
                raise ValueError(f"{where(i)}: {exc}") from None
    if "stay_days" in df.columns:
        for i, v in enumerate(df["stay_days"]):
            if v is None or (isinstance(v, float) and math.isnan(v)):
                continue
            if not (float(v) == int(v) and int(v) >= 1):
                raise ValueError(f"{where(i)}: stay_days = {v!r} must be a whole number >= 1")
    _check_site_ids(set(df["site_id"]), config)
    return df.reset_index(drop=True)


def _check_site_ids(ids: set[str], config: SeasonConfig) -> None:
    """Every site a setting names is in the sites table, and none is both required and
    excluded."""
    for name, vals in (
        ("season.must_include", config.must_include),
        ("season.exclude", config.exclude),
        ("bookings", [b.site_id for b in config.bookings]),
        ("events", [e.site_id for e in config.events]),
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


def _checked_matrices(
    minutes: np.ndarray, km: np.ndarray | None, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """The towing times (finite, ≥ 0) and distances as ``(n, n)`` float arrays."""
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
    kms = np.asarray(km, dtype=float) if km is not None else np.full((n, n), np.nan)
    if kms.shape != (n, n):
        raise ValueError(f"distance matrix has shape {kms.shape}, expected ({n}, {n})")
    return mins, kms


# ---------------------------------------------------------------------- stays and start days
def _optional_date(v: object) -> dt.date | None:
    return None if _is_blank(v) else parse_date(v)


def _stay_lengths(df: pd.DataFrame, config: SeasonConfig) -> list[int]:
    """Per site, the open days of a stay: its ``stay_days`` column, else the season's."""
    stay = []
    for i in range(len(df)):
        v = df["stay_days"].iloc[i] if "stay_days" in df.columns else None
        stay.append(
            config.stay_days if v is None or (isinstance(v, float) and math.isnan(v)) else int(v)
        )
    return stay


def _start_options(
    df: pd.DataFrame,
    stay_days: Sequence[int],
    operating_days: Sequence[dt.date],
    segments: Sequence[int],
) -> list[list[int]]:
    """Per site, the operating days on which a stay fits: inside its availability window and
    the season, without a blackout date between its first and last day (same segment)."""
    # Most sites share their stay and window: compute each distinct start list once (a
    # 10-year season has thousands of operating days).
    memo: dict[tuple[int, dt.date | None, dt.date | None], list[int]] = {}
    options: list[list[int]] = []
    for i in range(len(df)):
        first_day = _optional_date(df["available_from"].iloc[i])
        last_day = _optional_date(df["available_to"].iloc[i])
        length = stay_days[i]
        key = (length, first_day, last_day)
        if key not in memo:
            memo[key] = [
                k
                for k in range(len(operating_days) - length + 1)
                if segments[k] == segments[k + length - 1]
                and (first_day is None or operating_days[k] >= first_day)
                and (last_day is None or operating_days[k + length - 1] <= last_day)
            ]
        options.append(list(memo[key]))
    return options


def _bookings_by_site(config: SeasonConfig, index_of: Mapping[str, int]) -> dict[int, Booking]:
    booking_of: dict[int, Booking] = {}
    for booking in config.bookings:
        i = index_of[booking.site_id]
        if i in booking_of:
            raise ConfigError("bookings", Message("config.booked_twice"), value=booking.site_id)
        booking_of[i] = booking
    return booking_of


def _booked_stay(booking: Booking, stay: int, calendar: SeasonCalendar) -> tuple[int, int]:
    """(open days, first operating day) of a booked stay, which overrides the site's own."""
    operating_days = calendar.operating_days
    segments = calendar.segments
    if booking.start not in operating_days:
        raise RuleConflict(
            f"booking[{booking.site_id}]",
            Message(
                "season.diag.booking_closed",
                {
                    "site": booking.site_id,
                    "date": booking.start.isoformat(),
                    "reason": calendar.closed_message(booking.start) or "",
                },
            ),
        )
    first = operating_days.index(booking.start)
    if booking.end is not None:
        if booking.end < booking.start:
            raise ConfigError(
                "bookings",
                Message("config.range_reversed"),
                value=f"{booking.site_id}: {booking.start}..{booking.end}",
            )
        last = [j for j, d in enumerate(operating_days) if d <= booking.end][-1]
        stay = last - first + 1
    if first + stay - 1 >= len(operating_days) or segments[first] != segments[first + stay - 1]:
        raise RuleConflict(
            f"booking[{booking.site_id}]",
            Message(
                "season.diag.booking_span",
                {"site": booking.site_id, "date": booking.start.isoformat(), "days": stay},
            ),
        )
    return stay, first


# ---------------------------------------------------------------------- coverage, quotas, towing
def _coverage_sets(
    coverage: Mapping[str, Collection[Hashable]] | None,
    coverage_local: Mapping[str, Collection[Hashable]] | None,
    cell_population: Mapping[Hashable, float] | None,
    index_of: Mapping[str, int],
) -> tuple[dict[int, list[int]], np.ndarray, dict[int, list[int]]]:
    """Per site, the indices of the cells it reaches at the regional and the local scale, and
    the cells' population (both scales index the same cells)."""
    if coverage is None and coverage_local is None:
        return {}, np.zeros(0), {}
    if cell_population is None:
        raise ValueError("coverage given without cell_population")
    cells = list(cell_population.keys())
    cell_index = {c: k for k, c in enumerate(cells)}
    population = np.array([float(cell_population[c]) for c in cells])

    def indexed(sets: Mapping[str, Collection[Hashable]] | None, name: str) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        for sid, reached in (sets or {}).items():
            if sid not in index_of:
                raise ValueError(f"{name}: site {sid!r} is not in the sites table")
            bad = [c for c in reached if c not in cell_index]
            if bad:
                raise ValueError(f"{name}: site {sid!r}: cell {bad[0]!r} has no population")
            out[index_of[sid]] = [cell_index[c] for c in reached]
        return out

    return indexed(coverage, "coverage"), population, indexed(coverage_local, "coverage_local")


def _event_spans(
    config: SeasonConfig, index_of: Mapping[str, int], calendar: SeasonCalendar
) -> list[EventSpan]:
    """The events whose days lie inside the season, on the calendar (others cannot count)."""
    spans = []
    for number, event in enumerate(config.events):
        if event.start < calendar.start or event.last_day > calendar.end:
            continue
        spans.append(
            EventSpan(
                number,
                index_of[event.site_id],
                (event.start - calendar.start).days,
                (event.last_day - calendar.start).days,
                float(event.weight),
            )
        )
    return spans


def _district_keys(
    sites: pd.DataFrame, quotas: Mapping[str, int]
) -> tuple[list[str], dict[str, int]]:
    """Per site, the key under which its district has a quota (name or AGS, "" if none)."""
    names = sites["district"].astype(str).tolist()
    ags = (
        sites["district_ags"].astype(str).tolist() if "district_ags" in sites else [""] * len(names)
    )
    keys = [
        n if n in quotas else (a if a in quotas else "") for n, a in zip(names, ags, strict=True)
    ]
    known = set(names) | set(ags)
    for k in quotas:
        if k not in known:
            raise ConfigError(
                "quotas",
                Message("config.unknown_district", {"known": ", ".join(sorted(set(names)))}),
                value=k,
            )
    return keys, dict(quotas)


def _tow_lower_bounds(
    minutes: np.ndarray, max_tow: float | None, candidates: Sequence[int], home: int
) -> np.ndarray:
    """Per site, the cheapest allowed towing into it (every stop is entered once): a valid
    lower bound on the season's towing. ``inf`` when no allowed relocation reaches it."""
    allowed = allowed_arcs(minutes, max_tow)
    bound = np.zeros(len(minutes))
    for i in range(len(minutes)):
        incoming = [minutes[j, i] for j in [*candidates, home] if j != i and allowed[j, i]]
        bound[i] = min(incoming) if incoming else math.inf
    return bound
