"""Coverage figures computed by the project from cells and chosen sites (synthetic fixture)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from planner.coverage import (
    cell_coverage,
    compute_coverage,
    coverage_summary,
    municipality_coverage,
)

CELLS = pd.DataFrame(
    {
        "cell_id": ["c1", "c2", "c3", "c4"],
        "ags": ["m1", "m1", "m2", "m3"],
        "district_ags": ["D1", "D1", "D2", "D2"],
        "area_class": ["urban", "urban", "rural", "rural"],
        "population": [1000.0, 500.0, 300.0, 200.0],
        "pop_65plus": [100.0, 50.0, 90.0, np.nan],
        "pop_under18": [200.0, 80.0, 40.0, 30.0],
    }
)
SITES = ["s1", "s2", "s3"]
# minutes from each site (rows) to each cell (columns)
MINUTES = np.array(
    [
        [5.0, 14.0, 40.0, 50.0],
        [30.0, 20.0, 15.0, 16.0],
        [60.0, 60.0, 10.0, 9.0],
    ]
)
MUNIS = pd.DataFrame(
    {
        "ags": ["m1", "m2", "m3", "m4"],
        "name": ["Town", "Village", "Hamlet", "Empty"],
        "district": ["D-one", "D-two", "D-two", "D-two"],
        "area_class": ["urban", "rural", "rural", "rural"],
        "population": [1490, 310, 190, 0],
    }
)


def test_cell_table_and_summary() -> None:
    table = cell_coverage(CELLS, SITES, MINUTES, ["s1", "s2"], threshold_min=15.0)
    assert table["covered"].tolist() == [True, True, True, False]
    assert table["nearest_site_id"].tolist() == ["s1", "s1", "s2", "s2"]
    assert table["minutes_to_nearest"].tolist() == [5.0, 14.0, 15.0, 16.0]
    summary = coverage_summary(table, threshold_min=15.0, district_names={"D1": "One"})
    assert summary.population == 2000.0
    assert summary.covered == 1800.0
    assert summary.share == pytest.approx(0.9)
    by_class = summary.by_area_class.set_index("area_class")
    assert by_class.loc["urban", "share"] == 1.0
    assert by_class.loc["rural", "covered"] == 300.0
    assert by_class.loc["rural", "share"] == pytest.approx(0.6)
    by_district = summary.by_district.set_index("district_ags")
    assert by_district.loc["D1", "district"] == "One"
    assert by_district.loc["D2", "covered"] == 300.0
    assert by_district.loc["D2", "rural_share"] == pytest.approx(0.6)


def test_newly_covered_against_baseline() -> None:
    table = cell_coverage(CELLS, SITES, MINUTES, ["s1", "s3"], baseline=["s2"], threshold_min=15.0)
    # s2 alone covers c3 (15 min); the plan covers c1, c2, c3, c4; new: c1, c2, c4
    assert table["newly_covered"].tolist() == [True, True, False, True]
    summary = coverage_summary(table)
    assert summary.newly_covered == 1700.0
    assert summary.baseline_covered == 300.0


def test_municipality_table() -> None:
    table = cell_coverage(CELLS, SITES, MINUTES, ["s1"], threshold_min=15.0)
    munis = municipality_coverage(table, MUNIS).set_index("ags")
    assert munis.loc["m1", "covered"] == 1500.0
    assert munis.loc["m1", "share"] == 1.0
    assert munis.loc["m1", "mean_minutes"] == pytest.approx((5 * 1000 + 14 * 500) / 1500)
    assert munis.loc["m2", "share"] == 0.0
    assert not munis.loc["m2", "covered_majority"]
    assert np.isnan(munis.loc["m4", "share"])  # no populated cell


def test_no_sites_and_unknown_sites() -> None:
    table = cell_coverage(CELLS, SITES, MINUTES, [], threshold_min=15.0)
    assert not table["covered"].any()
    assert np.isinf(table["minutes_to_nearest"]).all()
    with pytest.raises(KeyError, match="nope"):
        cell_coverage(CELLS, SITES, MINUTES, ["nope"])
    with pytest.raises(ValueError, match="shape"):
        cell_coverage(CELLS, SITES[:2], MINUTES, ["s1"])


def test_compute_coverage_with_precomputed_minutes() -> None:
    pack = SimpleNamespace(
        cells=CELLS,
        municipalities=MUNIS.assign(district_ags=["D1", "D2", "D2", "D2"]),
        sites=pd.DataFrame({"site_id": SITES}),
    )
    report = compute_coverage(pack, ["s3"], threshold_min=10.0, minutes=MINUTES)
    assert report.summary.covered == 500.0  # c3 (10 min) and c4 (9 min)
    assert set(report.summary.by_district["district"]) == {"D-one", "D-two"}
    assert report.summary.as_dict()["share"] == pytest.approx(0.25)


def test_every_figure_of_people_reached_counts_the_same_base() -> None:
    """The season's totals, the coverage figures and the reach module give one number."""
    import geopandas as gpd

    from planner.coverage import map_coverage
    from planner.coverage.reach import LOCAL, people_reached, population_base, reach_matrix
    from planner.data.pack import load_pack
    from planner.season import SeasonConfig
    from planner.season.inputs import season_inputs

    pack = load_pack()
    sites = pack.sites
    kiel = sites[sites["district"] == "Kiel"].head(6)
    inputs = season_inputs(pack, kiel.reset_index(drop=True))
    cfg = SeasonConfig(
        start=pd.Timestamp("2023-07-03").date(),
        end=pd.Timestamp("2023-07-28").date(),
        home_site_id=str(kiel["site_id"].iloc[0]),
        stops_total=2,
        weight_coverage=0.001,
        weight_local=0.002,
        time_limit=10.0,
    )
    plan = inputs.plan(cfg)
    assert plan.feasible and plan.totals["regional_minutes"] == 15.0
    stops = kiel.set_index("site_id").loc[plan.schedule["site_id"]].reset_index()
    stops = gpd.GeoDataFrame(stops, geometry="geometry", crs=sites.crs)
    figures = map_coverage(pack, stops)
    region = figures.figures.set_index("district_ags").loc["region"]
    assert region["reached"] == round(plan.totals["people_regional"])
    local = figures.local.set_index("district_ags").loc["region"]
    assert local["reached"] == round(plan.totals["people_local"])
    xy = np.column_stack([stops.geometry.x, stops.geometry.y])
    reach = reach_matrix(xy, pack.cells[["x", "y"]].to_numpy(float), scale=LOCAL)
    people = pack.cells["population"].to_numpy(float)
    assert plan.totals["people_local"] == people_reached(reach, people, base=population_base(pack))
