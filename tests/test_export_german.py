"""Exports as German staff open them (issue 17), from a real ``season plan`` on the region pack.

The season is planned the way ``tiny-rathaus season plan`` does it
(:func:`planner.season.config.run_season_plan`, German by default) on the pack's real sites; the
files it writes are read back with the readers staff's tools correspond to: pandas with
``sep=";", decimal=",", encoding="utf-8-sig"`` for German Excel, openpyxl for the workbook,
icalendar for Outlook/Thunderbird, pyogrio for QGIS and pdftotext for the report.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from planner.data.pack import load_pack
from planner.export import export_bytes
from planner.export.columns import header
from planner.i18n import t
from planner.season import SeasonPlan
from planner.season.config import load_season_config, run_season_plan

SEASON = """
[season]
start = 2023-07-03
end = 2023-09-29
home = "Kiel"
stay_days = 5
time_limit = 20

[quotas]
"Kiel" = 2
"Plön" = 1
"Rendsburg-Eckernförde" = 1

[data]
sites = "sites.gpkg"
"""

GERMAN_DATE = re.compile(r"^\d{2}\.\d{2}\.\d{4}$")


@pytest.fixture(scope="module")
def season(tmp_path_factory: pytest.TempPathFactory) -> tuple[SeasonPlan, Path]:
    """The plan and the folder ``season plan`` wrote its German exports into."""
    folder = tmp_path_factory.mktemp("season")
    # real candidate sites of the pack, eight per district and Kiel's centre (the home base),
    # so the solve is quick
    sites = load_pack().sites
    keep = pd.concat(
        [
            sites[(sites["municipality"] == "Kiel") & (sites["kind"] == "centre")],
            *[sites[sites["district"] == d].head(8) for d in sorted(sites["district"].unique())],
        ]
    ).drop_duplicates("site_id")
    keep.to_file(folder / "sites.gpkg", driver="GPKG")
    config = folder / "season.toml"
    config.write_text(SEASON, encoding="utf-8")
    out = folder / "out"
    plan = run_season_plan(load_season_config(config), out_dir=out, lang="de")
    assert plan.feasible and len(plan.schedule) == 4
    return plan, out


def _german_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig")


# ----------------------------------------------------------------------------- CSV


def test_german_csv_opens_with_german_separators(season: tuple[SeasonPlan, Path]) -> None:
    plan, out = season
    raw = (out / "season.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM German Excel needs to read UTF-8
    table = _german_csv(out / "season.csv")
    sched = plan.schedule
    assert len(table) == len(sched)
    assert list(table.columns[:7]) == [
        "Stopp",
        "Einheit",
        "Standort-ID",
        "Name",
        "Gemeinde",
        "Kreis",
        "Raumtyp",
    ]
    assert list(table["Name"]) == list(sched["name"])  # umlauts and commas survive
    # numbers are numbers (decimal comma read), rounded to a tenth
    minutes = table[header("tow_minutes", "de")]
    assert pd.api.types.is_float_dtype(minutes.dtype)
    assert minutes.tolist() == pytest.approx(sched["tow_minutes"].astype(float).round(1).tolist())
    people = table[header("population_new", "de")]
    assert pd.api.types.is_integer_dtype(people.dtype)
    # German words and dates
    assert set(table["Raumtyp"]) <= {"städtisch", "ländlich"}
    assert set(table[header("locked", "de")]) <= {"ja", "nein"}
    assert all(GERMAN_DATE.match(d) for d in table["Beginn"])
    starts = pd.to_datetime(table["Beginn"], format="%d.%m.%Y").dt.date.tolist()
    assert starts == [pd.Timestamp(d).date() for d in sched["start"]]
    # no long floats anywhere in the file
    text = raw.decode("utf-8-sig")
    fields = re.split(r"[;\r\n]", text)
    assert not [f for f in fields if re.fullmatch(r"-?\d+[.,]\d{2,}", f)]
    assert "True" not in text and "False" not in text and "urban" not in text


def test_english_csv_is_the_international_form(season: tuple[SeasonPlan, Path]) -> None:
    plan, _out = season
    data = export_bytes(plan, lang="en")["csv"][2]
    table = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(table.columns[:4]) == ["Stop", "Unit", "Site ID", "Name"]
    assert set(table["Area type"]) <= {"urban", "rural"}
    assert set(table["Dates fixed"]) <= {"yes", "no"}
    assert [dt.date.fromisoformat(d) for d in table["Start"]] == [
        pd.Timestamp(d).date() for d in plan.schedule["start"]
    ]
    minutes = table[header("tow_minutes", "en")]
    assert minutes.tolist() == pytest.approx(
        plan.schedule["tow_minutes"].astype(float).round(1).tolist()
    )


# ----------------------------------------------------------------------------- Excel


def test_xlsx_has_date_cells_number_formats_and_a_frozen_filtered_header(
    season: tuple[SeasonPlan, Path],
) -> None:
    from openpyxl import load_workbook

    plan, out = season
    book = load_workbook(out / "season.xlsx")
    assert book.sheetnames == ["Zeitplan", "Standorte", "Summen"]
    sheet = book["Zeitplan"]
    heads = [c.value for c in sheet[1]]
    assert heads[:3] == ["Stopp", "Einheit", "Standort-ID"]
    assert sheet.freeze_panes == "A2"
    assert (
        sheet.auto_filter.ref
        == f"A1:{sheet.cell(1, len(heads)).column_letter}{len(plan.schedule) + 1}"
    )
    start = heads.index("Beginn") + 1
    for row, day in enumerate(plan.schedule["start"], start=2):
        cell = sheet.cell(row, start)
        assert cell.is_date and cell.number_format == "DD.MM.YYYY"
        assert cell.value.date() == pd.Timestamp(day).date()
    minutes = sheet.cell(2, heads.index(header("tow_minutes", "de")) + 1)
    assert minutes.data_type == "n" and minutes.number_format == "#,##0.0"
    # fitted widths: the name column is wider than the stop number's
    width = {
        c: sheet.column_dimensions[sheet.cell(1, i + 1).column_letter].width
        for i, c in enumerate(heads)
    }
    assert width["Name"] > width["Stopp"] >= 6
    # the totals sheet is a table of label/value rows, no Python dict
    totals = list(book["Summen"].iter_rows(values_only=True))
    assert totals[0] == ("Kennzahl", "Wert")
    labels = {label: value for label, value in totals[1:]}
    assert labels["Stopps"] == 4 and labels["Stopps in Kiel"] == 2
    assert not [v for v in labels.values() if isinstance(v, str) and "{" in v]
    first = book["Summen"].cell(list(labels).index("Erster Öffnungstag") + 2, 2)
    assert first.is_date and first.value.date() == plan.totals["first_day"]


def test_english_xlsx_has_english_headers_and_iso_dates(season: tuple[SeasonPlan, Path]) -> None:
    from openpyxl import load_workbook

    plan, _out = season
    book = load_workbook(io.BytesIO(export_bytes(plan, lang="en")["xlsx"][2]))
    assert book.sheetnames == ["Schedule", "Sites", "Totals"]
    sheet = book["Schedule"]
    heads = [c.value for c in sheet[1]]
    cell = sheet.cell(2, heads.index("Start") + 1)
    assert cell.is_date and cell.number_format == "YYYY-MM-DD"


# ----------------------------------------------------------------------------- iCalendar


def test_calendar_events_cover_exactly_the_open_days(season: tuple[SeasonPlan, Path]) -> None:
    from icalendar import Calendar

    plan, out = season
    cal = Calendar.from_ical((out / "season.ics").read_bytes())
    events = list(cal.walk("VEVENT"))
    season_days = plan.config.calendar()
    covered: set[dt.date] = set()
    for ev in events:
        first, end = ev.decoded("dtstart"), ev.decoded("dtend")
        days = [first + dt.timedelta(days=k) for k in range((end - first).days)]
        assert all(season_days.is_operating(d) for d in days), (ev.get("summary"), days)
        covered.update(days)
        text = str(ev.get("description"))
        assert not re.search(r"\d{4}-\d{2}-\d{2}", text)  # German dates only
        assert re.search(r"\w\w\. \d{2}\.\d{2}\.\d{4}", text)  # "Mo. 03.07.2023"
    expected = {
        d
        for _, r in plan.schedule.iterrows()
        for d in pd.date_range(r["start"], r["end"]).date
        if season_days.is_operating(d)
    }
    assert covered == expected
    assert int(plan.schedule["open_days"].sum()) == len(covered)


# ----------------------------------------------------------------------------- geodata


def test_route_figures_match_its_geometry_and_the_totals(season: tuple[SeasonPlan, Path]) -> None:
    plan, out = season
    route = json.loads((out / "season_route.geojson").read_text(encoding="utf-8"))
    (feature,) = route["features"]
    props = feature["properties"]
    coords = feature["geometry"]["coordinates"]
    assert coords[0] == coords[-1]  # from home back home: the way home is drawn
    assert props["tow_minutes"] == pytest.approx(round(plan.totals["tow_minutes"], 1))
    assert props["tow_km"] == pytest.approx(round(plan.totals["km_towed"], 1))
    legs = float(plan.schedule["tow_minutes"].sum())
    assert props["return_minutes"] > 0
    assert props["return_minutes"] == pytest.approx(plan.totals["tow_minutes"] - legs, abs=0.05)
    assert props["first_day"] == pd.Timestamp(plan.schedule["start"].min()).date().isoformat()


def test_geopackage_dates_are_date_fields(season: tuple[SeasonPlan, Path]) -> None:
    import pyogrio

    plan, out = season
    info = pyogrio.read_info(out / "season.gpkg", layer="stops")
    types = dict(zip(info["fields"], info["dtypes"], strict=True))
    assert types["start"] == types["end"] == "datetime64[D]"
    with sqlite3.connect(out / "season.gpkg") as db:
        (sql,) = db.execute("SELECT sql FROM sqlite_master WHERE name = 'stops'").fetchone()
    assert '"start" DATE' in sql and '"end" DATE' in sql
    stops = pyogrio.read_dataframe(out / "season.gpkg", layer="stops")
    assert [d.date() for d in stops["start"]] == [
        pd.Timestamp(d).date() for d in plan.schedule["start"]
    ]
    assert list(stops["name"]) == list(plan.schedule["name"])
    route = pyogrio.read_dataframe(out / "season.gpkg", layer="route")
    assert route["tow_minutes"].iloc[0] == pytest.approx(round(plan.totals["tow_minutes"], 1))


# ----------------------------------------------------------------------------- PDF


def test_german_report_holds_every_stop(season: tuple[SeasonPlan, Path]) -> None:
    exe = shutil.which("pdftotext")
    if exe is None:
        pytest.skip("pdftotext (poppler-utils) is not installed; cannot read the PDF's text")
    plan, out = season
    text = subprocess.run(
        [exe, "-enc", "UTF-8", str(out / "season.pdf"), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    flat = re.sub(r"\s+", " ", text)
    for name in plan.schedule["name"]:
        assert re.sub(r"\s+", " ", name) in flat, name
    assert t("report.heading.schedule", "de") in flat
