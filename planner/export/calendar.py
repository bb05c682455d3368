"""A season plan as an iCalendar file: one all-day event per open stretch of each stop.

A stop is open on its operating days only: a stop from Monday to Friday is one event Monday to
Friday; a stop that runs over a weekend (Wednesday to Tuesday) is two events, Wednesday to
Friday and Monday to Tuesday ("Teil 1 von 2", "Teil 2 von 2"), and both descriptions state the
closed days. Outlook and Thunderbird draw an all-day event as a bar over every day it spans, so
one event over the closed weekend would show the Tiny Rathaus as open on Saturday and Sunday;
a recurring event with exceptions (RRULE/EXDATE) would draw five separate days and is handled
differently by each program. Separate events per stretch show exactly the open days everywhere.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pandas as pd

from planner.export.dates import as_date, format_day, format_short_day
from planner.export.schedule import schedule_table
from planner.i18n import DEFAULT_LANGUAGE, t
from planner.season import SeasonPlan
from planner.season.calendar import SeasonCalendar
from planner.usertext import clean_text

__all__ = ["ics_bytes", "open_stretches"]


def open_stretches(
    start: dt.date, end: dt.date, calendar: SeasonCalendar
) -> tuple[list[tuple[dt.date, dt.date]], list[dt.date]]:
    """The runs of consecutive open days of a stop from ``start`` to ``end``, and its closed days.

    Parameters
    ----------
    start, end
        The stop's first and last open day (inclusive).
    calendar
        The season's calendar (which days the unit may open).

    Returns
    -------
    tuple
        ``[(first, last), …]`` in date order (inclusive) and the days between ``start`` and
        ``end`` on which the unit is closed (weekends, holidays, blackout dates). A stop whose
        dates the calendar does not open at all is one stretch from ``start`` to ``end``.
    """
    days = [start + dt.timedelta(days=k) for k in range((end - start).days + 1)]
    stretches: list[tuple[dt.date, dt.date]] = []
    closed: list[dt.date] = []
    for day in days:
        if not calendar.is_operating(day):
            closed.append(day)
        elif stretches and stretches[-1][1] == day - dt.timedelta(days=1):
            stretches[-1] = (stretches[-1][0], day)
        else:
            stretches.append((day, day))
    if not stretches:  # dates set by hand outside the calendar: show them as planned
        return [(start, end)], []
    return stretches, closed


def ics_bytes(
    plan: SeasonPlan,
    *,
    lang: str = DEFAULT_LANGUAGE,
    calendar_name: str | None = None,
    uid_domain: str = "tiny-rathaus.kielregion",
) -> bytes:
    """An iCalendar file: one all-day VEVENT per open stretch of each stop.

    DTSTART is the stretch's first open day, DTEND the day after its last (exclusive, as RFC
    5545 requires for all-day events); LOCATION is the site and municipality; DESCRIPTION gives
    the district, the open stretches and closed days (dates in the language's notation, with
    weekday) and towing from the previous stop. UIDs are stable for the same site and dates, so
    re-importing an updated plan updates the events.
    """
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//Tiny Rathaus Tourplaner//season planner//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", clean_text(calendar_name or t("export.calendar_name", lang)))
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    season = plan.config.calendar()
    for _, r in schedule_table(plan).iterrows():
        start, end = as_date(r["start"]), as_date(r["end"])
        if start is None or end is None:
            continue
        stretches, closed = open_stretches(start, end, season)
        description = _description(r, stretches, closed, lang)
        for part, (first, last) in enumerate(stretches, start=1):
            ev = Event()
            key = f"{r['site_id']}|{first.isoformat()}|{last.isoformat()}|{r['unit']}"
            uid = hashlib.sha1(key.encode()).hexdigest()[:20]
            ev.add("uid", f"{uid}@{uid_domain}")
            ev.add("dtstamp", stamp)
            ev.add("dtstart", first)
            ev.add("dtend", last + dt.timedelta(days=1))
            if len(stretches) == 1:
                summary = t("export.summary", lang, name=r["name"], stop=int(r["stop"]))
            else:
                summary = t(
                    "export.event.summary_part",
                    lang,
                    name=r["name"],
                    stop=int(r["stop"]),
                    part=part,
                    parts=len(stretches),
                )
            ev.add("summary", summary)
            ev.add("location", f"{r['name']}, {r['municipality']}")
            ev.add("description", description)
            ev.add("transp", "TRANSPARENT")
            cal.add_component(ev)
    return bytes(cal.to_ical())


def _description(
    r: pd.Series, stretches: list[tuple[dt.date, dt.date]], closed: list[dt.date], lang: str
) -> str:
    """The stop's description: where, the open stretches, the closed days, the towing."""
    opened = "; ".join(
        format_day(first, lang)
        if first == last
        else t(
            "export.event.range", lang, start=format_day(first, lang), end=format_day(last, lang)
        )
        for first, last in stretches
    )
    text = t(
        "export.event.description",
        lang,
        stop=int(r["stop"]),
        unit=int(r["unit"]),
        name=r["name"],
        municipality=r["municipality"],
        district=r["district"],
        area=t(f"area.{r['area_class']}", lang),
        open=opened,
        open_days=sum((last - first).days + 1 for first, last in stretches),
        tow_minutes=float(r["tow_minutes"]),
        tow_km=float(r["tow_km"]),
    )
    if closed:
        days = ", ".join(format_short_day(day, lang) for day in closed)
        text += " " + t("export.event.closed", lang, days=days)
    return text
