"""Text helpers of the report: dates, people counts, user text made printable, the model named."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
from babel.dates import format_date

from planner.i18n import DEFAULT_LANGUAGE, format_number, t
from planner.traveltime import CrowFlyModel, TravelModel, default_model
from planner.usertext import NAME_MAX_LENGTH, clean_text

__all__ = ["DATE_PATTERNS", "format_day", "people_text", "plain", "travel_text"]

#: Babel date patterns of the report's dates: "Mo. 03.07.2023", "Mon 3 Jul 2023".
DATE_PATTERNS: dict[str, str] = {"de": "EE dd.MM.yyyy", "en": "EEE d MMM yyyy"}


def format_day(day: object, lang: str = DEFAULT_LANGUAGE) -> str:
    """A date with its weekday in the report's notation ("Mo. 03.07.2023", "Mon 3 Jul 2023").

    Parameters
    ----------
    day
        A date, datetime, pandas Timestamp or ISO date text.
    lang
        ``"de"`` or ``"en"``.

    Returns
    -------
    str
        The formatted date; "–" when there is none.
    """
    if day is None or (isinstance(day, float) and math.isnan(day)) or day is pd.NaT:
        return t("ui.none", lang)
    if isinstance(day, pd.Timestamp | dt.datetime):
        day = day.date()
    elif not isinstance(day, dt.date):
        day = dt.date.fromisoformat(str(day)[:10])
    return format_date(day, DATE_PATTERNS.get(lang, DATE_PATTERNS["en"]), locale=lang)


def plain(value: object, *, limit: int = NAME_MAX_LENGTH) -> str:
    """User text made printable: cleaned, one line, at most ``limit`` characters."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = clean_text(str(value))
    # a name longer than any real one would only stretch a table row over the page
    return text if len(text) <= limit else text[: limit - 1] + "…"


def people_text(value: float, lang: str) -> str:
    return format_number(round(float(value)), lang, ",.0f")


def travel_text(model: TravelModel | str | None, lang: str) -> str:
    """The travel-time model in ``lang`` (crow-fly parameters translated, others as described)."""
    if isinstance(model, str):
        return model
    model = default_model() if model is None else model
    if isinstance(model, CrowFlyModel):
        bands = [
            t("report.method.band", lang, speed=speed, upper=upper)
            if math.isfinite(upper)
            else t("report.method.band_last", lang, speed=speed)
            for upper, speed in model.bands
        ]
        return t("report.method.crow_fly", lang, detour=model.detour, bands=", ".join(bands))
    return str(model.describe())
