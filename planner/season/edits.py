"""The rule check of a schedule edited by hand: every rule a change breaks, with its numbers.

Staff move a stop to other dates, swap its site or change the order (the order is the order of
the dates). :func:`check_schedule` reads the edited table against the season's own rules — the
same calendar (:class:`~planner.season.calendar.SeasonCalendar`: operating weekdays, the public
holidays of the region's Land, blackout dates) and the same :class:`SeasonConfig` the optimiser
uses — and returns one :class:`EditProblem` per broken rule, naming the stop, the rule and the
numbers ("Stopp 3 (Laboe): nur 2 Tage nach Stopp 2 statt 3 Umzugstagen").

The rules read exactly as the schedule model states them (:mod:`planner.season.schedule`):
a stop starts at least ``relocation_days`` free calendar days after the previous stop of its unit
ends; two stops in one municipality lie ``municipality_gap_days`` apart (end to start); a stay
holds ``stay_days`` operating days and no blackout date; quotas are exact.

:func:`edited_stops` tells which rows were changed and :func:`edit_bookings` turns them into
bookings, so "re-optimise the rest" keeps them (:func:`planner.season.replan` does the same for
locked stops).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from planner.i18n import DEFAULT_LANGUAGE, Message, t
from planner.season.calendar import SeasonCalendar, parse_date
from planner.season.settings import Booking, SeasonConfig

__all__ = [
    "EDIT_RULES",
    "EditProblem",
    "TowMinutes",
    "check_schedule",
    "edit_bookings",
    "edited_stops",
    "tow_lookup",
    "with_site_facts",
]

#: The rules the check knows, in the order problems are reported; each has a name
#: (``edit.rule.<rule>``) and a sentence (``edit.problem.<rule>``) in the catalogues.
EDIT_RULES = (
    "site",
    "duplicate",
    "dates",
    "season",
    "operating_day",
    "blackout",
    "stay_days",
    "availability",
    "exclude",
    "booking",
    "overlap",
    "relocation_days",
    "max_tow",
    "municipality_gap",
    "municipality_spacing",
    "district_quota",
    "stops_total",
    "min_rural_share",
    "must_include",
)

#: Site facts copied from the sites table when a stop's site is swapped.
SITE_FACTS = ("name", "municipality", "district", "area_class")
#: Rule → catalogue key of its name.
RULE_NAMES = {rule: f"edit.rule.{rule}" for rule in EDIT_RULES}

TowMinutes = Callable[[str, str], float]


@dataclass(frozen=True)
class EditProblem:
    """One rule an edited schedule breaks.

    Attributes
    ----------
    rule
        One of :data:`EDIT_RULES`.
    message
        The sentence with the stop and the numbers (translate with :meth:`text`).
    stop
        The stop it is about (its number in the edited table), ``None`` for a season-wide rule.
    """

    rule: str
    message: Message
    stop: int | None = None

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The problem in ``lang``."""
        return self.message.text(lang)

    def rule_text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The rule's name in ``lang``."""
        return t(RULE_NAMES[self.rule], lang)


def _day(value: dt.date) -> Message:
    """A date as a message (German ``05.07.2025``, English ``2025-07-05``); its parts are text
    so they are not formatted as numbers."""
    return Message(
        "edit.date",
        {"day": f"{value.day:02d}", "month": f"{value.month:02d}", "year": str(value.year)},
    )


def _blank(value: object) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


def _date_or_none(value: object) -> dt.date | None:
    if _blank(value) or value is pd.NaT:
        return None
    try:
        return parse_date(value.date() if isinstance(value, dt.datetime) else value)
    except ValueError:
        return None


def tow_lookup(site_ids: Sequence[str], minutes: np.ndarray) -> TowMinutes:
    """Towing minutes between two sites from a matrix in the order of ``site_ids``."""
    index = {str(s): i for i, s in enumerate(site_ids)}
    matrix = np.asarray(minutes, dtype=float)

    def tow(origin: str, target: str) -> float:
        return float(matrix[index[origin], index[target]])

    return tow


def with_site_facts(schedule: pd.DataFrame, sites: pd.DataFrame) -> pd.DataFrame:
    """The schedule with each stop's name, municipality, district and area class read from its
    site (so a swapped site shows its own facts); unknown sites keep the row's values."""
    out = schedule.copy()
    table = sites.assign(site_id=sites["site_id"].astype(str)).drop_duplicates("site_id")
    facts = table.set_index("site_id")
    for column in SITE_FACTS:
        if column not in facts.columns:
            continue
        looked_up = out["site_id"].astype(str).map(facts[column])
        out[column] = looked_up.where(looked_up.notna(), out.get(column))
    return out


