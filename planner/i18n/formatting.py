"""Numbers, percentages, values and dates in the notation of the UI's language, with Babel.

German writes ``1.032,8`` and ``45,3 %``, English ``1,032.8`` and ``45.3 %``; dates are
``03.07.2023`` in German and ISO ``2023-07-03`` in English. A missing value is the catalogue's
``ui.none`` text (``–``).

Message templates keep Python's format specs (``{share:.0%}``, ``{people:,.0f}``): a
:class:`LocalNumber` reads the spec and renders it with :func:`babel.numbers.format_decimal` and a
number pattern in the language's locale. Specs no pattern can express (``g``, bare floats) are
formatted by Python and their symbols mapped to the locale's.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import numbers
import re
from typing import Final

from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol

from planner.i18n.catalogue import CATALOGUE, DEFAULT_LANGUAGE, LANGUAGES, lookup

__all__ = [
    "DATE_PATTERNS",
    "LocalNumber",
    "format_date",
    "format_number",
    "format_percent",
    "format_value",
]

#: Babel date pattern per language, as the app's tables and exports show dates.
DATE_PATTERNS: Final = {"de": "dd.MM.yyyy", "en": "yyyy-MM-dd"}

# The part of Python's format-spec language a number pattern expresses: sign, grouping,
# decimals and type f, % or d (``+,.1f``, ``.0%``, ``,.0f``).
_PATTERN_SPEC: Final = re.compile(
    r"^(?P<sign>[+-]?)(?P<grouping>,?)(?:\.(?P<decimals>\d+))?(?P<kind>[f%d]?)$"
)
# Enough digits to quantize any float exactly (1.8e308 has 309), so Babel rounds like Python:
# once, half to even, on the float's exact binary value.
_EXACT: Final = decimal.Context(prec=800, rounding=decimal.ROUND_HALF_EVEN)


def _locale(lang: str) -> str:
    """The Babel locale of ``lang``: a language we have no texts for writes numbers in English."""
    return lang if lang in LANGUAGES else "en"


def _none_text(lang: str) -> str:
    return lookup("ui.none", lang) or "–"


def _pattern(*, sign: str, grouping: bool, decimals: int) -> str:
    """A Babel number pattern: ``#,##0.0`` for ``,.1f``; ``+`` patterns sign zero too."""
    body = ("#,##0" if grouping else "0") + ("." + "0" * decimals if decimals else "")
    return f"+{body};-{body}" if sign == "+" else body


def _with_locale_symbols(text: str, lang: str) -> str:
    """Python's ``,`` and ``.`` in ``text`` replaced by the locale's group and decimal symbols."""
    locale = _locale(lang)
    symbols: dict[str, str | int | None] = {
        ",": get_group_symbol(locale),
        ".": get_decimal_symbol(locale),
    }
    return text.translate(str.maketrans(symbols))


class LocalNumber:
    """A number that formats with the language's notation inside a message template.

    Parameters
    ----------
    value
        The number.
    lang
        ``"de"`` or ``"en"``.
    """

    def __init__(self, value: float, lang: str) -> None:
        self.value = value
        self.lang = lang

    def __format__(self, spec: str) -> str:
        match = _PATTERN_SPEC.match(spec)
        if match is None or not self._by_pattern(match):
            return _with_locale_symbols(format(self.value, spec), self.lang)
        kind = match["kind"]
        if kind == "d":  # an integer, exactly (Python refuses floats here)
            number = decimal.Decimal(int(self.value))
            decimals = 0
        else:  # f, % and an int without type; Python formats f and % through a float
            value = float(self.value) if kind else self.value
            number = decimal.Decimal(value * 100 if kind == "%" else value)
            decimals = 6 if kind and match["decimals"] is None else int(match["decimals"] or 0)
        pattern = _pattern(sign=match["sign"], grouping=bool(match["grouping"]), decimals=decimals)
        with decimal.localcontext(_EXACT):
            text = format_decimal(number, format=pattern, locale=_locale(self.lang))
        return text + "%" if kind == "%" else text

    def _by_pattern(self, match: re.Match[str]) -> bool:
        """Whether a Babel pattern renders the spec exactly as Python's ``format`` would."""
        kind, value = match["kind"], self.value
        if kind == "d":
            return isinstance(value, int) and match["decimals"] is None
        if not kind:  # no type: only a plain int is a pattern; a float is Python's shortest repr
            return isinstance(value, int) and match["decimals"] is None
        scaled = float(value) * 100 if kind == "%" else float(value)
        return math.isfinite(scaled)  # inf and nan stay Python's words

    def __str__(self) -> str:
        return self.__format__("")


def format_number(value: float, lang: str = DEFAULT_LANGUAGE, spec: str = ",.1f") -> str:
    """``value`` formatted with ``spec`` in the language's notation ("1.032,8" in German).

    Parameters
    ----------
    value
        The number.
    lang
        ``"de"`` or ``"en"``.
    spec
        A Python format spec (``",.1f"``, ``".0%"``, ``"g"`` …).
    """
    return format(LocalNumber(float(value), lang), spec)


def format_percent(share: object, lang: str = DEFAULT_LANGUAGE) -> str:
    """A share 0..1 as a percentage with one decimal ("45,3 %" in German).

    Undefined shares (None, NaN, ``pd.NA``) give the catalogue's "none" text ("–"); numpy
    scalars count as numbers.
    """
    if not isinstance(share, numbers.Real) or not math.isfinite(share):
        return _none_text(lang)
    return format_number(100 * float(share), lang, ".1f") + " %"


def format_value(
    value: object, lang: str = DEFAULT_LANGUAGE, *, decimals: int | None = None
) -> str:
    """A value for people: rounded numbers in the language's notation, fact words translated,
    ``–`` for a missing value.

    Parameters
    ----------
    value
        A number, a fact word (``"yes"``, ``"unknown"`` …), ``None`` or NaN.
    lang
        ``"de"`` or ``"en"``.
    decimals
        Decimals of a number that is not whole (default: none from 10 up, two below).

    Returns
    -------
    str
    """
    if value is None or (isinstance(value, float) and value != value):
        return _none_text(lang)
    if (isinstance(value, int | float) and not isinstance(value, bool)) or (
        hasattr(value, "dtype") and hasattr(value, "item")
    ):
        number = float(value)  # type: ignore[arg-type]
        if number != number:
            return _none_text(lang)
        if number.is_integer():
            spec = ",.0f"
        elif decimals is not None:
            spec = f",.{decimals}f"
        else:
            spec = ",.0f" if abs(number) >= 10 else ",.2f"
        return format_number(number, lang, spec)
    key = "fact." + str(value).replace(" ", "_")
    # only known fact words are translated: any other text is shown as it is, not as a key
    return (lookup(key, lang) or key) if key in CATALOGUE else str(value)


def format_date(value: dt.date | None, lang: str = DEFAULT_LANGUAGE) -> str:
    """A date in the language's notation: ``03.07.2023`` in German, ``2023-07-03`` in English.

    Parameters
    ----------
    value
        A date; a datetime (or pandas Timestamp) shows its day. ``None`` or ``NaT`` give the
        catalogue's "none" text ("–").
    lang
        ``"de"`` or ``"en"``.
    """
    if value is None or value != value:  # NaT is a datetime that is not equal to itself
        return _none_text(lang)
    day = value.date() if isinstance(value, dt.datetime) else value
    locale = _locale(lang)
    return babel_format_date(day, format=DATE_PATTERNS[locale], locale=locale)
