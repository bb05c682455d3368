"""The printable season report (planner.export.report): a PDF that says what it should."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from planner.data.pack import RegionPack, load_pack
from planner.export.report import (
    district_figures,
    format_day,
    report_pdf_bytes,
    route_map_png,
    to_pdf,
)
from planner.export.report.route_map import _spread_labels
from planner.i18n import format_number, t
from planner.season import SeasonConfig, SeasonPlan
from planner.season.inputs import SeasonInputs, season_inputs
from planner.usertext import NAME_MAX_LENGTH

HOSTILE = {
    "markup": "<b>Fett</b> & <i>Co</i> <font size=40>",
    "broken": "Platz <para & </b> ]]> &amp; &#60;",
    "bidi": "Hafen\u202eevil\u202c Nord\x07\x00",
    "unicode": "Łódź–Straße 😀 北京 ‎Ñ",
    "long": "Sehr" + "lang" * 1_500,
}


def _pdftotext(data: bytes, tmp_path: Path, *, first: int | None = None, raw: bool = False) -> str:
    exe = shutil.which("pdftotext")
    if exe is None:
        pytest.skip("pdftotext (poppler-utils) is not installed; cannot read the PDF's text")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(data)
    pages = ["-f", str(first), "-l", str(first)] if first else []
    out = subprocess.run(
        [exe, "-enc", "UTF-8", *(["-raw"] if raw else []), *pages, str(pdf), "-"],
        capture_output=True,
        check=True,
    )
    return out.stdout.decode("utf-8")


def _flat(text: str) -> str:
    """Whitespace collapsed: a name may wrap inside its table cell."""
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def pack() -> RegionPack:
    return load_pack()


@pytest.fixture(scope="module")
def inputs(pack: RegionPack) -> SeasonInputs:
    """Eight real candidate sites per district of the pack, scored as the app does."""
    sites = pack.sites
    keep = pd.concat(
        [sites[sites["district"] == d].head(8) for d in sorted(sites["district"].unique())]
    ).reset_index(drop=True)
    return season_inputs(pack, keep, threshold_min=15)


def _config(inputs: SeasonInputs) -> SeasonConfig:
    home = inputs.sites.loc[inputs.sites["district"] == "Kiel", "site_id"].iloc[0]
    return SeasonConfig(
        start=dt.date(2023, 7, 3),
        end=dt.date(2023, 10, 27),
        home_site_id=str(home),
        district_quotas={"Kiel": 2, "Plön": 2, "Rendsburg-Eckernförde": 2},
        weight_coverage=0.001,
        weight_tow=0.01,
        time_limit=10.0,
    )


@pytest.fixture(scope="module")
def plan(inputs: SeasonInputs) -> SeasonPlan:
    p = inputs.plan(_config(inputs), diagnose=False)
    assert p.feasible and len(p.schedule) == 6
    return p


@pytest.fixture(scope="module")
def hostile_plan(plan: SeasonPlan) -> SeasonPlan:
    """The same season where every stop and the home base carry hostile names."""
    sched = plan.schedule.copy()
    sched["name"] = [*HOSTILE.values(), "Kiel Hbf (Bahnhof)"][: len(sched)]
    sched["municipality"] = "Gemeinde <script>&"
    sites = plan.sites.copy()
    sites.loc[sites["site_id"] == plan.config.home_site_id, "name"] = "Heim <br/> & Hof"
    return dataclasses.replace(plan, schedule=sched, sites=sites)


def test_format_day_in_both_notations() -> None:
    assert format_day(dt.date(2023, 7, 3), "de") == "Mo. 03.07.2023"
    assert format_day(pd.Timestamp("2023-10-27"), "de") == "Fr. 27.10.2023"
    assert format_day("2023-07-03", "en") == "Mon 3 Jul 2023"


def test_german_pdf_holds_every_stop_headings_and_german_notation(
    plan: SeasonPlan, pack: RegionPack, tmp_path: Path
) -> None:
    data = report_pdf_bytes(plan, pack=pack, coverage_minutes=15)
    assert data.startswith(b"%PDF-")
    text = _flat(_pdftotext(data, tmp_path))
    for name in plan.schedule["name"]:
        assert _flat(name) in text, name
    for key in ("schedule", "map", "figures", "sources", "method"):
        assert t(f"report.heading.{key}", "de") in text
    for municipality in plan.schedule["municipality"]:
        assert _flat(municipality) in text
    # German notation: season dates with weekdays, thousands dot, decimal comma
    assert "Mo. 03.07.2023" in text and "Fr. 27.10.2023" in text
    people = float(plan.schedule["population_new"].sum())
    assert people >= 1_000
    assert format_number(round(people), "de", ",.0f") in text
    assert re.search(r"\d{1,3}\.\d{3}\b", text)  # "482.114"
    assert re.search(r"\d+,\d %", text)  # "33,3 %"
    # sources and attribution come from the pack's metadata table
    for attribution in pack.attribution():
        assert _flat(attribution) in text
    assert "Luftlinie" in text and "15 Autominuten" in text
    assert "Seite 1 von" in text


def test_english_pdf_has_english_headings_and_numbers(
    plan: SeasonPlan, pack: RegionPack, tmp_path: Path
) -> None:
    text = _flat(_pdftotext(report_pdf_bytes(plan, pack=pack, lang="en"), tmp_path))
    for key in ("schedule", "map", "figures", "sources", "method"):
        assert t(f"report.heading.{key}", "en") in text
        assert t(f"report.heading.{key}", "de") not in text
    assert "Mon 3 Jul 2023" in text
    people = round(float(plan.schedule["population_new"].sum()))
    assert format_number(people, "en", ",.0f") in text
    assert format_number(people, "de", ",.0f") not in text
    assert "straight line" in text and "Page 1 of" in text
    assert "Zeitraum" not in text and "Kreis" not in text.replace("Kreise ", "")


def test_hostile_names_are_printed_as_text(
    hostile_plan: SeasonPlan, pack: RegionPack, tmp_path: Path
) -> None:
    data = report_pdf_bytes(hostile_plan, pack=pack, title="<b>Saison</b> & Co\u202e")
    text = _pdftotext(data, tmp_path)
    flat = _flat(text)
    assert "<b>Saison</b> & Co" in flat  # the title as typed, not bold markup
    assert HOSTILE["markup"] in flat
    assert HOSTILE["broken"] in flat
    assert "Gemeinde <script>&" in flat and "Heim <br/> & Hof" in flat
    assert "Hafenevil Nord" in flat  # bidi overrides and control characters removed
    assert "Łódź–Straße" in flat  # outside cp1252: needs the embedded TTF font
    assert "Sehrlanglang" in flat and "…" in text  # cut to the longest allowed name
    for char in ("\u202e", "\u202c", "\x07", "\x00"):
        assert char not in text
    assert b"DejaVuSans" in data


def test_long_name_is_cut_to_the_name_limit(
    hostile_plan: SeasonPlan, pack: RegionPack, tmp_path: Path
) -> None:
    # -raw keeps the drawing order, so the name's wrapped lines stay together
    text = _pdftotext(report_pdf_bytes(hostile_plan, pack=pack), tmp_path, raw=True)
    joined = re.sub(r"\s+", "", text)  # the name wraps inside its cell
    cut = re.search(r"Sehr[lang]*…", joined)
    assert cut is not None
    assert len(cut.group()) == NAME_MAX_LENGTH  # cut to the limit, the "…" marks the cut
    assert "lang" * 49 not in joined


def test_schedule_header_repeats_on_every_page(
    plan: SeasonPlan, pack: RegionPack, tmp_path: Path
) -> None:
    # a long season: the schedule alone needs several pages
    base = plan.schedule
    rows = [base.assign(stop=base["stop"] + k * len(base)) for k in range(10)]
    big = pd.concat(rows, ignore_index=True)
    long_plan = dataclasses.replace(plan, schedule=big)
    data = report_pdf_bytes(long_plan, pack=pack)
    page3 = _pdftotext(data, tmp_path, first=3)
    assert t("report.col.municipality", "de") in page3
    assert t("report.col.site", "de") in page3
    assert any(_flat(n) in _flat(page3) for n in base["name"])


def test_district_figures_add_up(plan: SeasonPlan) -> None:
    fig = district_figures(plan)
    sched = plan.schedule
    districts = fig[fig["group"] == "district"]
    areas = fig[fig["group"] == "area"]
    total = fig[fig["group"] == "total"].iloc[0]
    assert set(districts["key"]) == set(sched["district"])
    assert districts["stops"].sum() == areas["stops"].sum() == total["stops"] == len(sched)
    assert total["people"] == pytest.approx(plan.totals["population_covered"])
    assert districts["people"].sum() == pytest.approx(total["people"])
    assert areas["people"].sum() == pytest.approx(total["people"])
    assert districts["people_share"].sum() == pytest.approx(1.0)
    rural = areas.set_index("key").loc["rural"]
    assert rural["stops"] == (sched["area_class"] == "rural").sum()
    assert rural["stop_share"] == pytest.approx(plan.totals["rural_share"])


def test_map_is_a_png_of_the_printed_width(plan: SeasonPlan, pack: RegionPack) -> None:
    from PIL import Image

    png = route_map_png(plan, pack=pack, lang="en", width_mm=100, dpi=100)
    assert png.startswith(b"\x89PNG")
    import io

    with Image.open(io.BytesIO(png)) as im:
        width, height = im.size
    assert width == pytest.approx(100 / 25.4 * 100, abs=2)
    assert 0.5 * width < height < 1.5 * width


def test_labels_of_close_stops_are_spread_apart() -> None:
    points = np.array([[0.0, 0.0], [0.0, 0.0], [10.0, 0.0], [500.0, 500.0]])
    home = np.array([[5.0, 5.0]])
    pos = _spread_labels(points, 100.0, fixed=home)
    d = np.hypot(*(pos[:, None, :] - pos[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(d, np.inf)
    assert d.min() >= 95.0
    assert np.hypot(*(pos - home).T).min() >= 70.0
    # a label far from the others stays at its stop
    assert np.allclose(pos[3], points[3], atol=1.0)


def test_refuses_infeasible_plans_and_unknown_languages(
    plan: SeasonPlan, pack: RegionPack, tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        report_pdf_bytes(plan, pack=pack, lang="fr")
    infeasible = dataclasses.replace(plan, status="infeasible", diagnosis=[])
    with pytest.raises(ValueError, match="infeasible"):
        to_pdf(infeasible, tmp_path / "x.pdf", pack=pack)
    out = to_pdf(plan, tmp_path / "season.pdf", pack=pack, lang="en")
    assert out.read_bytes().startswith(b"%PDF-")


def test_people_reached_name_their_scale(
    plan: SeasonPlan, pack: RegionPack, tmp_path: Path
) -> None:
    from planner.coverage import population_base

    base = float(pack.cells.loc[population_base(pack), "population"].sum())
    totals = {**plan.totals, "people_local": 12_345.0, "people_regional": 234_567.0}
    totals.update(local_km=2.0, regional_minutes=15.0)
    scaled = dataclasses.replace(plan, totals=totals)
    text = _flat(_pdftotext(report_pdf_bytes(scaled, pack=pack), tmp_path, first=1))
    assert "lokal (bis 2 km zu Fuß oder mit dem Rad)" in text and "12.345" in text
    assert "regional (bis 15 Autominuten)" in text and "234.567" in text
    # the share is of the people in the region's cells (not of the cells around it)
    assert format_number(base, "de", ",.0f") in text
    # a plan without the scales keeps the one figure
    plain = {k: v for k, v in plan.totals.items() if not k.startswith("people_")}
    old = dataclasses.replace(plan, totals=plain)
    text = _flat(_pdftotext(report_pdf_bytes(old, pack=pack), tmp_path, first=1))
    assert "Erreichte Menschen " in text and "lokal (bis" not in text
