"""App flows that once crashed or lost work, each driven through AppTest and checked on screen.

Covers: re-planning around kept stops, a failed run that must not replace the last good plan or
selection, a damaged scenario store, saving a scenario with a site-fact edit (NaN), user text
shown as plain text (Markdown injection), and the coverage map's save and download buttons.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest
from test_app import choose_sites, plan_season, start, visible

from planner.usertext import file_stem

#: A scenario or site name a hostile user would type: a link and an image that calls home.
EVIL = "[evil-link](http://evil.example/x) ![img](http://127.0.0.1:9/p.png)"


pytestmark = pytest.mark.usefixtures("own_database")


def served(stores: list[MemoryMediaFileStorage], url: str) -> tuple[bytes, str, str]:
    """``(bytes, file name, MIME type)`` a download button's URL serves."""
    name = url.rsplit("/", 1)[-1]
    for store in reversed(stores):
        for file_id in list(store._files_by_id):
            if store.get_url(file_id).endswith(name):
                file = store.get_file(name)
                return bytes(file.content), str(file.filename), str(file.mimetype)
    raise AssertionError(f"no media file {url}")


def live_markup(markdown: str) -> list[str]:
    """Link, image or autolink syntax that a Markdown renderer would make live."""
    found = re.findall(r"(?<!\\)!?\[[^\]]*(?<!\\)\]\(", markdown)
    found += re.findall(r"(?i)https?://|www\.|<img|<a ", markdown)
    return found


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def button(at: AppTest, label: str):  # type: ignore[no-untyped-def]
    """The (form submit) button with that label."""
    return next(b for b in at.button if b.label == label)


def save_scenario(at: AppTest, name: str) -> AppTest:
    at.sidebar.text_input(key="scenario_name").input(name).run()
    return ok(at.sidebar.button(key="scenario_save").click().run())


# --- season: re-plan around kept stops; a failed run keeps the last good plan --------------------


def test_replan_keeps_the_chosen_stops_and_a_failed_run_keeps_the_plan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    at = plan_season(start())
    first = at.session_state["plan"]["schedule"]["columns"]
    kept = {
        stop: (site, start)
        for stop, site, start in zip(first["stop"], first["site_id"], first["start"], strict=True)
        if stop in (1, 3)
    }
    # "Diese Stopps behalten": stops 1 and 3, then "Rest neu planen" (crashed before)
    at.multiselect(key="locked").set_value([1, 3]).run()
    ok(at.button(key="season_replan_button").click().run())
    plan = at.session_state["plan"]
    assert plan["status"] in ("optimal", "feasible")
    again = plan["schedule"]["columns"]
    rows = list(zip(again["site_id"], again["start"], again["locked"], strict=True))
    for site, day in kept.values():
        assert (site, day, True) in rows  # the kept stops stay on their site and dates
    assert sorted(at.multiselect(key="locked").value) == [1, 3]
    assert {m.label: m.value for m in at.metric}["Stopps"] == "12"
    good = plan["schedule"]

    # rules that cannot hold: the diagnosis is shown above, the last good plan stays below
    at.slider(key="season_time_limit_s").set_value(5)
    at.number_input(key="season_quota_01002").set_value(20)
    ok(button(at, "Saison planen").click().run())
    assert any("Zeitlimit" in e.value or "nicht alle" in e.value for e in at.error)
    assert any("letzte gültige Plan" in w.value for w in at.warning)
    assert at.session_state["plan"]["schedule"] == good
    assert {m.label: m.value for m in at.metric}["Stopps"] == "12"
    assert at.get("download_button")  # the exports of the kept plan are still there

    # a solver error: said so, the plan stays
    def broken(self: object, config: object) -> object:
        raise RuntimeError("solver crashed")

    monkeypatch.setattr("planner.season.inputs.SeasonInputs.plan", broken)
    at.number_input(key="season_quota_01002").set_value(4)
    ok(button(at, "Saison planen").click().run())
    assert any("RuntimeError: solver crashed" in visible(e.value) for e in at.error)
    assert at.session_state["plan"]["schedule"] == good
    assert any("letzte gültige Plan" in w.value for w in at.warning)


def test_failed_selection_keeps_the_last_result() -> None:
    at = choose_sites(start())
    assert {m.label: m.value for m in at.metric}["Standorte"] == "12"
    chosen = list(at.session_state["selection"].result.chosen)
    at.number_input(key="select_p").set_value(10)  # the quotas ask for 12
    ok(button(at, "Standorte auswählen").click().run())
    errors = [visible(e.value) for e in at.error]
    assert errors[0] == "Mit diesen Regeln gibt es keine Auswahl:"
    assert any("geplant sind nur 10" in e for e in errors)
    assert any("letzte Ergebnis" in w.value for w in at.warning)
    assert list(at.session_state["selection"].result.chosen) == chosen
    assert {m.label: m.value for m in at.metric}["Standorte"] == "12"


# --- a damaged scenario store --------------------------------------------------------------------


@pytest.mark.parametrize("damage", ["garbage", "truncated", "folder"])
def test_app_works_with_a_damaged_store(own_database: Path, damage: str) -> None:
    db = own_database
    if damage == "garbage":
        db.write_bytes(b"\x00garbage, not SQLite\n" * 200)
    elif damage == "truncated":
        db.write_bytes(b"SQLite format 3\x00" + b"\x10\x00\x01\x01" + b"\x00" * 40)
    else:
        db.mkdir()
    at = ok(start())
    message = next(e.value for e in at.sidebar.error)
    assert "Szenario-Speicher kann nicht gelesen werden" in message
    assert str(db) in visible(message)
    # every page still works (no saved scenarios to compare with)
    for page in ("select", "season", "coverage", "compare"):
        ok(at.switch_page(f"app_pages/{page}.py").run())
    # a save says which scenario was not saved, and why
    save_scenario(at, "Sommer 2025")
    failed = visible(next(e.value for e in at.sidebar.error if "Sommer" in e.value))
    assert failed.startswith("Szenario „Sommer 2025“ wurde nicht gespeichert:")
    assert str(db) in failed


