"""The season page for staff on their own (issue 17), driven through AppTest.

The form (operating weekdays, relocation days, dates of the upcoming season), the plan edited by
hand with its instant rule check, "re-optimise the rest" keeping the edits, undo, the month
calendar, a scenario's versions and the warning before saving over someone else's save.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from test_app import start, visible

from app_pages import state
from app_pages.calendar_view import month_calendar_html
from planner.scenarios import ScenarioStore
from planner.season import SeasonConfig, SeasonPlan

pytestmark = pytest.mark.usefixtures("own_database")

D = dt.date


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(elements: object) -> list[str]:
    return [visible(str(e.value)) for e in elements]  # type: ignore[attr-defined]


def small_season(at: AppTest) -> AppTest:
    """The season page with a roomy 2025 season planned: two stops per district, no rural
    minimum, open Tuesday to Friday, two relocation days."""
    ok(at.switch_page("app_pages/season.py").run())
    at.date_input(key="season_start").set_value(D(2025, 7, 1))
    at.date_input(key="season_end").set_value(D(2025, 10, 31))
    for key in ("season_quota_01002", "season_quota_01057", "season_quota_01058"):
        at.number_input(key=key).set_value(2)
    at.select_slider(key="season_min_rural_share").set_value(0.0)
    at.number_input(key="season_relocation_days").set_value(2)
    at.multiselect(key="season_operating_weekdays").set_value([1, 2, 3, 4])
    at.slider(key="season_time_limit_s").set_value(60)
    next(b for b in at.button if b.label == "Saison planen").click().run()
    ok(at)
    assert at.session_state["plan"]["status"] in ("optimal", "feasible")
    return at


def schedule_of(at: AppTest) -> pd.DataFrame:
    editor = at.data_editor[0]
    return editor.value


def edit(at: AppTest, row: int, **values: object) -> AppTest:
    """Seed the plan editor's edit state (as the browser sends it) and rerun."""
    editor = at.data_editor[0]
    cells = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in values.items()}
    at.session_state[editor.key] = {
        "edited_rows": {row: cells},
        "added_rows": [],
        "deleted_rows": [],
    }
    return ok(at.run())


# --- the form -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "first", "last"),
    [
        (D(2026, 1, 15), D(2026, 7, 1), D(2026, 10, 31)),
        (D(2026, 8, 3), D(2026, 7, 1), D(2026, 10, 31)),
        (D(2026, 10, 31), D(2026, 7, 1), D(2026, 10, 31)),
        (D(2026, 11, 1), D(2027, 7, 1), D(2027, 10, 31)),
    ],
)
def test_season_defaults_follow_the_current_year(
    today: dt.date, first: dt.date, last: dt.date
) -> None:
    assert state.season_dates(today) == (first, last)


def test_the_form_has_operating_weekdays_and_relocation_days() -> None:
    at = ok(start().switch_page("app_pages/season.py").run())
    defaults = SeasonConfig.defaults()
    assert at.multiselect(key="season_operating_weekdays").value == list(
        defaults["operating_weekdays"]
    )
    assert at.multiselect(key="season_operating_weekdays").options == [
        "Mo",
        "Di",
        "Mi",
        "Do",
        "Fr",
        "Sa",
        "So",
    ]
    assert at.number_input(key="season_relocation_days").value == defaults["relocation_days"]
    assert at.date_input(key="season_start").value == state.season_dates()[0]
    assert at.slider(key="season_time_limit_s").value == int(defaults["time_limit"])
    # an empty weekday list is refused by name, before anything is solved
    at.multiselect(key="season_operating_weekdays").set_value([])
    next(b for b in at.button if b.label == "Saison planen").click().run()
    ok(at)
    assert any("Öffnungstage (Wochentage)" in e for e in texts(at.error)), texts(at.error)
    assert at.session_state["plan"] is None


# --- editing, re-optimising, undo, calendar -----------------------------------------------------


