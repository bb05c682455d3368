"""The Destatis register is read by its header labels, not by cell positions."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from planner.data.register import RegisterFormatError, read_register
from planner.settings import REGION_DISTRICTS

HEADER_TOP = [
    "Satz-art", "Text-kenn-zeichen", "Amtlicher Regionalschlüssel (ARS)", None, None, None, None,
    "Gemeindename", "Fläche km2 1)", "Bevölkerung auf Grundlage des Zensus 20112)",
    None, None, None,
    "Postleit-zahl3)", "Geografische Mittelpunktkoordinaten", None, "Reisegebiete", None,
    "Grad der Verstädterung", None,
]  # fmt: skip
HEADER_SUB = [
    None, None, "Land", "RB", "Kreis", "VB", "Gem", None, None, "insgesamt", "männlich", "weiblich",
    "je km2", None, "Längengrad", "Breitengrad", None, None, None, None,
]  # fmt: skip
ROW = [
    "60", "61", "01", "0", "57", "0001", "001", "Ascheberg (Holstein)", 20.94, 3057, 1470, 1587,
    146, "24326", "10,341108", "54,151075", None, None, "03", "gering besiedelt",
]  # fmt: skip


def _write(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Onlineprodukt_Gemeinden31122099"
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_real_register_has_the_published_figures(raw: Path) -> None:
    munis, amter = read_register(raw / "municipalities" / "AuszugGV4QAktuell_2024.xlsx")
    region = munis[munis["district_ags"].isin(REGION_DISTRICTS)]
    assert region.groupby("district_ags").size().to_dict() == {
        "01002": 1,
        "01057": 85,
        "01058": 165,
    }
    assert int(region["population"].sum()) == 660_107
    kiel = region.set_index("ags").loc["01002000"]
    assert kiel["ars"] == "010020000000"
    assert kiel["urbanisation"] == 1
    assert kiel["lon"] == pytest.approx(10.13727)
    assert set(region["urbanisation"]) <= {1, 2, 3}
    assert "010570001" in set(amter["amt_ars"])


def test_extra_leading_rows_and_columns_still_read(tmp_path: Path) -> None:
    # A new vintage with one more title row and an inserted column must not shift the fields.
    top = [*HEADER_TOP[:8], "Neue Spalte", *HEADER_TOP[8:]]
    sub = [*HEADER_SUB[:8], None, *HEADER_SUB[8:]]
    row = [*ROW[:8], "x", *ROW[8:]]
    path = _write(tmp_path / "r.xlsx", [["Titel"], [], ["Untertitel"], top, sub, [], row])
    munis, _ = read_register(path)
    first = munis.iloc[0]
    assert first["ags"] == "01057001"
    assert first["ars"] == "010570001001"
    assert first["population"] == 3057
    assert first["area_km2"] == pytest.approx(20.94)
    assert first["lat"] == pytest.approx(54.151075)
    assert first["urbanisation"] == 3


def test_missing_column_is_named(tmp_path: Path) -> None:
    top = [h if h != "Gemeindename" else "Name" for h in HEADER_TOP]
    path = _write(tmp_path / "r.xlsx", [top, HEADER_SUB, ROW])
    with pytest.raises(RegisterFormatError, match="Gemeindename"):
        read_register(path)


def test_bad_key_names_the_row(tmp_path: Path) -> None:
    bad = list(ROW)
    bad[6] = "0x1"
    path = _write(tmp_path / "r.xlsx", [HEADER_TOP, HEADER_SUB, bad])
    with pytest.raises(RegisterFormatError, match=r"row 3: field ARS"):
        read_register(path)
