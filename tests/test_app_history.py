"""The page "Tourgeschichte" driven through AppTest: the visits table, marking a saved season as
run, and planning several seasons ahead (issue 16)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app_pages import state
from planner.history import History
from planner.scenarios import ScenarioStore, frame_to_json

PAGE = str(Path(__file__).resolve().parent.parent / "app_pages" / "history.py")
TIMEOUT = 240

pytestmark = pytest.mark.usefixtures("own_database")


def start() -> AppTest:
    """The page on its own, with a new session's defaults (as ``app.py`` sets them)."""
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    defaults: dict[str, object] = {}
    state.init(defaults)
    for key, value in defaults.items():
        at.session_state[key] = value
    return ok(at.run())


def visible(markdown: str) -> str:
    """The text a Markdown source shows (data in messages is backslash-escaped)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def visits(at: AppTest) -> pd.DataFrame:
    """The visits table (first table of the page) by Amt / city area."""
    return at.dataframe[0].value.set_index("Amt / Stadtteil")


def amt_name(pack, amt_ars: str) -> str:  # type: ignore[no-untyped-def]
    return str(History.from_pack(pack).last_visits().set_index("amt_ars").loc[amt_ars, "name"])


def test_the_table_shows_where_the_tour_has_been(pack) -> None:  # type: ignore[no-untyped-def]
    at = start()
    assert at.title[0].value == "Tourgeschichte"
    table = visits(at)
    known = pack.history
    for town in ("Wankendorf", "Preetz"):  # the tour's stops where people already were
        row = known[known["municipality"] == town].iloc[-1]
        shown = table.loc[amt_name(pack, str(row["amt_ars"]))]
        assert shown["Zuletzt besucht"] == str(
            int(known.loc[known["amt_ars"] == row["amt_ars"], "season"].max())
        )
        assert shown["Besuche"] >= 1
    last = History.from_pack(pack).last_visits()
    never = last.loc[(last["kind"] == "amt") & last["last_visit"].isna(), "name"].iloc[0]
    assert table.loc[never, "Zuletzt besucht"] == "nie" and table.loc[never, "Besuche"] == 0
    metric = at.metric[0]
    visited = int(
        (last["last_visit"].astype(float) >= History.from_pack(pack).default_year() - 3).sum()
    )
    assert metric.value == f"{visited} von {len(last)} Ämtern/Stadtteilen"


def test_marking_a_saved_season_as_run_updates_the_table(pack, own_database: Path) -> None:  # type: ignore[no-untyped-def]
    last = History.from_pack(pack).last_visits()
    never = set(last.loc[(last["kind"] == "amt") & last["last_visit"].isna(), "amt_ars"])
    amt_of = pack.municipalities.set_index("ags")["amt_ars"].astype(str)
    site = pack.sites[pack.sites["ags"].astype(str).map(amt_of).isin(never)].iloc[0]
    schedule = pd.DataFrame(
        {
            "stop": [1],
            "site_id": [site["site_id"]],
            "name": [site["name"]],
            "start": [pd.Timestamp("2026-07-06").date()],
            "end": [pd.Timestamp("2026-07-11").date()],
            "x": [site.geometry.x],
            "y": [site.geometry.y],
        }
    )
    ScenarioStore(own_database).save(
        "Sommer <2026>", {"plan": {"status": "feasible", "schedule": frame_to_json(schedule)}}
    )
    name = amt_name(pack, str(amt_of[str(site["ags"])]))
    at = start()
    assert visits(at).loc[name, "Zuletzt besucht"] == "nie"
    assert any("Sommer <2026>: 1 Stopps" in m.value.replace("\\", "") for m in at.markdown)
    year_field = next(n for n in at.number_input if n.label == "Saisonjahr")
    assert year_field.value == 2026  # the plan's season
    year_field.set_value(2026)
    ok(next(b for b in at.button if b.label == "Als gefahren markieren").click().run())
    assert visits(at).loc[name, "Zuletzt besucht"] == "2026"
    assert "ist als gefahren 2026 markiert" in at.success[0].value
    assert ScenarioStore(own_database).list()[0].run_year == 2026
    ok(next(b for b in at.button if b.label == "Markierung aufheben").click().run())
    assert visits(at).loc[name, "Zuletzt besucht"] == "nie"


def test_planning_seasons_ahead_shows_each_season_and_the_cover(pack) -> None:  # type: ignore[no-untyped-def]
    at = start()
    amter = pack.municipalities["amt_ars"].nunique()
    # too few seasons for the district quotas: proven by counting, named per district
    at.slider(key="history_k").set_value(2)
    ok(at.button(key="FormSubmitter:history_ahead_form-Saisons vorausplanen").click().run())
    assert "Nicht jedes Amt kann in 2 Saisons besucht werden (bewiesen)" in at.error[0].value
    problems = [visible(e.value) for e in at.error[1:]]
    for district in pack.municipalities["district"].unique():
        n = pack.municipalities.loc[
            pack.municipalities["district"] == district, "amt_ars"
        ].nunique()
        if n > 2 * 4:  # more Ämter than 4 stops × 2 seasons
            assert any(
                p.startswith(f"{district} hat {n} Ämter, aber nur 4 Stopps") for p in problems
            )
    # three seasons without quotas: every Amt within k
    at.slider(key="history_k").set_value(3)
    at.checkbox(key="history_use_quotas").uncheck()
    at.slider(key="history_time_limit").set_value(30)
    ok(at.button(key="FormSubmitter:history_ahead_form-Saisons vorausplanen").click().run())
    year = History.from_pack(pack).default_year()
    headers = [m.value for m in at.markdown if m.value.startswith("**Saison ")]
    assert headers == [f"**Saison {year + s}**" for s in range(3)]
    seasons = at.dataframe[1:4]
    assert [len(t.value) for t in seasons] == [12, 12, 12]
    shown = set().union(*(set(t.value["Amt"]) for t in seasons))
    assert len(shown) == amter  # every Amt from the tables themselves
    assert at.success[0].value == f"Alle {amter} Ämter in 3 Saisons besucht."


def test_the_page_speaks_english(pack) -> None:  # type: ignore[no-untyped-def]
    at = start()
    at.session_state["lang"] = "en"
    ok(at.run())
    assert at.title[0].value == "Tour history"
    table = at.dataframe[0].value
    assert "never" in set(table["Last visit"]) and "nie" not in set(table["Last visit"])
    assert at.metric[0].value.endswith("Ämter/city areas")
