"""The Streamlit app driven through AppTest: each page, scenarios across restarts, bad uploads."""

from __future__ import annotations

import io
import json
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from icalendar import Calendar
from openpyxl import load_workbook
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from planner.scoring import CRITERIA, DEFAULT_WEIGHTS

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 240


pytestmark = pytest.mark.usefixtures("own_database")


def start() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def ranking_names(at: AppTest) -> list[str]:
    table = at.dataframe[0].value
    return list(table["Name"])


def cell_texts(table: object) -> pd.DataFrame:
    """What a table shows in its cells: the Styler's display texts (numbers in the UI's
    notation), with the data's column names."""
    import pyarrow as pa

    arrow = table.proto.arrow_data  # type: ignore[attr-defined]
    assert arrow.styler.display_values, "the table has no display texts"
    return pa.ipc.open_stream(arrow.styler.display_values).read_all().to_pandas()


def visible(markdown: str) -> str:
    """The text a Markdown source shows (user text in messages is backslash-escaped)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace("\u200b", "")


def plan_season(at: AppTest, *, time_limit: int = 120) -> AppTest:
    """Plan the default season. The limit is generous on purpose: the default season reaches its
    gap in a few seconds and the solver stops there, so the status (a plan) does not depend on
    how busy the machine is; a 5 s limit found no plan under load."""
    at.switch_page("app_pages/season.py").run()
    assert not at.exception, [e.value for e in at.exception]
    at.slider(key="season_time_limit_s").set_value(time_limit)
    button = next(b for b in at.button if b.label == "Saison planen")
    button.click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_compare_page_weights_change_the_ranking() -> None:
    at = start()
    assert at.title[0].value == "Standorte vergleichen"
    at.toggle(key="ranking_show_all").set_value(True).run()  # every site, not the best 30
    before = ranking_names(at)
    assert len(before) > 100
    # only the rural share counts now
    for slider in at.select_slider:
        if slider.key and slider.key.startswith("w_"):
            slider.set_value(5.0 if slider.key == "w_rural_share" else 0.0)
    at.run()
    assert not at.exception
    after = ranking_names(at)
    assert sorted(after) == sorted(before)
    # the ranking's numbers are written in the UI's notation, whatever the browser's locale, and
    # stay numbers (sortable): people "249.735", shares "7,4 %", scores "77,5"
    cells = cell_texts(at.dataframe[0])
    assert cells["Einwohner erreicht (Auto)"].str.fullmatch(r"\d{1,3}(\.\d{3})*").all()
    assert cells["Anteil ländlich"].str.fullmatch(r"\d{1,3},\d %").all()
    assert cells["Bewertung"].str.fullmatch(r"\d{1,3},\d").all()
    assert pd.api.types.is_numeric_dtype(at.dataframe[0].value["Bewertung"])
    assert at.dataframe[0].value["Anteil ländlich"].max() > 1  # per cent, as shown
    columns = json.loads(at.dataframe[0].proto.columns)
    assert all("format" not in c.get("type_config", {}) for c in columns.values())
    assert after[:10] != before[:10]
    # the breakdown shows the new weights, and its parts add up to the score
    parts = at.dataframe[1].value
    assert sorted(parts["Gewicht"]) == [0.0] * (len(CRITERIA) - 1) + [5.0]
    why = next(m.value for m in at.markdown if m.value.startswith("Platz **"))
    # German notation: decimal comma
    shown = re.search(r"Bewertung \*\*([\d.,]+)\*\*", why).group(1)  # type: ignore[union-attr]
    assert "," in shown
    score = float(shown.replace(".", "").replace(",", "."))
    assert abs(parts["Anteil an der Bewertung"].sum() - score) < 0.1


def test_compare_page_side_by_side_and_language() -> None:
    at = start()
    ids = list(at.session_state["compare_ids"]) if "compare_ids" in at.session_state else []
    assert ids == []
    options = at.multiselect(key="compare_ids").options
    at.multiselect(key="compare_ids").set_value(options[:3]).run()
    assert not at.exception
    side = next(d.value for d in at.dataframe if "Einwohner erreicht (Auto)" in d.value.index)
    assert side.shape[1] == 3
    assert "Nur hier erreicht (Einw.)" in side.index
    assert "Einwohner erreicht (Auto)" in side.index
    # German notation: "12.345" people, "42,5" per cent
    assert all(re.fullmatch(r"\d{1,3}(\.\d{3})*", v) for v in side.loc["Einwohner erreicht (Auto)"])
    assert not any(re.search(r"\d\.\d{1,2}$|e\+", v) for v in side.to_numpy().ravel())
    at.sidebar.radio(key="lang").set_value("en").run()
    assert at.title[0].value == "Compare sites"
    assert at.multiselect(key="compare_ids").value  # the choice survived the switch


def test_plan_season_and_download_each_export(media: list[MemoryMediaFileStorage]) -> None:
    at = plan_season(start())
    assert at.session_state["plan"]["status"] in ("optimal", "feasible")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Stopps"] == "12"
    # German notation: thousands dot, decimal comma (e.g. "1.044,1")
    value = at.session_state["plan"]["totals"]["value"]
    expected = f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    assert metrics["Wert der Saison"] == expected
    assert metrics["Schleppstrecke"].endswith(" km")
    status = next(c.value for c in at.caption if c.value.startswith("Status:"))
    assert re.search(r"erreichte Einwohner: \d{1,3}(\.\d{3})+ · Rechenzeit \d+,\d s$", status)
    # the reasons for unplanned sites are German
    reasons = next(d.value for d in at.dataframe if "Grund" in d.value.columns)["Grund"]
    assert len(reasons) > 300
    assert reasons.str.contains("Bewertung|Quote voll|abgedeckt|zu weit").all()
    assert not reasons.str.contains("quota full|low score").any()
    downloads = at.get("download_button")
    labels = [d.proto.label for d in downloads]
    assert labels == [
        "CSV",
        "Excel",
        "Kalender (.ics)",
        "GeoJSON Stopps",
        "GeoJSON Route",
        "GeoPackage",
        "Bericht (PDF)",
    ]
    files = {}
    for button in downloads:
        files[button.proto.label] = _served(media, button.proto.url)
        button.click()
    at.run()
    assert not at.exception
    # German CSV as German Excel opens it: semicolons, decimal comma, UTF-8 with BOM
    csv = pd.read_csv(io.BytesIO(files["CSV"]), sep=";", decimal=",", encoding="utf-8-sig")
    assert len(csv) == 12
    book = load_workbook(io.BytesIO(files["Excel"]))
    assert {"Zeitplan", "Standorte"} <= set(book.sheetnames)  # German sheet names
    events = Calendar.from_ical(files["Kalender (.ics)"]).walk("VEVENT")
    # one event per open stretch of a stop (a stop over a weekend has two): all 12 stops
    numbers = {re.search(r"Stopp (\d+)", str(e["SUMMARY"])).group(1) for e in events}  # type: ignore[union-attr]
    assert len(events) >= 12 and len(numbers) == 12
    stops = json.loads(files["GeoJSON Stopps"])
    assert len(stops["features"]) == 12
    route = json.loads(files["GeoJSON Route"])
    assert route["features"][0]["geometry"]["type"] == "LineString"
    assert files["GeoPackage"][:16] == b"SQLite format 3\x00"
    assert files["Bericht (PDF)"][:5] == b"%PDF-"
    if shutil.which("pdftotext"):  # the report names every stop of the plan
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=files["Bericht (PDF)"], capture_output=True, check=True
        ).stdout.decode("utf-8")
        flat = " ".join(text.split())
        for name in csv["Name"]:
            assert " ".join(str(name).split())[:20] in flat
    # the coverage page shows the plan's figures
    at.switch_page("app_pages/coverage.py").run()
    assert not at.exception
    figures = at.dataframe[1].value
    assert list(figures.iloc[:, 0]) == ["Kiel", "Plön", "Rendsburg-Eckernförde", "KielRegion"]
    share = figures.iloc[-1]["Anteil %"]
    assert re.fullmatch(r"\d+,\d %", share) and 0 < float(share[:-2].replace(",", ".")) <= 100
    # Kiel has no rural population: its rural share is undefined and shown as a dash
    assert figures.iloc[0]["ländlich %"] == "–"
    assert "None" not in figures.to_string() and "nan" not in figures.to_string()
    html_button = at.get("download_button")[0]
    page = _served(media, html_button.proto.url)
    assert b"<!DOCTYPE html>" in page[:100] and b"Geplante Stopps" in page


def _served(stores: list[MemoryMediaFileStorage], url: str) -> bytes:
    """The bytes a download button's URL points to."""
    name = url.rsplit("/", 1)[-1]
    for store in reversed(stores):
        for file_id in list(store._files_by_id):
            if store.get_url(file_id).endswith(name):
                return bytes(store.get_file(name).content)
    raise AssertionError(f"no media file {url}")