def test_edit_check_reoptimise_undo_and_calendar() -> None:
    at = small_season(start())
    config = at.session_state["plan"]["config"]
    assert (config["relocation_days"], config["operating_weekdays"]) == (2, [1, 2, 3, 4])
    assert at.button(key="season_undo").proto.disabled is True  # nothing to go back to yet

    # the month calendar: the season's months, the stops, holidays, weekends, a legend
    body = at.html[0].proto.body
    for month in ("Juli 2025", "August 2025", "Oktober 2025"):
        assert month in body
    assert "Tag der Deutschen Einheit" in body  # 3 October, a holiday
    assert "Stopp 1:" in body and "kein Betriebstag (Mo)" in body

    # a stop moved into the week of 3 October: the check names the holiday rule and the day
    table = schedule_of(at)
    last = len(table) - 1
    edit(at, last, start=D(2025, 9, 30), end=D(2025, 10, 3))
    assert "Die Änderungen verletzen Regeln" in " ".join(texts(at.error))
    problems = " ".join(texts(at.markdown))
    assert "Feiertage und Sperrtermine" in problems
    assert "03.10.2025: Feiertag (Tag der Deutschen Einheit)" in problems
    assert f"Stopp {int(table['stop'].iloc[last])} (" in problems

    # discard: the editor starts afresh, the message is gone
    ok(at.button(key="season_discard").click().run())
    assert not any("verletzen Regeln" in e for e in texts(at.error))

    # a valid edit: a stop moved or shortened by a week (same weekdays) where that breaks no
    # rule (the plan may have lengthened its stays with spare time: a shorter one still holds)
    before = at.session_state["plan"]
    tried: list[str] = []
    shifts = [(7, 7), (-7, -7), (0, -7), (7, 0)]
    for row_number, (move_start, move_end) in [
        (r, m) for r in reversed(range(len(table))) for m in shifts
    ]:
        row = table.iloc[row_number]
        first = pd.Timestamp(row["start"]).date() + dt.timedelta(days=move_start)
        last_day = pd.Timestamp(row["end"]).date() + dt.timedelta(days=move_end)
        edit(at, row_number, start=first, end=last_day)
        if any("halten alle Regeln" in s for s in texts(at.success)):
            break
        tried.append(" ".join(texts(at.markdown)))
        ok(at.button(key="season_discard").click().run())
    else:
        raise AssertionError(f"no stop of the plan can move by a week: {tried}")

    # re-optimise the rest: the edited stop keeps its site and new dates
    ok(at.button(key="season_reoptimise_button").click().run())
    plan = at.session_state["plan"]
    assert plan != before
    columns = plan["schedule"]["columns"]
    kept = [
        (site, str(s)[:10], str(e)[:10])
        for site, s, e in zip(columns["site_id"], columns["start"], columns["end"], strict=True)
    ]
    assert (str(row["site_id"]), first.isoformat(), last_day.isoformat()) in kept

    # undo: back to the plan before the re-optimisation
    assert at.button(key="season_undo").proto.disabled is False
    ok(at.button(key="season_undo").click().run())
    assert at.session_state["plan"] == before
    assert at.button(key="season_undo").proto.disabled is True


def test_the_calendar_in_english_and_the_edit_check_in_english() -> None:
    at = small_season(start())
    at.sidebar.radio(key="lang").set_value("en").run()
    ok(at)
    body = at.html[0].proto.body
    assert "July 2025" in body and "Stop 1:" in body and "closed (weekend)" in body
    edit(at, 0, start=D(2025, 7, 5))  # a Saturday
    problems = " ".join(texts(at.markdown))
    assert "Operating days" in problems and "Sat 2025-07-05" in problems


# --- scenario versions and the overwrite warning ------------------------------------------------


def save(at: AppTest, name: str) -> AppTest:
    at.sidebar.text_input(key="scenario_name").input(name).run()
    return ok(at.sidebar.button(key="scenario_save").click().run())


