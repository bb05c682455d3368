"""Which Ämter and Kiel city areas a plan visits, and each one's last visit before (issue 16, 3).

On the embedded KielRegion pack (its past stops: 2022, 2023 and 2025): stops counted per Amt
and per city area, the last visit taken from before the plan's year only, a season marked as
run moving a group's last visit, the season plan's schedule columns, totals and CSV export, the
command line's summary line, and the season and selection pages' metric.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from test_app import start, visible

from planner.cli.season import _print_plan
from planner.coverage import GroupReport, plan_groups
from planner.data.areas import fairness_groups
from planner.data.pack import RegionPack, load_pack
from planner.export import csv_bytes
from planner.export.columns import header
from planner.export.schedule import totals_table
from planner.history import History, RunSeason
from planner.season import SeasonConfig, SeasonPlan
from planner.season.inputs import season_inputs
from planner.season.outcome import plan_with_groups
from planner.settings import METRIC_CRS


@pytest.fixture(scope="module")
def pack() -> RegionPack:
    return load_pack()


def _site(pack: RegionPack, municipality: str, kind: str | None = None) -> gpd.GeoDataFrame:
    """The first candidate site of a municipality (of a kind, when given)."""
    sites = pack.sites
    rows = sites[sites["municipality"].str.startswith(municipality)]
    if kind is not None:
        rows = rows[rows["kind"] == kind]
    assert len(rows), municipality
    return rows.head(1)


def _stops(pack: RegionPack, *frames: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    stops = pd.concat(frames, ignore_index=True)
    return gpd.GeoDataFrame(stops, geometry=stops.geometry.name, crs=pack.crs)


def _row(report: GroupReport, name: str) -> pd.Series:
    rows = report.table[report.table["name"] == name]
    assert len(rows) == 1, (name, list(rows["name"]))
    return rows.iloc[0]


# --- the report ---------------------------------------------------------------------------------


def test_stops_in_two_amter_visit_two_of_all_groups(pack: RegionPack) -> None:
    stops = _stops(pack, _site(pack, "Preetz"), _site(pack, "Wankendorf"))
    report = plan_groups(pack, stops, year=2026)
    assert report.visited == 2
    assert report.total == len(fairness_groups(pack).groups) > 2
    visited = report.table[report.table["visited"]]
    assert set(visited["kind"]) == {"amt"}
    assert sorted(visited["stops"]) == [(1,), (2,)]
    assert list(report.stop_groups["group"]) == [
        _row(report, "Preetz, Stadt")["name"],
        _row(report, "Bokhorst-Wankendorf")["name"],
    ]
    # a second stop in the same Amt visits no further group
    again = _stops(pack, _site(pack, "Preetz"), _site(pack, "Wankendorf"), _site(pack, "Preetz"))
    assert plan_groups(pack, again, year=2026).visited == 2
    assert _row(plan_groups(pack, again, year=2026), "Preetz, Stadt")["stops"] == (1, 3)


def test_a_kiel_stop_counts_its_city_area(pack: RegionPack) -> None:
    kiel = pack.sites[pack.sites["municipality"].str.startswith("Kiel")]
    # the two Kiel sites farthest apart lie in different areas
    xy = np.column_stack([kiel.geometry.x, kiel.geometry.y])
    far = np.unravel_index(np.argmax(((xy[:, None] - xy[None]) ** 2).sum(-1)), (len(xy),) * 2)
    stops = kiel.iloc[list(far)]
    report = plan_groups(pack, stops, year=2026)
    assert report.visited == 2
    visited = report.table[report.table["visited"]]
    assert set(visited["kind"]) == {"city_area"}
    assert all(n.startswith("Kiel-") for n in visited["name"])
    # no Kiel stop of the record has a known place: no area's own visit, the city's is 2022
    assert visited["last_visit"].isna().all()
    assert set(visited["city_last_visit"]) == {2022}


def test_last_visit_comes_from_the_past_stops_before_the_plans_year(pack: RegionPack) -> None:
    stops = _stops(pack, _site(pack, "Preetz"), _site(pack, "Wankendorf"))
    later = plan_groups(pack, stops, year=2026)
    assert _row(later, "Preetz, Stadt")["last_visit"] == 2025  # market square, 2025
    assert _row(later, "Preetz, Stadt")["weight"] == pytest.approx(0.5)  # last season
    assert _row(later, "Bokhorst-Wankendorf")["last_visit"] == 2023
    assert list(later.stop_groups["last_visit"]) == [2025, 2023]
    # a plan for 2025 is not told about 2025: Preetz was never visited before it
    same_year = plan_groups(pack, stops, year=2025)
    assert pd.isna(_row(same_year, "Preetz, Stadt")["last_visit"])
    assert _row(same_year, "Preetz, Stadt")["weight"] == pytest.approx(1.0)
    assert _row(plan_groups(pack, stops, year=2024), "Bokhorst-Wankendorf")["weight"] == (
        pytest.approx(0.5)
    )
    # default year: the season after the latest visit (2026)
    assert plan_groups(pack, stops).year == 2026


def test_a_run_season_moves_a_groups_last_visit(pack: RegionPack) -> None:
    wankendorf = _site(pack, "Wankendorf")
    history = History.from_pack(pack)
    run = history.with_season(pack, RunSeason(season=2026, stops=wankendorf.reset_index()))
    stops = _stops(pack, _site(pack, "Preetz"), wankendorf)
    before = _row(plan_groups(pack, stops, history=history, year=2027), "Bokhorst-Wankendorf")
    after = _row(plan_groups(pack, stops, history=run, year=2027), "Bokhorst-Wankendorf")
    assert (before["last_visit"], before["weight"]) == (2023, pytest.approx(1.0))
    assert (after["last_visit"], after["weight"]) == (2026, pytest.approx(0.5))


def test_a_schedule_with_coordinates_only_gives_the_same_groups(pack: RegionPack) -> None:
    stops = _stops(
        pack, _site(pack, "Kiel"), _site(pack, "Preetz"), _site(pack, "Rendsburg")
    ).to_crs(METRIC_CRS)
    schedule = pd.DataFrame(
        {
            "stop": [3, 1, 2],
            "x": stops.geometry.x,
            "y": stops.geometry.y,
            "site_id": stops["site_id"],
        }
    )
    by_points = plan_groups(pack, stops.drop(columns="ags"), year=2026)
    by_xy = plan_groups(pack, schedule, year=2026)
    assert list(by_xy.stop_groups["group_id"]) == list(by_points.stop_groups["group_id"])
    assert by_xy.visited == 3
    assert sorted(s for stops in by_xy.table["stops"] for s in stops) == [1, 2, 3]
    # x/y in another CRS, named: the same places
    lonlat = stops.to_crs("EPSG:4326").geometry
    other = schedule.assign(x=lonlat.x.to_numpy(), y=lonlat.y.to_numpy())
    by_lonlat = plan_groups(pack, other, year=2026, crs="EPSG:4326")
    assert list(by_lonlat.stop_groups["group_id"]) == list(by_points.stop_groups["group_id"])
    # a stop without a place visits no group
    blank = plan_groups(pack, schedule.assign(x=np.nan, y=np.nan), year=2026)
    assert blank.visited == 0 and list(blank.stop_groups["group_id"]) == ["", "", ""]


# --- the season plan ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def season(pack: RegionPack) -> tuple[SeasonPlan, SeasonPlan]:
    """A small 2026 season (two stops in Kiel, one each in Plön and Rendsburg-Eckernförde) as
    the solver gives it and with its groups."""
    sites = pack.sites
    keep = pd.concat(
        [
            sites[(sites["municipality"].str.startswith("Kiel")) & (sites["kind"] == "centre")],
            *[sites[sites["district"] == d].head(8) for d in sorted(sites["district"].unique())],
        ]
    ).drop_duplicates("site_id")
    inputs = season_inputs(pack, keep)
    home = str(keep["site_id"].iloc[0])
    config = SeasonConfig(
        start=dt.date(2026, 7, 6),
        end=dt.date(2026, 9, 25),
        home_site_id=home,
        district_quotas={"Kiel": 2, "Plön": 1, "Rendsburg-Eckernförde": 1},
        time_limit=20.0,
    )
    plan = inputs.plan(config, diagnose=False)
    assert plan.feasible and len(plan.schedule) == 4
    return plan, plan_with_groups(plan, pack)


def test_the_plan_gains_group_columns_and_totals(
    pack: RegionPack, season: tuple[SeasonPlan, SeasonPlan]
) -> None:
    bare, plan = season
    assert "groups_visited" not in bare.totals and set(bare.schedule["group"]) == {""}
    schedule = plan.schedule
    assert list(schedule.columns[:9]) == [
        *["stop", "unit", "site_id", "name", "municipality", "district", "area_class"],
        *["group", "last_visit"],
    ]
    report = plan_groups(pack, schedule, year=2026)
    assert list(schedule["group"]) == list(report.stop_groups["group"])
    assert all(schedule["group"] != "")
    assert plan.totals["groups_visited"] == schedule["group"].nunique() == report.visited
    assert plan.totals["groups_total"] == len(fairness_groups(pack).groups)
    kiel = schedule[schedule["district"] == "Kiel"]
    assert all(g.startswith("Kiel-") for g in kiel["group"])
    # the rest of the plan is the solver's
    assert plan.totals["value"] == bare.totals["value"]
    assert list(plan.schedule["site_id"]) == list(bare.schedule["site_id"])


def test_the_season_csv_has_group_and_last_visit_in_german_and_english(
    season: tuple[SeasonPlan, SeasonPlan],
) -> None:
    _, plan = season
    table = pd.read_csv(
        io.BytesIO(csv_bytes(plan, lang="de")), sep=";", encoding="utf-8-sig", dtype=str
    )
    assert header("group", "de") == "Amt bzw. Stadtteil"
    assert header("last_visit", "de") == "Letzter Besuch vorher"
    assert list(table["Amt bzw. Stadtteil"]) == list(plan.schedule["group"])
    expected = ["" if pd.isna(v) else str(int(v)) for v in plan.schedule["last_visit"]]
    assert list(table["Letzter Besuch vorher"].fillna("")) == expected
    assert all(re.fullmatch(r"(20\d\d)?", v) for v in expected)
    english = pd.read_csv(io.BytesIO(csv_bytes(plan, lang="en")), encoding="utf-8-sig", dtype=str)
    assert list(english["Amt or city area"]) == list(plan.schedule["group"])
    assert "Last visit before" in english.columns
    totals = totals_table(plan, "de").set_index("total")["value"]
    visited, total = plan.totals["groups_visited"], plan.totals["groups_total"]
    assert totals["Ämter/Stadtteile besucht"] == f"{visited} von {total}"


def test_a_plan_stored_before_the_groups_still_exports(
    season: tuple[SeasonPlan, SeasonPlan],
) -> None:
    bare, _ = season
    old = SeasonPlan(
        **{
            **bare.__dict__,
            "schedule": bare.schedule.drop(columns=["group", "last_visit"]),
        }
    )
    table = pd.read_csv(io.BytesIO(csv_bytes(old, lang="de")), sep=";", encoding="utf-8-sig")
    assert table["Amt bzw. Stadtteil"].isna().all() and len(table) == len(old.schedule)


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("de", r"Ämter/Stadtteile besucht: (\d+) von (\d+)"),
        ("en", r"Ämter/city areas visited: (\d+) of (\d+)"),
    ],
)
def test_the_command_line_summary_names_the_groups_visited(
    season: tuple[SeasonPlan, SeasonPlan], capsys: pytest.CaptureFixture[str], lang: str, line: str
) -> None:
    _, plan = season
    _print_plan(plan, lang, seconds=1.0)
    found = re.search(line, capsys.readouterr().out)
    assert found is not None
    assert (int(found[1]), int(found[2])) == (
        plan.totals["groups_visited"],
        plan.totals["groups_total"],
    )


# --- the pages ----------------------------------------------------------------------------------


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.usefixtures("own_database")
def test_the_season_page_shows_the_groups_visited(pack: RegionPack) -> None:
    at = _ok(start().switch_page("app_pages/season.py").run())
    at.date_input(key="season_start").set_value(dt.date(2026, 7, 1))
    at.date_input(key="season_end").set_value(dt.date(2026, 9, 30))
    for key in ("season_quota_01002", "season_quota_01057", "season_quota_01058"):
        at.number_input(key=key).set_value(1)
    at.select_slider(key="season_min_rural_share").set_value(0.0)
    at.slider(key="season_time_limit_s").set_value(10)
    next(b for b in at.button if b.label == "Saison planen").click().run()
    _ok(at)
    payload = at.session_state["plan"]
    assert payload["status"] in ("optimal", "feasible")
    groups = payload["schedule"]["columns"]["group"]
    assert all(groups) and payload["totals"]["groups_visited"] == len(set(groups))
    metrics = {m.label: m.value for m in at.metric}
    total = len(fairness_groups(pack).groups)
    assert metrics["Ämter/Stadtteile besucht"] == f"{len(set(groups))} von {total}"
    metric = next(m for m in at.metric if m.label == "Ämter/Stadtteile besucht")
    assert "Himmelsrichtung" in metric.proto.help
    assert "Ämter und Stadtteile" in [e.label for e in at.expander]
    table = next(d.value for d in at.dataframe if "Stopps dieses Plans" in list(d.value.columns))
    assert len(table) == total
    visited = table[table["Stopps dieses Plans"] != ""]
    assert len(visited) == len(set(groups))
    assert set(visited["Amt bzw. Stadtteil"]) == set(groups)
    last = table["Letzter Besuch vor 2026"]
    assert "nie" in set(last) and "2025" in set(last)  # Preetz, 2025: no thousands mark


@pytest.mark.usefixtures("own_database")
def test_the_selection_page_shows_the_groups_of_the_chosen_sites(pack: RegionPack) -> None:
    at = _ok(start().switch_page("app_pages/select.py").run())
    next(b for b in at.button if b.label == "Standorte auswählen").click().run()
    _ok(at)
    chosen = at.session_state["selection"].chosen
    sites = pack.sites[pack.sites["site_id"].isin(set(chosen["site_id"]))]
    expected = plan_groups(pack, sites)
    metrics = {m.label: visible(m.value) for m in at.metric}
    assert metrics["Ämter/Stadtteile besucht"] == f"{expected.visited} von {expected.total}"
    assert 0 < expected.visited <= len(chosen)