def edited_stops(original: pd.DataFrame, edited: pd.DataFrame) -> list[int]:
    """Stop numbers whose site or dates differ between two schedules (rows matched by stop)."""
    before = original.set_index("stop")
    changed = []
    for _, row in edited.iterrows():
        stop = int(row["stop"])
        if stop not in before.index:
            changed.append(stop)
            continue
        old = before.loc[stop]
        if str(old["site_id"]) != str(row["site_id"]) or any(
            _date_or_none(old[c]) != _date_or_none(row[c]) for c in ("start", "end")
        ):
            changed.append(stop)
    return changed


def edit_bookings(schedule: pd.DataFrame, stops: Sequence[int]) -> tuple[Booking, ...]:
    """Bookings that keep the given stops of an edited schedule on their site and dates.

    Raises
    ------
    ValueError
        Naming a stop that is not in the schedule or has no dates.
    """
    rows = schedule.set_index("stop")
    out = []
    for stop in stops:
        if stop not in rows.index:
            raise ValueError(f"edit_bookings: stop {stop!r} is not in the schedule")
        row = rows.loc[stop]
        start, end = _date_or_none(row["start"]), _date_or_none(row["end"])
        if start is None or end is None:
            raise ValueError(f"edit_bookings: stop {stop}: start/end {row['start']!r} is no date")
        out.append(Booking(site_id=str(row["site_id"]), start=start, end=end, locked=True))
    return tuple(out)


@dataclass(frozen=True)
class _Stop:
    """One row of the edited schedule with what the rules read."""

    stop: int
    site_id: str
    name: str
    municipality: str
    district: str
    district_ags: str
    area_class: str
    unit: int
    start: dt.date | None
    end: dt.date | None
    site: Mapping[str, Any] | None  # its row of the sites table (None: unknown site)

    @property
    def who(self) -> Message:
        return Message("edit.stop", {"stop": self.stop, "name": self.name})


def _stops(schedule: pd.DataFrame, sites: pd.DataFrame) -> list[_Stop]:
    rows: dict[str, dict[str, Any]] = {
        str(r["site_id"]): {str(k): v for k, v in r.items()} for r in sites.to_dict("records")
    }
    out = []
    for rec in schedule.to_dict("records"):
        site_id = str(rec.get("site_id", ""))
        site = rows.get(site_id)
        facts = {c: (site or rec).get(c, rec.get(c, "")) for c in SITE_FACTS}
        unit = rec.get("unit")
        out.append(
            _Stop(
                stop=int(rec["stop"]),
                site_id=site_id,
                name=str(facts["name"] if not _blank(facts["name"]) else site_id),
                municipality=str(facts["municipality"]),
                district=str(facts["district"]),
                district_ags=str((site or {}).get("district_ags", "")),
                area_class=str(facts["area_class"]),
                unit=1 if unit is None or _blank(unit) else int(unit),
                start=_date_or_none(rec.get("start")),
                end=_date_or_none(rec.get("end")),
                site=site,
            )
        )
    return out


def check_schedule(
    config: SeasonConfig,
    schedule: pd.DataFrame,
    *,
    sites: pd.DataFrame,
    tow_minutes: TowMinutes | None = None,
) -> list[EditProblem]:
    """Every rule of the season an (edited) schedule breaks.

    Parameters
    ----------
    config
        The season's rules (a plan's :attr:`~planner.season.SeasonPlan.config`).
    schedule
        One row per stop: ``stop``, ``site_id``, ``start``, ``end`` (dates or ISO/German text),
        optionally ``unit``; names and districts are read from ``sites``.
    sites
        The sites table (``site_id``, name, municipality, district, area_class; optional
        ``district_ags``, ``available_from``/``available_to``, ``stay_days``).
    tow_minutes
        Towing minutes between two site ids (see :func:`tow_lookup`); without it the towing
        limit is not checked.

    Returns
    -------
    list of EditProblem
        Per stop in stop order, then the season-wide rules; empty when every rule holds.
    """
    calendar = config.calendar()
    stops = _stops(schedule, sites)
    problems: list[EditProblem] = []
    seen: dict[str, int] = {}
    dated: list[_Stop] = []
    for stop in sorted(stops, key=lambda s: s.stop):
        found = _row_problems(stop, config, calendar, seen)
        problems += found
        seen.setdefault(stop.site_id, stop.stop)
        if stop.start is not None and stop.end is not None and stop.end >= stop.start:
            dated.append(stop)
    problems += _sequence_problems(dated, config, tow_minutes)
    problems += _gap_problems(dated, config)
    names = dict(zip(sites["site_id"].astype(str), sites["name"].astype(str), strict=True))
    problems += _season_problems(stops, config, names)
    order = {rule: k for k, rule in enumerate(EDIT_RULES)}
    return sorted(
        problems, key=lambda p: (p.stop is None, p.stop or 0, order.get(p.rule, len(order)))
    )


