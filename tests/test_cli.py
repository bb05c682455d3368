"""The headless CLI runs the same library as the app."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from planner.cli import main


def test_data_info_prints_counts_sources_and_model(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "info", "--json"]) == 0
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
    assert main(["data", "info", "--json"]) == 0
    assert "OSM-Straßennetz" in json.loads(capsys.readouterr().out)["travel_time_model"]


def test_data_info_is_readable_text_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    # issue 17: readable lines, the JSON only with --json
    assert main(["data", "info"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "municipalities: 251" in lines
    assert "register_population: 660,107" in lines
    assert "  Kiel: 1" in lines  # a table indented below its key
    assert any(line.startswith("travel_time_model: Luftlinie") for line in lines)
    assert any("Zensus 2022" in line for line in lines)
    assert not lines[0].startswith("{")


def test_help_has_no_restructuredtext_markup(capsys: pytest.CaptureFixture[str]) -> None:
    # issue 17: the description comes from the docstring, without ``literals`` or :roles:
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    text = capsys.readouterr().out
    assert "tiny-rathaus data build --raw DIR" in text
    assert "``" not in text and ":func:" not in text


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
    # the JSON summary follows the "wrote …" line; merges and notes come after it
    body = done.stdout.split("\n", 1)[1]
    summary = json.loads(body[: body.rindex("}") + 1])
    assert summary["sites"] > 300


def test_sites_check_reports_rows_and_keeps_valid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "sites.csv"
    path.write_text("name,lon,lat\nLaboe Hafen,10.2262,54.4052\nKaputt,x,54.4\n")
    assert main(["sites", "check", str(path), "--lang", "en"]) == 1
    out, err = capsys.readouterr()
    assert "Laboe Hafen" in out and "Laboe" in out
    assert err.strip() == "Row 3: Field 'longitude': 'x' is not a number."


SMALL_SEASON = """
[season]
start = 2023-07-03
end = 2023-08-25
home = "Kiel"
stay_days = 5
time_limit = 10

[quotas]
"Kiel" = 1
"Plön" = 1
"""


def test_season_plan_speaks_german_by_default_and_english_on_request(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "s.toml"
    config.write_text(SMALL_SEASON, encoding="utf-8")
    assert main(["season", "plan", "--config", str(config), "--out", str(tmp_path / "de")]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("2 Stopps, Wert ")
    assert (tmp_path / "de" / "season.ics").read_text(encoding="utf-8").count("Öffnungstage")
    args = ["season", "plan", "--config", str(config), "--out", str(tmp_path / "en")]
    assert main([*args, "--lang", "en"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("2 stops, value ") and "km towed" in lines[0]
    totals = json.loads(next(line for line in lines if line.startswith("{")))
    assert totals["stops_per_district"] == {"Kiel": 1, "Plön": 1}
    assert totals["score_sum"] > 0  # the site scores count in the season's value
    assert (tmp_path / "en" / "season.ics").read_text(encoding="utf-8").count("open days")


def test_season_plan_reports_bad_settings_in_the_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "s.toml"
    config.write_text(SMALL_SEASON.replace("stay_days = 5", "stay_days = 0"), encoding="utf-8")
    args = ["season", "plan", "--config", str(config), "--out", str(tmp_path)]
    assert main(args) == 1  # bad input: 1 (2 is a wrong command line)
    assert capsys.readouterr().err.strip() == (
        "error: Einstellung season.stay_days = 0: erwartet eine ganze Zahl ≥ 1"
    )
    assert main([*args, "--lang", "en"]) == 1
    assert capsys.readouterr().err.strip() == (
        "error: season config: season.stay_days = 0: expected a whole number >= 1"
    )


def test_sites_select_prints_the_chosen_sites_and_writes_reasons(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "auswahl.csv"
    args = ["sites", "select", "--p", "3", "--out", str(out), "--time-limit", "20"]
    quotas = ["--quota", "Kiel=1", "--quota", "Plön=1", "--quota", "Rendsburg-Eckernförde=1-1"]
    assert main([*args, *quotas]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Status: optimal (bewiesen)")
    assert lines[1].startswith("Erreicht: ") and "Einwohner" in lines[1]
    chosen = lines[4:]
    assert len(chosen) == 3
    # the German CSV, as German Excel opens it
    table = pd.read_csv(out, sep=";", decimal=",", encoding="utf-8-sig")
    chosen_rows = table["Ausgewählt"] == "ja"
    assert chosen_rows.sum() == 3
    assert sorted(table.loc[chosen_rows, "Kreis"]) == ["Kiel", "Plön", "Rendsburg-Eckernförde"]
    assert table.loc[~chosen_rows, "Grund"].notna().all()


def test_sites_select_json_and_infeasible_quota(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sites", "select", "--p", "2", "--json", "--time-limit", "20"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["status"] == "optimal" and len(summary["chosen"]) == 2
    assert summary["reached"] == summary["objective"]
    assert main(["sites", "select", "--quota", "Plön=300", "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "error: quota Plön: quota for Plön is 300 but the district has only" in err


def test_sites_select_rejects_a_malformed_quota(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["sites", "select", "--quota", "Plön"])
    assert "--quota 'Plön': expected DISTRICT=N" in capsys.readouterr().err


# --- issue 14: exit codes, named errors, a checked --out, safe tables -------------------------


def _no_solve(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if the CLI starts solving (the errors must come before)."""
    import planner.selection.region as region_selection

    def boom(*_a: object, **_k: object) -> None:
        raise AssertionError("solved although the input was bad")

    monkeypatch.setattr(region_selection, "select_sites", boom)


