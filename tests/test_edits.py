"""The rule check of a schedule edited by hand (planner.season.edits) on a small synthetic season.

Each rule is broken once, alone, and the problem names the stop, the rule and the numbers; the
valid schedule passes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from planner.season import Booking, SeasonConfig
from planner.season.edits import (
    EDIT_RULES,
    check_schedule,
    edit_bookings,
    edited_stops,
    tow_lookup,
    with_site_facts,
)

D = dt.date

SITES = pd.DataFrame(
    [
        # site_id, name, municipality, district, district_ags, area_class, available_from/to
        ("home", "Rathausplatz", "Kiel", "Kiel", "01002", "urban", None, None),
        ("k1", "Kiel Nord", "Kiel", "Kiel", "01002", "urban", None, None),
        ("k2", "Kiel Süd", "Kiel", "Kiel", "01002", "urban", None, None),
        ("p1", "Plön Markt", "Plön", "Plön", "01057", "rural", None, None),
        ("p2", "Laboe Hafen", "Laboe", "Plön", "01057", "rural", "2025-08-01", None),
        ("r1", "Rendsburg", "Rendsburg", "Rendsburg-Eckernförde", "01058", "rural", None, None),
        ("r2", "Eckernförde", "Eckernförde", "Rendsburg-Eckernförde", "01058", "rural", None, None),
    ],
    columns=[
        "site_id",
        "name",
        "municipality",
        "district",
        "district_ags",
        "area_class",
        "available_from",
        "available_to",
    ],
)

#: Stays keep their length here (the settings may let spare time lengthen them: tested apart).
FIXED_STAYS = {"spare_time": "idle"} if "spare_time" in SeasonConfig.defaults() else {}

CONFIG = SeasonConfig(
    start=D(2025, 7, 1),
    end=D(2025, 10, 31),
    home_site_id="home",
    stay_days=5,
    relocation_days=2,
    municipality_gap_days=28,
    district_quotas={"Kiel": 2, "Plön": 1, "Rendsburg-Eckernförde": 1},
    min_rural_share=0.5,
    max_tow_minutes=60.0,
    must_include=("r1",),
    exclude=("r2",),
    **FIXED_STAYS,  # type: ignore[arg-type]
)


def valid() -> pd.DataFrame:
    """Four stops, Monday to Friday, a week apart (two free weekend days between)."""
    rows = [
        (1, "k1", D(2025, 7, 7), D(2025, 7, 11)),
        (2, "p1", D(2025, 7, 14), D(2025, 7, 18)),
        (3, "r1", D(2025, 7, 21), D(2025, 7, 25)),
        (4, "k2", D(2025, 8, 25), D(2025, 8, 29)),
    ]
    return pd.DataFrame(rows, columns=["stop", "site_id", "start", "end"])


def edit(schedule: pd.DataFrame, stop: int, **values: object) -> pd.DataFrame:
    out = schedule.copy()
    for column, value in values.items():
        out.loc[out["stop"] == stop, column] = value
    return out


def check(schedule: pd.DataFrame, config: SeasonConfig = CONFIG, **kw: object) -> list:  # type: ignore[type-arg]
    return check_schedule(config, schedule, sites=SITES, **kw)  # type: ignore[arg-type]


def only(problems: list, rule: str) -> str:  # type: ignore[type-arg]
    """The one problem's German text, after checking it is the only one and its rule."""
    assert [p.rule for p in problems] == [rule], [p.text("de") for p in problems]
    assert problems[0].rule_text("de")  # every rule has a name
    return str(problems[0].text("de"))


def test_a_valid_schedule_passes() -> None:
    assert check(valid()) == []


def test_every_rule_has_a_name_in_both_languages() -> None:
    from planner.i18n import t

    for rule in EDIT_RULES:
        assert t(f"edit.rule.{rule}", "de") != t(f"edit.rule.{rule}", "en")


def test_a_stay_over_a_holiday_names_the_holiday_and_the_date() -> None:
    # 29.09.–03.10.2025: Friday 3 October is the Day of German Unity
    schedule = edit(valid(), 4, start=D(2025, 9, 29), end=D(2025, 10, 3))
    text = only(check(schedule), "blackout")
    assert text.startswith("Stopp 4 (Kiel Süd)")
    assert "03.10.2025" in text and "Tag der Deutschen Einheit" in text
    english = check(schedule)[0].text("en")
    assert "2025-10-03" in english and "German Unity" in english


