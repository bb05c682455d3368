"""Popups and tooltips of the maps: site and stop popups, area tooltips; every value escaped."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from planner.i18n import DEFAULT_LANGUAGE, format_number, t

__all__ = [
    "area_tip",
    "esc",
    "format_day",
    "format_value",
    "popup_table",
    "score_breakdown",
    "site_popup",
]


def esc(value: object) -> str:
    """Escape any value for HTML (``None``/NaN become an empty string)."""
    if value is None:
        return ""
    if isinstance(value, float) and np.isnan(value):
        return ""
    return html.escape(str(value), quote=True)


def format_value(value: object, lang: str) -> str:
    """A number in ``lang``'s notation (integers without decimals, others with two; not finite:
    "–"); anything else escaped as it is."""
    if isinstance(value, int | np.integer):
        return format_number(float(value), lang, ",.0f")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return esc(value)
    if not np.isfinite(number):
        return t("ui.none", lang)
    return format_number(number, lang, ".2f")


def format_day(value: object) -> str:
    """A date as ISO text ("" when there is none)."""
    if value is None or value == "" or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, datetime | pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def popup_table(rows: Sequence[tuple[str, str]]) -> str:
    """Rows of (escaped label, escaped value) as a small HTML table."""
    body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return f"<table class='trp-pop'>{body}</table>"


def site_popup(
    site: Mapping[str, object],
    *,
    lang: str = DEFAULT_LANGUAGE,
    breakdown: Mapping[str, float] | None = None,
) -> str:
    """Popup HTML of a candidate site or a planned stop; every value is escaped.

    Parameters
    ----------
    site
        A row of the sites table or the schedule (``name``, ``municipality``, ``district``,
        ``kind``, ``area_class``, ``power``, ``space_m2``, ``visibility``, ``notes``, ``start``,
        ``end``, ``stop`` are used when present).
    lang
        Language of the labels.
    breakdown
        Score parts (label → value) to list under the name, e.g. from the scoring module.
    """
    name = esc(site.get("name", ""))
    rows: list[tuple[str, str]] = []
    if site.get("stop") not in (None, ""):
        rows.append((esc(t("map.popup.stop", lang)), esc(site.get("stop"))))
    start, end = format_day(site.get("start")), format_day(site.get("end"))
    if start or end:
        rows.append((esc(t("map.popup.dates", lang)), esc(f"{start} – {end}")))
    for key in ("municipality", "district"):
        if site.get(key):
            rows.append((esc(t(f"map.popup.{key}", lang)), esc(site.get(key))))
    if site.get("kind"):
        rows.append((esc(t("map.popup.kind", lang)), esc(t(f"kind.{site.get('kind')}", lang))))
    if site.get("area_class"):
        rows.append(
            (esc(t("map.popup.area_class", lang)), esc(t(f"area.{site.get('area_class')}", lang)))
        )
    for key in ("power", "visibility"):
        value = site.get(key)
        if value not in (None, ""):
            rows.append((esc(t(f"map.popup.{key}", lang)), esc(t(f"fact.{value}", lang))))
    space = site.get("space_m2")
    if space is not None and not (isinstance(space, float) and np.isnan(space)):
        rows.append((esc(t("map.popup.space_m2", lang)), esc(format_value(space, lang))))
    if site.get("notes"):
        rows.append((esc(t("map.popup.notes", lang)), esc(site.get("notes"))))
    text = f"<div class='trp-name'>{name}</div>" + popup_table(rows)
    if breakdown:
        parts = [(esc(k), esc(format_value(v, lang))) for k, v in breakdown.items()]
        text += f"<div class='trp-sub'>{esc(t('map.popup.score', lang))}</div>" + popup_table(parts)
    return text


def area_tip(row: Mapping[str, Any], *, lang: str, has_stops: bool) -> str:
    """Tooltip of a municipality: name, district, population, area class, minutes to a stop."""
    population = format_number(row["population"], lang, ",.0f")
    text = (
        f"<b>{esc(row['name'])}</b> ({esc(row['district'])})<br>"
        f"{esc(t('map.tip.population', lang, population=population))}"
        f" · {esc(t('area.' + str(row['area_class']), lang))}"
    )
    if has_stops and np.isfinite(row["minutes"]):
        text += "<br>" + esc(t("map.tip.minutes", lang, minutes=format_value(row["minutes"], lang)))
    return text


def score_breakdown(scores: pd.DataFrame | None, site_id: object) -> dict[str, float] | None:
    """The numeric score parts of ``site_id`` (label → value), ``None`` without scores for it."""
    if scores is None or site_id is None or site_id not in scores.index:
        return None
    row = scores.loc[str(site_id)]
    return {str(k): float(v) for k, v in row.items() if isinstance(v, int | float | np.number)}
