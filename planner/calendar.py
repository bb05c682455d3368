"""Operating days of the Tiny Rathaus: weekdays, Schleswig-Holstein holidays, blackouts.

A :class:`SeasonCalendar` knows, for every date of a season, whether the unit can be
open (an *operating day*) and if not, why: a non-operating weekday (usually the weekend),
a public holiday of Schleswig-Holstein (``holidays`` package, ``DE`` subdivision ``SH``)
or a blackout date entered by the planners.  Weekends only close the unit; holidays and
blackouts are *blackout dates*: a stop must not span them (see :mod:`planner.season`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

import holidays as _holidays

__all__ = ["WEEKDAY_NAMES", "SeasonCalendar", "parse_date", "sh_public_holidays"]

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def parse_date(value: object, *, field_name: str = "date") -> dt.date:
    """Parse an ISO date (``YYYY-MM-DD``) or pass a :class:`datetime.date` through.

    Parameters
    ----------
    value
        A ``date``, ``datetime`` or ISO string.
    field_name
        Name used in the error message.

    Returns
    -------
    datetime.date

    Raises
    ------
    ValueError
        Naming ``field_name`` and the offending value.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"{field_name}: {value!r} is not a date (expected YYYY-MM-DD)")


def sh_public_holidays(years: Iterable[int]) -> dict[dt.date, str]:
    """Public holidays of Schleswig-Holstein for the given years.

    Parameters
    ----------
    years
        Calendar years.

    Returns
    -------
    dict
        Date → holiday name (as given by the ``holidays`` package).
    """
    cal = _holidays.country_holidays("DE", subdiv="SH", years=sorted(set(years)))
    return {d: str(name) for d, name in sorted(cal.items())}


@dataclass(frozen=True)
class SeasonCalendar:
    """Calendar of one season.

    Parameters
    ----------
    start, end
        First and last date of the season (inclusive).
    operating_weekdays
        Weekdays on which the unit may be open (0 = Monday … 6 = Sunday).
    blackouts
        Planner blackout dates → reason.
    public_holidays
        Treat Schleswig-Holstein public holidays as blackout dates.
    """

    start: dt.date
    end: dt.date
    operating_weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    blackouts: Mapping[dt.date, str] = field(default_factory=dict)
    public_holidays: bool = True

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"season end {self.end} is before season start {self.start}")
        bad = [w for w in self.operating_weekdays if not 0 <= int(w) <= 6]
        if bad:
            raise ValueError(f"operating_weekdays: {bad} are not weekdays 0 (Mon) .. 6 (Sun)")
        if not self.operating_weekdays:
            raise ValueError("operating_weekdays is empty: the unit could never open")

    @cached_property
    def holidays(self) -> dict[dt.date, str]:
        """Public holidays (SH) within the season (empty if ``public_holidays`` is off)."""
        if not self.public_holidays:
            return {}
        hol = sh_public_holidays(range(self.start.year, self.end.year + 1))
        return {d: n for d, n in hol.items() if self.start <= d <= self.end}

    @cached_property
    def days(self) -> list[dt.date]:
        """All calendar days of the season."""
        n = (self.end - self.start).days + 1
        return [self.start + dt.timedelta(days=i) for i in range(n)]

    def blackout_reason(self, day: dt.date) -> str | None:
        """Why ``day`` is a blackout date (holiday or planner blackout), else ``None``."""
        if day in self.holidays:
            return f"public holiday ({self.holidays[day]})"
        if day in self.blackouts:
            reason = self.blackouts[day]
            return f"planner blackout ({reason})" if reason else "planner blackout"
        return None

    def closed_reason(self, day: dt.date) -> str | None:
        """Why the unit cannot be open on ``day``, or ``None`` on an operating day."""
        if not self.start <= day <= self.end:
            return "outside the season"
        r = self.blackout_reason(day)
        if r:
            return r
        if day.weekday() not in self.operating_weekdays:
            return f"not an operating weekday ({WEEKDAY_NAMES[day.weekday()]})"
        return None

    def is_operating(self, day: dt.date) -> bool:
        """Whether the unit can be open on ``day``."""
        return self.closed_reason(day) is None

    def is_blackout(self, day: dt.date) -> bool:
        """Whether ``day`` is a holiday or planner blackout date."""
        return self.blackout_reason(day) is not None

    @cached_property
    def operating_days(self) -> list[dt.date]:
        """Operating days in order."""
        return [d for d in self.days if self.is_operating(d)]

    def index(self, day: dt.date) -> int:
        """Calendar-day index of ``day`` (0 = season start)."""
        return (day - self.start).days

    @cached_property
    def segments(self) -> list[int]:
        """For each operating day, the id of its blackout-free segment.

        Two operating days are in the same segment when no blackout date lies between
        them (non-operating weekdays do not separate segments).  A stop must lie
        within one segment.
        """
        seg: list[int] = []
        current = 0
        prev: dt.date | None = None
        for d in self.operating_days:
            if prev is not None:
                gap = (prev + dt.timedelta(days=i) for i in range(1, (d - prev).days))
                if any(self.is_blackout(g) for g in gap):
                    current += 1
            seg.append(current)
            prev = d
        return seg

    def stay_span(self, first: dt.date, open_days: int) -> tuple[dt.date, dt.date] | None:
        """The stay of ``open_days`` operating days starting on ``first``.

        Returns
        -------
        tuple or None
            ``(first, last)`` calendar dates, or ``None`` when ``first`` is not an operating
            day, the season ends first, or a blackout date falls inside the stay.
        """
        ops = self.operating_days
        try:
            k = ops.index(first)
        except ValueError:
            return None
        if open_days < 1 or k + open_days - 1 >= len(ops):
            return None
        if self.segments[k] != self.segments[k + open_days - 1]:
            return None
        return first, ops[k + open_days - 1]