def test_scenario_is_reopened_after_restart(own_database: Path) -> None:
    at = plan_season(start())
    schedule = at.session_state["plan"]["schedule"]["columns"]["site_id"]
    at.switch_page("app_pages/compare.py").run()
    at.select_slider(key="w_transit_stops").set_value(4.5).run()
    at.switch_page("app_pages/select.py").run()
    at.number_input(key="select_p").set_value(9)
    at.checkbox(key="select_use_quotas").uncheck()
    next(b for b in at.button if b.label == "Standorte auswählen").click().run()
    at.sidebar.text_input(key="scenario_name").input("Sommer 2025").run()
    next(b for b in at.sidebar.button if b.key == "scenario_save").click().run()
    assert not at.exception
    assert any("gespeichert" in s.value for s in at.sidebar.success)
    with sqlite3.connect(own_database) as con:
        assert con.execute("SELECT name FROM scenarios").fetchall() == [("Sommer 2025",)]

    again = start()  # a new AppTest = the app restarted, a fresh session
    assert again.select_slider(key="w_transit_stops").value == DEFAULT_WEIGHTS["transit_stops"]
    assert again.sidebar.selectbox(key="scenario_pick").options == ["Sommer 2025"]
    next(b for b in again.sidebar.button if b.key == "scenario_open").click().run()
    assert not again.exception
    assert again.select_slider(key="w_transit_stops").value == 4.5
    assert again.session_state["plan"]["schedule"]["columns"]["site_id"] == schedule
    # the site selection's settings come back too
    again.switch_page("app_pages/select.py").run()
    assert again.number_input(key="select_p").value == 9
    assert again.checkbox(key="select_use_quotas").value is False
    again.switch_page("app_pages/coverage.py").run()
    assert not again.exception
    assert again.selectbox(key="coverage_source").value in ("__current__", "Sommer 2025")
    assert len(again.dataframe) == 3  # the stops beside the map, the figures at both scales


