"""Scoring: criteria from a synthetic pack, normalisation, breakdown, comparison, sensitivity."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point

from planner.scoring import (
    CRITERIA,
    DEFAULT_WEIGHTS,
    compare_sites,
    compute_criteria,
    explain_site,
    score_sites,
    weight_sensitivity,
)

CRS = "EPSG:25832"


@pytest.fixture()
def toy_pack() -> SimpleNamespace:
    cells = gpd.GeoDataFrame(
        {
            "cell_id": ["c1", "c2", "c3", "c4"],
            "population": [1000, 400, 300, 100],
            "pop_65plus": [100.0, 120.0, 90.0, 0.0],
            "pop_under18": [200.0, 50.0, 60.0, 10.0],
            "area_class": ["urban", "rural", "rural", "rural"],
            "x": [0.0, 3000.0, 6000.0, 20000.0],
            "y": [0.0, 0.0, 0.0, 0.0],
        },
        geometry=[Point(0, 0), Point(3000, 0), Point(6000, 0), Point(20000, 0)],
        crs=CRS,
    )
    stops = gpd.GeoDataFrame(
        {"stop_id": ["t1", "t2", "t3"], "is_rail": [True, False, False]},
        geometry=[Point(100, 0), Point(200, 0), Point(5900, 0)],
        crs=CRS,
    )
    sites = gpd.GeoDataFrame(
        {
            "site_id": ["a", "b", "c"],
            "name": ["Alpha", "Beta", "Gamma"],
            "district": ["K", "P", "P"],
            "area_class": ["urban", "rural", "rural"],
            "kind": ["centre", "centre", "school"],
            "power": ["yes", "unknown", "no"],
            "space_m2": [np.nan, 200.0, 100.0],
            "visibility": ["high", "low", "unknown"],
            "available_from": ["2024-01-01", "", "2024-06-01"],
            "available_to": ["2024-12-31", "", "2024-06-30"],
        },
        geometry=[Point(0, 0), Point(3000, 0), Point(6000, 0)],
        crs=CRS,
    )
    return SimpleNamespace(cells=cells, transit_stops=stops, sites=sites)


# car minutes site × cell: a reaches c1, c2; b reaches c1, c2, c3; c reaches c3
MINUTES = np.array([[2.0, 10.0, 20.0, 40.0], [10.0, 2.0, 12.0, 30.0], [20.0, 16.0, 2.0, 25.0]])


@pytest.fixture()
def criteria(toy_pack: SimpleNamespace):  # type: ignore[no-untyped-def]
    return compute_criteria(
        toy_pack,
        minutes=MINUTES,
        threshold_min=15.0,
        reference_site_ids=["a"],
        season=(date(2024, 5, 1), date(2024, 9, 30)),
        compare_within="region",  # the region-wide normalisation these tests spell out
    )


def test_raw_criteria(criteria) -> None:  # type: ignore[no-untyped-def]
    raw = criteria.raw
    assert raw.loc["a", "pop_car"] == 1400
    assert raw.loc["b", "pop_car"] == 1700
    assert raw.loc["c", "pop_car"] == 300
    assert raw.loc["b", "pop65_car"] == pytest.approx(310.0)
    assert raw.loc["a", "pop_u18_car"] == pytest.approx(250.0)
    assert raw.loc["b", "rural_share"] == pytest.approx(700 / 1700)
    assert raw.loc["a", "rural_share"] == pytest.approx(400 / 1400)
    assert raw.loc["a", "pop_walk"] == 1000  # only its own cell within 1 km
    assert raw.loc["a", "gap_km"] == 0.0
    assert raw.loc["c", "gap_km"] == pytest.approx(6.0)
    assert raw.loc["a", "transit_stops"] == 2 and raw.loc["c", "transit_stops"] == 1
    assert raw.loc["a", "rail"] == 1.0 and raw.loc["c", "rail"] == 0.0


def test_facts_and_unknowns(criteria) -> None:  # type: ignore[no-untyped-def]
    d, n, u = criteria.display, criteria.normalised, criteria.unknown
    assert d.loc["b", "power"] == "unknown" and u.loc["b", "power"]
    assert n.loc["b", "power"] == 0.5 and n.loc["a", "power"] == 1.0 and n.loc["c", "power"] == 0.0
    assert d.loc["a", "space"] == "unknown" and n.loc["a", "space"] == 0.5
    assert n.loc["b", "space"] == 1.0 and n.loc["c", "space"] == 0.0
    assert d.loc["c", "visibility"] == "unknown"
    assert d.loc["b", "availability"] == "unknown"
    assert n.loc["a", "availability"] == 1.0  # spans the season
    assert n.loc["c", "availability"] == 0.0  # June only
    assert not u.loc["a", "pop_car"]


def test_minmax_normalisation_is_transparent(criteria) -> None:  # type: ignore[no-untyped-def]
    n = criteria.normalised
    assert n.loc["b", "pop_car"] == 1.0 and n.loc["c", "pop_car"] == 0.0
    assert n.loc["a", "pop_car"] == pytest.approx((1400 - 300) / (1700 - 300))
    assert ((n >= 0) & (n <= 1)).all().all()


def test_score_is_weighted_mean_and_breaks_down(criteria) -> None:  # type: ignore[no-untyped-def]
    ranking = score_sites(criteria, {"pop_car": 1.0})
    assert ranking["site_id"].tolist() == ["b", "a", "c"]
    assert ranking["score"].tolist() == pytest.approx([100.0, 100 * 1100 / 1400, 0.0])
    full = score_sites(criteria, DEFAULT_WEIGHTS)
    pts = full[[f"pts_{k}" for k in CRITERIA]].sum(axis=1)
    assert pts.to_numpy() == pytest.approx(full["score"].to_numpy())
    # rural weight only: c reaches only rural people
    assert score_sites(criteria, {"rural_share": 1})["site_id"].tolist() == ["c", "b", "a"]


def test_weight_change_reranks_without_recomputing(criteria) -> None:  # type: ignore[no-untyped-def]
    before = score_sites(criteria, {"pop_car": 1.0})["site_id"].tolist()
    after = score_sites(criteria, {"gap_km": 1.0})["site_id"].tolist()
    assert before[0] == "b" and after[0] == "c"


def test_invalid_weights(criteria) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(KeyError, match="nonsense"):
        score_sites(criteria, {"nonsense": 1.0})
    with pytest.raises(ValueError):
        score_sites(criteria, {"pop_car": 0.0})
    with pytest.raises(ValueError):
        score_sites(criteria, {"pop_car": -1.0})


def test_explain_site(criteria) -> None:  # type: ignore[no-untyped-def]
    explanation = explain_site(criteria, {"pop_car": 4.0, "power": 1.0}, "a")
    assert explanation.rank == 2
    assert explanation.parts["points"].sum() == pytest.approx(explanation.score)
    english = [m.text("en") for m in explanation.text]
    german = [m.text("de") for m in explanation.text]
    assert english[0].startswith("Alpha is ranked 2nd of 3")
    assert german[0].startswith("Alpha steht auf Platz 2 von 3")
    assert any(line.startswith("Behind Beta") for line in english)
    assert any(line.startswith("Hinter Beta") for line in german)
    assert any(line.startswith("Ahead of Gamma") for line in english)
    assert any(line.startswith("Vor Gamma") for line in german)
    assert english[1].startswith("Largest contributions: People reached (car)")
    assert german[1].startswith("Größte Beiträge: Einwohner erreicht (Auto)")
    # numbers in the language's notation: the score has a decimal comma in German
    score_de = f"{explanation.score:.1f}".replace(".", ",")
    assert f"mit {score_de} von 100 Punkten" in german[0]
    b = explain_site(criteria, {"pop_car": 4.0, "power": 1.0}, "b")
    b_en = [m.text("en") for m in b.text]
    b_de = [m.text("de") for m in b.text]
    assert any("Unknown facts" in line and "Mains power" in line for line in b_en)
    assert any("Unbekannte Angaben" in line and "Stromanschluss" in line for line in b_de)
    with pytest.raises(KeyError, match="zzz"):
        explain_site(criteria, DEFAULT_WEIGHTS, "zzz")


def test_compare_sites(criteria) -> None:  # type: ignore[no-untyped-def]
    cmp = compare_sites(criteria, ["a", "c"], weights={"pop_car": 1.0})
    ex = cmp.exclusive.set_index("site_id")
    assert ex.loc["a", "only_this_car"] == 1400  # c reaches only c3
    assert ex.loc["c", "only_this_car"] == 300
    assert ex.loc["c", "only_this_car_rural"] == 300
    assert cmp.overlap.loc["a", "c"] == 0
    assert cmp.criteria.loc["Rank", "a"] == 2
    assert (
        cmp.text[1]
        .text("en")
        .endswith("300 of them (of which 300 rural) are reached by none of the others.")
    )
    assert "300 davon (300 im ländlichen Raum)" in cmp.text[1].text("de")
    three = compare_sites(criteria, ["a", "b", "c"])
    ex3 = three.exclusive.set_index("site_id")
    assert ex3.loc["b", "only_this_car"] == 0  # everything b reaches, a or c reach too
    assert three.overlap.loc["a", "b"] == 1400
    with pytest.raises(ValueError):
        compare_sites(criteria, ["a"])
    with pytest.raises(ValueError):
        compare_sites(criteria, ["a", "a"])


def test_weight_sensitivity(criteria) -> None:  # type: ignore[no-untyped-def]
    report = weight_sensitivity(criteria, {"pop_car": 1.0}, top_n=1, n_random=20)
    # a single criterion: scaling its weight never changes the order
    assert report.stable_top == ["b"] and report.base_top == ["b"]
    assert (report.sites["best_rank"] == report.sites["worst_rank"]).all()
    close = weight_sensitivity(
        criteria, {"pop_car": 1.0, "gap_km": 0.9}, top_n=1, change=0.2, n_random=50
    )
    row = close.sites.set_index("site_id")
    # pop_car vs gap_km nearly balanced: the leader changes under ±20 %
    assert row["best_rank"].min() == 1
    assert row.loc[close.base_top[0], "share_top_n"] < 1.0 or len(close.stable_top) == 1
    assert close.scenarios == 1 + 4 + 50


def test_rank_normalisation(toy_pack: SimpleNamespace) -> None:
    ranked = compute_criteria(toy_pack, minutes=MINUTES, method="rank", compare_within="region")
    assert ranked.normalised["pop_car"].tolist() == [0.5, 1.0, 0.0]
    assert ranked.display.loc["a", "gap_km"] == "no stop yet"
    with pytest.raises(ValueError):
        compute_criteria(toy_pack, minutes=MINUTES, method="zscore")


def test_region_pack_criteria(pack) -> None:  # type: ignore[no-untyped-def]
    criteria = compute_criteria(pack)
    total = float(pack.cells["population"].sum())
    assert len(criteria.raw) == len(pack.sites)
    assert (criteria.raw["pop_car"] <= total).all()
    assert (criteria.raw["pop65_car"] <= criteria.raw["pop_car"]).all()
    assert criteria.raw["pop_car"].max() > 100_000  # Kiel
    ranking = score_sites(criteria, DEFAULT_WEIGHTS)
    assert ranking["rank"].min() == 1 and len(ranking) == len(pack.sites)


def test_extreme_space_values_never_give_nan_scores_or_bogus_ranks(
    toy_pack: SimpleNamespace,
) -> None:
    # Issue 14 item 15: 1e308 and -1e308 in one file made the spread overflow to inf, the score
    # NaN and the rank -2**63 ("first"); inf must count as unknown (neutral), not break the rest.
    toy_pack.sites["space_m2"] = [1e308, -1e308, np.inf]
    crit = compute_criteria(toy_pack, minutes=MINUTES, threshold_min=15.0)
    space = crit.normalised["space"]
    assert (space["a"], space["b"], space["c"]) == (1.0, 0.0, 0.5)
    assert crit.unknown.loc["c", "space"]
    ranking = score_sites(crit, {"space": 1.0, "pop_car": 1.0})
    assert np.isfinite(ranking["score"]).all()
    assert ranking["rank"].between(1, len(ranking)).all()
    assert ranking["site_id"].iloc[0] == "a"  # the largest space and a large catchment


def test_nan_in_normalised_criteria_is_neutral_and_ranks_last_never_first(
    criteria,  # type: ignore[no-untyped-def]
) -> None:
    criteria.normalised.loc["c", "pop_car"] = np.nan  # e.g. a stored or hand-built criteria set
    ranking = score_sites(criteria, {"pop_car": 1.0})
    assert np.isfinite(ranking["score"]).all()
    assert ranking.set_index("site_id").loc["c", "score"] == pytest.approx(50.0)
    assert sorted(ranking["rank"]) == [1, 2, 3]
    sens = weight_sensitivity(criteria, {"pop_car": 1.0}, n_random=5)
    assert sens.sites["base_rank"].between(1, 3).all()


def test_huge_weights_keep_their_ratio(criteria) -> None:  # type: ignore[no-untyped-def]
    # Their sum overflowed to inf, every share became 0 and every score 0.
    small = score_sites(criteria, {"pop_car": 1.0, "rail": 1.0})
    huge = score_sites(criteria, {"pop_car": 1e308, "rail": 1e308})
    assert huge["score"].tolist() == pytest.approx(small["score"].tolist())
    assert huge["score"].max() > 0


# --- issue 16: comparable groups, local reach, pull, recency ------------------------------------


def test_people_criteria_compare_within_the_district(toy_pack: SimpleNamespace) -> None:
    crit = compute_criteria(toy_pack, minutes=MINUTES, threshold_min=15.0)
    n = crit.normalised
    # a is the only site of district K: the best there; b the best of P, c a share of b
    assert n.loc["a", "pop_car"] == 1.0 and n.loc["b", "pop_car"] == 1.0
    assert n.loc["c", "pop_car"] == pytest.approx(300 / 1700)
    assert crit.params["compare_within"] == "district"
    with pytest.raises(ValueError, match="compare_within"):
        compute_criteria(toy_pack, minutes=MINUTES, compare_within="amt")


def test_local_reach_pull_and_recency_are_criteria(toy_pack: SimpleNamespace) -> None:
    crit = compute_criteria(toy_pack, minutes=MINUTES, compare_within="region")
    raw = crit.raw
    # 2 km around each site: a holds c1 only, b holds c2, c holds c3
    assert raw["pop_local"].tolist() == [1000, 400, 300]
    # a has two stops within 500 m and a rail stop; c one stop; b none
    assert raw.loc["a", "pull"] > raw.loc["c", "pull"] > raw.loc["b", "pull"]
    # used on their own 0..1 scale, not stretched
    assert crit.normalised["pull"].tolist() == pytest.approx(raw["pull"].tolist())
    assert (raw["recency"] == 1.0).all() and crit.sites["last_visit"].isna().all()  # no history
    ranking = score_sites(crit, {"pull": 1.0})
    assert ranking["site_id"].tolist() == ["a", "c", "b"]


def test_default_ranking_spreads_across_districts(pack) -> None:  # type: ignore[no-untyped-def]
    crit = compute_criteria(pack)
    ranking = score_sites(crit, DEFAULT_WEIGHTS)
    top = ranking.head(10)
    assert set(top["district"]) != {"Kiel"}  # issue 16: Kiel took every first place
    assert ranking.head(30)["district"].nunique() == 3
    # by the car criterion alone, region-wide, Kiel still takes the first places
    region = compute_criteria(pack, compare_within="region")
    assert set(score_sites(region, {"pop_car": 1.0}).head(10)["district"]) == {"Kiel"}