# ---------------------------------------------------------------------- one stop
def _row_problems(
    stop: _Stop, config: SeasonConfig, calendar: SeasonCalendar, seen: Mapping[str, int]
) -> list[EditProblem]:
    def _broken(rule: str, **params: object) -> EditProblem:
        return EditProblem(
            rule, Message(f"edit.problem.{rule}", {"who": stop.who, **params}), stop.stop
        )

    if stop.site is None:
        return [_broken("site", site=stop.site_id)]
    out = []
    if stop.site_id in seen:
        out.append(_broken("duplicate", other=seen[stop.site_id]))
    if stop.site_id in config.exclude:
        out.append(_broken("exclude"))
    if stop.start is None or stop.end is None or stop.end < stop.start:
        return [*out, _broken("dates")]
    start, end = stop.start, stop.end
    if start < calendar.start or end > calendar.end:
        out.append(_broken("season", first=_day(calendar.start), last=_day(calendar.end)))
    for which, day in ((Message("edit.first"), start), (Message("edit.last"), end)):
        if day.weekday() not in calendar.operating_weekdays:
            out.append(
                _broken(
                    "operating_day",
                    which=which,
                    weekday=Message(f"weekday.{day.weekday()}"),
                    date=_day(day),
                )
            )
    days = [start + dt.timedelta(days=k) for k in range((end - start).days + 1)]
    closed = [d for d in days if calendar.is_blackout(d)]
    if closed:
        reasons = [
            Message("edit.closed_day", {"date": _day(d), "reason": calendar.blackout_message(d)})
            for d in closed
        ]
        out.append(_broken("blackout", days=reasons))
    stay = _stay_days(stop.site, config)
    longest = _longest_stay(stay, config)
    open_days = sum(d.weekday() in calendar.operating_weekdays for d in days)
    if longest > stay and not stay <= open_days <= longest:
        params = {"who": stop.who, "days": open_days, "low": stay, "high": longest}
        out.append(EditProblem("stay_days", Message("edit.problem.stay_range", params), stop.stop))
    elif longest == stay and open_days != stay:
        out.append(_broken("stay_days", days=open_days, stay=stay))
    window = _outside_window(stop)
    if window is not None:
        out.append(_broken("availability", window=window))
    booking = next((b for b in config.bookings if b.site_id == stop.site_id and not b.locked), None)
    if booking is not None and (
        booking.start != start or (booking.end is not None and booking.end != end)
    ):
        out.append(_broken("booking", date=_day(booking.start)))
    return out


def _stay_days(site: Mapping[str, Any], config: SeasonConfig) -> int:
    value = site.get("stay_days")
    return config.stay_days if _blank(value) else int(value)  # type: ignore[arg-type]


def _longest_stay(stay: int, config: SeasonConfig) -> int:
    """The most open days a stay may have: longer with spare time (when the season's settings
    have it: ``spare_time`` other than ``"idle"`` and ``longest_stay_days``)."""
    spare = getattr(config, "spare_time", "idle")
    longest = getattr(config, "longest_stay_days", None)
    if spare == "idle" or not isinstance(longest, int):
        return stay
    return max(stay, longest)


def _outside_window(stop: _Stop) -> Message | None:
    """The site's availability window when the stay is not inside it, else ``None``."""
    site = stop.site or {}
    first, last = _date_or_none(site.get("available_from")), _date_or_none(site.get("available_to"))
    assert stop.start is not None and stop.end is not None
    if (first is not None and stop.start < first) or (last is not None and stop.end > last):
        window = Message(
            "edit.window",
            {
                "first": _day(first) if first else Message("edit.open_end"),
                "last": _day(last) if last else Message("edit.open_end"),
            },
        )
        return window
    return None


