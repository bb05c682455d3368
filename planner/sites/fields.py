"""One check per site column, used alike by uploads, the coordinates form and the edit form.

Rows are checked column by column through the :data:`FIELDS` table rather than with a model per
row: a column with few distinct values (fact words, dates) is parsed once per distinct value,
which keeps a 100,000-row upload at about two seconds.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Final

import numpy as np
import pandas as pd

from planner.errors import InputError
from planner.i18n import Value
from planner.notation import NotationError, parse_date, parse_number
from planner.usertext import NAME_MAX_LENGTH, NOTES_MAX_LENGTH, clean_text, unsafe_characters

__all__ = [
    "FIELDS",
    "OPTIONAL_IMPORT_COLUMNS",
    "POWER_WORDS",
    "REQUIRED_IMPORT_COLUMNS",
    "SITE_ID_MAX_LENGTH",
    "SPACE_MAX_M2",
    "VISIBILITY_WORDS",
    "FieldProblem",
    "FieldRule",
    "check_column",
]

#: Largest usable space a planner may enter (m²): a large market square; more is a typo.
SPACE_MAX_M2: Final = 100_000.0
#: Longest site id (ids are keys in scenarios and exports, not prose).
SITE_ID_MAX_LENGTH: Final = 100

REQUIRED_IMPORT_COLUMNS = ("name", "lon", "lat")
OPTIONAL_IMPORT_COLUMNS = (
    "site_id",
    "power",
    "space_m2",
    "visibility",
    "available_from",
    "available_to",
    "notes",
)


class FieldProblem(InputError):
    """A field value that cannot be used (raised) or was changed (returned as a warning).

    Attributes
    ----------
    key
        The i18n key of the message.
    params
        Its parameters (the field and the value are added by :class:`~planner.sites.RowError`).
    """

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


#: ``parse(value, lang) -> (clean value, warning or None)``; raises :class:`FieldProblem`.
Parser = Callable[[object, str], tuple[object, FieldProblem | None]]


@dataclass(frozen=True)
class FieldRule:
    """How one site column is read.

    Attributes
    ----------
    parse
        ``parse(text, lang) -> (value, warning)``; raises :class:`FieldProblem`.
    required
        A bad or empty value drops the row (else the field is left unknown).
    unknown
        The value of an empty or rejected optional field.
    distinct
        Few distinct values: parse each once.
    """

    parse: Parser
    required: bool
    unknown: object
    distinct: bool


def _text_field(*, max_length: int, multiline: bool) -> Parser:
    def parse(value: object, lang: str) -> tuple[object, FieldProblem | None]:
        text = str(value)
        if text.isprintable() and unicodedata.is_normalized("NFC", text):
            # Every unsafe character is unprintable, so clean_text would only strip: skip it
            # (the property tests check that both ways agree).
            removed, clean = [], text.strip()
        else:
            removed = unsafe_characters(text, multiline=multiline)
            clean = clean_text(text, multiline=multiline)
        if removed and not clean:
            raise FieldProblem("import.only_unsafe", chars=", ".join(removed))
        if len(clean) > max_length:
            raise FieldProblem("import.too_long", length=Value(len(clean)), max=Value(max_length))
        warning = FieldProblem("import.cleaned", chars=", ".join(removed)) if removed else None
        return clean, warning

    return parse


def _number_field(low: float, high: float, *, grouping: bool, low_open: bool = False) -> Parser:
    def parse(value: object, lang: str) -> tuple[object, FieldProblem | None]:
        try:
            number = parse_number(
                value if isinstance(value, int | float) else str(value),
                lang=lang,
                grouping=grouping,
            )
        except NotationError:
            raise FieldProblem("import.not_a_number") from None
        if not (low < number if low_open else low <= number) or number > high:
            key = "import.out_of_range_open" if low_open else "import.out_of_range"
            raise FieldProblem(key, low=Value(low), high=Value(high))
        return number, None

    return parse


def _choice_field(words: Mapping[str, str]) -> Parser:
    canonical = list(dict.fromkeys(words.values()))

    def parse(value: object, lang: str) -> tuple[object, FieldProblem | None]:
        word = words.get(str(value).strip().casefold())
        if word is None:
            raise FieldProblem("import.bad_choice", allowed=[Value(w) for w in canonical])
        return word, None

    return parse


def _date_field(value: object, lang: str) -> tuple[object, FieldProblem | None]:
    try:
        return parse_date(value if isinstance(value, date) else str(value)).isoformat(), None
    except NotationError:
        raise FieldProblem("import.bad_date") from None


#: Fact words as planners type them, in either language and any case → the stored word.
POWER_WORDS: dict[str, str] = {
    "unknown": "unknown", "unbekannt": "unknown",
    "yes": "yes", "ja": "yes", "true": "yes", "wahr": "yes",
    "no": "no", "nein": "no", "false": "no", "falsch": "no",
}  # fmt: skip
VISIBILITY_WORDS: dict[str, str] = {
    "unknown": "unknown", "unbekannt": "unknown",
    "low": "low", "gering": "low", "niedrig": "low",
    "medium": "medium", "mittel": "medium",
    "high": "high", "hoch": "high",
}  # fmt: skip

#: Every column a planner's text enters through, checked the same way by uploads, the
#: coordinates form (:func:`~planner.sites.site_from_coordinates`) and the edit form
#: (:func:`~planner.sites.apply_site_edits`).
FIELDS: dict[str, FieldRule] = {
    "name": FieldRule(_text_field(max_length=NAME_MAX_LENGTH, multiline=False), True, "", False),
    "lon": FieldRule(_number_field(-180.0, 180.0, grouping=False), True, np.nan, False),
    "lat": FieldRule(_number_field(-90.0, 90.0, grouping=False), True, np.nan, False),
    "site_id": FieldRule(
        _text_field(max_length=SITE_ID_MAX_LENGTH, multiline=False), False, "", False
    ),
    "power": FieldRule(_choice_field(POWER_WORDS), False, "unknown", True),
    "space_m2": FieldRule(
        _number_field(0.0, SPACE_MAX_M2, grouping=True, low_open=True), False, np.nan, True
    ),
    "visibility": FieldRule(_choice_field(VISIBILITY_WORDS), False, "unknown", True),
    "available_from": FieldRule(_date_field, False, "", True),
    "available_to": FieldRule(_date_field, False, "", True),
    "notes": FieldRule(_text_field(max_length=NOTES_MAX_LENGTH, multiline=True), False, "", False),
}


def check_column(
    values: pd.Series, column: str, lang: str
) -> tuple[np.ndarray, list[tuple[int, FieldProblem, bool]]]:
    """Parse one column: values (``FIELDS[column].unknown`` where empty or bad) and problems.

    Parameters
    ----------
    values
        The column as strings (missing values as ``""``).
    column
        A key of :data:`FIELDS`.
    lang
        The UI's language (how numbers are read).

    Returns
    -------
    tuple
        ``(values, problems)``; problems are ``(position, problem, is_error)``, and warnings
        (``is_error`` False) keep the value.
    """
    spec = FIELDS[column]
    out = np.full(len(values), spec.unknown, dtype=object)
    problems: list[tuple[int, FieldProblem, bool]] = []
    texts = values.to_numpy(dtype=object)
    filled = np.array([bool(v) and not v.isspace() for v in texts], dtype=bool)
    if spec.required:
        problems.extend(
            (int(i), FieldProblem("import.empty"), True) for i in np.flatnonzero(~filled)
        )
    todo = np.flatnonzero(filled)
    if spec.distinct and len(todo):
        _check_distinct(values.iloc[todo], todo, spec, lang, out, problems)
        return out, problems
    for pos in todo:
        try:
            value, warning = spec.parse(texts[pos], lang)
        except FieldProblem as problem:
            problems.append((int(pos), problem, True))
            continue
        out[pos] = value
        if warning is not None:
            problems.append((int(pos), warning, False))
    return out, problems


def _check_distinct(
    filled: pd.Series,
    positions: np.ndarray,
    spec: FieldRule,
    lang: str,
    out: np.ndarray,
    problems: list[tuple[int, FieldProblem, bool]],
) -> None:
    """Parse each distinct value of ``filled`` once; write values and problems by position."""
    codes, uniques = pd.factorize(filled)
    results: list[tuple[object, FieldProblem | None, bool]] = []
    for text in uniques:
        try:
            value, warning = spec.parse(text, lang)
            results.append((value, warning, False))
        except FieldProblem as problem:
            results.append((spec.unknown, problem, True))
    for pos, code in zip(positions, codes, strict=True):
        value, outcome, is_error = results[code]
        out[pos] = value
        if outcome is not None:
            problems.append((int(pos), outcome, is_error))
