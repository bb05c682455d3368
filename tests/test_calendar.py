"""Tests of operating days, Schleswig-Holstein holidays and blackouts."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.season.calendar import SeasonCalendar, parse_date, public_holidays

D = dt.date


def test_sh_holidays_2023() -> None:
    hol = public_holidays([2023], subdivision="SH")
    assert D(2023, 10, 3) in hol  # Tag der Deutschen Einheit
    assert D(2023, 10, 31) in hol  # Reformationstag, a holiday in SH since 2018
    assert D(2023, 11, 1) not in hol  # Allerheiligen is not a holiday in SH
    assert D(2023, 6, 8) not in hol  # Fronleichnam is not a holiday in SH


def test_operating_days_skip_weekends_holidays_and_blackouts() -> None:
    cal = SeasonCalendar(
        start=D(2023, 10, 1), end=D(2023, 10, 15), blackouts={D(2023, 10, 10): "maintenance"}
    )
    ops = cal.operating_days
    assert D(2023, 10, 1) not in ops  # Sunday
    assert D(2023, 10, 3) not in ops  # holiday
    assert D(2023, 10, 10) not in ops  # blackout
    assert D(2023, 10, 2) in ops and D(2023, 10, 4) in ops
    assert cal.closed_reason(D(2023, 10, 3)).startswith("public holiday")
    assert cal.closed_reason(D(2023, 10, 10)) == "planner blackout (maintenance)"
    assert "Sat" in cal.closed_reason(D(2023, 10, 7))
    assert cal.closed_reason(D(2023, 11, 1)) == "outside the season"


def test_stay_span_crosses_weekends_but_not_blackouts() -> None:
    cal = SeasonCalendar(start=D(2023, 9, 25), end=D(2023, 10, 20))
    # Wed 27 Sep + 5 open days: Wed, Thu, Fri, Mon 2 Oct, and then Tue 3 Oct is a holiday.
    assert cal.stay_span(D(2023, 9, 27), 4) == (D(2023, 9, 27), D(2023, 10, 2))
    assert cal.stay_span(D(2023, 9, 27), 5) is None
    assert cal.stay_span(D(2023, 10, 4), 5) == (D(2023, 10, 4), D(2023, 10, 10))
    assert cal.stay_span(D(2023, 9, 30), 1) is None  # Saturday
    assert cal.stay_span(D(2023, 10, 18), 5) is None  # past the season end


def test_weekend_operation_and_holidays_off() -> None:
    cal = SeasonCalendar(
        start=D(2023, 10, 1),
        end=D(2023, 10, 7),
        operating_weekdays=frozenset(range(7)),
        public_holidays=False,
    )
    assert len(cal.operating_days) == 7


def test_bad_calendar_input() -> None:
    with pytest.raises(ValueError, match="before season start"):
        SeasonCalendar(start=D(2023, 10, 2), end=D(2023, 10, 1))
    with pytest.raises(ValueError, match="operating_weekdays"):
        SeasonCalendar(start=D(2023, 10, 1), end=D(2023, 10, 2), operating_weekdays=frozenset({9}))
    with pytest.raises(ValueError, match="available_from: '2023-13-01'"):
        parse_date("2023-13-01", field_name="available_from")
    assert parse_date("2023-07-03") == D(2023, 7, 3)


def test_blackout_text_parses_dates_and_ranges() -> None:
    from planner.season.calendar import parse_blackout_text

    days = parse_blackout_text("2025-08-01, 2025-09-01..2025-09-03\n2025-10-06;", reason="Fest")
    assert sorted(days) == [
        D(2025, 8, 1),
        D(2025, 9, 1),
        D(2025, 9, 2),
        D(2025, 9, 3),
        D(2025, 10, 6),
    ]
    assert set(days.values()) == {"Fest"}
    assert parse_blackout_text("  ") == {}


@pytest.mark.parametrize(
    ("text", "entry", "de", "en"),
    [
        ("2025-08-01, 31.02.2025", "31.02.2025", "ist kein Datum", "is not a date"),
        ("2025-09-05..2025-09-01", "2025-09-05..2025-09-01", "Ende liegt vor", "end is before"),
        ("2025-09-01..soon", "2025-09-01..soon", "ist kein Datum", "is not a date"),
    ],
)
def test_bad_blackout_entry_is_named(text: str, entry: str, de: str, en: str) -> None:
    from planner.season.calendar import BlackoutError, parse_blackout_text

    with pytest.raises(BlackoutError) as info:
        parse_blackout_text(text)
    assert info.value.entry == entry
    assert entry in info.value.message("de") and de in info.value.message("de")
    assert entry in str(info.value) and en in str(info.value)


def test_closed_reasons_in_both_languages() -> None:
    cal = SeasonCalendar(start=D(2023, 10, 1), end=D(2023, 10, 15))
    assert cal.closed_reason(D(2023, 10, 3), "de") == "Feiertag (Tag der Deutschen Einheit)"
    assert cal.closed_reason(D(2023, 10, 7), "de") == "kein Betriebstag (Sa)"
    assert cal.closed_reason(D(2023, 11, 1), "de") == "außerhalb der Saison"
