"""Seasons marked as run (issue 16): the store's run marks and their migration, the history built
from them, and the multi-season view that visits every Amt within ``k`` seasons."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from types import SimpleNamespace

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, box

from planner.data.tour import empty_past_stops
from planner.history import History, runs_from_store
from planner.scenarios import STORE_VERSION, ScenarioNotFound, ScenarioStore, frame_to_json
from planner.selection.seasons import CoverError, cover_problems, plan_seasons_ahead

CRS = "EPSG:25832"

#: The store's layout before run marks (store version 1), as earlier planners wrote it.
OLD_SCHEMA = """
CREATE TABLE scenarios (
    name TEXT PRIMARY KEY,
    head INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE scenario_revisions (
    name TEXT NOT NULL,
    revision INTEGER NOT NULL,
    schema_version INTEGER NOT NULL,
    saved_at TEXT NOT NULL,
    payload TEXT NOT NULL,
    PRIMARY KEY (name, revision)
);
"""


def plan_payload(pack, site_ids: list[str], *, year: int) -> dict:  # type: ignore[no-untyped-def]
    """A scenario payload whose plan stops at ``site_ids`` (one week each, from July)."""
    sites = pack.sites.set_index("site_id").loc[site_ids]
    start = pd.Timestamp(f"{year}-07-01")
    schedule = pd.DataFrame(
        {
            "stop": range(1, len(site_ids) + 1),
            "site_id": site_ids,
            "name": sites["name"].astype(str).to_numpy(),
            "start": [(start + pd.Timedelta(weeks=i)).date() for i in range(len(site_ids))],
            "end": [(start + pd.Timedelta(weeks=i, days=5)).date() for i in range(len(site_ids))],
            "x": sites.geometry.x.to_numpy(float),
            "y": sites.geometry.y.to_numpy(float),
        }
    )
    return {"plan": {"status": "feasible", "schedule": frame_to_json(schedule)}}


def never_visited_site(pack) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """A site in an Amt the known history never visited: (site_id, amt_ars)."""
    last = History.from_pack(pack).last_visits()
    never = set(last.loc[(last["kind"] == "amt") & last["last_visit"].isna(), "amt_ars"])
    amt_of = pack.municipalities.set_index("ags")["amt_ars"].astype(str)
    site_amt = pack.sites["ags"].astype(str).map(amt_of)
    pick = pack.sites[site_amt.isin(never)].iloc[0]
    return str(pick["site_id"]), str(amt_of[str(pick["ags"])])


# --- the store's run marks --------------------------------------------------------------------


def test_marking_a_scenario_as_run_lowers_its_amt(pack, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    site_id, amt = never_visited_site(pack)
    store = ScenarioStore(tmp_path / "s.sqlite")
    store.save("Saison 2026", plan_payload(pack, [site_id], year=2026))
    before = History.from_pack(pack, runs=runs_from_store(store, pack))
    assert before.group_weights(2027)[amt] == 1.0  # saved only: not part of the history

    info = store.mark_run("Saison 2026", 2026)
    assert (info.run_year, info.run_revision) == (2026, 1)
    runs = runs_from_store(store, pack)
    assert [(r.season, len(r.stops)) for r in runs] == [(2026, 1)]
    assert runs[0].stops["start"].tolist() == ["2026-07-01"]
    after = History.from_pack(pack, runs=runs)
    assert after.group_weights(2027)[amt] == 0.5  # last season: counts half
    assert after.group_weights(2028)[amt] == 0.75
    table = after.group_table(2027).set_index("group_id")
    assert table.loc[amt, "last_visit"] == 2026 and table.loc[amt, "visits"] == 1
    assert after.visited_since(2026)[amt] and not before.visited_since(2026)[amt]

    assert store.unmark_run("Saison 2026") and not store.unmark_run("Saison 2026")
    assert runs_from_store(store, pack) == []


def test_a_run_keeps_the_revision_that_was_run(pack, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    site_id, _ = never_visited_site(pack)
    other = str(pack.sites["site_id"].iloc[0])
    store = ScenarioStore(tmp_path / "s.sqlite")
    store.save("Plan", plan_payload(pack, [site_id], year=2026))
    store.mark_run("Plan", 2026)
    store.save("Plan", plan_payload(pack, [other], year=2027))  # edited after the season
    (run,) = runs_from_store(store, pack)
    assert run.stops["site_id"].tolist() == [site_id]
    assert [i.run_revision for i in store.runs()] == [1]


def test_run_marks_are_checked_and_go_with_the_scenario(tmp_path: Path) -> None:
    store = ScenarioStore(tmp_path / "s.sqlite")
    with pytest.raises(ScenarioNotFound):
        store.mark_run("nirgends", 2026)
    store.save("a", {})
    with pytest.raises(ValueError, match="1900"):
        store.mark_run("a", 26)
    with pytest.raises(ScenarioNotFound):
        store.mark_run("a", 2026, revision=7)
    store.mark_run("a", 2025)
    store.mark_run("a", 2026)  # marked again: the year is replaced
    assert [(i.name, i.run_year) for i in store.list()] == [("a", 2026)]
    store.delete("a")
    store.save("a", {})
    assert store.list()[0].run_year is None


def test_runs_from_store_ignores_scenarios_without_a_plan(pack, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    site_id, _ = never_visited_site(pack)
    store = ScenarioStore(tmp_path / "s.sqlite")
    store.save("ohne Plan", {"weights": {"people": 1.0}})
    store.save("leerer Plan", {"plan": {"status": "infeasible", "schedule": None}})
    store.save("mit Plan", plan_payload(pack, [site_id], year=2024))
    for name in ("ohne Plan", "leerer Plan", "mit Plan"):
        store.mark_run(name, 2024)
    runs = runs_from_store(store, pack)
    assert [r.source for r in runs] == ["scenario:mit Plan"]


def test_an_old_store_file_is_read_and_migrated(pack, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "old.sqlite"
    site_id, _ = never_visited_site(pack)
    payload = json.dumps({"schema_version": 1, "data": plan_payload(pack, [site_id], year=2024)})
    with sqlite3.connect(db) as con:
        con.executescript(OLD_SCHEMA)
        con.execute("INSERT INTO scenarios VALUES ('Alt', 1, '2024-01-01', '2024-01-01')")
        con.execute(
            "INSERT INTO scenario_revisions VALUES ('Alt', 1, 1, '2024-01-01', ?)", (payload,)
        )
    con.close()
    before = db.read_bytes()
    store = ScenarioStore(db)
    (info,) = store.list()  # read as it is: no marks, nothing written
    assert (info.name, info.run_year, info.run_revision) == ("Alt", None, None)
    assert store.runs() == [] and runs_from_store(store, pack) == []
    assert db.read_bytes() == before

    store.mark_run("Alt", 2024)  # the first write adds the runs table
    with sqlite3.connect(db) as con:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        version = con.execute("PRAGMA user_version").fetchone()[0]
    con.close()
    assert "scenario_runs" in tables and version == STORE_VERSION
    assert store.load("Alt").data == json.loads(payload)["data"]  # the scenario is untouched
    assert [(r.season, r.source) for r in runs_from_store(store, pack)] == [(2024, "scenario:Alt")]


# --- several seasons ahead ---------------------------------------------------------------------


def row_pack(districts: list[str], *, sites_per_amt: int = 2) -> SimpleNamespace:
    """Ämter side by side (10 km squares, one municipality each, in the given districts), one
    populated cell each, ``sites_per_amt`` sites 2 km apart in each."""
    n = len(districts)
    ags = [f"01999{i:03d}" for i in range(1, n + 1)]
    munis = gpd.GeoDataFrame(
        {
            "ags": ags,
            "name": [f"Ort {i}" for i in range(n)],
            "amt_ars": [f"0199900{i:02d}" for i in range(1, n + 1)],
            "amt": [f"Amt {i}" for i in range(n)],
            "district": districts,
            "population": [1000 + 100 * i for i in range(n)],
            "urbanisation": 3,
            "midpoint_x": [5000.0 + 10_000 * i for i in range(n)],
            "midpoint_y": 5000.0,
        },
        geometry=[box(10_000 * i, 0, 10_000 * (i + 1), 10_000) for i in range(n)],
        crs=CRS,
    )
    cells = gpd.GeoDataFrame(
        {
            "ags": ags,
            "population": munis["population"].to_numpy(),
            "in_region": True,
            "area_class": "rural",
            "x": munis["midpoint_x"].to_numpy(),
            "y": 5000.0,
        },
        geometry=[box(4500 + 10_000 * i, 4500, 5500 + 10_000 * i, 5500) for i in range(n)],
        crs=CRS,
    )
    rows = [(i, s) for i in range(n) for s in range(sites_per_amt)]
    sites = gpd.GeoDataFrame(
        {
            "site_id": [f"s{i}_{s}" for i, s in rows],
            "name": [f"Ort {i} Stelle {s}" for i, s in rows],
            "ags": [ags[i] for i, _ in rows],
            "municipality": [f"Ort {i}" for i, _ in rows],
            "district": [districts[i] for i, _ in rows],
            "area_class": "rural",
            "kind": "centre",
        },
        geometry=[Point(5000 + 10_000 * i, 5000 + 2000 * s) for i, s in rows],
        crs=CRS,
    )
    return SimpleNamespace(
        municipalities=munis,
        cells=cells,
        sites=sites,
        history=empty_past_stops(CRS),
        crs=CRS,
    )


def test_seasons_ahead_visit_every_amt_within_k_seasons() -> None:
    pack = row_pack(["Nord", "Nord", "Nord", "Süd", "Süd"])
    plan = plan_seasons_ahead(
        pack, seasons=3, per_season=2, quotas={"Nord": 1, "Süd": 1}, first_year=2026
    )
    assert plan.years == (2026, 2027, 2028) and plan.status == "optimal"
    chosen = [site for season in plan.seasons for site in season]
    assert all(len(season) == 2 for season in plan.seasons)
    assert len(chosen) == len(set(chosen))  # each place once
    sites = pack.sites.set_index("site_id")
    amt_of = pack.municipalities.set_index("ags")["amt_ars"]
    visited = set(sites.loc[chosen, "ags"].map(amt_of))
    assert visited == set(pack.municipalities["amt_ars"])  # every Amt, from the result
    for season in plan.seasons:  # the quotas hold in every season
        assert sorted(sites.loc[list(season), "district"]) == ["Nord", "Süd"]
    assert plan.amt_visits["season"].notna().all()
    assert set(plan.amt_visits["season"]) <= set(plan.years)


def test_seasons_ahead_say_when_k_is_too_small() -> None:
    pack = row_pack(["Nord", "Nord", "Nord", "Süd", "Süd"])
    # counting: 5 Ämter, 2 stops × 2 seasons; Nord 3 Ämter, 1 stop × 2 seasons
    with pytest.raises(CoverError) as err:
        plan_seasons_ahead(pack, seasons=2, per_season=2, quotas={"Nord": 1, "Süd": 1})
    kinds = {(p.kind, p.district, p.amter) for p in err.value.problems}
    assert kinds == {("district", "Nord", 3), ("total", "", 5)}
    assert "Nord hat 3 Ämter" in err.value.message("de")
    assert "Nord has 3 Ämter" in err.value.message("en")
    assert cover_problems(pack, seasons=3, per_season=2, quotas={"Nord": 1, "Süd": 1}) == []
    # counting finds nothing, the solver proves it: Nord's quota fills every stop, Süd gets none
    with pytest.raises(CoverError) as err:
        plan_seasons_ahead(pack, seasons=3, per_season=2, quotas={"Nord": 2}, time_limit=20)
    assert [p.kind for p in err.value.problems] == ["solver"]
    assert "proven by SCIP" in str(err.value)
