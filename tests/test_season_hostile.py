"""Hostile inputs and time limits for the season planner and its configuration (issue 14).

Items 9 (one deadline), 10 ("infeasible" only when proven), 11 (honest status), 16/17 (config
validation) and 18 (exit codes of ``season plan``). No test measures seconds: the deadline is
checked structurally with a fake clock and a recording CP-SAT solver.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from ortools.sat.python import cp_model

from planner.cli.season import register_season_cli
from planner.season import (
    Booking,
    ConfigError,
    SeasonConfig,
    cpsat,
    decomposition,
    diagnosis,
    plan_season,
    planning,
)
from planner.season import outcome as plan_outcome
from planner.season.config import (
    load_season_config,
    load_sites,
    parse_season_config,
    season_config_from_values,
)
from tests.test_season import assert_valid, base_config, make_sites

D = dt.date


@pytest.fixture(scope="module")
def region() -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    return make_sites()


# ---------------------------------------------------------------------- fake clock, solver
class FakeClock:
    """A clock that only moves when a solver 'uses' its budget."""

    def __init__(self) -> None:
        self.now = 1000.0

    def perf_counter(self) -> float:
        return self.now


def install_solver(
    monkeypatch: pytest.MonkeyPatch,
    *,
    clock: FakeClock | None = None,
    outcome: Callable[[int], int] | None = None,
    fake_wall: float | None = None,
) -> list[tuple[float, float]]:
    """Replace CP-SAT's solver of the season planner by one that records (start, budget).

    With ``clock``, every solve consumes its whole budget on the fake clock (the worst case);
    ``outcome`` maps the real status to the one reported; ``fake_wall`` fakes the wall time.
    """
    calls: list[tuple[float, float]] = []

    class Recording(cp_model.CpSolver):  # type: ignore[misc]
        def solve(self, model: Any, *args: Any, **kwargs: Any) -> Any:
            budget = float(self.parameters.max_time_in_seconds)
            calls.append((clock.now if clock else 0.0, budget))
            status = super().solve(model, *args, **kwargs)
            if clock is not None:
                clock.now += budget
            return outcome(status) if outcome else status

        if fake_wall is not None:
            wall_time = property(lambda self: fake_wall)  # type: ignore[assignment]

    proxy = types.SimpleNamespace(**vars(cp_model))
    proxy.CpSolver = Recording
    monkeypatch.setattr(cpsat, "cp_model", proxy)  # the one place that runs CP-SAT
    if clock is not None:
        fake_time = types.SimpleNamespace(perf_counter=clock.perf_counter)
        for module in (planning, decomposition, diagnosis, plan_outcome):  # every deadline check
            monkeypatch.setattr(module, "time", fake_time)
    return calls


# ---------------------------------------------------------------------- item 9
def test_one_deadline_bounds_search_and_diagnosis(region, monkeypatch) -> None:
    sites, minutes, km = region
    clock = FakeClock()
    calls = install_solver(monkeypatch, clock=clock)
    # Kiel's sites are all urban: two Kiel stops and an all-rural season cannot both hold,
    # so the search proves infeasibility and the diagnosis runs
    cfg = base_config(min_rural_share=1.0, time_limit=2.0)
    deadline = clock.now + cfg.time_limit
    plan = plan_season(sites, minutes, config=cfg, km=km)
    assert plan.status in ("infeasible", "time_limit")
    assert len(calls) > 1  # the diagnosis solved something
    for start, budget in calls:
        assert start <= deadline  # no solve starts after the deadline
        assert start + budget <= deadline + 1e-9  # and none may run past it


def test_no_plan_in_time_is_not_called_infeasible(region, monkeypatch) -> None:
    sites, minutes, km = region
    install_solver(monkeypatch, outcome=lambda _status: cp_model.UNKNOWN)
    plan = plan_season(sites, minutes, config=base_config(time_limit=3.0), km=km)
    assert plan.status == "time_limit"
    assert not plan.feasible
    assert plan.diagnosis == []  # no rule is blamed without proof
    assert plan.explain("en").startswith("No plan found within the time limit of 3 s")
    assert "infeasible" not in plan.explain("en")
    assert plan.explain("de").startswith("Kein Plan innerhalb des Zeitlimits von 3 s")


# ---------------------------------------------------------------------- item 10
def test_overlapping_bookings_name_both(region) -> None:
    sites, minutes, km = region
    cfg = base_config(
        bookings=(Booking("Kie1", D(2023, 8, 7)), Booking("Plö1", D(2023, 8, 9))), time_limit=10
    )
    plan = plan_season(sites, minutes, config=cfg, km=km)
    assert plan.status == "infeasible"
    assert [d.rule for d in plan.diagnosis] == ["booking[Kie1] + booking[Plö1]"]
    text = plan.diagnosis[0].text("en")
    assert "booking Kie1 (2023-08-07 to 2023-08-11)" in text and "booking Plö1" in text
    assert plan.diagnosis[0].rule_text("de") == "Buchung Kie1 + Buchung Plö1"


def test_stays_longer_than_the_season_name_stay_days_only(region) -> None:
    sites, minutes, km = region
    plan = plan_season(sites, minutes, config=base_config(stay_days=200), km=km)
    assert plan.status == "infeasible"
    assert [d.rule for d in plan.diagnosis] == ["stay_days"]
    assert "stays of 200 open days do not fit into the season" in plan.diagnosis[0].text("en")


def test_relocation_days_beyond_the_season_name_relocation(region) -> None:
    sites, minutes, km = region
    plan = plan_season(sites, minutes, config=base_config(relocation_days=60), km=km)
    assert plan.status == "infeasible"
    assert [d.rule for d in plan.diagnosis] == ["relocation_days"]
    assert "60 relocation day(s)" in plan.diagnosis[0].text("en")


def test_more_stops_than_operating_days_name_the_season_length(region) -> None:
    sites, minutes, km = region
    cfg = base_config(end=D(2023, 7, 21), stay_days=5)  # 15 operating days, 6 stops of 5
    plan = plan_season(sites, minutes, config=cfg, km=km)
    assert [d.rule for d in plan.diagnosis] == ["season_length"]
    assert "need at least 30 operating days" in plan.diagnosis[0].text("en")


def test_ten_year_season_is_planned(region) -> None:
    sites, minutes, km = region
    cfg = base_config(
        end=D(2032, 10, 29),
        district_quotas={"Kiel": 4, "Plön": 4, "Rendsburg-Eckernförde": 4},
        municipality_gap_days=14,
        time_limit=60,
    )
    plan = plan_season(sites, minutes, config=cfg, km=km)
    assert plan.feasible, plan.explain("en")
    assert_valid(plan, cfg, minutes, sites)


@pytest.mark.parametrize(
    ("setting", "value", "key"),
    [
        ("relocation_days", 10**12, "season.relocation_days"),
        ("stay_days", 10**6, "season.stay_days"),
        ("weight_score", 1e300, "weights.score"),
        ("weight_tow", -1e18, "weights.tow"),
        ("weight_coverage", float("nan"), "weights.coverage"),
        ("time_limit", float("inf"), "season.time_limit"),
        ("start", D(1, 1, 1), "season.start"),
        ("end", D(9999, 12, 31), "season.end"),
        ("district_quotas", {"Plön": float("nan")}, "quotas.Plön"),
        ("operating_weekdays", (), "season.operating_weekdays"),
    ],
)
def test_absurd_numbers_are_config_errors(setting: str, value: object, key: str) -> None:
    with pytest.raises(ConfigError) as info:
        base_config(**{setting: value})
    assert info.value.key == key


# ---------------------------------------------------------------------- item 11
def test_status_says_what_ended_the_search(region, monkeypatch) -> None:
    sites, minutes, km = region
    plan = plan_season(sites, minutes, config=base_config(), km=km)
    assert plan.totals["stop_reason"] == "optimal"
    assert plan.status_text("de").startswith("optimal (bewiesen)")
    # a solution when the solver's time ran out
    install_solver(
        monkeypatch,
        outcome=lambda s: cp_model.FEASIBLE if s == cp_model.OPTIMAL else s,
        fake_wall=1e9,
    )
    plan = plan_season(sites, minutes, config=base_config(), km=km)
    assert (plan.status, plan.totals["stop_reason"]) == ("feasible", "time_limit")
    assert "Zeitlimit von 10 s erreicht" in plan.status_text("de")


def test_status_of_a_search_stopped_early_does_not_claim_the_time_limit(
    region, monkeypatch
) -> None:
    sites, minutes, km = region
    install_solver(
        monkeypatch,
        outcome=lambda s: cp_model.FEASIBLE if s == cp_model.OPTIMAL else s,
        fake_wall=0.01,
    )
    plan = plan_season(sites, minutes, config=base_config(), km=km)
    assert (plan.status, plan.totals["stop_reason"]) == ("feasible", "stopped")
    assert "Zeitlimit" not in plan.status_text("de")
    assert "stopped without improvement" in plan.status_text("en")


# ---------------------------------------------------------------------- items 16, 17
GOOD = "[season]\nstart = 2023-07-03\nend = 2023-10-27\nhome = 'home'\n"


@pytest.mark.parametrize(
    ("extra", "key"),
    [
        ("blackout_dates = ['2023-08-01..9999-12-31']\n", "season.blackout_dates[0]"),
        ("blackout_dates = [{ date = 2023-08-01, until = 9999-12-31 }]\n", "until"),
        ("public_holidays = 'no'\n", "season.public_holidays"),
        ("relocation_days = 1000000000000\n", "season.relocation_days"),
        ("stay_days = 200.5\n", "season.stay_days"),
        ("time_limit = nan\n", "season.time_limit"),
        ("max_tow_minutes = inf\n", "season.max_tow_minutes"),
        ("blackout_dates = 5\n", "season.blackout_dates"),
        ("blackout_dates = [[1]]\n", "season.blackout_dates[0]"),
        ("must_include = 'x'\n", "season.must_include"),
        ("[weights]\ncoverage = inf\n", "weights.coverage"),
        ("[weights]\nscore = nan\n", "weights.score"),
        ("[weights]\ntow = -1e18\n", "weights.tow"),
        ("[weights]\nscore = 1e300\n", "weights.score"),
        ("[criteria]\npop_car = nan\n", "criteria.pop_car"),
        ("[data]\ncoverage_minutes = -5\n", "data.coverage_minutes"),
        ("[data]\ncoverage_minutes = nan\n", "data.coverage_minutes"),
        ("[data]\ncoverage_minutes = 'abc'\n", "data.coverage_minutes"),
        ("[data]\nscore_column = 'name'\n", "data.score_column"),
        ("[data]\nsites = 5\n", "data.sites"),
        ("[data]\nsite = 'x.csv'\n", "data.site"),
        ("[quotas]\nKiel = nan\n", "quotas.Kiel"),
        ("[quotas]\nKiel = 1e30\n", "quotas.Kiel"),
        ("[[bookings]]\nsite = 'x'\nstart = 9999-12-31\n", "bookings[0].start"),
        ("[[bookings]]\nsite = 'x'\nstart = 2023-08-01\nuntil = 1\n", "bookings[0].until"),
    ],
)
def test_hostile_config_values_are_named(tmp_path: Path, extra: str, key: str) -> None:
    text = GOOD + extra
    f = tmp_path / "s.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_season_config(f)
    assert key in info.value.key
    assert info.value.message("de").startswith(f"Einstellung {info.value.key}")


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        (
            {"season": {"start": "2023-07-03", "end": "2023-10-27", "home": "h"}, "bookings": 5},
            "bookings",
        ),
        ({"season": {"start": "0001-01-01", "end": "2023-10-27", "home": "h"}}, "season.start"),
        ({"season": {"start": "2023-07-03", "end": "9999-12-31", "home": "h"}}, "season.end"),
        ({"season": {"start": "2023-07-03", "end": "2023-10-27", "home": 5}}, "season.home"),
    ],
)
def test_hostile_documents_are_named(raw: dict[str, Any], key: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_season_config(raw)
    assert info.value.key == key


def test_german_dates_in_the_file_and_the_form(tmp_path: Path) -> None:
    f = tmp_path / "s.toml"
    f.write_text(
        "[season]\nstart = '03.07.2023'\nend = '27.10.2023'\nhome = 'home'\n"
        "blackout_dates = ['01.08.2023..03.08.2023']\n",
        encoding="utf-8",
    )
    cfg = load_season_config(f).config
    assert (cfg.start, cfg.end) == (D(2023, 7, 3), D(2023, 10, 27))
    assert sorted(cfg.blackout_dates) == [D(2023, 8, 1), D(2023, 8, 2), D(2023, 8, 3)]
    sites, _, _ = make_sites()
    form = {"start": D(2023, 7, 3), "end": D(2023, 10, 27), "home": "home"}
    cfg = season_config_from_values({**form, "blackout_dates": "03.10.2023"}, sites=sites)
    assert list(cfg.blackout_dates) == [D(2023, 10, 3)]


def test_blackout_field_ending_9999_is_named_not_a_crash() -> None:
    sites, _, _ = make_sites()
    form = {"start": D(2023, 7, 3), "end": D(2023, 10, 27), "home": "home"}
    with pytest.raises(ConfigError) as info:
        season_config_from_values({**form, "blackout_dates": "2023-08-01..9999-12-31"}, sites=sites)
    assert info.value.key == "season.blackout_dates[0]"
    assert "1990" in info.value.message("en") and "9999-12-31" in info.value.message("en")


def test_form_quotas_that_are_not_numbers_are_named() -> None:
    sites, _, _ = make_sites()
    form = {"start": D(2023, 7, 3), "end": D(2023, 10, 27), "home": "home"}
    for bad in (float("nan"), "abc", -1):
        with pytest.raises(ConfigError) as info:
            season_config_from_values(form, sites=sites, quotas={"Kiel": bad})  # type: ignore[dict-item]
        assert info.value.key == "quotas.Kiel"
    cfg = season_config_from_values(form, sites=sites, quotas={"Kiel": 2.0, "Plön": 0})
    assert dict(cfg.district_quotas) == {"Kiel": 2}


def test_sites_file_that_is_not_a_sites_table(tmp_path: Path) -> None:
    config = tmp_path / "s.toml"
    for name, content, problem in (
        ("missing.csv", None, "file not found"),
        ("other.csv", "a,b\n1,2\n", "missing column(s) site_id, name"),
        ("bad.geojson", "{not json", "not a readable sites table"),
    ):
        if content is not None:
            (tmp_path / name).write_text(content, encoding="utf-8")
        config.write_text(GOOD + f"[data]\nsites = '{name}'\n", encoding="utf-8")
        with pytest.raises(ConfigError) as info:
            load_sites(load_season_config(config))
        assert info.value.key == "data.sites" and problem in info.value.message("en")
    (tmp_path / "folder.csv").mkdir()
    config.write_text(GOOD + "[data]\nsites = 'folder.csv'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="is a folder"):
        load_sites(load_season_config(config))


def test_score_column_with_text_is_named(tmp_path: Path) -> None:
    sites, _, _ = make_sites()
    sites["label"] = ["x", *["1"] * (len(sites) - 1)]
    sites.to_csv(tmp_path / "sites.csv", index=False)
    config = tmp_path / "s.toml"
    config.write_text(
        GOOD + "[data]\nsites = 'sites.csv'\nscore_column = 'label'\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError) as info:
        load_sites(load_season_config(config))
    assert info.value.key == "data.score_column"
    assert "row 1: 'x'" in info.value.message("en")


# ---------------------------------------------------------------------- item 18: exit codes
def cli(args: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser()
    register_season_cli(parser.add_subparsers(dest="group"))
    ns = parser.parse_args(args)
    return int(ns.func(ns))


def no_planning(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if anything is planned (the checks must come first)."""

    def fail(*_a: object, **_k: object) -> None:
        raise AssertionError("planned before checking the command line")

    monkeypatch.setattr("planner.season.inputs.season_inputs", fail)
    monkeypatch.setattr("planner.data.pack.load_pack", fail)


