"""One check per site column, used alike by uploads, the coordinates form and the edit form.

Rows are checked column by column through the :data:`FIELDS` table rather than with a model per
row: a column with few distinct values (fact words, dates) is parsed once per distinct value,
which keeps a 100,000-row upload at about two seconds.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
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
    "DERIVED_COLUMNS",
    "FIELDS",
    "OPTIONAL_IMPORT_COLUMNS",
    "POWER_WORDS",
    "REQUIRED_IMPORT_COLUMNS",
    "SITE_ID_MAX_LENGTH",
    "SPACE_MAX_M2",
    "VISIBILITY_WORDS",
    "FieldProblem",
    "FieldRule",
    "HeaderMatch",
    "check_column",
    "header_aliases",
    "header_key",
    "match_headers",
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
    aliases
        Other column names planners use for it (German headers as German Excel users type
        them); matched like the column's own name, ignoring case, accents, spaces and
        punctuation (:func:`header_key`).
    """

    parse: Parser
    required: bool
    unknown: object
    distinct: bool
    aliases: tuple[str, ...] = ()


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
    "name": FieldRule(
        _text_field(max_length=NAME_MAX_LENGTH, multiline=False),
        True,
        "",
        False,
        ("Bezeichnung", "Standort"),
    ),
    "lon": FieldRule(
        _number_field(-180.0, 180.0, grouping=False),
        True,
        np.nan,
        False,
        ("Länge", "Längengrad", "geografische Länge", "longitude", "lng"),
    ),
    "lat": FieldRule(
        _number_field(-90.0, 90.0, grouping=False),
        True,
        np.nan,
        False,
        ("Breite", "Breitengrad", "geografische Breite", "latitude"),
    ),
    "site_id": FieldRule(
        _text_field(max_length=SITE_ID_MAX_LENGTH, multiline=False),
        False,
        "",
        False,
        ("ID", "Kennung", "Standort-ID"),
    ),
    "power": FieldRule(
        _choice_field(POWER_WORDS), False, "unknown", True, ("Strom", "Stromanschluss")
    ),
    "space_m2": FieldRule(
        _number_field(0.0, SPACE_MAX_M2, grouping=True, low_open=True),
        False,
        np.nan,
        True,
        ("Fläche", "Fläche_m2", "Fläche (m²)", "Platz", "space"),
    ),
    "visibility": FieldRule(
        _choice_field(VISIBILITY_WORDS), False, "unknown", True, ("Sichtbarkeit",)
    ),
    "available_from": FieldRule(_date_field, False, "", True, ("verfügbar ab", "verfügbar von")),
    "available_to": FieldRule(_date_field, False, "", True, ("verfügbar bis",)),
    "notes": FieldRule(
        _text_field(max_length=NOTES_MAX_LENGTH, multiline=True),
        False,
        "",
        False,
        ("Notiz", "Notizen", "Bemerkung", "Bemerkungen", "Hinweis"),
    ),
}

#: Columns a planner's file may carry that the import works out itself from the point (the
#: municipality and district it lies in): recognised and named as not read, not as unknown.
DERIVED_COLUMNS: dict[str, tuple[str, ...]] = {
    "municipality": ("Gemeinde", "Stadt", "Kommune"),
    "district": ("Kreis", "Landkreis"),
}

_NOT_WORD = re.compile(r"[^0-9a-z]+")


def header_key(name: object) -> str:
    """A column name as it is matched: case, accents, spaces and punctuation ignored
    ("Verfügbar ab" and "verfuegbar_ab" both become ``verfugbar_ab``/``verfuegbar_ab``;
    "Fläche (m²)" becomes ``flache_m2``)."""
    text = unicodedata.normalize("NFKD", str(name).replace("ß", "ss")).casefold()
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _NOT_WORD.sub("_", text).strip("_")


def _umlaut_spelling(name: str) -> str:
    """ "Längengrad" as typed without umlauts: "Laengengrad"."""
    for umlaut, spelled in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("Ä", "Ae"), ("Ö", "Oe")):
        name = name.replace(umlaut, spelled)
    return name.replace("Ü", "Ue")


