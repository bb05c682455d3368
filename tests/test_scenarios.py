"""Scenarios: saved and reopened by name, atomic, concurrent saves kept, schema versioned."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from planner import scenarios
from planner.scenarios import (
    ScenarioConflict,
    ScenarioNotFound,
    ScenarioStore,
    ScenarioStoreError,
    ScenarioVersionError,
    frame_from_json,
    frame_to_json,
)


def test_save_and_reopen_in_new_store(tmp_path: Path) -> None:
    db = tmp_path / "sub" / "s.sqlite"
    first = ScenarioStore(db)
    saved = first.save("Saison 2025", {"weights": {"population": 2.0}, "notes": "Grüße"})
    assert saved.revision == 1
    again = ScenarioStore(db).load("Saison 2025")
    assert again.data == {"weights": {"population": 2.0}, "notes": "Grüße"}
    assert again.revision == 1
    assert ScenarioStore(db).names() == ["Saison 2025"]


def test_default_path_comes_from_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TINY_RATHAUS_DB", str(tmp_path / "env.sqlite"))
    store = ScenarioStore()
    store.save("a", {})
    assert (tmp_path / "env.sqlite").is_file()


def test_revisions_are_kept_and_conflicts_detected(tmp_path: Path) -> None:
    store = ScenarioStore(tmp_path / "s.sqlite")
    store.save("plan", {"v": 1})
    store.save("plan", {"v": 2}, expected_revision=1)
    with pytest.raises(ScenarioConflict) as err:
        store.save("plan", {"v": 3}, expected_revision=1)
    assert err.value.actual == 2
    assert store.load("plan").data == {"v": 2}
    assert store.load("plan", revision=1).data == {"v": 1}
    assert [r for r, _ in store.revisions("plan")] == [1, 2]
    with pytest.raises(ScenarioConflict):
        store.save("plan", {"v": 9}, expected_revision=0)  # "must be new"


def test_a_conflict_says_when_the_other_save_was_made(tmp_path: Path) -> None:
    store = ScenarioStore(tmp_path / "s.sqlite")
    store.save("plan", {"v": 1})
    theirs = store.save("plan", {"v": 2}, expected_revision=1)
    with pytest.raises(ScenarioConflict) as err:
        store.save("plan", {"v": 3}, expected_revision=1)
    assert (err.value.actual, err.value.saved_at) == (2, theirs.saved_at)
    assert store.revisions("plan")[-1] == (2, theirs.saved_at)
    with pytest.raises(ScenarioConflict) as new:
        store.save("plan", {"v": 9}, expected_revision=0)
    assert new.value.expected == 0 and new.value.saved_at == theirs.saved_at


def test_free_name_for_a_copy(tmp_path: Path) -> None:
    store = ScenarioStore(tmp_path / "s.sqlite")
    assert store.free_name("Basis") == "Basis"
    store.save("Basis", {})
    assert store.free_name(" Basis ") == "Basis (2)"
    store.save("Basis (2)", {})
    assert store.free_name("Basis") == "Basis (3)"


def test_missing_and_deleted(tmp_path: Path) -> None:
    store = ScenarioStore(tmp_path / "s.sqlite")
    with pytest.raises(ScenarioNotFound):
        store.load("nope")
    store.save("x", {})
    assert store.delete("x") is True
    assert store.delete("x") is False
    assert store.names() == []
    with pytest.raises(ValueError):
        store.save("   ", {})


def test_concurrent_saves_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    ScenarioStore(db)
    errors: list[BaseException] = []

    def writer(tab: int) -> None:
        store = ScenarioStore(db)  # one connection per "browser tab"
        try:
            for i in range(15):
                store.save("shared", {"tab": tab, "i": i})
                store.save(f"tab-{tab}", {"i": i})
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    store = ScenarioStore(db)
    assert len(store.revisions("shared")) == 60
    assert [r for r, _ in store.revisions("shared")] == list(range(1, 61))
    for k in range(4):
        assert store.load(f"tab-{k}").data == {"i": 14}
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_failed_save_leaves_no_trace(tmp_path: Path) -> None:
    store = ScenarioStore(tmp_path / "s.sqlite")
    store.save("keep", {"a": 1})
    with pytest.raises(TypeError):
        store.save("keep", {"bad": object()})
    with pytest.raises(ValueError, match="nested too deeply"):
        deep: list[object] = []
        for _ in range(100_000):
            deep = [deep]
        store.save("keep", {"deep": deep})
    assert store.load("keep").revision == 1


def test_nan_and_inf_are_stored_as_null(tmp_path: Path) -> None:
    """A fact edit with ``space_m2 = NaN`` (the default of every generated site) saves."""
    store = ScenarioStore(tmp_path / "s.sqlite")
    payload = {
        "site_edits": {"centre-01002000": {"power": "yes", "space_m2": float("nan")}},
        "numpy": [np.float64("nan"), np.float32("inf"), -np.inf, 2.5, np.int64(3)],
        "table": frame_to_json(pd.DataFrame({"x": [1.0, np.inf, -np.inf, np.nan]})),
    }
    saved = store.save("Fakten", payload)
    again = store.load("Fakten").data
    assert again == saved.data
    assert again["site_edits"] == {"centre-01002000": {"power": "yes", "space_m2": None}}
    assert again["numpy"] == [None, None, None, 2.5, 3]
    back = frame_from_json(again["table"])["x"]
    assert back.iloc[0] == 1.0 and back.iloc[1:].isna().all()  # inf comes back as unknown
    with sqlite3.connect(tmp_path / "s.sqlite") as con:
        text = con.execute("SELECT payload FROM scenario_revisions").fetchone()[0]
    assert "NaN" not in text and "Infinity" not in text
    json.loads(text, parse_constant=lambda c: pytest.fail(f"non-JSON constant {c}"))


def test_app_state_with_a_fact_edit_saves(pack) -> None:  # type: ignore[no-untyped-def]
    """The payload the app builds after the edit form (``np.nan`` for an empty area)."""
    from app_pages import state

    session: dict[str, object] = {}
    state.init(session)
    first = str(pack.sites["site_id"].iloc[0])
    session["site_edits"] = {first: {"power": "no", "space_m2": np.nan, "notes": "x"}}
    store = ScenarioStore()
    store.save("Mit Fakten", state.scenario_payload(session))
    data = store.load("Mit Fakten").data
    sites, errors = scenarios.scenario_sites(pack.sites, data)
    assert errors == []
    row = sites.set_index("site_id").loc[first]
    assert row["power"] == "no" and pd.isna(row["space_m2"])


# --- a damaged, read-only or missing store -------------------------------------------------------


def _filled(path: Path) -> Path:
    ScenarioStore(path).save("Basis", {"w": 1})
    return path


def test_opening_touches_no_file(tmp_path: Path) -> None:
    db = tmp_path / "new" / "s.sqlite"
    store = ScenarioStore(db)
    assert store.names() == [] and store.list() == [] and store.revisions("x") == []
    with pytest.raises(ScenarioNotFound):
        store.load("x")
    assert not db.parent.exists()  # reading created nothing
    store.save("a", {})
    assert store.names() == ["a"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"this is no database at all, just text " * 40, "file is not a database"),
        (None, "malformed"),  # a real database, cut in half
    ],
)
def test_damaged_store_names_path_and_reason(
    tmp_path: Path, content: bytes | None, reason: str
) -> None:
    db = tmp_path / "s.sqlite"
    if content is None:
        store = ScenarioStore(db)
        for i in range(40):
            store.save(f"s{i}", {"text": "x" * 2000})
        with sqlite3.connect(db) as con:
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        data = db.read_bytes()
        db.write_bytes(data[: len(data) // 2])
    else:
        db.write_bytes(content)
    store = ScenarioStore(db)  # opening does not fail
    with pytest.raises(ScenarioStoreError) as err:
        store.names()
    assert err.value.path == db and err.value.action == "read"
    assert str(db) in str(err.value) and reason in str(err.value)
    with pytest.raises(ScenarioStoreError) as err:
        store.save("neu", {"a": 1})
    assert str(db) in str(err.value) and err.value.action == "write"


def test_folder_at_the_path(tmp_path: Path) -> None:
    folder = tmp_path / "s.sqlite"
    folder.mkdir()
    store = ScenarioStore(folder)
    for action in (store.check, lambda: store.save("a", {}), lambda: store.load("a")):
        with pytest.raises(ScenarioStoreError, match="folder"):
            action()


def test_read_only_store_is_read_without_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = _filled(tmp_path / "s.sqlite")
    with sqlite3.connect(db) as con:  # a store written without WAL, as copied from elsewhere
        con.execute("PRAGMA journal_mode=DELETE")
    before = db.read_bytes()
    db.chmod(0o444)
    # root may write a 0444 file anyway; the store must go by the permission bits
    real_access = os.access
    monkeypatch.setattr(
        os,
        "access",
        lambda path, mode: False if mode == os.W_OK else real_access(path, mode),
    )
    store = ScenarioStore(db)
    assert store.names() == ["Basis"]
    assert store.load("Basis").data == {"w": 1}
    assert db.read_bytes() == before  # no WAL switched on, no tables created
    with sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True) as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    with pytest.raises(ScenarioStoreError, match="read-only") as err:
        store.save("neu", {"a": 1})
    assert err.value.action == "write" and str(db) in str(err.value)
    assert store.names() == ["Basis"]


def test_read_only_database_error_from_sqlite_is_named(tmp_path: Path) -> None:
    """SQLite's own "attempt to write a readonly database" becomes a named store error."""
    db = _filled(tmp_path / "s.sqlite")
    store = ScenarioStore(db)
    ro = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True, isolation_level=None)
    try:
        with pytest.raises(ScenarioStoreError, match="read-only") as err, store._guard("write"):
            ro.execute("INSERT INTO scenarios VALUES ('x', 1, '', '')")
    finally:
        ro.close()
    assert "attempt to write a readonly database" in err.value.reason


