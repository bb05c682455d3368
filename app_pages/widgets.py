"""Small display helpers shared by the pages."""

from __future__ import annotations

import datetime as dt
import math
import re
import string
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any, Literal

import pandas as pd
import streamlit as st

from app_pages import cache
from planner.i18n import (
    CATALOGUE,
    format_date,
    format_number,
    format_percent,
    format_value,
    t,
)
from planner.maps import attribution_lines, model_name, model_text, quick_number
from planner.season import PlanComparison, SeasonPlan

#: Every ASCII punctuation character: CommonMark lets each be escaped with a backslash, and
#: together they cover links, images, emphasis, code, HTML tags and entities, headings, lists,
#: tables, Streamlit's ``:colour[...]`` / ``:material/...:`` directives and ``$`` maths.
_MARKDOWN_SPECIAL = re.compile("([" + re.escape(string.punctuation) + "])")
#: Line breaks and other controls would start a new Markdown block: shown as one space.
_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
#: What GFM turns into a link even in plain text (its autolink transform runs on the text after
#: backslash escapes are resolved): "scheme://", "www." and "name@host". A zero-width space
#: inside each keeps the text readable and the link dead.
_AUTOLINK = re.compile(r"(?i)(:)(//)|(www)(\.)|(@)")
_ZWSP = "\u200b"


def plain(text: object) -> str:
    """``text`` escaped so a Markdown element shows it literally (user text is data, not markup).

    Use it wherever user text (scenario, site and file names, notes, values quoted in messages)
    goes into ``st.markdown``, ``st.caption``, ``st.info/success/warning/error``, ``st.metric``,
    headings or widget labels: all of them render Markdown. Links, images, HTML and Streamlit's
    directives in the text stay visible as text; bare URLs (``http://…``, ``www.…``) and e-mail
    addresses get a zero-width space so they are not linked either.
    """
    flat = _BREAKS.sub(" ", str(text))
    flat = _AUTOLINK.sub(
        lambda m: (
            _ZWSP + m.group(5)
            if m.group(5)
            else (m.group(1) or m.group(3)) + _ZWSP + (m.group(2) or m.group(4))
        ),
        flat,
    )
    return _MARKDOWN_SPECIAL.sub(r"\\\1", flat)


#: The rows the ranking of "Standorte vergleichen" shows (the best of the current view) unless
#: "show all" is on: a weight move formats these, not every site (here so tests can read it).
RANKING_ROWS = 30

#: How a number column is shown: whole numbers (people), one decimal (scores, minutes), two
#: decimals (weights, points), a share 0..1 as a percentage.
NumberKind = Literal["int", "one", "two", "percent"]


def number_text(value: object, kind: NumberKind, lang: str) -> str:
    """One number as the UI language writes it ("12.345", "65,9", "7,0 %"; missing: "–")."""
    if kind == "percent":
        if isinstance(value, int | float) and math.isfinite(value):
            return quick_number(100 * float(value), lang, ".1f") + " %"  # as format_percent
        return format_percent(value, lang)
    if isinstance(value, str):
        return format_value(value, lang)  # a fact word ("unknown") in the UI's language
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return format_value(value, lang)
    if number != number:
        return t("ui.none", lang)
    if number in (float("inf"), float("-inf")):
        return t("ui.none", lang)
    # Babel's symbols, Python's rounding (the same as format_number's, a table has thousands)
    return quick_number(number, lang, {"int": ",.0f", "one": ",.1f", "two": ",.2f"}[kind])


def _default_kind(column: pd.Series) -> NumberKind | None:
    if not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
        return None
    return "int" if pd.api.types.is_integer_dtype(column) else "one"


