"""Translations for every text the planner shows to a person (German default, English available).

The library returns structured messages (a key and parameters); the app and the CLI turn them into
text with :func:`t`. One catalogue, so the German and English wording stay side by side.
"""

from __future__ import annotations

from typing import Final

LANGUAGES: Final = ("de", "en")
DEFAULT_LANGUAGE: Final = "de"

CATALOGUE: dict[str, dict[str, str]] = {
    # site import
    "import.missing_column": {
        "de": "Spalte „{field}“ fehlt in der Datei (Pflichtfeld).",
        "en": "Column '{field}' is missing from the file (required).",
    },
    "import.empty": {
        "de": "Feld „{field}“ ist leer.",
        "en": "Field '{field}' is empty.",
    },
    "import.not_a_number": {
        "de": "Feld „{field}“: „{value}“ ist keine Zahl.",
        "en": "Field '{field}': '{value}' is not a number.",
    },
    "import.out_of_range": {
        "de": "Feld „{field}“: {value} liegt außerhalb von {low} bis {high}.",
        "en": "Field '{field}': {value} is outside {low} to {high}.",
    },
    "import.outside_region": {
        "de": "Punkt ({lon}, {lat}) liegt außerhalb der KielRegion.",
        "en": "Point ({lon}, {lat}) lies outside the KielRegion.",
    },
    "import.duplicate_id": {
        "de": "Feld „{field}“: ID „{value}“ ist bereits vergeben.",
        "en": "Field '{field}': id '{value}' is already taken.",
    },
    "import.bad_choice": {
        "de": "Feld „{field}“: „{value}“ ist nicht erlaubt (erlaubt: {allowed}).",
        "en": "Field '{field}': '{value}' is not allowed (allowed: {allowed}).",
    },
    "import.bad_date": {
        "de": "Feld „{field}“: „{value}“ ist kein Datum (JJJJ-MM-TT).",
        "en": "Field '{field}': '{value}' is not a date (YYYY-MM-DD).",
    },
    "import.unreadable_file": {
        "de": "Die Datei konnte nicht gelesen werden: {value}",
        "en": "The file could not be read: {value}",
    },
    "import.row": {"de": "Zeile {row}", "en": "Row {row}"},
    "import.file": {"de": "Datei", "en": "File"},
}


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **params: object) -> str:
    """Translate ``key`` into ``lang``, filling in ``params``; unknown keys come back as the key."""
    entry = CATALOGUE.get(key)
    if entry is None:
        return key
    template = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return template.format(**params)