def test_payload_has_schema_version_and_newer_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    store = ScenarioStore(db)
    store.save("v", {"k": 1})
    with sqlite3.connect(db) as con:
        payload = json.loads(con.execute("SELECT payload FROM scenario_revisions").fetchone()[0])
        assert payload["schema_version"] == scenarios.SCHEMA_VERSION
        con.execute("UPDATE scenario_revisions SET schema_version = 999")
    with pytest.raises(ScenarioVersionError):
        store.load("v")


def test_old_payload_is_migrated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "s.sqlite"
    store = ScenarioStore(db)
    store.save("old", {"w": 1})
    with sqlite3.connect(db) as con:
        con.execute("UPDATE scenario_revisions SET schema_version = 0")
    monkeypatch.setitem(scenarios.MIGRATIONS, 0, lambda d: {**d, "migrated": True})
    assert store.load("old").data == {"w": 1, "migrated": True}


def test_frames_round_trip() -> None:
    frame = pd.DataFrame(
        {
            "site_id": ["a", "b"],
            "n": np.array([1, 2], dtype="int64"),
            "x": [1.5, np.nan],
            "flag": [True, False],
            "when": pd.to_datetime(["2025-07-01", "2025-07-08"]),
        }
    )
    back = frame_from_json(json.loads(json.dumps(frame_to_json(frame))))
    pd.testing.assert_frame_equal(back, frame, check_index_type=False)
    geo = gpd.GeoDataFrame({"name": ["p"]}, geometry=[shapely.Point(10.1, 54.3)], crs="EPSG:4326")
    g = frame_from_json(json.loads(json.dumps(frame_to_json(geo))))
    assert isinstance(g, gpd.GeoDataFrame) and str(g.crs) == "EPSG:25832"
    assert g.to_crs("EPSG:4326").geometry.iloc[0].distance(geo.geometry.iloc[0]) < 1e-5


