"""Dates of the exports as people read them: with the weekday, in the export's language.

German ``Mo. 03.07.2023``, English ``Mon 3 Jul 2023`` (the report, calendar descriptions); the
calendar's short form without the year (``Mo. 03.07.``) names closed days inside one stop.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Final

import pandas as pd
from babel.dates import format_date

from planner.i18n import DEFAULT_LANGUAGE, LANGUAGES, t

__all__ = ["DATE_PATTERNS", "SHORT_DATE_PATTERNS", "as_date", "format_day", "format_short_day"]

#: Babel date patterns with the weekday: "Mo. 03.07.2023", "Mon 3 Jul 2023".
DATE_PATTERNS: Final[dict[str, str]] = {"de": "EE dd.MM.yyyy", "en": "EEE d MMM yyyy"}
#: The same without the year: "Mo. 03.07.", "Mon 3 Jul".
SHORT_DATE_PATTERNS: Final[dict[str, str]] = {"de": "EE dd.MM.", "en": "EEE d MMM"}


def as_date(day: object) -> dt.date | None:
    """``day`` as a date: a date, datetime, pandas Timestamp or ISO text (``None``: no date).

    Raises
    ------
    ValueError
        For text that is not an ISO date.
    """
    if day is None or day is pd.NaT or (isinstance(day, float) and math.isnan(day)):
        return None
    if isinstance(day, pd.Timestamp | dt.datetime):
        return day.date()
    if isinstance(day, dt.date):
        return day
    return dt.date.fromisoformat(str(day)[:10])


def _format(day: object, lang: str, patterns: dict[str, str]) -> str:
    value = as_date(day)
    if value is None:
        return t("ui.none", lang)
    locale = lang if lang in LANGUAGES else "en"
    return format_date(value, patterns.get(locale, patterns["en"]), locale=locale)


def format_day(day: object, lang: str = DEFAULT_LANGUAGE) -> str:
    """A date with its weekday ("Mo. 03.07.2023", "Mon 3 Jul 2023"); "–" when there is none.

    Parameters
    ----------
    day
        A date, datetime, pandas Timestamp or ISO date text.
    lang
        ``"de"`` or ``"en"``.
    """
    return _format(day, lang, DATE_PATTERNS)


def format_short_day(day: object, lang: str = DEFAULT_LANGUAGE) -> str:
    """A date with its weekday and without the year ("Mo. 03.07.", "Mon 3 Jul")."""
    return _format(day, lang, SHORT_DATE_PATTERNS)
