"""Small display helpers shared by the pages."""

from __future__ import annotations

import datetime as dt
import re
import string
from typing import Any, Literal

import pandas as pd
import streamlit as st

from app_pages import cache
from planner.i18n import CATALOGUE, format_number, format_percent, format_value, t
from planner.maps import attribution_lines
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


def number_table(
    frame: pd.DataFrame,
    *,
    column_config: dict[str, Any] | None = None,
    height: int | Literal["auto"] = "auto",
    key: str | None = None,
) -> None:
    """``st.dataframe`` with its numeric columns in the reader's notation ("1.032,8" on a German
    system, from the browser's locale); they stay numbers, so sorting by them still works."""
    config: dict[str, Any] = {
        column: st.column_config.NumberColumn(format="localized")
        for column in frame.columns
        if pd.api.types.is_numeric_dtype(frame[column])
        and not pd.api.types.is_bool_dtype(frame[column])
    }
    config.update(column_config or {})
    st.dataframe(
        frame, hide_index=True, width="stretch", height=height, key=key, column_config=config
    )


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
        return value.strftime("%d.%m.%Y") if lang == "de" else value.isoformat()
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
    stops = comparison.stops_table(lang).drop(columns=["site_id"])
    stops = stops.rename(columns={"name": t("ui.col.name", lang)})
    st.dataframe(stops.map(lambda v: _cell(v, lang)), hide_index=True, width="stretch")


def show_model_and_sources(description: str | None = None) -> None:
    """The travel-time model in use and the data attribution, under a map or result."""
    lang = str(st.session_state.get("lang", "de"))
    model = cache.travel_model()
    text = description or model.describe()
    st.caption(t("ui.model.active", lang, name=model.name, description=text))
    st.caption(t("ui.sources.line", lang, sources=" · ".join(attribution_lines(cache.pack()))))