def _small_plan(**changes: object):  # type: ignore[no-untyped-def]
    import datetime as dt

    from planner.season import SeasonConfig, plan_season

    rows = [
        dict(
            site_id="home",
            name="Rathaus",
            municipality="Kiel",
            district="Kiel",
            area_class="urban",
            score=0.0,
            x=575_000.0,
            y=6_020_000.0,
        )
    ]
    for k in range(4):
        rows.append(
            dict(
                site_id=f"s{k}",
                name=f"Platz {k}",
                municipality=f"M{k}",
                district="Plön" if k % 2 else "Kiel",
                area_class="rural" if k % 2 else "urban",
                score=float(10 - k),
                x=575_000.0 + 3_000 * k,
                y=6_020_000.0 - 2_000 * k,
            )
        )
    sites = pd.DataFrame(rows)
    xy = sites[["x", "y"]].to_numpy()
    km = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1)) / 1000
    args: dict[str, object] = dict(
        start=dt.date(2023, 9, 25),
        end=dt.date(2023, 11, 24),
        home_site_id="home",
        district_quotas={"Kiel": 1, "Plön": 1},
        time_limit=5.0,
        blackout_dates={dt.date(2023, 10, 10): "Wartung"},
    )
    args.update(changes)
    cfg = SeasonConfig(**args)  # type: ignore[arg-type]
    return plan_season(sites, km * 1.2, config=cfg, km=km), sites


