"""Popups and tooltips of the maps: site and stop popups, area tooltips; every value escaped."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from babel.numbers import get_decimal_symbol, get_group_symbol

from planner.i18n import DEFAULT_LANGUAGE, LANGUAGES, format_date, t

__all__ = [
    "Popup",
    "area_tip",
    "esc",
    "format_day",
    "format_value",
    "popup_table",
    "quick_number",
    "score_breakdown",
    "site_popup",
    "site_popup_parts",
]


def esc(value: object) -> str:
    """Escape any value for HTML (``None``/NaN become an empty string)."""
    if value is None:
        return ""
    if isinstance(value, float) and np.isnan(value):
        return ""
    return html.escape(str(value), quote=True)


@lru_cache(maxsize=8)
def _symbols(lang: str) -> dict[int, str]:
    """Python's ``,`` and ``.`` → the language's group and decimal symbols (Babel's)."""
    locale = lang if lang in LANGUAGES else "en"
    return str.maketrans({",": get_group_symbol(locale), ".": get_decimal_symbol(locale)})


def quick_number(number: float, lang: str, spec: str) -> str:
    """A finite number with an ``f`` spec in ``lang``'s notation, as :func:`format_number` writes
    it (Python and Babel round alike), without Babel's per-call pattern parsing: a map has
    thousands of numbers in its popups and tooltips."""
    return format(number, spec).translate(_symbols(lang))


def format_value(value: object, lang: str) -> str:
    """A number in ``lang``'s notation (integers without decimals, others with two; not finite:
    "–"); anything else escaped as it is."""
    if isinstance(value, int | np.integer):
        return quick_number(float(value), lang, ",.0f")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return esc(value)
    if not np.isfinite(number):
        return t("ui.none", lang)
    return quick_number(number, lang, ",.2f")


def format_day(value: object, lang: str = DEFAULT_LANGUAGE) -> str:
    """A date in the language's notation ("03.07.2025"; "" when there is none)."""
    if value is None or value == "" or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, datetime | pd.Timestamp):
        return format_date(value.date(), lang)
    if isinstance(value, date):
        return format_date(value, lang)
    try:
        return format_date(date.fromisoformat(str(value)), lang)
    except ValueError:
        return str(value)


def popup_table(rows: Sequence[tuple[str, str]]) -> str:
    """Rows of (escaped label, escaped value) as a small HTML table."""
    body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return f"<table class='trp-pop'>{body}</table>"


@dataclass(frozen=True)
class Popup:
    """A popup in parts, every text already escaped: a name, then tables of (label, value) rows,
    each but the first under a heading.

    A map layer stores each text once and every popup as indexes into that list
    (:meth:`encode`); a few lines of JavaScript build the same HTML as :meth:`html` when the
    popup opens. Hundreds of site popups share their labels and most values ("Bahnhof",
    "unbekannt", a district), so the page carries a fraction of the HTML.
    """

    name: str
    sections: tuple[tuple[str | None, tuple[tuple[str, str], ...]], ...]

    def html(self) -> str:
        """The popup's HTML (what the map's JavaScript builds from :meth:`encode`)."""
        text = f"<div class='trp-name'>{self.name}</div>"
        for heading, rows in self.sections:
            if heading is not None:
                text += f"<div class='trp-sub'>{heading}</div>"
            text += popup_table(rows)
        return text

    def encode(self, strings: dict[str, int]) -> list[int]:
        """The popup as indexes into ``strings`` (text → index; new texts are added):
        ``[name, heading or -1, row count, label, value, …, heading, row count, …]``."""

        def index(text: str) -> int:
            return strings.setdefault(text, len(strings))

        out = [index(self.name)]
        for heading, rows in self.sections:
            out += [-1 if heading is None else index(heading), len(rows)]
            for label, value in rows:
                out += [index(label), index(value)]
        return out


def site_popup_parts(
    site: Mapping[str, object],
    *,
    lang: str = DEFAULT_LANGUAGE,
    breakdown: Mapping[str, float] | None = None,
) -> Popup:
    """The popup of a candidate site or a planned stop in parts (see :func:`site_popup`)."""
    rows: list[tuple[str, str]] = []
    if site.get("stop") not in (None, ""):
        rows.append((esc(t("map.popup.stop", lang)), esc(site.get("stop"))))
    start, end = format_day(site.get("start"), lang), format_day(site.get("end"), lang)
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
    sections: list[tuple[str | None, tuple[tuple[str, str], ...]]] = [(None, tuple(rows))]
    if breakdown:
        # points with one decimal, like the score in the app's tables
        parts = [
            (esc(k), esc(quick_number(v, lang, ",.1f") if np.isfinite(v) else t("ui.none", lang)))
            for k, v in breakdown.items()
        ]
        sections.append((esc(t("map.popup.score", lang)), tuple(parts)))
    return Popup(esc(site.get("name", "")), tuple(sections))


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
    return site_popup_parts(site, lang=lang, breakdown=breakdown).html()


def area_tip(row: Mapping[str, Any], *, lang: str, has_stops: bool) -> str:
    """Tooltip of a municipality: name, district, population, area class, minutes to a stop."""
    population = quick_number(float(row["population"]), lang, ",.0f")
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