def test_bad_csv_shows_errors_and_keeps_everything_else() -> None:
    at = start()
    at.toggle(key="ranking_show_all").set_value(True).run()  # every site, not the best 30
    at.select_slider(key="w_transit_stops").set_value(3.0)
    at.slider(key="threshold_min").set_value(20)
    at.run()
    csv = (
        b"site_id;name;lon;lat\n"
        b"a1;Dorfplatz Gut;10,20;54,25\n"
        b"a2;Kaputt;zehn;54,3\n"
        b"a3;Hamburg;9,99;53,55\n"
        b"a1;Doppelt;10,1;54,2\n"
    )
    at.get("file_uploader")[0].upload("orte.csv", csv, "text/csv")  # type: ignore[attr-defined]
    at.run()
    next(b for b in at.button if b.key == "site_import").click().run()
    assert not at.exception
    errors = "\n".join(visible(e.value) for e in at.error)
    assert "Zeile 3" in errors and "Längengrad" in errors and "zehn" in errors
    assert "Zeile 4" in errors and "außerhalb" in errors
    assert "Zeile 5" in errors and "Standort-ID" in errors
    assert any("1 Standort(e) hinzugefügt" in s.value for s in at.success)
    assert list(at.session_state["user_sites"]["site_id"]) == ["a1"]
    # nothing else was lost
    assert at.select_slider(key="w_transit_stops").value == 3.0
    assert at.slider(key="threshold_min").value == 20
    assert "Dorfplatz Gut" in ranking_names(at)
    # a wholly unreadable file is reported, too, and the added site stays
    at.get("file_uploader")[0].upload("leer.csv", b"", "text/csv")  # type: ignore[attr-defined]
    at.run()
    next(b for b in at.button if b.key == "site_import").click().run()
    assert not at.exception
    assert at.error
    assert list(at.session_state["user_sites"]["site_id"]) == ["a1"]