@pytest.mark.parametrize("spacing", ["-3", "nan", "inf"])
def test_a_bad_spacing_is_named_not_ignored(
    spacing: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _no_solve(monkeypatch)
    assert main(["sites", "select", "--min-spacing-km", spacing, "--lang", "en"]) == 1
    assert capsys.readouterr().err.startswith(f"error: --min-spacing-km {float(spacing)}")


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--minutes", "nan"], "threshold_min"),
        (["--p", "0"], "p"),
        (["--emphasis-factor", "-1"], "emphasis_factor"),
        (["--time-limit", "0"], "time_limit"),
        (["--min-urban", "-2"], "rules.min_urban"),
    ],
)
def test_bad_select_values_exit_1_naming_the_field(
    args: list[str],
    field: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _no_solve(monkeypatch)
    assert main(["sites", "select", *args, "--lang", "en"]) == 1
    assert capsys.readouterr().err.startswith(f"error: selection.{field} = ")


def test_an_impossible_spacing_names_the_rule_and_exits_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["sites", "select", "--min-spacing-km", "60", "--lang", "en"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("error: minimum spacing: with a minimum spacing of 60,000 m at most ")
    assert err.strip().endswith("12 are asked for")


def test_no_selection_found_exits_1_and_says_why(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from types import SimpleNamespace

    import planner.selection.region as region_selection

    def nothing(_pack: object, request: object) -> object:
        return SimpleNamespace(found=False, status_text=lambda lang: "Status: nothing")

    monkeypatch.setattr(region_selection, "select_sites", nothing)
    assert main(["sites", "select", "--time-limit", "7", "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "no selection keeping every rule was found within the time limit of 7 s" in err
    assert "not proven infeasible" in err


@pytest.mark.parametrize("where", ["below_file", "folder"])
def test_a_wrong_out_is_named_before_solving(
    where: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _no_solve(monkeypatch)
    blocker = tmp_path / "plain.txt"
    blocker.write_text("x")
    out = blocker / "auswahl.csv" if where == "below_file" else tmp_path
    assert main(["sites", "select", "--out", str(out), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    reason = f"{blocker} is a file, not a folder" if where == "below_file" else "is a folder"
    assert err.startswith(f"error: --out {out}: ") and reason in err


def test_an_unwritable_out_is_named_before_solving(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _no_solve(monkeypatch)
    out = tmp_path / "auswahl.csv"
    real_open = Path.open

    def read_only(self: Path, mode: str = "r", *a: object, **k: object):  # type: ignore[no-untyped-def]
        if self == out and mode != "r":
            raise PermissionError(13, "Permission denied")
        return real_open(self, mode, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", read_only)
    assert main(["sites", "select", "--out", str(out), "--lang", "en"]) == 1
    assert "cannot be written (Permission denied)" in capsys.readouterr().err
    assert not out.exists()


def test_sites_check_with_only_a_header_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "sites.csv"
    path.write_text("name,lon,lat\n")
    assert main(["sites", "check", str(path), "--lang", "en"]) == 1
    out, err = capsys.readouterr()
    assert (
        out.strip().lstrip("\ufeff") == "Site ID,Name,Municipality,District,Area type,Mains power"
    )
    assert err.strip()  # named (by the reader, or by the CLI when the reader says nothing)


def test_sites_check_output_neutralises_formulas(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import csv
    import io

    path = tmp_path / "sites.csv"
    path.write_text("name,lon,lat\n\"=cmd|' /C calc'!A0\",10.2262,54.4052\n")
    main(["sites", "check", str(path), "--lang", "en"])
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows and not [v for r in rows for v in r.values() if v.startswith("=")]