def number_table(
    frame: pd.DataFrame,
    *,
    formats: Mapping[str, NumberKind] | None = None,
    column_config: dict[str, Any] | None = None,
    height: int | Literal["auto"] = "auto",
    key: str | None = None,
) -> None:
    """``st.dataframe`` with its numbers written in the UI language's notation, whatever the
    browser's locale ("1.032,8" in the German UI).

    The numbers are shown through a pandas ``Styler`` (text made here with Babel) while the cells
    keep numbers, rounded as shown (shares as per cent), so sorting by a column still sorts by
    value and a screen reader reads the shown number. ``formats`` names the kind of a column
    (default: whole numbers for integer columns, one decimal for the others).
    """
    lang = str(st.session_state.get("lang", "de"))
    kinds = {name: _default_kind(frame[name]) for name in frame.columns}
    kinds.update({name: kind for name, kind in (formats or {}).items() if name in frame.columns})
    data = frame.copy()
    for name in data.columns:  # plain Python strings: the Styler walks every cell of them
        if pd.api.types.is_string_dtype(data[name]) and data[name].dtype != object:
            data[name] = data[name].astype(object)
    formatters: dict[Any, str | Callable[[object], str] | None] = {}
    for name, kind in kinds.items():
        if kind is None:
            continue
        if not pd.api.types.is_numeric_dtype(data[name]):  # text, or numbers mixed with words
            formatters[name] = partial(number_text, kind=kind, lang=lang)
        elif kind == "percent":
            data[name] = (100 * data[name].astype(float)).round(1)
            formatters[name] = partial(_per_cent, lang=lang)
        else:
            digits = {"int": 0, "one": 1, "two": 2}[kind]
            data[name] = data[name].astype(float).round(digits)
            formatters[name] = partial(number_text, kind=kind, lang=lang)
    st.dataframe(
        data.style.format(formatters, na_rep=t("ui.none", lang)),
        hide_index=True,
        width="stretch",
        height=height,
        key=key,
        column_config=column_config or None,
    )


def _per_cent(value: object, lang: str) -> str:
    """A number of per cent ("7,4 %")."""
    return number_text(float(value) / 100, "percent", lang)  # type: ignore[arg-type]


def site_pickers(labels: dict[str, str], names: dict[str, str]) -> None:
    """Multiselects of sites by name, side by side: session key → label.

    Ids no longer among ``names`` (a site removed since) are dropped from the selection first.
    """
    ss = st.session_state
    for column, (key, label) in zip(st.columns(len(labels)), labels.items(), strict=True):
        ss[key] = [s for s in ss.get(key) or [] if s in names]
        column.multiselect(
            label,
            list(names),
            format_func=lambda s: names.get(s, s),
            key=key,
            placeholder=t("ui.choose", str(ss.get("lang", "de"))),
        )


def figures_table(figures: pd.DataFrame, lang: str) -> None:
    """Population reached per district, urban and rural side by side ("–" where undefined)."""
    rows = []
    for rec in figures.to_dict("records"):
        rows.append(
            {
                t("ui.fig.district", lang): rec["district"],
                t("ui.fig.urban_reached", lang): format_value(rec["urban_reached"], lang),
                t("ui.fig.urban_share", lang): format_percent(rec["urban_share"], lang),
                t("ui.fig.rural_reached", lang): format_value(rec["rural_reached"], lang),
                t("ui.fig.rural_share", lang): format_percent(rec["rural_share"], lang),
                t("ui.fig.reached", lang): format_value(rec["reached"], lang),
                t("ui.fig.population", lang): format_value(rec["population"], lang),
                t("ui.fig.share", lang): format_percent(rec["share"], lang),
            }
        )
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def show_diagnosis(plan: SeasonPlan, lang: str) -> None:
    """Why a run gave no plan (its status) and, when known, each rule and what relaxing it
    gives."""
    status_key = f"ui.status.{plan.status}"
    if plan.status != "infeasible" and status_key in CATALOGUE:
        st.error(t(status_key, lang))  # e.g. no plan within the time limit: no rule is at fault
    else:
        st.error(t("ui.season.infeasible", lang))
    rows = [
        {
            t("ui.diag.rule", lang): d.rule_text(lang),
            t("ui.diag.message", lang): d.text(lang),
            t("ui.diag.relaxation", lang): d.relaxation_text(lang),
            t("ui.diag.relaxed_feasible", lang): t("fact.yes", lang)
            if d.relaxed_feasible
            else t("fact.no", lang),
            t("ui.diag.relaxed_value", lang): format_value(d.relaxed_value, lang),
            t("ui.diag.relaxed_stops", lang): format_value(d.relaxed_stops, lang),
        }
        for d in plan.diagnosis
    ]
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def _cell(value: object, lang: str) -> str:
    if isinstance(value, str):
        return t(f"ui.status.{value}", lang) if value in _STATUS else value
    if isinstance(value, dt.date):
        return format_date(value, lang)
    return format_value(value, lang)