def test_bad_season_setting_is_reported_and_kept() -> None:
    at = start()
    at.switch_page("app_pages/season.py").run()
    at.text_area(key="season_blackouts").input("2025-08-01, 31.13.2025")
    at.number_input(key="season_quota_01002").set_value(3)
    next(b for b in at.button if b.label == "Saison planen").click().run()
    assert not at.exception
    message = next(visible(e.value) for e in at.error if "31.13.2025" in visible(e.value))
    assert message.startswith("Sperrtermine"), message
    assert at.text_area(key="season_blackouts").value == "2025-08-01, 31.13.2025"
    assert at.number_input(key="season_quota_01002").value == 3
    assert at.session_state["plan"] is None


def test_multiselects_have_german_and_english_placeholders() -> None:
    at = start()
    keys = ("f_district", "f_area", "f_kind", "compare_ids")
    assert [at.multiselect(key=k).proto.placeholder for k in keys] == ["Bitte wählen …"] * 4
    at.sidebar.radio(key="lang").set_value("en").run()
    assert [at.multiselect(key=k).proto.placeholder for k in keys] == ["Choose options"] * 4


def test_compare_current_plan_with_a_saved_scenario() -> None:
    at = plan_season(start())
    at.sidebar.text_input(key="scenario_name").input("Basis").run()
    next(b for b in at.sidebar.button if b.key == "scenario_save").click().run()
    # a second plan with other quotas, compared with the saved one
    at.number_input(key="season_quota_01002").set_value(2)
    at.number_input(key="season_quota_01057").set_value(6)
    next(b for b in at.button if b.label == "Saison planen").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="season_compare_with").value == "Basis"
    totals = next(d.value for d in at.dataframe if "Differenz" in d.value.columns)
    assert totals.loc["Stopps in Plön", "aktuell"] == "6"
    assert totals.loc["Stopps in Plön", "Basis"] == "4"
    assert totals.loc["Stopps in Plön", "Differenz"] == "-2"
    stops = next(d.value for d in at.dataframe if "Änderung" in d.value.columns)
    changes = {"gleiche Termine", "verschoben", "nur in aktuell", "nur in Basis"}
    assert stops["Änderung"].isin(changes).all()
    assert (stops["Änderung"] == "nur in aktuell").any()


def test_reopened_infeasible_scenario_shows_its_diagnosis() -> None:
    at = start()
    at.switch_page("app_pages/season.py").run()
    at.slider(key="season_time_limit_s").set_value(5)
    at.number_input(key="season_quota_01002").set_value(20)  # 28 stops cannot fit
    next(b for b in at.button if b.label == "Saison planen").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["plan"]["status"] == "infeasible"
    assert any("nicht alle gleichzeitig" in e.value for e in at.error)
    at.sidebar.text_input(key="scenario_name").input("Zu viel").run()
    next(b for b in at.sidebar.button if b.key == "scenario_save").click().run()

    again = start()  # restart
    next(b for b in again.sidebar.button if b.key == "scenario_open").click().run()
    again.switch_page("app_pages/season.py").run()
    assert not again.exception, [e.value for e in again.exception]
    assert any("nicht alle gleichzeitig" in e.value for e in again.error)
    diagnosis = again.dataframe[0].value
    assert "Regel" in diagnosis.columns and len(diagnosis) >= 1
    assert diagnosis["Erklärung"].str.len().min() > 20
    again.sidebar.radio(key="lang").set_value("en").run()
    assert any("cannot all be met" in e.value for e in again.error)
    assert "Explanation" in again.dataframe[0].value.columns
    again.switch_page("app_pages/coverage.py").run()
    assert not again.exception
    assert any("cannot all be met" in e.value for e in again.error)