def test_a_planner_blackout_date_inside_a_stay() -> None:
    config = dataclasses.replace(CONFIG, blackout_dates={D(2025, 8, 27): "Kieler Woche Aufbau"})
    text = only(check(valid(), config), "blackout")
    assert "27.08.2025" in text and "Kieler Woche Aufbau" in text


def test_a_stay_starting_on_a_saturday() -> None:
    # Saturday to Thursday: five open days, but the first day is closed
    text = only(check(edit(valid(), 4, start=D(2025, 8, 23))), "operating_day")
    assert "Stopp 4" in text and "der erste Tag, Sa 23.08.2025" in text


def test_a_stay_too_short() -> None:
    text = only(check(edit(valid(), 4, end=D(2025, 8, 28))), "stay_days")
    assert text == "Stopp 4 (Kiel Süd): 4 Öffnungstage statt 5."


@pytest.mark.skipif(not FIXED_STAYS, reason="the season settings have no spare time")
def test_stays_lengthened_by_spare_time_within_the_longest_stay() -> None:
    config = dataclasses.replace(CONFIG, spare_time="longer_stays", longest_stay_days=7)
    longer = edit(valid(), 4, end=D(2025, 9, 2))  # Mon 25.08. – Tue 02.09.: 7 open days
    assert check(longer, config) == []
    text = only(check(edit(valid(), 4, end=D(2025, 9, 3)), config), "stay_days")
    assert text == "Stopp 4 (Kiel Süd): 8 Öffnungstage statt 5 bis 7."


@pytest.mark.skipif(not FIXED_STAYS, reason="the season settings have no spacing rule")
def test_two_stops_in_one_municipality_too_close() -> None:
    sites = SITES.assign(x=575_000.0, y=6_020_000.0)
    sites.loc[sites["site_id"] == "k2", "x"] = 576_500.0  # 1.5 km east of Kiel Nord
    config = dataclasses.replace(CONFIG, min_same_municipality_km=3.0)
    problems = check_schedule(config, valid(), sites=sites)
    text = only(problems, "municipality_spacing")
    assert text == (
        "Stopp 4 (Kiel Süd): nur 1,5 km von Stopp 1 (Kiel Nord) in derselben Gemeinde (Kiel) "
        "statt mindestens 3 km."
    )


def test_relocation_days_between_stops() -> None:
    # stop 3 a week later: only stop 2 follows its predecessor after a weekend
    schedule = edit(valid(), 3, start=D(2025, 7, 28), end=D(2025, 8, 1))
    config = dataclasses.replace(CONFIG, relocation_days=3)
    text = only(check(schedule, config), "relocation_days")
    assert text == "Stopp 2 (Plön Markt): nur 2 Tage nach Stopp 1 (Kiel Nord) statt 3 Umzugstagen."


def test_relocation_days_are_reported_for_every_pair() -> None:
    config = dataclasses.replace(CONFIG, relocation_days=3)
    problems = check(valid(), config)
    assert [(p.rule, p.stop) for p in problems] == [
        ("relocation_days", 2),
        ("relocation_days", 3),
    ]


def test_overlapping_stays() -> None:
    schedule = edit(valid(), 3, start=D(2025, 7, 16), end=D(2025, 7, 22))
    text = only(check(schedule), "overlap")
    assert text == "Stopp 3 (Rendsburg): überschneidet sich mit Stopp 2 (Plön Markt)."


def test_the_municipality_gap() -> None:
    # Kiel Süd moved to three weeks after Kiel Nord (same municipality): 17 days instead of 28
    schedule = edit(valid(), 4, start=D(2025, 7, 28), end=D(2025, 8, 1))
    text = only(check(schedule), "municipality_gap")
    assert text == (
        "Stopp 4 (Kiel Süd): nur 17 Tage nach Stopp 1 (Kiel Nord) in derselben Gemeinde (Kiel) "
        "statt 28."
    )


def test_a_swapped_site_breaks_the_district_quotas() -> None:
    problems = check(edit(valid(), 4, site_id="p1"))
    # p1 is now twice in the plan (stop 2 and 4), and the quotas of Kiel and Plön no longer hold
    assert [(p.rule, p.stop) for p in problems] == [
        ("duplicate", 4),
        ("district_quota", None),
        ("district_quota", None),
    ]
    assert problems[0].text("de") == "Stopp 4 (Plön Markt): derselbe Standort ist schon Stopp 2."
    quota = [p.text("de") for p in problems if p.rule == "district_quota"]
    assert "Kiel: 1 Stopps statt 2 (Quote)." in quota
    assert "Plön: 2 Stopps statt 1 (Quote)." in quota


