"""A season plan as an iCalendar file: one all-day event per stop."""

from __future__ import annotations

import datetime as dt
import hashlib

from planner.export.schedule import schedule_table
from planner.i18n import DEFAULT_LANGUAGE, t
from planner.season import SeasonPlan
from planner.usertext import clean_text

__all__ = ["ics_bytes"]


def ics_bytes(
    plan: SeasonPlan,
    *,
    lang: str = DEFAULT_LANGUAGE,
    calendar_name: str | None = None,
    uid_domain: str = "tiny-rathaus.kielregion",
) -> bytes:
    """An iCalendar file: one all-day VEVENT per stop.

    DTSTART is the first open day, DTEND the day after the last (exclusive, as RFC 5545
    requires for all-day events); LOCATION is the site and municipality; DESCRIPTION
    gives the district, open days and towing from the previous stop.  UIDs are stable
    for the same site and dates, so re-importing an updated plan updates the events.
    """
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//Tiny Rathaus Tourplaner//season planner//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", clean_text(calendar_name or t("export.calendar_name", lang)))
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    for _, r in schedule_table(plan).iterrows():
        start = dt.date.fromisoformat(r["start"])
        end = dt.date.fromisoformat(r["end"])
        ev = Event()
        key = f"{r['site_id']}|{start.isoformat()}|{end.isoformat()}|{r['unit']}"
        uid = hashlib.sha1(key.encode()).hexdigest()[:20]
        ev.add("uid", f"{uid}@{uid_domain}")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", start)
        ev.add("dtend", end + dt.timedelta(days=1))
        ev.add("summary", t("export.summary", lang, name=r["name"], stop=int(r["stop"])))
        ev.add("location", f"{r['name']}, {r['municipality']}")
        ev.add(
            "description",
            t(
                "export.description",
                lang,
                stop=int(r["stop"]),
                unit=int(r["unit"]),
                name=r["name"],
                municipality=r["municipality"],
                district=r["district"],
                area=t(f"area.{r['area_class']}", lang),
                open_days=int(r["open_days"]),
                start=start.isoformat(),
                end=end.isoformat(),
                tow_minutes=float(r["tow_minutes"]),
                tow_km=float(r["tow_km"]),
            ),
        )
        ev.add("transp", "TRANSPARENT")
        cal.add_component(ev)
    return bytes(cal.to_ical())
