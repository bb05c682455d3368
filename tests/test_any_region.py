"""A season for any region pack (issue 18): Kreis Schleswig-Flensburg with Steinbergkirche, the
pack named on the command line or in the TOML, defaults from the pack, holidays by Land.

The Schleswig-Flensburg pack is built once per session with the library build (about 9 s); tests
that need it skip with the reason when ``../shared/germany`` (``TINY_RATHAUS_GERMANY``) or the
KielRegion raw folder (the register) is absent. The holiday and resolver tests need no files.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from planner.cli import main
from planner.data.build import build
from planner.data.pack import RegionPack, load_pack
from planner.data.regions import RegionError, resolve_region
from planner.data.tour import past_stops_layer
from planner.season import ConfigError, SeasonConfig
from planner.season.calendar import SeasonCalendar, public_holidays
from planner.season.config import (
    parse_season_config,
    resolve_site,
    resolve_site_names,
    season_config_from_values,
    site_lands,
)
from planner.season.run import default_home, default_quotas, season_pack_path

D = dt.date


# --- the Schleswig-Flensburg pack ------------------------------------------------------------


@pytest.fixture(scope="session")
def slfl_file(raw: Path, germany: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Kreis Schleswig-Flensburg (01059), built once through the library build."""
    out = tmp_path_factory.mktemp("packs") / "schleswig-flensburg.gpkg"
    build(raw, out, region="01059", germany=germany)
    return out


@pytest.fixture(scope="session")
def slfl(slfl_file: Path) -> RegionPack:
    return load_pack(str(slfl_file))  # a str path, as a user types it


@pytest.mark.raw
def test_the_pack_holds_the_district_and_its_defaults(slfl: RegionPack) -> None:
    munis = slfl.municipalities
    assert len(munis) == 123
    assert slfl.region_population == 206_385
    known = set(munis["ags"])
    assert set(slfl.sites["ags"]) <= known  # every site has a municipality
    assert slfl.cells["ags"].isin(known).all()  # every cell too
    # defaults come from the pack, keyed by the district's name as quotas are written
    assert slfl.info.default_quota == {"01059": 12}
    assert default_quotas(slfl) == {"Schleswig-Flensburg": 12}
    home = default_home(slfl, slfl.sites)
    row = slfl.sites.set_index("site_id").loc[home]
    assert row["ags"] == slfl.info.home_base_ags
    # Schleswig's centre was merged into the ZOB bus hub next to it: that site stands for it
    assert "Schleswig, Stadt (Ortsmitte)" in str(row["merged_from"]).split("; ")
    assert slfl.info.home_base_name.startswith("Schleswig")


@pytest.mark.raw
def test_outside_past_stops_are_one_build_note(slfl: RegionPack) -> None:
    notes = [n for n in slfl.info.notes if "past stop" in n]
    assert len(notes) == 1, notes
    assert notes[0].startswith("17 known past stops lie outside the region (Kiel,")


SLFL_SEASON = """
[season]
start = 2025-06-02
end = 2025-09-26
must_include = ["Steinbergkirche"]
time_limit = 20
"""