def test_district_quota_alone() -> None:
    # Laboe (Plön) instead of Kiel Süd, from August when it is available, far enough from Plön
    schedule = edit(valid(), 4, site_id="p2")
    problems = check(schedule)
    assert {p.rule for p in problems} == {"district_quota"}
    assert len(problems) == 2


def test_the_towing_limit_names_the_leg_and_the_minutes() -> None:
    ids = SITES["site_id"].tolist()
    minutes = [[30.0] * len(ids) for _ in ids]
    minutes[ids.index("p1")][ids.index("r1")] = 75.4
    problems = check(valid(), tow_minutes=tow_lookup(ids, minutes))  # type: ignore[arg-type]
    text = only(problems, "max_tow")
    assert text == "Stopp 3 (Rendsburg): 75 Minuten Fahrt von Stopp 2 statt höchstens 60."


def test_the_towing_limit_back_home() -> None:
    ids = SITES["site_id"].tolist()
    minutes = [[30.0] * len(ids) for _ in ids]
    minutes[ids.index("k2")][ids.index("home")] = 90.0
    text = only(check(valid(), tow_minutes=tow_lookup(ids, minutes)), "max_tow")  # type: ignore[arg-type]
    assert "Stopp 4" in text and "zurück zum Heimatstandort" in text


def test_a_site_outside_its_availability_window() -> None:
    # Laboe is available from 1 August only; quota kept by moving Plön Markt out
    schedule = edit(valid(), 2, site_id="p2")
    text = only(check(schedule), "availability")
    assert text == "Stopp 2 (Laboe Hafen): der Standort ist nur 01.08.2025 bis offen verfügbar."


def test_excluded_and_required_sites() -> None:
    problems = check(edit(valid(), 3, site_id="r2"))
    assert [p.rule for p in problems] == ["exclude", "must_include"]
    assert problems[1].text("de") == "„Rendsburg“ muss in den Plan, fehlt aber."


def test_a_fixed_booking_moved() -> None:
    config = dataclasses.replace(CONFIG, bookings=(Booking("p1", D(2025, 7, 14)),))
    moved = edit(valid(), 2, start=D(2025, 8, 4), end=D(2025, 8, 8))
    text = only(check(moved, config), "booking")
    assert "14.07.2025" in text
    # a locked stop of an earlier plan is no booking of the planners: moving it is allowed
    locked = dataclasses.replace(CONFIG, bookings=(Booking("p1", D(2025, 7, 14), locked=True),))
    assert check(moved, locked) == []


def test_dates_outside_the_season_and_reversed() -> None:
    late = edit(valid(), 4, start=D(2025, 11, 3), end=D(2025, 11, 7))
    assert only(check(late), "season").endswith("(01.07.2025 bis 31.10.2025).")
    reversed_ = edit(valid(), 4, start=D(2025, 8, 29), end=D(2025, 8, 25))
    assert only(check(reversed_), "dates").startswith("Stopp 4")


def test_an_unknown_site() -> None:
    problems = check(edit(valid(), 4, site_id="nowhere"))
    assert problems[0].rule == "site" and "„nowhere“" in problems[0].text("de")


def test_the_rural_share() -> None:
    config = dataclasses.replace(CONFIG, min_rural_share=0.75)
    assert only(check(valid(), config), "min_rural_share") == (
        "Nur 2 von 4 Stopps ländlich (50 %) statt mindestens 75 %."
    )


def test_german_and_iso_text_dates_are_read() -> None:
    schedule = valid().astype({"start": str, "end": str})
    schedule.loc[0, "start"] = "07.07.2025"
    assert check(schedule) == []


@pytest.mark.parametrize("column", ["site_id", "start", "end"])
def test_edited_stops_and_their_bookings(column: str) -> None:
    original = valid()
    value = {"site_id": "p2", "start": D(2025, 8, 26), "end": D(2025, 8, 28)}[column]
    edited = edit(original, 4, **{column: value})
    assert edited_stops(original, edited) == [4]
    (booking,) = edit_bookings(edited, [4])
    assert booking.locked and booking.site_id == edited.loc[3, "site_id"]
    assert (booking.start, booking.end) == (edited.loc[3, "start"], edited.loc[3, "end"])
    assert edited_stops(original, original.copy()) == []
    with pytest.raises(ValueError, match="stop 9"):
        edit_bookings(edited, [9])


def test_a_swapped_site_shows_its_own_facts() -> None:
    table = with_site_facts(edit(valid(), 4, site_id="p2"), SITES)
    assert table.loc[3, ["name", "municipality", "district"]].tolist() == [
        "Laboe Hafen",
        "Laboe",
        "Plön",
    ]
