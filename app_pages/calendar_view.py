"""The season as a month calendar: weekends, public holidays, blackout dates, stays, idle days.

:func:`month_calendar_html` writes plain HTML and CSS (no script): one table per month of the
season, the stays numbered and coloured by stop, a legend, and every name and reason escaped
(user text is data, never markup). The idle days are the plan's explained gaps when it has them
(``SeasonPlan.gaps``: each gap's days and why), else the weeks without an open stay.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from babel.dates import format_date as babel_date

from planner.i18n import format_date, t
from planner.season import SeasonPlan

__all__ = ["STOP_COLOURS", "CalendarDay", "idle_gaps_of", "month_calendar_html"]

#: Colours of the stays, by stop number (repeating after twelve).
STOP_COLOURS = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
    "#393b79",
    "#637939",
)

_CSS = """
.trc {font-family: "Source Sans Pro", sans-serif; font-size: 13px; color: #262730;}
.trc-months {display: flex; flex-wrap: wrap; gap: 18px;}
.trc table {border-collapse: collapse;}
.trc caption {font-weight: 600; text-align: left; padding: 2px 0 4px;}
.trc th {font-weight: 400; color: #666; width: 30px; text-align: center;}
.trc td {width: 30px; height: 28px; text-align: right; vertical-align: bottom;
  border: 1px solid #e6e6e6; position: relative; padding: 0 3px 2px 0;}
.trc td.off {color: #bbb; background: #fafafa;}
.trc td.weekend {background: #eeeeee;}
.trc td.holiday {background: #fde0dd; font-weight: 600;}
.trc td.blackout {background: repeating-linear-gradient(45deg, #ddd, #ddd 3px, #fff 3px,
  #fff 6px);}
.trc td.idle {outline: 2px dashed #e6a700; outline-offset: -3px;}
.trc td.stay {color: #fff; font-weight: 600;}
.trc td.stay.closed {opacity: 0.55;}
.trc .num {position: absolute; top: 0; left: 2px; font-size: 9px; font-weight: 400;}
.trc-legend {display: flex; flex-wrap: wrap; gap: 6px 16px; margin-top: 10px;}
.trc-legend span.chip {display: inline-block; width: 14px; height: 14px; vertical-align: -2px;
  margin-right: 4px; border: 1px solid #ccc;}
"""


@dataclass(frozen=True)
class CalendarDay:
    """What one day of the season is in the calendar.

    Attributes
    ----------
    stop
        The stop whose stay includes the day (``None``: no stay).
    closed
        Why the unit is closed (a holiday, a blackout date or a closed weekday), or ``""``.
    kind
        ``"holiday"``, ``"blackout"``, ``"weekend"`` or ``""`` (an operating day).
    idle
        An idle day of the plan (inside a gap, or a week without any open stay).
    """

    stop: int | None
    closed: str
    kind: str
    idle: bool


def _as_date(value: object) -> dt.date | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def idle_gaps_of(plan: SeasonPlan) -> list[Any]:
    """The plan's explained idle gaps (``SeasonPlan.gaps``), or none when it has no such list."""
    gaps = getattr(plan, "gaps", None)
    if not isinstance(gaps, Sequence):
        return []
    return [g for g in gaps if _as_date(getattr(g, "first_day", None)) is not None]


def _stays(schedule: pd.DataFrame) -> list[tuple[int, str, dt.date, dt.date]]:
    out = []
    for row in schedule.to_dict("records"):
        start, end = _as_date(row.get("start")), _as_date(row.get("end"))
        if start is not None and end is not None:
            out.append((int(row["stop"]), str(row.get("name", "")), start, end))
    return out


def calendar_days(plan: SeasonPlan, lang: str) -> dict[dt.date, CalendarDay]:
    """Every day of the season as it is drawn."""
    calendar = plan.config.calendar()
    stays = _stays(plan.schedule)
    stop_of: dict[dt.date, int] = {}
    for stop, _, start, end in stays:
        day = start
        while day <= end:
            stop_of.setdefault(day, stop)
            day += dt.timedelta(days=1)
    idle = _idle_days(plan, calendar.days, stop_of, calendar.operating_weekdays)
    days = {}
    for day in calendar.days:
        reason = calendar.blackout_message(day)
        if day in calendar.holidays:
            kind = "holiday"
        elif reason is not None:
            kind = "blackout"
        elif day.weekday() not in calendar.operating_weekdays:
            kind = "weekend"
            reason = calendar.closed_message(day)
        else:
            kind = ""
        days[day] = CalendarDay(
            stop=stop_of.get(day),
            closed="" if reason is None else reason.text(lang),
            kind=kind,
            idle=day in idle and not kind,  # closed days are not idle: nothing could be open
        )
    return days


def _idle_days(
    plan: SeasonPlan,
    season: Sequence[dt.date],
    stop_of: dict[dt.date, int],
    operating: Iterable[int],
) -> set[dt.date]:
    """The plan's gap days, or else the days of the weeks (Monday–Sunday) without a stay."""
    gaps = idle_gaps_of(plan)
    idle: set[dt.date] = set()
    if gaps:
        for gap in gaps:
            first = _as_date(gap.first_day)
            last = _as_date(getattr(gap, "last_day", None)) or first
            while first is not None and last is not None and first <= last:
                idle.add(first)
                first += dt.timedelta(days=1)
        return idle
    weeks: dict[dt.date, list[dt.date]] = {}
    for day in season:
        weeks.setdefault(day - dt.timedelta(days=day.weekday()), []).append(day)
    open_days = set(operating)
    for week in weeks.values():
        if not any(d in stop_of for d in week) and any(d.weekday() in open_days for d in week):
            idle.update(d for d in week if d.weekday() in open_days)
    return idle


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def month_calendar_html(plan: SeasonPlan, lang: str) -> str:
    """The season as month tables with a legend (HTML and CSS, every text escaped)."""
    days = calendar_days(plan, lang)
    stays = {stop: (name, start, end) for stop, name, start, end in _stays(plan.schedule)}
    config = plan.config
    tables = [_month_table(month, days, stays, lang) for month in _months(config.start, config.end)]
    legend = _legend(stays, lang)
    return (
        f"<style>{_CSS}</style><div class='trc'><div class='trc-months'>{''.join(tables)}</div>"
        f"{legend}</div>"
    )


def _colour(stop: int) -> str:
    return STOP_COLOURS[(stop - 1) % len(STOP_COLOURS)]


def _month_table(
    month: dt.date,
    days: dict[dt.date, CalendarDay],
    stays: dict[int, tuple[str, dt.date, dt.date]],
    lang: str,
) -> str:
    title = html.escape(babel_date(month, "LLLL y", locale=lang))
    head = "".join(f"<th>{html.escape(t(f'weekday.{n}', lang))}</th>" for n in range(7))
    rows, week = [], ["<td class='off'></td>"] * month.weekday()
    day = month
    while day.month == month.month:
        week.append(_cell(day, days.get(day), stays, lang))
        if len(week) == 7:
            rows.append(f"<tr>{''.join(week)}</tr>")
            week = []
        day += dt.timedelta(days=1)
    if week:
        rows.append(f"<tr>{''.join(week + ['<td class=off></td>'] * (7 - len(week)))}</tr>")
    return f"<table><caption>{title}</caption><tr>{head}</tr>{''.join(rows)}</table>"


def _cell(
    day: dt.date,
    info: CalendarDay | None,
    stays: dict[int, tuple[str, dt.date, dt.date]],
    lang: str,
) -> str:
    if info is None:  # outside the season
        return f"<td class='off'>{day.day}</td>"
    classes = [info.kind] if info.kind else []
    notes = [format_date(day, lang)]
    style = ""
    number = ""
    if info.stop is not None:
        classes.append("stay")
        if info.kind:
            classes.append("closed")
        name = stays.get(info.stop, ("", day, day))[0]
        notes.append(t("ui.calendar.stay", lang, stop=info.stop, name=name))
        style = f" style='background:{_colour(info.stop)}'"
        number = f"<span class='num'>{info.stop}</span>"
    if info.idle:
        classes.append("idle")
        notes.append(t("ui.calendar.idle", lang))
    if info.closed:
        notes.append(info.closed)
    title = html.escape(" · ".join(notes), quote=True)
    return f"<td class='{' '.join(classes)}'{style} title=\"{title}\">{number}{day.day}</td>"


def _legend(stays: dict[int, tuple[str, dt.date, dt.date]], lang: str) -> str:
    items = []
    for stop, (name, start, end) in sorted(stays.items()):
        text = t(
            "ui.calendar.legend_stop",
            lang,
            stop=stop,
            name=name,
            start=format_date(start, lang),
            end=format_date(end, lang),
        )
        items.append(
            f"<span><span class='chip' style='background:{_colour(stop)}'></span>"
            f"{html.escape(text)}</span>"
        )
    for css, key in (
        ("weekend", "ui.calendar.weekend"),
        ("holiday", "ui.calendar.holiday"),
        ("blackout", "ui.calendar.blackout"),
        ("idle", "ui.calendar.idle"),
    ):
        items.append(
            f"<span><span class='chip trc-{css}' style='{_CHIP_STYLE[css]}'></span>"
            f"{html.escape(t(key, lang))}</span>"
        )
    return f"<div class='trc-legend'>{''.join(items)}</div>"


_CHIP_STYLE = {
    "weekend": "background:#eeeeee",
    "holiday": "background:#fde0dd",
    "blackout": "background:repeating-linear-gradient(45deg,#ddd,#ddd 3px,#fff 3px,#fff 6px)",
    "idle": "outline:2px dashed #e6a700;outline-offset:-3px",
}
