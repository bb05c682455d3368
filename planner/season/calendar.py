"""Operating days of the Tiny Rathaus: weekdays, public holidays of the region's Land, blackouts.

A :class:`SeasonCalendar` knows, for every date of a season, whether the unit can be
open (an *operating day*) and if not, why: a non-operating weekday (usually the weekend),
a public holiday of the region's Land (``holidays`` package, ``DE`` with the Land's subdivision,
``SH`` for the KielRegion, see :func:`planner.data.regions.holiday_subdivision`) or a blackout
date entered by the planners.  Weekends only close the unit; holidays and blackouts are
*blackout dates*: a stop must not span them (see :mod:`planner.season`).

A region across Länder closes on the holidays of every one of its Länder (the union): the
season has one calendar for all its stops, so a holiday of one Land closes the stops of the
other Land too. That keeps the model's single calendar of operating days (per-stop calendars
would change the master, the schedule and the rule check); the cost is a few closed days in a
rare case, never a stop on a holiday.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

import holidays as _holidays

from planner.errors import InputError
from planner.i18n import DEFAULT_LANGUAGE, Message
from planner.notation import MAX_YEAR, MIN_YEAR, NotationError
from planner.notation import parse_date as _read_date

__all__ = [
    "WEEKDAY_NAMES",
    "BlackoutError",
    "SeasonCalendar",
    "parse_blackout_entry",
    "parse_blackout_text",
    "parse_date",
    "public_holidays",
    "split_blackout_text",
]

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def parse_date(value: object, *, field_name: str = "date") -> dt.date:
    """Parse an ISO (``YYYY-MM-DD``) or German (``TT.MM.JJJJ``) date, or pass a date through.

    Reads dates exactly like :func:`planner.notation.parse_date`, so years outside
    :data:`planner.notation.MIN_YEAR`..:data:`~planner.notation.MAX_YEAR` are refused (a
    blackout range ending 9999-12-31 cannot overflow the calendar).

    Parameters
    ----------
    value
        A ``date``, ``datetime`` or text.
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
    if isinstance(value, dt.date | str):
        try:
            return _read_date(value)
        except NotationError:
            pass
    raise ValueError(
        f"{field_name}: {value!r} is not a date (expected YYYY-MM-DD or DD.MM.YYYY, "
        f"years {MIN_YEAR}..{MAX_YEAR})"
    )


