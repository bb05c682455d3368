"""Messages and numbers in German and English."""

from __future__ import annotations

import datetime as dt
import json
import logging
import string

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.i18n import (
    CATALOGUE,
    STRICT_TEXTS_ENV,
    Message,
    UnknownTextKeyError,
    Value,
    format_date,
    format_number,
    format_percent,
    format_value,
    t,
)
from planner.i18n.catalogue import LOCALES_DIR, load_catalogue
from planner.i18n.formatting import LocalNumber


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


def test_an_unknown_key_is_shown_as_the_key_and_logged_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv(STRICT_TEXTS_ENV, raising=False)
    with caplog.at_level(logging.WARNING, logger="planner.i18n.catalogue"):
        assert t("no.such.key", "de") == "no.such.key"
        assert t("no.such.key", "en") == "no.such.key"
    assert [r.getMessage() for r in caplog.records] == [
        "unknown text key 'no.such.key': shown as the key"
    ]


def test_an_unknown_key_raises_in_strict_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(STRICT_TEXTS_ENV, "1")
    with pytest.raises(KeyError) as raised:
        t("no.such.strict.key", "de")
    assert isinstance(raised.value, UnknownTextKeyError)
    assert raised.value.key == "no.such.strict.key"
    assert t("ui.none", "de") == "–"  # known keys are unaffected


def test_the_catalogue_is_read_from_the_po_files_and_read_only() -> None:
    assert {k: dict(v) for k, v in CATALOGUE.items()} == load_catalogue(LOCALES_DIR)
    assert "ui.season.status" in CATALOGUE
    with pytest.raises(TypeError):
        CATALOGUE["x"] = {"de": "x", "en": "x"}  # type: ignore[index]
    with pytest.raises(TypeError):
        CATALOGUE["ui.none"]["de"] = "x"  # type: ignore[index]


@pytest.mark.parametrize(
    ("value", "german", "english"),
    [
        (dt.date(2023, 7, 3), "03.07.2023", "2023-07-03"),
        (dt.datetime(2023, 7, 3, 18, 30), "03.07.2023", "2023-07-03"),
        (pd.Timestamp("2025-10-03"), "03.10.2025", "2025-10-03"),
        (None, "–", "–"),
        (pd.NaT, "–", "–"),
    ],
)
def test_format_date(value: dt.date | None, german: str, english: str) -> None:
    assert format_date(value, "de") == german
    assert format_date(value, "en") == english


SPECS = ["", ",", ",.0f", ",.1f", ".2f", "+,.1f", "+.2f", ".0%", ".1%", "g", ",d", "f"]


def _python_notation(value: float, spec: str, lang: str) -> str:
    """The notation before Babel: Python's format, separators swapped for German."""
    text = format(value, spec)
    if lang == "de":
        text = text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")
    return text


@given(
    value=st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(min_value=-(10**12), max_value=10**12),
        st.decimals(min_value=-(10**7), max_value=10**7, places=3).map(float),
    ),
    spec=st.sampled_from(SPECS),
    lang=st.sampled_from(["de", "en", "fr"]),
)
def test_babel_numbers_match_the_python_notation(value: float, spec: str, lang: str) -> None:
    """Message templates keep Python's format specs: Babel renders them as Python did (rounding
    half to even on the float's exact value, ``-0,0``, ``+``, ``%``, ``inf``)."""
    try:
        expected = _python_notation(value, spec, "de" if lang == "de" else "en")
    except ValueError:  # e.g. "d" for a float
        with pytest.raises(ValueError):
            format(LocalNumber(value, lang), spec)
        return
    assert format(LocalNumber(value, lang), spec) == expected


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
