"""Messages and numbers in German and English."""

from __future__ import annotations

import json
import string

import numpy as np
import pandas as pd
import pytest

from planner.i18n import (
    CATALOGUE,
    Message,
    Value,
    format_number,
    format_percent,
    format_value,
    t,
)


def test_every_entry_has_both_languages_and_well_formed_fields() -> None:
    fields = string.Formatter()
    for key, entry in CATALOGUE.items():
        assert set(entry) == {"de", "en"}, key
        for lang in ("de", "en"):
            # parsing raises on a stray brace; every field is a plain name
            names = [f[1] for f in fields.parse(entry[lang]) if f[1] is not None]
            assert all(name.isidentifier() for name in names), (key, lang, names)


@pytest.mark.parametrize(
    ("lang", "one_decimal", "whole"), [("de", "1.032,8", "12.345"), ("en", "1,032.8", "12,345")]
)
def test_numbers_use_the_language_notation(lang: str, one_decimal: str, whole: str) -> None:
    assert format_number(1032.84, lang) == one_decimal
    assert format_value(12345.0, lang) == whole
    # a fixed number of decimals where asked for; whole numbers stay whole
    assert format_value(1032.84, lang, decimals=1) == one_decimal
    assert format_value(12345.0, lang, decimals=1) == whole
    assert format_value(1032.84, lang) == {"de": "1.033", "en": "1,033"}[lang]  # the default
    assert t("explain.missed_part", lang, label="x", missed=1032.84) == f"x (−{one_decimal})"


def test_lists_and_values_inside_messages_survive_json() -> None:
    message = Message(
        "explain.top",
        {
            "parts": [
                Message(
                    "explain.part",
                    {
                        "label": Message("ui.crit.power"),
                        "points": 12.25,
                        "max_points": 20.0,
                        "value": Value("yes"),
                    },
                ),
                Message(
                    "explain.part",
                    {
                        "label": Message("ui.crit.pop_car"),
                        "points": 3.0,
                        "max_points": 40.0,
                        "value": Value(4200.0),
                    },
                ),
            ]
        },
    )
    german = "Größte Beiträge: Stromanschluss 12,2 von 20,0 (Wert ja); "
    german += "Einwohner erreicht (Auto) 3,0 von 40,0 (Wert 4.200)."
    assert message.text("de") == german
    assert message.text("en").startswith(
        "Largest contributions: Mains power 12.2 of 20.0 (value yes)"
    )
    restored = Message.from_dict(json.loads(json.dumps(message.to_dict())))
    # values lose their wrapper in JSON but the text keeps its words and numbers
    assert restored.text("en").endswith("People reached (car) 3.0 of 40.0 (value 4200.0).")
    assert t("no.such.key", "de") == "no.such.key"


@pytest.mark.parametrize(
    ("value", "german", "english"),
    [
        (0.453, "45,3 %", "45.3 %"),
        (np.float32(0.5), "50,0 %", "50.0 %"),  # not a subclass of float
        (np.int64(1), "100,0 %", "100.0 %"),
        (None, "–", "–"),
        (float("nan"), "–", "–"),
        (pd.NA, "–", "–"),
    ],
)
def test_format_percent(value: object, german: str, english: str) -> None:
    """Shares in the figures tables and map legends: numpy scalars are numbers, missing values
    a dash."""
    assert format_percent(value, "de") == german
    assert format_percent(value, "en") == english
