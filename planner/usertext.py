"""User text is data: what may stand in it, and how it is written into tables safely.

Every text a planner types or uploads (site names, notes, scenario names) passes
:func:`unsafe_characters`/:func:`clean_text` on the way in, and every table export passes
:func:`neutralise_formula` on the way out. One place for both, so no reader or writer grows its
own rules.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

#: Longest site name and longest note a planner may enter (characters, after cleaning).
NAME_MAX_LENGTH: Final = 200
NOTES_MAX_LENGTH: Final = 2_000

# C0 controls (tab and line breaks are allowed only where a text may span lines), DEL, C1
# controls, the Unicode line/paragraph separators, the byte-order mark, lone surrogates (they
# cannot be written as UTF-8) and the bidirectional controls that can make a name read backwards
# (Trojan Source, CVE-2021-42574).
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_ALWAYS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff" + _BIDI
_UNSAFE_SINGLE_LINE: Final = re.compile(f"[\t\n\r{_ALWAYS}]")
_UNSAFE_MULTI_LINE: Final = re.compile(f"[{_ALWAYS}]")

#: First characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
FORMULA_PREFIXES: Final = (
    "=",
    "+",
    "-",
    "@",
    "\t",
    "\r",
    "\n",
    "\uff1d",
    "\uff0b",
    "\uff0d",
    "\uff20",
)


def unsafe_characters(text: str, *, multiline: bool = False) -> list[str]:
    """The characters of ``text`` that user text may not hold, as ``U+XXXX`` labels.

    Parameters
    ----------
    text
        The text as entered or read from a file.
    multiline
        Whether tab and line breaks are allowed (notes: yes; names: no).

    Returns
    -------
    list of str
        Each distinct offending character once, in order of first appearance.
    """
    pattern = _UNSAFE_MULTI_LINE if multiline else _UNSAFE_SINGLE_LINE
    seen: dict[str, None] = {}
    for match in pattern.finditer(text):
        seen.setdefault(f"U+{ord(match.group()):04X}", None)
    return list(seen)


def clean_text(text: str, *, multiline: bool = False) -> str:
    """``text`` without the characters :func:`unsafe_characters` names, NFC-normalised and
    stripped. Line breaks and tabs in single-line text become spaces (a name pasted from two
    spreadsheet cells keeps both words)."""
    if not multiline:
        text = re.sub(r"[\t\n\r\u2028\u2029]+", " ", text)
    pattern = _UNSAFE_MULTI_LINE if multiline else _UNSAFE_SINGLE_LINE
    return unicodedata.normalize("NFC", pattern.sub("", text)).strip()


def neutralise_formula(value: object) -> object:
    """A cell value that no spreadsheet runs as a formula.

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a line break (or their full-width
    forms) gets a leading apostrophe, as the OWASP CSV-injection guidance recommends; the text
    stays readable and the apostrophe shows that it was changed. Numbers, dates and other values
    pass unchanged (a negative number is a number, not a formula).
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