def choose_sites(at: AppTest, label: str = "Standorte auswählen") -> AppTest:
    at.switch_page("app_pages/select.py").run()
    assert not at.exception, [e.value for e in at.exception]
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_select_page_chooses_sites_under_quotas_and_explains_the_rest(
    media: list[MemoryMediaFileStorage],
) -> None:
    at = choose_sites(start())
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Standorte"] == "12"
    assert re.fullmatch(r"\d{3}\.\d{3}", metrics["Erreichte Einwohner (≤ 15 min)"])
    assert re.fullmatch(r"\d+,\d %", metrics["Anteil der Region"])
    status = next(c.value for c in at.caption if c.value.startswith("Status:"))
    assert status.startswith("Status: optimal (bewiesen) · Zielwert ")
    chosen = at.dataframe[0].value
    assert len(chosen) == 12
    # the default rules are the 2023 season's: four stops in each district
    assert chosen["Kreis"].value_counts().to_dict() == {
        "Kiel": 4,
        "Plön": 4,
        "Rendsburg-Eckernförde": 4,
    }
    reached = int(metrics["Erreichte Einwohner (≤ 15 min)"].replace(".", ""))
    figures = at.dataframe[1].value
    assert figures.iloc[-1]["erreicht"] == f"{reached:,}".replace(",", ".")
    others = next(d.value for d in at.dataframe if "Grund" in d.value.columns)
    assert len(others) == len(at.session_state["selection"].sites) - 12
    assert (others["Grund"].str.len() > 0).all()
    assert others["Grund"].str.contains("Menschen|Quote|ausgeschlossen").all()
    # the CSV holds every candidate, the chosen ones flagged
    button = next(d for d in at.get("download_button") if "CSV" in d.proto.label)
    table = pd.read_csv(
        io.BytesIO(_served(media, button.proto.url)), sep=";", decimal=",", encoding="utf-8-sig"
    )
    chosen_rows = table["Ausgewählt"] == "ja"
    assert chosen_rows.sum() == 12 and table.loc[~chosen_rows, "Grund"].notna().all()
    # in English the same result speaks English
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception
    status = next(c.value for c in at.caption if c.value.startswith("Status:"))
    assert status.startswith("Status: optimal (proven) · objective ")
    others = next(d.value for d in at.dataframe if "Reason" in d.value.columns)
    assert others["Reason"].str.contains("people|quota|excluded").all()


def test_select_page_names_the_rule_that_fails_and_keeps_the_input() -> None:
    at = start()
    at.switch_page("app_pages/select.py").run()
    at.number_input(key="select_p").set_value(10)
    at.multiselect(key="select_must_not").set_value(["rail-8000199"])
    next(b for b in at.button if b.label == "Standorte auswählen").click().run()
    assert not at.exception
    errors = [visible(e.value) for e in at.error]
    assert errors[0] == "Mit diesen Regeln gibt es keine Auswahl:"
    assert "Quoten der Kreise: die Quoten ergeben zusammen 12 Standorte, geplant sind nur 10" in (
        errors
    )
    # what was entered survives a trip to another page
    at.switch_page("app_pages/compare.py").run()
    at.switch_page("app_pages/select.py").run()
    assert at.number_input(key="select_p").value == 10
    assert at.multiselect(key="select_must_not").value == ["rail-8000199"]
    # without the quotas the same request is solved, and the excluded site says why
    at.checkbox(key="select_use_quotas").uncheck()
    next(b for b in at.button if b.label == "Standorte auswählen").click().run()
    assert not at.exception and not at.error
    selection = at.session_state["selection"]
    assert len(selection.result.chosen) == 10 and "rail-8000199" not in selection.result.chosen
    assert selection.result.reason("rail-8000199") == "vom Planungsteam ausgeschlossen"


def test_chosen_sites_become_the_seasons_required_sites() -> None:
    at = choose_sites(start())
    chosen = at.session_state["selection"].result.chosen
    at.button(key="select_to_season_button").click().run()
    assert not at.exception
    assert any("12 Standorte sind jetzt Pflichtstandorte" in s.value for s in at.success)
    at = plan_season(at)
    assert sorted(at.multiselect(key="season_must_include").value) == sorted(chosen)
    plan = at.session_state["plan"]
    assert plan["status"] in ("optimal", "feasible")
    assert sorted(plan["schedule"]["columns"]["site_id"]) == sorted(chosen)


# --- issue 17: reset, limits, notation, help texts, the stop list -------------------------------