# --- scenarios with a fact edit, and user text as plain text -------------------------------------


def test_fact_edit_saves_and_hostile_names_stay_plain_text() -> None:
    at = start()
    # the edit form stores space_m2 = NaN for an unknown area: the scenario still saves
    first = at.selectbox(key="edit_site").value
    notes = next(t for t in at.text_area if t.label == "Notizen")
    notes.input(EVIL)
    ok(button(at, "Fakten speichern").click().run())
    edit = at.session_state["site_edits"][first]
    assert edit["space_m2"] != edit["space_m2"] and edit["notes"] == EVIL  # NaN, as entered
    # a site with a hostile name, added through the coordinates form
    at.text_input(key="new_name").input(EVIL)
    ok(button(at, "Standort hinzufügen").click().run())
    assert EVIL in list(at.session_state["user_sites"]["name"])
    # a scenario with a hostile name: saved, and the message shows the name as text
    save_scenario(at, EVIL)
    success = next(s.value for s in at.sidebar.success)
    assert live_markup(success) == [] and EVIL in visible(success)
    assert "wurde nicht gespeichert" not in " ".join(e.value for e in at.sidebar.error)

    again = ok(start())  # restart: reopen it
    assert again.sidebar.selectbox(key="scenario_pick").options == [EVIL]
    ok(again.sidebar.button(key="scenario_open").click().run())
    opened = next(s.value for s in again.sidebar.success)
    assert live_markup(opened) == [] and EVIL in visible(opened)
    assert again.session_state["site_edits"][first]["space_m2"] is None  # NaN stored as null
    assert EVIL in list(again.session_state["user_sites"]["name"])
    # every Markdown element of every page: no live link made of user text
    for page in ("compare", "select", "season", "coverage"):
        ok(again.switch_page(f"app_pages/{page}.py").run())
        shown = [
            e.value
            for kind in ("markdown", "caption", "error", "warning", "info", "success")
            for e in again.get(kind)
        ]
        assert not any("evil.example" in s and live_markup(s) for s in shown), page


def test_bad_upload_value_is_shown_as_text() -> None:
    at = start()
    csv = f"site_id;name;lon;lat\nb1;Gut;10,2;54,25\nb2;Böse;{EVIL};54,3\n".encode()
    at.get("file_uploader")[0].upload("orte.csv", csv, "text/csv")  # type: ignore[attr-defined]
    at.run()
    ok(at.button(key="site_import").click().run())
    errors = [e.value for e in at.error]
    assert errors and all(live_markup(e) == [] for e in errors)
    assert any("evil.example" in visible(e) and "Zeile 3" in e for e in errors)
    assert any("1 Standort(e) hinzugefügt" in s.value for s in at.success)


# --- the coverage page's buttons -----------------------------------------------------------------


def test_coverage_map_download_and_save_into_maps(
    media: list[MemoryMediaFileStorage], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TINY_RATHAUS_MAPS", str(tmp_path / "maps"))
    at = plan_season(start())
    save_scenario(at, "Sommer 2025")
    ok(at.switch_page("app_pages/coverage.py").run())
    # the saved scenario and the current plan are both offered
    options = at.selectbox(key="coverage_source").options
    assert len(options) == 2 and "Sommer 2025" in options
    at.selectbox(key="coverage_source").set_value("Sommer 2025")
    at.radio(key="coverage_colour").set_value("minutes")
    ok(at.checkbox(key="coverage_cells").check().run())
    content, file_name, mime = served(media, at.get("download_button")[0].proto.url)
    assert content.startswith(b"<!DOCTYPE html>") and mime == "text/html"
    assert file_name == f"{file_stem('abdeckung Sommer 2025', default='map')}.html"
    ok(at.button(key="coverage_save").click().run())
    saved = tmp_path / "maps" / file_name
    assert saved.is_file() and saved.read_bytes()[:15] == b"<!DOCTYPE html>"
    assert any(file_name in visible(s.value) for s in at.success)
    # another scenario whose name makes the same slug does not overwrite this map
    save_scenario(at, "sommer_2025")
    ok(at.switch_page("app_pages/coverage.py").run())
    at.selectbox(key="coverage_source").set_value("sommer_2025")
    ok(at.button(key="coverage_save").click().run())
    assert len(list((tmp_path / "maps").glob("*.html"))) == 2 and saved.is_file()


def test_filters_narrow_the_ranking() -> None:
    at = start()
    at.toggle(key="ranking_show_all").set_value(True).run()  # every site, not the best 30
    total = len(at.dataframe[0].value)
    at.multiselect(key="f_district").set_value(["Plön"])
    ok(at.multiselect(key="f_area").set_value(["rural"]).run())
    table = at.dataframe[0].value
    assert 0 < len(table) < total
    assert set(table["Kreis"]) == {"Plön"} and set(table["Raumtyp"]) == {"ländlich"}
    ok(at.multiselect(key="f_kind").set_value(["rail"]).run())
    assert set(at.dataframe[0].value["Art"]) == {"Bahnhof"}
