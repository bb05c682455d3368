"""What the columns of the table exports mean to people: headers, code words, dates, decimals.

The one table writer (:mod:`planner.export.tables`) asks this module how to show a column in the
export's language: its header (``area_class`` → "Raumtyp"), its code words (``urban`` →
"städtisch", ``yes`` → "ja"), whether it holds dates (ISO text becomes a date) and how many
decimals its numbers keep. A column this module does not know keeps its name and its values;
its numbers are rounded to :data:`DEFAULT_DECIMALS`.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from planner.i18n import CATALOGUE, t
from planner.season.plan import SCHEDULE_COLUMNS
from planner.sites.schema import SITE_COLUMNS

__all__ = [
    "DATE_COLUMNS",
    "DECIMALS",
    "DEFAULT_DECIMALS",
    "HEADER_COLUMNS",
    "ColumnView",
    "column_view",
    "header",
    "is_missing",
]

#: Columns with a header in the catalogue (``export.col.<column>``): the schedule's, the sites',
#: and those the exports add (each column named once, in that order).
HEADER_COLUMNS: tuple[str, ...] = tuple(
    dict.fromkeys(
        (
            *SCHEDULE_COLUMNS,
            *SITE_COLUMNS,
            *("lon", "lat", "in_plan", "reason_not_planned", "chosen", "reached"),
            *("reached_only", "rural_reached", "reached_65plus", "reason", "total", "value"),
        )
    )
)

#: Columns whose values are code words, and the catalogue family that names them.
CODE_FAMILIES: dict[str, str] = {
    "area_class": "area",
    "kind": "kind",
    "power": "fact",
    "visibility": "fact",
}

#: Columns holding dates (a date, or ISO text as the site facts store them).
DATE_COLUMNS = frozenset(
    {"start", "end", "available_from", "available_to", "first_day", "last_day"}
)

#: Decimals kept per column (people are whole, minutes and km to a tenth, degrees to ~10 cm).
DECIMALS: dict[str, int] = {
    "tow_minutes": 1,
    "tow_km": 1,
    "score": 1,
    "population_new": 0,
    "people_local": 0,
    "local_new": 0,
    "reached": 0,
    "reached_only": 0,
    "rural_reached": 0,
    "reached_65plus": 0,
    "space_m2": 0,
    "x": 1,
    "y": 1,
    "lon": 6,
    "lat": 6,
}

#: Decimals of a number in a column not in :data:`DECIMALS` (trailing zeros are not written).
DEFAULT_DECIMALS = 2


def is_missing(value: object) -> bool:
    """Whether ``value`` is a missing cell (None, NA, NaT, NaN)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and math.isnan(float(value))


@cache
def _headers(lang: str) -> dict[str, str]:
    return {c: t(f"export.col.{c}", lang) for c in HEADER_COLUMNS}


def header(column: str, lang: str) -> str:
    """The header of ``column`` in ``lang`` (a column without a catalogue text keeps its name)."""
    return _headers(lang).get(column, column)


@dataclass(frozen=True)
class ColumnView:
    """How one column is shown.

    Attributes
    ----------
    header
        The header in the export's language.
    decimals
        Fixed decimals of its numbers (``None``: up to :data:`DEFAULT_DECIMALS`, trailing
        zeros dropped).
    values
        The cells: code words translated, ISO dates as dates, numbers rounded, missing as None.
    """

    header: str
    decimals: int | None
    values: list[object]


def _code_text(family: str, value: object, lang: str) -> object:
    if not isinstance(value, str):
        return value
    key = f"{family}.{value}"
    # only known code words are translated: anything else is user text, shown as written
    return t(key, lang) if key in CATALOGUE else value


def _date_value(value: object) -> object:
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date() if not is_missing(value) else None
    if isinstance(value, str) and value.strip():
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return value  # text that is not a date stays text
    return value


def _rounded(value: object, decimals: int) -> object:
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    number = float(value)
    return round(number, decimals) if math.isfinite(number) else number


def column_view(name: str, values: pd.Series, lang: str) -> ColumnView:
    """``values`` of the column ``name`` as the export in ``lang`` shows them.

    Parameters
    ----------
    name
        The column's name in the table (``area_class``, ``start`` …).
    values
        Its cells.
    lang
        ``"de"`` or ``"en"``.
    """
    cells: list[object] = [None if is_missing(v) else v for v in values]
    family = CODE_FAMILIES.get(name)
    if family is not None:
        cells = [_code_text(family, v, lang) for v in cells]
    if name in DATE_COLUMNS:
        cells = [_date_value(v) for v in cells]
    decimals = DECIMALS.get(name)
    cells = [_rounded(v, DEFAULT_DECIMALS if decimals is None else decimals) for v in cells]
    return ColumnView(header=header(name, lang), decimals=decimals, values=cells)
