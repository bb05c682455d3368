"""Scenarios: saved and reopened by name, atomic, concurrent saves kept, schema versioned."""

from __future__ import annotations

import json
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
    with pytest.raises(ValueError):
        store.save("keep", {"nan": float("nan")})
    assert store.load("keep").revision == 1


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