_STATUS = ("optimal", "feasible", "infeasible", "time_limit")


def _total(key: str, value: object, lang: str) -> str:
    """One total of a plan comparison, formatted for its meaning."""
    family = key.split("[")[0]
    if value is None or isinstance(value, str | dt.date):
        return _cell(value, lang)
    if family in ("gap", "rural_share"):
        return format_percent(value, lang)
    if family in ("value", "bound"):
        return format_number(float(value), lang, ",.1f")  # type: ignore[arg-type]
    return format_value(value, lang)


def show_comparison(comparison: PlanComparison, lang: str) -> None:
    """Two plans side by side: the totals, then the stops of either plan."""
    raw = comparison.totals
    shown = comparison.totals_table(lang).copy().astype(object)
    for row, key in enumerate(raw.index):
        for col in range(raw.shape[1]):
            shown.iat[row, col] = _total(str(key), raw.iat[row, col], lang)
    st.dataframe(shown, width="stretch")
    st.caption(t("ui.help.season_terms", lang))
    stops = comparison.stops_table(lang).drop(columns=["site_id"], errors="ignore")
    stops = stops.rename(columns={"name": t("ui.col.name", lang)})
    st.dataframe(stops.map(lambda v: _cell(v, lang)), hide_index=True, width="stretch")


def show_model_and_sources(description: str | None = None) -> None:
    """The travel-time model in use and the data attribution, under a map or result."""
    lang = str(st.session_state.get("lang", "de"))
    model = cache.travel_model()
    # the active model in the UI's words ("Luftlinie × 1,35"); a stored description of another
    # model (a reopened plan's) is shown as it was recorded
    text = model_text(model, lang) if description in (None, model.describe()) else description
    st.caption(t("ui.model.active", lang, name=model_name(model, lang), description=text))
    st.caption(t("ui.sources.line", lang, sources=" · ".join(attribution_lines(cache.pack()))))


def map_frame(page: str, *, height: int) -> None:
    """A map page (self-contained HTML) in an iframe of the given height."""
    st.iframe(page, height=height)


def stop_list(stops: pd.DataFrame, lang: str) -> None:
    """The stops of a map in tour order: number, name, municipality and dates (beside the map)."""
    rows = []
    for i, rec in enumerate(stops.drop(columns="geometry", errors="ignore").to_dict("records")):
        stop = rec.get("stop")
        start, end = rec.get("start"), rec.get("end")
        dates = (
            f"{format_date(pd.Timestamp(start).date(), lang)} – "
            f"{format_date(pd.Timestamp(end).date(), lang)}"
            if start is not None and end is not None and start == start and end == end
            else ""
        )
        rows.append(
            {
                t("ui.col.stop", lang): int(stop) if stop == stop and stop is not None else i + 1,
                t("ui.col.name", lang): rec.get("name", ""),
                t("ui.col.municipality", lang): rec.get("municipality", ""),
                t("map.popup.dates", lang): dates,
            }
        )
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        width="stretch",
        height=min(720, 38 + 35 * max(1, len(rows))),
        key="stop_list",
    )