@pytest.mark.parametrize("where", ["file", "below_file"])
def test_out_is_checked_before_solving(tmp_path: Path, monkeypatch, capsys, where: str) -> None:
    no_planning(monkeypatch)
    config = tmp_path / "s.toml"
    config.write_text(GOOD, encoding="utf-8")
    blocker = tmp_path / "taken"
    blocker.write_text("x", encoding="utf-8")
    out = blocker if where == "file" else blocker / "sub" / "dir"
    assert cli(["season", "plan", "--config", str(config), "--out", str(out), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: season config: out = ")
    assert ("existing file" if where == "file" else "below the file") in err


def test_config_folder_exits_1(tmp_path: Path, capsys) -> None:
    code = cli(["season", "plan", "--config", str(tmp_path), "--out", str(tmp_path / "o")])
    assert code == 1
    assert "ist ein Ordner" in capsys.readouterr().err


def test_wrong_command_line_exits_2() -> None:
    with pytest.raises(SystemExit) as info:
        cli(["season", "plan", "--out", "o"])
    assert info.value.code == 2


def test_infeasible_season_exits_1_naming_the_rule(tmp_path: Path, monkeypatch, capsys) -> None:
    sites, minutes, km = make_sites()

    class Inputs:
        def __init__(self, *_a: object, **_k: object) -> None:
            self.sites = sites

        def plan(self, config: SeasonConfig) -> Any:
            return plan_season(sites, minutes, config=config, km=km)

    monkeypatch.setattr("planner.season.inputs.season_inputs", Inputs)
    config = tmp_path / "s.toml"
    sites.to_csv(tmp_path / "sites.csv", index=False)
    config.write_text(
        GOOD + "[quotas]\n'Plön' = 300\n[data]\nsites = 'sites.csv'\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    assert cli(["season", "plan", "--config", str(config), "--out", str(out), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "quota for Plön is 300 but the district has only 5 candidate site(s)" in err
    assert not any(out.iterdir())  # nothing exported


def test_dataclass_replace_keeps_validation() -> None:
    cfg = base_config()
    with pytest.raises(ConfigError):
        dataclasses.replace(cfg, relocation_days=-1)
