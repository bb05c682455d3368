"""The tour's history (issue 16): past stops read and placed, recency weights, visit table."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from planner.data.areas import fairness_groups
from planner.data.raw import RawDataError
from planner.data.tour import empty_past_stops, past_stops_layer, read_past_stops
from planner.history import History, RecencyWeights, RunSeason, visit_table
from planner.scoring import compute_criteria, score_sites

CRS = "EPSG:25832"


def toy_pack(past: list[tuple[int, str]] = ()) -> SimpleNamespace:  # type: ignore[assignment]
    """Three rural municipalities in three Ämter, side by side (10 km squares), one populated
    cell and one site at each centre; ``past`` = (season, ags) stops known by municipality."""
    ags = ["01999001", "01999002", "01999003"]
    munis = gpd.GeoDataFrame(
        {
            "ags": ags,
            "name": ["Ahof", "Bdorf", "Cstedt"],
            "amt_ars": ["019990001", "019990002", "019990003"],
            "amt": ["Amt A", "Amt B", "Amt C"],
            "district": "Testkreis",
            "population": [1000, 1000, 1000],
            "urbanisation": [3, 3, 3],
            "midpoint_x": [5000.0, 15000.0, 25000.0],
            "midpoint_y": 5000.0,
        },
        geometry=[box(10_000 * i, 0, 10_000 * (i + 1), 10_000) for i in range(3)],
        crs=CRS,
    )
    cells = gpd.GeoDataFrame(
        {
            "ags": ags,
            "population": [1000, 1000, 1000],
            "in_region": True,
            "area_class": "rural",
            "x": [5000.0, 15000.0, 25000.0],
            "y": 5000.0,
        },
        geometry=[box(4500 + 10_000 * i, 4500, 5500 + 10_000 * i, 5500) for i in range(3)],
        crs=CRS,
    )
    sites = gpd.GeoDataFrame(
        {
            "site_id": ["s1", "s2", "s3"],
            "name": ["Ahof Mitte", "Bdorf Mitte", "Cstedt Mitte"],
            "ags": ags,
            "municipality": ["Ahof", "Bdorf", "Cstedt"],
            "district": "Testkreis",
            "area_class": "rural",
            "kind": "centre",
        },
        geometry=[Point(5000 + 10_000 * i, 5000) for i in range(3)],
        crs=CRS,
    )
    history = empty_past_stops(CRS)
    if past:
        rows = pd.DataFrame(
            {
                "season": [s for s, _ in past],
                "place": [a for _, a in past],
                "ags": [a for _, a in past],
                "municipality": "",
                "start": "",
                "end": "",
                "precision": "municipality",
                "note": "",
            }
        )
        stops = gpd.GeoDataFrame(rows, geometry=gpd.GeoSeries([None] * len(rows)), crs=CRS)
        history, _ = past_stops_layer(stops, munis, crs=CRS)
    empty = gpd.GeoDataFrame({"is_rail": []}, geometry=gpd.GeoSeries([], crs=CRS), crs=CRS)
    return SimpleNamespace(
        municipalities=munis,
        cells=cells,
        sites=sites,
        history=history,
        transit_stops=empty,
        schools=gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs=CRS), crs=CRS),
        crs=CRS,
    )


# --- past stops from a file ------------------------------------------------------------------


def test_past_stops_are_read_from_a_small_csv(tmp_path: Path) -> None:
    path = tmp_path / "past_stops.csv"
    path.write_text(
        "season,place,ags,municipality,start,end,precision,note,lon,lat\n"
        "2024,Marktplatz,01999001,Ahof,20.05.2024,2024-05-26,street,market day,9.5,54.2\n"
        "2025,Bdorf,1999002,Bdorf,,,municipality,,,\n",
        encoding="utf-8",
    )
    stops = read_past_stops(path, crs=CRS)
    assert stops["season"].tolist() == [2024, 2025]
    assert stops["ags"].tolist() == ["01999001", "01999002"]  # leading zero restored
    assert stops["start"].tolist() == ["2024-05-20", ""]  # German date read, open date kept open
    # a point only where the file gives the place; the other stop has none (never a midpoint)
    assert stops.geometry.iloc[0] is not None and stops.geometry.iloc[1] is None
    assert 400_000 < stops.geometry.iloc[0].x < 600_000  # projected to EPSG:25832


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("2024,X,01999001,A,,,nearby,,,", r"row 2: field precision: value 'nearby'"),
        ("24,X,01999001,A,,,street,,,", r"row 2: field season: value '24'"),
        ("2024,X,01999001,A,soon,,street,,,", r"row 2: field start: value 'soon'"),
        ("2024,X,01999001,A,,,street,,9.5,north", r"row 2: field lat: value 'north'"),
    ],
)
def test_bad_past_stop_rows_are_named(tmp_path: Path, row: str, message: str) -> None:
    path = tmp_path / "past_stops.csv"
    path.write_text("season,place,ags,municipality,start,end,precision,note,lon,lat\n" + row + "\n")
    with pytest.raises(RawDataError, match=message):
        read_past_stops(path)


def test_stops_outside_the_region_are_left_out_and_named() -> None:
    pack = toy_pack()
    rows = pd.DataFrame(
        {
            "season": [2025, 2025],
            "place": ["Ahof", "Elsewhere"],
            "ags": ["01999001", "01059186"],
            "municipality": ["Ahof", "Steinbergkirche"],
            "start": "",
            "end": "",
            "precision": "municipality",
            "note": "",
        }
    )
    stops = gpd.GeoDataFrame(rows, geometry=gpd.GeoSeries([None, None]), crs=CRS)
    layer, notes = past_stops_layer(stops, pack.municipalities, crs=CRS)
    assert layer["ags"].tolist() == ["01999001"] and layer["amt"].tolist() == ["Amt A"]
    assert len(notes) == 1 and "Steinbergkirche" in notes[0]


# --- recency ---------------------------------------------------------------------------------


def test_a_recently_visited_amt_counts_less() -> None:
    pack = toy_pack(past=[(2025, "01999001"), (2024, "01999002")])
    history = History.from_pack(pack)
    assert history.default_year() == 2026
    weights = history.group_weights(2026)
    assert weights["019990001"] == 0.5  # last season
    assert weights["019990002"] == 0.75  # two seasons ago
    assert weights["019990003"] == 1.0  # never
    assert history.group_weights(2028)["019990001"] == 1.0  # three seasons later: recovered
    cells = history.cell_weights(2026)
    assert cells.tolist() == [0.5, 0.75, 1.0]
    custom = history.group_weights(2026, weights=RecencyWeights(last_season=0.2))
    assert custom["019990001"] == 0.2
    with pytest.raises(ValueError, match="last_season"):
        RecencyWeights(last_season=1.5)


def test_recency_lowers_a_visited_amt_in_the_ranking() -> None:
    minutes = np.array([[0.0, 30.0, 30.0], [30.0, 0.0, 30.0], [30.0, 30.0, 0.0]])
    weights = {"pop_local": 1.0, "recency": 1.0}
    fresh = compute_criteria(toy_pack(), minutes=minutes)
    # alike without a history: all tie
    assert score_sites(fresh, weights)["rank"].tolist() == [1, 1, 1]
    visited = compute_criteria(toy_pack(past=[(2025, "01999001")]), minutes=minutes)
    ranking = score_sites(visited, weights)
    assert ranking["site_id"].iloc[-1] == "s1"  # Amt A was visited last season
    assert visited.raw.loc["s1", "recency"] == 0.5
    assert visited.sites.loc["s1", "group"] == "Amt A"
    assert visited.sites.loc["s1", "last_visit"] == 2025
    assert pd.isna(visited.sites.loc["s2", "last_visit"])  # never
    # the planning year is the planner's: in 2030 the visit no longer counts
    later = compute_criteria(
        toy_pack(past=[(2025, "01999001")]), minutes=minutes, planning_year=2030
    )
    assert later.raw["recency"].tolist() == [1.0, 1.0, 1.0]


def test_a_season_run_from_a_scenario_enters_the_history() -> None:
    pack = toy_pack()
    stops = gpd.GeoDataFrame({"name": ["Cstedt Mitte"]}, geometry=[Point(25_000, 5000)], crs=CRS)
    history = History.from_pack(pack, runs=[RunSeason(2025, stops)])
    visit = history.visits.iloc[0]
    assert (visit["season"], visit["amt_ars"], visit["source"]) == (2025, "019990003", "scenario")
    assert history.group_weights(2026)["019990003"] == 0.5


def test_visit_table_says_what_a_plan_reaches_and_when_each_was_visited() -> None:
    pack = toy_pack(past=[(2023, "01999002")])
    plan = pack.sites[pack.sites["site_id"] == "s2"]
    table = visit_table(pack, plan).set_index("group_id")
    assert table["reached"].tolist() == [False, True, False]
    assert table.loc["019990002", "people_reached"] == 1000
    assert table.loc["019990002", "last_visit"] == 2023
    assert pd.isna(table.loc["019990001", "last_visit"])  # never
    assert set(table["kind"]) == {"amt"}


# --- the real pack ---------------------------------------------------------------------------


def test_kiel_is_split_into_city_areas_deterministically(pack) -> None:  # type: ignore[no-untyped-def]
    groups = fairness_groups(pack)
    areas = groups.groups[groups.groups["kind"] == "city_area"]
    assert len(areas) == 10 and areas["name"].is_unique
    assert areas["name"].str.startswith("Kiel-").all()
    assert (groups.groups["kind"] == "amt").sum() == 32  # the 33 Ämter without Kiel
    kiel = pack.cells["ags"].to_numpy() == "01002000"
    assert set(groups.cell_group[kiel]) == set(areas["group_id"])
    # every person in the region's base belongs to exactly one group
    assert groups.groups["population"].sum() == pytest.approx(622_367)
    again = fairness_groups(pack)
    assert (again.cell_group == groups.cell_group).all()


def test_the_real_history(pack) -> None:  # type: ignore[no-untyped-def]
    history = History.from_pack(pack)
    assert history.default_year() == 2026
    last = history.last_visits().set_index("name")
    assert last.loc["Bokhorst-Wankendorf", "last_visit"] == 2023
    assert last.loc["Probstei", "last_visit"] == 2023
    assert last.loc["Preetz, Stadt", "last_visit"] == 2025
    # Kiel's 2022 stops have no location: the city's last visit, no area's
    kiel = last[last["kind"] == "city_area"]
    assert kiel["last_visit"].isna().all() and (kiel["city_last_visit"] == 2022).all()
    assert history.group_weights(2026).loc[last.loc["Preetz, Stadt", "group_id"]] == 0.5