def test_reset_weights_restores_the_defaults() -> None:
    at = start()
    before = ranking_names(at)
    at.select_slider(key="w_rural_share").set_value(5.0)
    at.select_slider(key="w_pop_car").set_value(0.0).run()
    assert ranking_names(at) != before
    at.button(key="reset_weights").click().run()
    assert not at.exception
    assert {c: at.select_slider(key=f"w_{c}").value for c in CRITERIA} == DEFAULT_WEIGHTS
    assert ranking_names(at) == before
    assert next(b for b in at.button if b.key == "reset_weights").label == "Gewichte zurücksetzen"


def test_weight_sliders_write_the_ui_notation() -> None:
    at = start()
    slider = at.select_slider(key="w_transit_stops")
    assert "2,25" in slider.options and "2.25" not in slider.options and "3" in slider.options
    at.sidebar.radio(key="lang").set_value("en").run()
    assert "2.25" in at.select_slider(key="w_transit_stops").options


def test_at_most_four_sites_side_by_side_said_in_german() -> None:
    at = start()
    options = at.multiselect(key="compare_ids").options
    at.multiselect(key="compare_ids").set_value(options[:5]).run()
    assert not at.exception
    assert len(at.multiselect(key="compare_ids").value) == 4
    assert [w.value for w in at.warning] == [
        "Höchstens 4 Standorte nebeneinander: die ersten 4 bleiben gewählt."
    ]
    side = next(d.value for d in at.dataframe if "Einwohner erreicht (Auto)" in d.value.index)
    assert list(side.columns) == options[:4]
    # shares as percentages, people as whole numbers, no English fact words
    assert side.loc["Anteil ländlich"].str.fullmatch(r"\d{1,3},\d %").all()
    assert side.loc["Einwohner erreicht (Auto)"].str.fullmatch(r"\d{1,3}(\.\d{3})*").all()
    assert not side.isin(["unknown", "no stop yet"]).any().any()


def test_terms_are_explained_where_they_appear() -> None:
    at = start()
    gap = at.select_slider(key="w_gap_km")
    assert gap.help and "Abstand" in gap.help and "km" in gap.help
    model = next(c.value for c in at.caption if c.value.startswith("Fahrzeitmodell"))
    assert "Luftlinie × 1,35" in model and "crow-fly" not in model
    # the sidebar names the local scale's models too (no road source here: crow-fly on foot/bike)
    sidebar = [c.value for c in at.sidebar.caption]
    assert "Luftlinie zu Fuß — Luftlinie × 1,35 (Umwegfaktor), 4,5 km/h" in sidebar
    assert "Luftlinie mit dem Rad — Luftlinie × 1,35 (Umwegfaktor), 15 km/h" in sidebar
    at = choose_sites(at)
    radio = at.radio(key="select_model")
    assert "MCLP" in radio.help and "p-Median" in radio.help
    status = next(c for c in at.caption if c.value.startswith("Status:"))
    assert "Schranke" in status.proto.help and "Abstand" in status.proto.help
    # the selection's numbers: spacing and factor in the UI's notation
    assert "2,5 km" in at.select_slider(key="select_spacing_km").options
    assert "1,5" in at.select_slider(key="select_factor").options
    chosen = cell_texts(at.dataframe[0])
    assert chosen.iloc[:, 4].str.fullmatch(r"\d{1,3}(\.\d{3})*").all()
    at.sidebar.radio(key="lang").set_value("en").run()
    radio = at.radio(key="select_model")
    assert "MCLP" in radio.help and "p-median" in radio.help


def test_coverage_page_lists_the_stops_beside_the_map() -> None:
    at = plan_season(start())
    schedule = at.session_state["plan"]["schedule"]["columns"]
    ok_at = at.switch_page("app_pages/coverage.py").run()
    assert not ok_at.exception
    stops = at.dataframe[0].value
    assert list(stops["Stopp"]) == list(range(1, len(schedule["stop"]) + 1))
    names = at.session_state["plan"]["schedule"]["columns"]["name"]
    assert list(stops["Name"]) == list(names)
    assert stops["Termin"].str.fullmatch(r"\d\d\.\d\d\.\d{4} – \d\d\.\d\d\.\d{4}").all()
    assert any(c.value == "Die Nummern stehen auch auf der Karte." for c in at.caption)
    # the map shows the same numbers
    page = at.get("iframe")[0].proto.srcdoc
    assert re.findall(r'"n":"(\d+)"', page) == [str(n) for n in stops["Stopp"]]
