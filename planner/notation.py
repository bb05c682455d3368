"""Reading numbers and dates as German and English users write them.

One way for forms, uploads and configuration files alike: Babel parses numbers in the UI's
language (``54,3233`` in German, ``54.3233`` in English) and falls back to the other notation
when the text can only be read that way; dates are read as ISO (``2025-10-03``) or German
(``03.10.2025``, ``3.10.25``). A text that cannot be read raises :class:`NotationError` naming the
value, so callers can name the row and field.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Final

from babel.numbers import NumberFormatError, parse_decimal

from planner.errors import InputError

#: Years a planning date may have; outside them a typo (``20255``) is more likely than a plan.
MIN_YEAR: Final = 1990
MAX_YEAR: Final = 2200

_GERMAN_DATE: Final = re.compile(r"^\s*(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{2}|\d{4})\s*$")
_SPACES: Final = re.compile(r"[\s\u00a0\u202f\u2009']")


class NotationError(InputError):
    """A text that is not a number or date in any notation we read.

    Attributes
    ----------
    value
        The text as given.
    kind
        ``"number"`` or ``"date"``.
    """

    def __init__(self, value: str, kind: str) -> None:
        super().__init__(f"{value!r} is not a {kind}")
        self.value = value
        self.kind = kind


def _other(lang: str) -> str:
    return "en" if lang == "de" else "de"


def parse_number(text: str | float | int, *, lang: str = "de", grouping: bool = True) -> float:
    """A finite number from ``text`` as a user of ``lang`` writes it.

    Parameters
    ----------
    text
        ``"1.234,5"``, ``"54,3233"``, ``"54.3233"``, ``"-3"``; numbers pass through.
    lang
        The UI's language (``"de"`` or ``"en"``): which notation wins when both could apply.
    grouping
        Whether thousands separators may appear. Coordinates have none, so with
        ``grouping=False`` a single ``,`` or ``.`` is always the decimal mark (``10.123`` is ten
        degrees, not ten thousand).

    Raises
    ------
    NotationError
        When the text is empty, not a number in either notation, or not finite.
    """
    if isinstance(text, int | float) and not isinstance(text, bool):
        number = float(text)
        if not math.isfinite(number):
            raise NotationError(str(text), "number")
        return number
    raw = str(text)
    compact = _SPACES.sub("", raw) if grouping else raw.strip()
    if not compact:
        raise NotationError(raw, "number")
    number = math.nan
    if not grouping:
        if "," in compact and "." in compact:
            raise NotationError(raw, "number")
        try:
            number = float(compact.replace(",", "."))
        except ValueError as exc:
            raise NotationError(raw, "number") from exc
    else:
        for locale in (lang, _other(lang)):
            try:
                number = float(parse_decimal(compact, locale=locale, strict=True))
                break
            except (NumberFormatError, ValueError):
                continue
        else:
            try:  # scientific notation as programs write it ("1e3")
                number = float(compact)
            except ValueError as exc:
                raise NotationError(raw, "number") from exc
    if not math.isfinite(number):
        raise NotationError(raw, "number")
    return number


def parse_date(
    text: str | dt.date, *, min_year: int = MIN_YEAR, max_year: int = MAX_YEAR
) -> dt.date:
    """A date from ISO (``2025-10-03``) or German (``03.10.2025``, ``3.10.25``) notation.

    Two-digit years are 20xx. Years outside ``min_year``..``max_year`` are refused, so a date
    can always be moved a year either way without overflowing.

    Raises
    ------
    NotationError
        When the text is no date in either notation or its year is out of range.
    """
    if isinstance(text, dt.datetime):
        value = text.date()
    elif isinstance(text, dt.date):
        value = text
    else:
        raw = str(text).strip()
        match = _GERMAN_DATE.match(raw)
        try:
            if match:
                day, month, year = (int(g) for g in match.groups())
                value = dt.date(year + 2000 if year < 100 else year, month, day)
            else:
                value = dt.date.fromisoformat(
                    raw[:10] if len(raw) > 10 and raw[10] in "T " else raw
                )
        except ValueError as exc:
            raise NotationError(str(text), "date") from exc
    if not min_year <= value.year <= max_year:
        raise NotationError(str(text), "date")
    return value