def test_plan_survives_a_scenario_round_trip(tmp_path: Path) -> None:
    from planner.scenarios import config_from_dict, plan_from_payload, plan_to_payload

    plan, sites = _small_plan()
    assert plan.feasible
    store = ScenarioStore(tmp_path / "s.sqlite")
    store.save("p", {"plan": plan_to_payload(plan)})
    again = plan_from_payload(store.load("p").data["plan"], sites=sites)
    assert again.status == plan.status
    assert again.config == plan.config
    assert config_from_dict(plan_to_payload(plan)["config"]) == plan.config
    pd.testing.assert_frame_equal(
        again.schedule[["stop", "site_id", "start", "end"]],
        plan.schedule[["stop", "site_id", "start", "end"]],
    )
    assert again.totals["first_day"] == plan.totals["first_day"]
    for lang in ("de", "en"):
        pd.testing.assert_frame_equal(again.unplanned_table(lang), plan.unplanned_table(lang))
    assert again.explain("en") == plan.explain("en")


def test_infeasible_plan_keeps_its_diagnosis_in_both_languages(tmp_path: Path) -> None:
    from planner.scenarios import plan_from_payload, plan_to_payload

    plan, sites = _small_plan(district_quotas={"Kiel": 1, "Plön": 5})
    assert not plan.feasible and plan.diagnosis
    store = ScenarioStore(tmp_path / "s.sqlite")
    store.save("bad", {"plan": plan_to_payload(plan)})
    again = plan_from_payload(store.load("bad").data["plan"], sites=sites)
    assert again.diagnosis == plan.diagnosis
    assert again.explain("de") == plan.explain("de")
    assert "Quote Plön" in again.explain("de") and "quota Plön" in again.explain("en")


def test_plan_of_the_first_payload_version_still_opens() -> None:
    from planner.scenarios import config_to_dict, plan_from_payload

    plan, sites = _small_plan()
    old = {
        "status": "infeasible",
        "schedule": None,
        "unplanned": frame_to_json(
            pd.DataFrame([{"site_id": "s1", "name": "x", "district": "Plön", "reason": "low"}])
        ),
        "totals": {"stops": 0},
        "diagnosis": [{"rule": "max_tow", "message": "old English text", "relaxation": ""}],
    }
    again = plan_from_payload(old, sites=sites, config=plan.config)
    assert again.diagnosis[0].text("de") == "old English text"
    assert again.unplanned_table("de")["reason"].tolist() == ["low"]
    with pytest.raises(ValueError, match="no season rules"):
        plan_from_payload(old, sites=sites)
    assert config_to_dict(plan.config)["blackout_dates"] == [["2023-10-10", "Wartung"]]


def test_scenario_sites_apply_added_sites_and_edits(pack) -> None:  # type: ignore[no-untyped-def]
    from planner.scenarios import scenario_sites
    from planner.sites import site_from_coordinates

    added = site_from_coordinates(
        name="Hafen", lon=10.2262, lat=54.4052, municipalities=pack.municipalities
    ).sites
    first = str(pack.sites["site_id"].iloc[0])
    payload = {
        "user_sites": frame_to_json(added),
        "site_edits": {first: {"power": "yes"}, "gone": {"power": "no"}},
    }
    sites, errors = scenario_sites(pack.sites, payload)
    assert len(sites) == len(pack.sites) + 1
    assert sites.set_index("site_id").loc[first, "power"] == "yes"
    assert [e.site for e in errors] == ["gone"]