# ---------------------------------------------------------------------- order and distances
def _sequence_problems(
    dated: Sequence[_Stop], config: SeasonConfig, tow_minutes: TowMinutes | None
) -> list[EditProblem]:
    """Overlaps, relocation days and the towing limit along each unit's tour (by date)."""
    out: list[EditProblem] = []
    home = config.home_site_id
    limit = config.max_tow_minutes
    for unit in sorted({s.unit for s in dated}):
        tour = sorted((s for s in dated if s.unit == unit), key=lambda s: (s.start, s.stop))
        for prev, stop in itertools.pairwise(tour):
            assert prev.end is not None and stop.start is not None
            free = (stop.start - prev.end).days - 1
            if free < 0:
                out.append(_pair("overlap", stop, prev))
            elif free < config.relocation_days:
                out.append(
                    _pair("relocation_days", stop, prev, days=free, need=config.relocation_days)
                )
        if tow_minutes is None or limit is None:
            continue
        legs = list(zip([None, *tour], [*tour, None], strict=True))
        for origin, target in legs:
            a = home if origin is None else origin.site_id
            b = home if target is None else target.site_id
            try:
                minutes = tow_minutes(a, b)
            except (KeyError, IndexError):
                continue
            if minutes > limit + 1e-9:
                about = target or origin
                assert about is not None
                leg = Message(
                    "edit.leg_home_out"
                    if origin is None
                    else "edit.leg_home_back"
                    if target is None
                    else "edit.leg",
                    {"other": origin.stop if origin is not None and target is not None else 0},
                )
                out.append(
                    EditProblem(
                        "max_tow",
                        Message(
                            "edit.problem.max_tow",
                            {
                                "who": about.who,
                                "leg": leg,
                                "minutes": round(minutes),
                                "limit": round(limit),
                            },
                        ),
                        about.stop,
                    )
                )
    return out


def _pair(rule: str, stop: _Stop, other: _Stop, **params: object) -> EditProblem:
    message = Message(f"edit.problem.{rule}", {"who": stop.who, "other": other.who, **params})
    return EditProblem(rule, message, stop.stop)


def _gap_problems(dated: Sequence[_Stop], config: SeasonConfig) -> list[EditProblem]:
    """Two stops in one municipality closer than the municipality gap (end to start) or, when
    the settings have ``min_same_municipality_km``, closer in space."""
    need = config.municipality_gap_days
    km_need = float(getattr(config, "min_same_municipality_km", 0.0) or 0.0)
    out = []
    ordered = sorted(dated, key=lambda s: (s.start, s.stop))
    for k, earlier in enumerate(ordered):
        for later in ordered[k + 1 :]:
            if later.municipality != earlier.municipality:
                continue
            km = _km(earlier, later)
            if km_need > 0 and km is not None and km + 1e-9 < km_need:
                out.append(
                    _pair(
                        "municipality_spacing",
                        later,
                        earlier,
                        km=round(km, 1),
                        need=int(km_need) if km_need.is_integer() else km_need,
                        municipality=later.municipality,
                    )
                )
            assert later.start is not None and earlier.end is not None
            days = (later.start - earlier.end).days
            if 0 <= days < need:
                out.append(
                    _pair(
                        "municipality_gap",
                        later,
                        earlier,
                        days=days,
                        need=need,
                        municipality=later.municipality,
                    )
                )
    return out


def _km(a: _Stop, b: _Stop) -> float | None:
    """Straight-line km between two stops' sites (EPSG:25832 ``x``/``y``), if known."""
    try:
        ax, ay = float(a.site["x"]), float(a.site["y"])  # type: ignore[index]
        bx, by = float(b.site["x"]), float(b.site["y"])  # type: ignore[index]
    except (KeyError, TypeError, ValueError):
        return None
    distance = math.hypot(ax - bx, ay - by) / 1000.0
    return distance if math.isfinite(distance) else None


# ---------------------------------------------------------------------- the whole season
def _season_problems(
    stops: Sequence[_Stop], config: SeasonConfig, names: Mapping[str, str]
) -> list[EditProblem]:
    out = []
    known = [s for s in stops if s.site is not None]
    for district, quota in config.district_quotas.items():
        count = sum(district in (s.district, s.district_ags) for s in known)
        if count != quota:
            message = Message(
                "edit.problem.district_quota",
                {"district": district, "count": count, "quota": quota},
            )
            out.append(EditProblem("district_quota", message))
    if config.stops_total is not None and len(stops) != config.stops_total:
        message = Message(
            "edit.problem.stops_total", {"count": len(stops), "need": config.stops_total}
        )
        out.append(EditProblem("stops_total", message))
    if known and config.min_rural_share > 0:
        rural = sum(s.area_class == "rural" for s in known)
        share = rural / len(known)
        if share + 1e-9 < config.min_rural_share:
            message = Message(
                "edit.problem.min_rural_share",
                {
                    "rural": rural,
                    "count": len(known),
                    "share": round(100 * share),
                    "need": round(100 * config.min_rural_share),
                },
            )
            out.append(EditProblem("min_rural_share", message))
    present = {s.site_id for s in stops}
    for site_id in config.must_include:
        if site_id not in present:
            out.append(
                EditProblem(
                    "must_include",
                    Message("edit.problem.must_include", {"site": names.get(site_id, site_id)}),
                )
            )
    return out