def _schedule_csv(out: Path) -> str:
    text = (out / "season.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("Stopp;")
    return text


@pytest.mark.raw
@pytest.mark.slow
def test_cli_plans_schleswig_flensburg_with_steinbergkirche(
    slfl_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "season.toml"
    config.write_text(SLFL_SEASON, encoding="utf-8")  # no [quotas], no home: from the pack
    out = tmp_path / "out"
    args = ["season", "plan", "--pack", str(slfl_file), "--config", str(config), "--out", str(out)]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert f"pack: {slfl_file} (Schleswig-Flensburg)" in printed
    rows = _schedule_csv(out).splitlines()[1:]
    assert len(rows) == 12  # the pack's default quota
    assert any(";Steinbergkirche (Ortsmitte);" in r for r in rows)
    assert all(";Schleswig-Flensburg;" in r for r in rows)


@pytest.mark.raw
@pytest.mark.slow
def test_the_toml_names_the_pack(
    slfl_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "plans"
    folder.mkdir()
    config = folder / "season.toml"
    relative = Path("..") / "packs" / "sl-fl.gpkg"  # relative to the TOML file
    (tmp_path / "packs").mkdir()
    (tmp_path / "packs" / "sl-fl.gpkg").write_bytes(slfl_file.read_bytes())
    config.write_text(SLFL_SEASON + f'\n[data]\npack = "{relative.as_posix()}"\n', "utf-8")
    out = tmp_path / "out"
    assert main(["season", "plan", "--config", str(config), "--out", str(out)]) == 0
    assert "(Schleswig-Flensburg)" in capsys.readouterr().out
    assert "Steinbergkirche" in _schedule_csv(out)


@pytest.mark.raw
def test_a_quota_for_another_district_names_it_and_the_packs_districts(
    slfl_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "season.toml"
    config.write_text(SLFL_SEASON + '\n[quotas]\n"Plön" = 4\n', encoding="utf-8")
    out = tmp_path / "out"
    args = ["season", "plan", "--pack", str(slfl_file), "--config", str(config), "--out", str(out)]
    assert main([*args, "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "Plön" in err and "Schleswig-Flensburg" in err
    assert not any(out.iterdir())  # nothing planned, nothing written


def test_a_missing_pack_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "season.toml"
    config.write_text(SLFL_SEASON + '\n[data]\npack = "nowhere.gpkg"\n', encoding="utf-8")
    code = main(["season", "plan", "--config", str(config), "--out", str(tmp_path / "o")])
    assert code == 1
    err = capsys.readouterr().err
    assert "data.pack" in err and "nowhere.gpkg" in err
    # --pack wins over the file's [data] pack
    parsed = parse_season_config({"season": {"start": "2025-06-02", "end": "2025-06-30"}})
    assert season_pack_path(parsed, pack="x.gpkg") == (Path("x.gpkg"), "--pack")


def test_sites_commands_take_the_pack(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "none.gpkg"
    sites = tmp_path / "s.csv"
    sites.write_text("name,lon,lat\nA,10.1,54.3\n", encoding="utf-8")
    assert main(["sites", "check", str(sites), "--pack", str(missing)]) == 1
    assert str(missing) in capsys.readouterr().err
    assert main(["sites", "select", "--p", "2", "--pack", str(missing)]) == 1
    assert str(missing) in capsys.readouterr().err


# --- one resolver for home, must_include and exclude -----------------------------------------


def _sites() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "site_id": ["c1", "s1", "c2", "c3", "c4"],
            "name": ["A centre", "A school", "B centre", "Hohenfelde", "Hohenfelde"],
            "municipality": ["Alpha, Stadt", "Alpha, Stadt", "Beta", "Hohenfelde", "Hohenfelde"],
            "ags": ["09162000", "09162000", "09184001", "01057030", "01061044"],
            "district": ["München", "München", "München", "Plön", "Steinburg"],
            "kind": ["centre", "school", "centre", "centre", "centre"],
        }
    )


def test_site_ids_and_municipality_names_resolve_alike() -> None:
    sites = _sites()
    assert resolve_site(sites, "s1") == "s1"
    assert resolve_site(sites, "Alpha") == "c1"  # its centre, the suffix ", Stadt" ignored
    cfg = SeasonConfig(
        start=D(2025, 6, 2),
        end=D(2025, 7, 25),
        home_site_id="",
        must_include=("Beta", "s1"),
        exclude=("Alpha",),
    )
    resolved = resolve_site_names(cfg, sites, home="Beta")
    assert resolved.home_site_id == "c2"
    assert resolved.must_include == ("c2", "s1") and resolved.exclude == ("c1",)


@pytest.mark.parametrize(
    ("value", "problem"), [("Gamma", "neither a site_id"), ("Hohenfelde", "Steinburg")]
)
def test_unknown_and_ambiguous_names_are_named(value: str, problem: str) -> None:
    cfg = SeasonConfig(
        start=D(2025, 6, 2), end=D(2025, 7, 25), home_site_id="", must_include=(value,)
    )
    with pytest.raises(ConfigError) as info:
        resolve_site_names(cfg, _sites(), home="c1")
    assert info.value.key == "season.must_include"
    text = info.value.message("en")
    assert repr(value) in text and problem in text


# --- public holidays by Land -----------------------------------------------------------------


def test_each_land_has_its_own_holidays() -> None:
    by = public_holidays([2025], subdivision="BY")
    sh = public_holidays([2025], subdivision="SH")
    assert D(2025, 6, 19) in by and D(2025, 6, 19) not in sh  # Fronleichnam
    assert D(2025, 11, 1) in by and D(2025, 11, 1) not in sh  # Allerheiligen
    assert D(2025, 10, 31) in sh and D(2025, 10, 31) not in by  # Reformationstag
    # Mariä Himmelfahrt is a holiday only in Bavaria's Catholic municipalities: the package keeps
    # it out of BY's default (statutory, Land-wide) holidays, and so does the calendar
    assert D(2025, 8, 15) not in by
    assert public_holidays([2025], subdivision="BY", language="de")[D(2025, 6, 19)] == (
        "Fronleichnam"
    )


def test_the_season_calendar_closes_the_days_of_the_sites_land() -> None:
    sites = _sites().iloc[:3].assign(area_class="urban")  # Bayern only
    assert site_lands(sites) == ("09",)
    form = {"start": D(2025, 6, 2), "end": D(2025, 11, 28), "home": "Alpha"}
    cfg = season_config_from_values(form, sites=sites)
    assert cfg.holiday_lands == ("09",)
    cal = cfg.calendar()
    assert not cal.is_operating(D(2025, 6, 19))  # Thursday, Fronleichnam in Bayern
    assert cal.is_operating(D(2025, 10, 31))  # Friday, Reformationstag only in the north
    assert "Corpus Christi" in (cal.closed_reason(D(2025, 6, 19)) or "")
    # the same season in Schleswig-Holstein (the default): the other way round
    north = SeasonCalendar(start=form["start"], end=form["end"])
    assert north.is_operating(D(2025, 6, 19)) and not north.is_operating(D(2025, 10, 31))
    # a region across two Länder closes on the holidays of both (the union)
    both = SeasonConfig(
        start=form["start"], end=form["end"], home_site_id="c1", holiday_lands=("01", "09")
    ).calendar()
    assert not both.is_operating(D(2025, 6, 19)) and not both.is_operating(D(2025, 10, 31))
    # stays do not span the Land's holidays: Thursday 19 June splits the week
    assert cal.stay_span(D(2025, 6, 16), 4) is None
    assert north.stay_span(D(2025, 6, 16), 4) == (D(2025, 6, 16), D(2025, 6, 19))


def test_a_bad_land_key_is_named() -> None:
    with pytest.raises(ConfigError) as info:
        SeasonConfig(
            start=D(2025, 6, 2), end=D(2025, 6, 30), home_site_id="h", holiday_lands=("17",)
        )
    assert info.value.key == "region.lands" and "'17'" in info.value.message("de")


def test_config_round_trip_keeps_the_lands() -> None:
    cfg = SeasonConfig(
        start=D(2025, 6, 2), end=D(2025, 6, 30), home_site_id="h", holiday_lands=("09",)
    )
    assert SeasonConfig.from_dict(cfg.to_dict()) == cfg
    old = {k: v for k, v in cfg.to_dict().items() if k != "holiday_lands"}  # saved before
    assert SeasonConfig.from_dict(old).holiday_lands == ("01",)


# --- build notes -----------------------------------------------------------------------------


def test_past_stops_outside_the_region_are_one_note() -> None:
    munis = gpd.GeoDataFrame(
        {"ags": ["01059186"], "amt_ars": ["010595987"], "amt": ["Amt Langballig"]},
        geometry=[shapely.box(0, 0, 1, 1)],
        crs="EPSG:25832",
    )
    stops = gpd.GeoDataFrame(
        {
            "season": [2022, 2022, 2023, 2025],
            "place": ["Rathausplatz", "Hassee", "Laboe", "Steinbergkirche"],
            "ags": ["01002000", "01002000", "01057043", "01059186"],
            "municipality": ["Kiel, Landeshauptstadt", "Kiel, Landeshauptstadt", "Laboe", "X"],
            "start": ["", "", "", "2025-08-11"],
            "end": ["", "", "", "2025-08-17"],
            "precision": ["street", "district of the city", "municipality", "municipality"],
            "note": ["", "", "", ""],
        },
        geometry=[None] * 4,
        crs="EPSG:25832",
    )
    layer, notes = past_stops_layer(stops, munis, crs="EPSG:25832")
    assert layer["place"].tolist() == ["Steinbergkirche"]
    assert notes == ["3 known past stops lie outside the region (Kiel, Laboe): not in the pack"]


def test_a_huge_region_spec_is_named_not_echoed() -> None:
    districts = pd.DataFrame(
        {"district_ags": ["01059"], "name": ["Schleswig-Flensburg"], "kind": ["Kreis"]}
    )
    with pytest.raises(RegionError) as caught:
        resolve_region("x" * 100_000, districts)
    message = str(caught.value)
    assert "100,000 characters" in message and len(message) < 200
    with pytest.raises(RegionError, match="empty spec"):
        resolve_region(" , ", districts)
    with pytest.raises(RegionError, match="no district"):
        resolve_region('=HYPERLINK("x")', districts)


def test_the_home_base_in_lon_lat_is_in_kiel(pack: RegionPack) -> None:
    lon, lat = pack.home_lonlat()
    assert 10.0 < lon < 10.3 and 54.25 < lat < 54.4  # Kiel's official midpoint