def _header_table() -> dict[str, str]:
    """Matched header key → column (every column's own name and aliases, also spelled with
    ae/oe/ue for ä/ö/ü)."""
    table: dict[str, str] = {}
    named = {c: (c, *rule.aliases) for c, rule in FIELDS.items()} | {
        c: (c, *aliases) for c, aliases in DERIVED_COLUMNS.items()
    }
    for column, names in named.items():
        for name in names:
            for spelling in (name, _umlaut_spelling(name)):
                key = header_key(spelling)
                if table.setdefault(key, column) != column:
                    raise AssertionError(f"header {name!r} names two columns")  # a typo here
    return table


_HEADERS: Final = _header_table()


@dataclass(frozen=True)
class HeaderMatch:
    """How a file's column names were read.

    Attributes
    ----------
    columns
        Per header: the site column it is (a key of :data:`FIELDS` or of
        :data:`DERIVED_COLUMNS`), or ``""`` for a header that names none.
    doubled
        Column → the headers (as written) that all name it, for each column named more than
        once ("Breite" and "lat"); an unknown header written twice is keyed by itself
        (casefolded).
    unknown
        Header (as written) → the closest known header (``""`` when none is close), for each
        header that names no column.
    derived
        Headers (as written) of columns the import works out itself (:data:`DERIVED_COLUMNS`).
    """

    columns: list[str]
    doubled: dict[str, list[str]]
    unknown: dict[str, str]
    derived: list[str]


def match_headers(headers: Sequence[object]) -> HeaderMatch:
    """Which site column each header of a file names (own name or alias, see :data:`FIELDS`).

    Parameters
    ----------
    headers
        The file's column names as written (CSV header or GeoJSON property names).

    Returns
    -------
    HeaderMatch
        The column of each header, the columns named twice, the unknown headers with the
        closest known one (difflib) and the derived columns.
    """
    columns = [_HEADERS.get(header_key(h), "") for h in headers]
    named: dict[str, list[str]] = {}
    for header, column in zip(headers, columns, strict=True):
        if column:
            named.setdefault(column, []).append(str(header).strip())
    for header, column in zip(headers, columns, strict=True):
        text = str(header).strip()
        if not column and text:  # an unknown header twice: named as doubled, like a known one
            named.setdefault(text.casefold(), []).append(text)
    doubled = {c: names for c, names in named.items() if len(names) > 1}
    unknown: dict[str, str] = {}
    for header, column in zip(headers, columns, strict=True):
        text = str(header).strip()
        if column or not text or text in unknown or text.casefold() in doubled:
            continue
        close = difflib.get_close_matches(header_key(text), list(_HEADERS), n=1, cutoff=0.6)
        unknown[text] = _display_name(close[0]) if close else ""
    derived = [
        str(h).strip() for h, c in zip(headers, columns, strict=True) if c in DERIVED_COLUMNS
    ]
    return HeaderMatch(columns, doubled, unknown, derived)


def header_aliases(*, mark: Callable[[str], str] = str) -> str:
    """Every column with the other names it is recognised by, for the upload help ("name:
    Bezeichnung, Standort; lon: Länge, Längengrad, …"); derived columns are left out.

    ``mark`` writes a column's own name (the app puts it in a code span, as the column list
    above the upload does).
    """
    return "; ".join(
        f"{mark(column)}: {', '.join(rule.aliases)}"
        for column, rule in FIELDS.items()
        if rule.aliases
    )


def _display_name(key: str) -> str:
    """The header as a planner would write it for a matched key (an alias as written in
    :data:`FIELDS`, else the column's name)."""
    column = _HEADERS[key]
    names = (column, *(FIELDS[column].aliases if column in FIELDS else DERIVED_COLUMNS[column]))
    for name in names:
        if key in (header_key(name), header_key(_umlaut_spelling(name))):
            return name
    return column


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
