"""User text is data: what may stand in it, and how it is written into tables safely.

Every text a planner types or uploads (site names, notes, scenario names) passes
:func:`unsafe_characters`/:func:`clean_text` on the way in, and every table export passes
:func:`neutralise_formula` on the way out. One place for both, so no reader or writer grows its
own rules.
"""

from __future__ import annotations

import hashlib
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


#: Longest text an Excel cell holds (characters); longer text is cut with an ellipsis.
SPREADSHEET_CELL_MAX_LENGTH: Final = 32_767


def spreadsheet_text(value: str, *, max_length: int | None = None) -> str:
    """``value`` as safe text for a table export cell (CSV or spreadsheet).

    Characters no cell may hold (controls, lone surrogates, bidi overrides: the ones
    :func:`unsafe_characters` names for multi-line text) are removed, the text is cleaned as
    :func:`clean_text` does, a formula prefix is neutralised with :func:`neutralise_formula`,
    and text longer than ``max_length`` is cut (ending in ``…``).

    Parameters
    ----------
    value
        The text of one cell.
    max_length
        Longest result in characters (``None``: no limit).

    Returns
    -------
    str
    """
    # one kind of line break: a lone CR is no line break to a CSV writer and would split the row
    text = clean_text(value.replace("\r\n", "\n").replace("\r", "\n"), multiline=True)
    if max_length is not None and len(text) > max_length:
        text = text[: max_length - 2] + "…"
    neutral = neutralise_formula(text)
    return neutral if isinstance(neutral, str) else text


#: Longest readable part of a file name made from user text (the hash comes on top).
FILE_SLUG_MAX_LENGTH: Final = 60


def file_stem(name: str, *, default: str = "file") -> str:
    """A unique, bounded, safe file-name stem for something a user named ``name``.

    A readable slug (ASCII letters, digits and ``_``; umlauts folded, at most
    :data:`FILE_SLUG_MAX_LENGTH` characters) plus a short hash of the exact name, so that
    "Sommer 2025", "sommer_2025" and "Sommer (2025)" get different files, a name of any length
    fits every file system, and no name can reach outside a folder. The same name always gives
    the same stem (saving again replaces that file only).
    """
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "_", folded.lower()).strip("_")[:FILE_SLUG_MAX_LENGTH].strip("_")
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{slug or default}-{digest}"