class BlackoutError(InputError):
    """A blackout entry that is not a date or a date range; names the entry.

    Attributes
    ----------
    entry
        The entry as typed.
    problem
        The structured message (translate with :meth:`Message.text`).
    """

    def __init__(self, entry: str, problem: Message) -> None:
        super().__init__(problem.text("en"))
        self.entry = entry
        self.problem = problem

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The error in ``lang``."""
        return self.problem.text(lang)


def split_blackout_text(text: str) -> list[str]:
    """The entries of a blackout text: one per line, comma or semicolon, blanks dropped."""
    return [e.strip() for e in re.split(r"[,;\n]+", text or "") if e.strip()]


def parse_blackout_entry(entry: object) -> tuple[dt.date, dt.date]:
    """One blackout entry: a date or ``first..last`` (ISO or German dates), as ``(first, last)``.

    Raises
    ------
    BlackoutError
        Naming the entry when it is not a date or a range, or the range is reversed.
    """
    if isinstance(entry, dt.date):
        try:
            day = _read_date(entry)
        except NotationError:
            raise BlackoutError(
                str(entry), Message("calendar.bad_blackout", {"entry": str(entry)})
            ) from None
        return day, day
    text = str(entry).strip()
    parts = text.split("..", 1)
    try:
        first = _read_date(parts[0].strip())
        last = _read_date(parts[1].strip()) if len(parts) == 2 else first
    except NotationError:
        raise BlackoutError(text, Message("calendar.bad_blackout", {"entry": text})) from None
    if last < first:
        raise BlackoutError(text, Message("calendar.bad_range", {"entry": text}))
    return first, last


def parse_blackout_text(text: str, *, reason: str = "") -> dict[dt.date, str]:
    """Blackout dates from free text (ISO dates or ``first..last`` ranges).

    Parameters
    ----------
    text
        Entries separated by lines, commas or semicolons, e.g.
        ``"2025-08-01, 2025-09-01..2025-09-05"``.
    reason
        Reason stored for every date.

    Returns
    -------
    dict
        Date → reason.

    Raises
    ------
    BlackoutError
        Naming the first entry that is not a date or a range.
    """
    out: dict[dt.date, str] = {}
    for entry in split_blackout_text(text):
        first, last = parse_blackout_entry(entry)
        while first <= last:
            out[first] = reason
            first += dt.timedelta(days=1)
    return out


#: The KielRegion's Land (Schleswig-Holstein): the calendar's subdivision unless one is given.
DEFAULT_SUBDIVISION = "SH"


def public_holidays(
    years: Iterable[int], *, subdivision: str, language: str = "en_US"
) -> dict[dt.date, str]:
    """Public holidays of a German Land for the given years.

    Parameters
    ----------
    years
        Calendar years.
    subdivision
        The Land's code in the ``holidays`` package (``"SH"``, ``"BY"`` …; see
        :func:`planner.data.regions.holiday_subdivision` for a Land key).
    language
        Language of the names (``"de"`` or ``"en_US"``, as the ``holidays`` package names them).

    Returns
    -------
    dict
        Date → holiday name (as given by the ``holidays`` package, its default categories: the
        Land's statutory public holidays).
    """
    cal = _holidays.country_holidays(
        "DE", subdiv=subdivision, years=sorted(set(years)), language=language
    )
    return {d: str(name) for d, name in sorted(cal.items())}


def _union_holidays(
    years: Iterable[int], subdivisions: Iterable[str], *, language: str
) -> dict[dt.date, str]:
    """The holidays of every subdivision; a day holiday in several Länder keeps its first name."""
    out: dict[dt.date, str] = {}
    for subdivision in subdivisions:
        for day, name in public_holidays(years, subdivision=subdivision, language=language).items():
            out.setdefault(day, name)
    return dict(sorted(out.items()))


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
        Treat the public holidays of ``holiday_subdivisions`` as blackout dates.
    holiday_subdivisions
        The Länder (``holidays`` subdivision codes) whose public holidays close the unit: the
        region's Land, or every Land of a region across Länder (their union, see the module
        docstring). Default: Schleswig-Holstein.
    """

    start: dt.date
    end: dt.date
    operating_weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    blackouts: Mapping[dt.date, str] = field(default_factory=dict)
    public_holidays: bool = True
    holiday_subdivisions: tuple[str, ...] = (DEFAULT_SUBDIVISION,)

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"season end {self.end} is before season start {self.start}")
        bad = [w for w in self.operating_weekdays if not 0 <= int(w) <= 6]
        if bad:
            raise ValueError(f"operating_weekdays: {bad} are not weekdays 0 (Mon) .. 6 (Sun)")
        if not self.operating_weekdays:
            raise ValueError("operating_weekdays is empty: the unit could never open")
        if not self.holiday_subdivisions:
            raise ValueError("holiday_subdivisions is empty: name the region's Land")

    @cached_property
    def holidays(self) -> dict[dt.date, str]:
        """Public holidays within the season (empty if ``public_holidays`` is off)."""
        if not self.public_holidays:
            return {}
        hol = _union_holidays(
            range(self.start.year, self.end.year + 1), self.holiday_subdivisions, language="en_US"
        )
        return {d: n for d, n in hol.items() if self.start <= d <= self.end}

    @cached_property
    def holidays_de(self) -> dict[dt.date, str]:
        """German names of the public holidays within the season."""
        if not self.public_holidays:
            return {}
        hol = _union_holidays(
            range(self.start.year, self.end.year + 1), self.holiday_subdivisions, language="de"
        )
        return {d: n for d, n in hol.items() if self.start <= d <= self.end}

    @cached_property
    def days(self) -> list[dt.date]:
        """All calendar days of the season."""
        n = (self.end - self.start).days + 1
        return [self.start + dt.timedelta(days=i) for i in range(n)]

    def blackout_message(self, day: dt.date) -> Message | None:
        """Why ``day`` is a blackout date (holiday or planner blackout), else ``None``."""
        if day in self.holidays:
            return Message(
                "calendar.holiday",
                {"name_en": self.holidays[day], "name_de": self.holidays_de.get(day, "")},
            )
        if day in self.blackouts:
            reason = self.blackouts[day]
            if reason:
                return Message("calendar.blackout", {"reason": reason})
            return Message("calendar.blackout_plain")
        return None

    def closed_message(self, day: dt.date) -> Message | None:
        """Why the unit cannot be open on ``day``, or ``None`` on an operating day."""
        if not self.start <= day <= self.end:
            return Message("calendar.outside")
        r = self.blackout_message(day)
        if r:
            return r
        if day.weekday() not in self.operating_weekdays:
            return Message("calendar.weekday", {"day": Message(f"weekday.{day.weekday()}")})
        return None

    def blackout_reason(self, day: dt.date, lang: str = "en") -> str | None:
        """:meth:`blackout_message` as text in ``lang`` (English by default)."""
        m = self.blackout_message(day)
        return None if m is None else m.text(lang)

    def closed_reason(self, day: dt.date, lang: str = "en") -> str | None:
        """:meth:`closed_message` as text in ``lang`` (English by default)."""
        m = self.closed_message(day)
        return None if m is None else m.text(lang)

    def is_operating(self, day: dt.date) -> bool:
        """Whether the unit can be open on ``day``."""
        return (
            self.start <= day <= self.end
            and not self.is_blackout(day)
            and day.weekday() in self.operating_weekdays
        )

    def is_blackout(self, day: dt.date) -> bool:
        """Whether ``day`` is a holiday or planner blackout date."""
        return day in self.holidays or day in self.blackouts

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