def test_an_older_version_of_a_scenario_opens() -> None:
    at = ok(start().switch_page("app_pages/season.py").run())
    at.number_input(key="season_quota_01002").set_value(4)
    save(at, "Basis")
    at.number_input(key="season_quota_01002").set_value(2)
    ok(at.run())
    ok(at.sidebar.button(key="scenario_save").click().run())
    assert ScenarioStore().revisions("Basis")[-1][0] == 2
    # the versions are listed with their time (local, German notation)
    expander = next(e for e in at.sidebar.expander if "Versionen von „Basis“ (2)" in e.label)
    lines = " ".join(m.value for m in expander.markdown)
    assert re.search(r"Version 2 – \d\d\.\d\d\.\d{4}, \d\d:\d\d Uhr", lines), lines
    assert "Version 1 –" in lines
    at.sidebar.selectbox(key="scenario_version_pick").set_value(1)
    ok(at.sidebar.button(key="scenario_version_open").click().run())
    assert at.number_input(key="season_quota_01002").value == 4
    assert any("Version 1 von „Basis“ geöffnet" in s for s in texts(at.sidebar.success))
    # saving it makes it the newest version, without a conflict
    ok(at.sidebar.button(key="scenario_save").click().run())
    assert ScenarioStore().revisions("Basis")[-1][0] == 3
    assert ScenarioStore().load("Basis").data["season"]["quota_01002"] == 4


def test_a_warning_before_saving_over_someone_elses_save(own_database: Path) -> None:
    at = ok(start())
    save(at, "Basis")
    # someone else (another tab, a colleague) saves "Basis" meanwhile
    theirs = ScenarioStore().save("Basis", {"season": {"quota_kiel": 9}})
    ok(at.sidebar.button(key="scenario_save").click().run())
    warning = " ".join(texts(at.sidebar.warning))
    assert "Dieses Szenario „Basis“ wurde inzwischen von jemand anderem gespeichert" in warning
    assert "(Version 2, " in warning and state.saved_time(theirs.saved_at, "de") in warning
    with sqlite3.connect(own_database) as con:  # nothing was written
        assert con.execute("SELECT head FROM scenarios WHERE name = 'Basis'").fetchone() == (2,)
    # save as new: a copy under a free name, theirs untouched
    ok(at.sidebar.button(key="scenario_copy").click().run())
    assert sorted(ScenarioStore().names()) == ["Basis", "Basis (2)"]
    assert ScenarioStore().load("Basis").data == theirs.data
    assert at.sidebar.text_input(key="scenario_name").value == "Basis (2)"

    # overwrite: ours becomes the newest version, theirs stays an older one
    save(at, "Basis")  # this session did not open "Basis": it may not silently save over it
    assert "wurde inzwischen von jemand anderem gespeichert" in " ".join(texts(at.sidebar.warning))
    ok(at.sidebar.button(key="scenario_overwrite").click().run())
    assert ScenarioStore().revisions("Basis")[-1][0] == 3
    assert ScenarioStore().load("Basis", revision=2).data == theirs.data
    assert any("gespeichert" in s for s in texts(at.sidebar.success))


# --- the calendar's HTML on its own -------------------------------------------------------------


def test_the_calendar_escapes_names_and_marks_closed_and_idle_days() -> None:
    config = SeasonConfig(
        start=D(2025, 9, 1),
        end=D(2025, 10, 31),
        home_site_id="home",
        blackout_dates={D(2025, 9, 17): "<b>Werkstatt</b>"},
    )
    schedule = pd.DataFrame(
        {
            "stop": [1],
            "name": ["<script>alert(1)</script> & Co"],
            "start": [D(2025, 9, 1)],
            "end": [D(2025, 9, 5)],
        }
    )
    plan = SeasonPlan(
        status="optimal",
        schedule=schedule,
        totals={},
        unplanned=pd.DataFrame(),
        diagnosis=[],
        config=config,
        sites=pd.DataFrame(),
    )
    body = month_calendar_html(plan, "de")
    assert "<script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in body
    assert "<b>Werkstatt</b>" not in body and "&lt;b&gt;Werkstatt&lt;/b&gt;" in body
    assert body.count("class='holiday'") == 2  # 3 and 31 October (Reformation Day)
    assert "September 2025" in body and "Oktober 2025" in body
    assert body.count("class='blackout'") == 1
    # without explained gaps: the operating days of the weeks without a stay are idle
    # (8 weeks × 5 weekdays, less the blackout date and the two holidays)
    assert len(re.findall(r"<td class='[^']*\bidle\b", body)) == 37
    assert len(re.findall(r"<td class='stay", body)) == 5
