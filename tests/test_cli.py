"""The headless CLI runs the same library as the app."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from planner.cli import main


def test_data_info_prints_counts_sources_and_model(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "info"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["municipalities"] == 251
    assert info["register_population"] == 660_107
    assert info["grid_population"] == 663_787
    assert info["travel_time_model"].startswith("Luftlinie")
    assert any("Zensus 2022" in s["attribution"] for s in info["sources"])


def test_data_info_names_the_road_model_when_configured(
    osm_extract: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TINY_RATHAUS_ROAD_GRAPH", str(osm_extract))
    assert main(["data", "info"]) == 0
    assert "OSM-Straßennetz" in json.loads(capsys.readouterr().out)["travel_time_model"]


def test_build_with_missing_raw_files_fails_clearly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["data", "build", "--raw", str(tmp_path), "--out", str(tmp_path / "p.gpkg")]) == 1
    err = capsys.readouterr().err
    assert "raw file for 'register' not found" in err
    assert not (tmp_path / "p.gpkg").exists()


@pytest.mark.raw
def test_build_command_writes_a_loadable_pack(raw: Path, tmp_path: Path) -> None:
    out = tmp_path / "pack.gpkg"
    done = subprocess.run(
        [sys.executable, "-m", "planner", "data", "build", "--raw", str(raw), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert out.is_file()
    summary = json.loads(done.stdout.split("\n", 1)[1])
    assert summary["sites"] > 300


def test_sites_check_reports_rows_and_keeps_valid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "sites.csv"
    path.write_text("name,lon,lat\nLaboe Hafen,10.2262,54.4052\nKaputt,x,54.4\n")
    assert main(["sites", "check", str(path), "--lang", "en"]) == 1
    out, err = capsys.readouterr()
    assert "Laboe Hafen" in out and "Laboe" in out
    assert err.strip() == "Row 3: Field 'lon': 'x' is not a number."
