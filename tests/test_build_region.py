"""Region packs for any German region from the Germany-wide files (issue 18, the build).

Tests with the real files skip with the reason when ``../shared/germany`` (or
``TINY_RATHAUS_GERMANY``) or the KielRegion raw folder is absent. Schleswig-Flensburg is built once
per module; Schleswig-Holstein is ``slow`` (about 30–40 s on 2 cores).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from planner.data.build import BuildError, build_pack, match_vintages, merge_report
from planner.data.pack import SPATIAL_LAYERS, RegionInfo, RegionPack, load_pack, save_pack
from planner.data.raw import RawDataError
from planner.data.regions import (
    RegionError,
    default_quota,
    holiday_subdivision,
    metric_crs_for,
    resolve_region,
)

DISTRICTS = pd.DataFrame(
    {
        "district_ags": ["01002", "01057", "01058", "01059", "09162", "09184", "02000"],
        "name": [
            "Kiel", "Plön", "Rendsburg-Eckernförde", "Schleswig-Flensburg", "München",
            "München", "Hamburg",
        ],
        "kind": [
            "Kreisfreie Stadt", "Kreis", "Kreis", "Kreis", "Kreisfreie Stadt", "Landkreis",
            "Kreisfreie Stadt",
        ],
    }
)  # fmt: skip


# --- region specs (no files needed) --------------------------------------------------------------


def test_region_by_key_land_name_and_preset() -> None:
    assert resolve_region("01059", DISTRICTS).district_keys == ("01059",)
    land = resolve_region("01", DISTRICTS)
    assert land.district_keys == ("01002", "01057", "01058", "01059")
    assert land.name == "Schleswig-Holstein"
    assert resolve_region("Kreis Schleswig-Flensburg", DISTRICTS).district_keys == ("01059",)
    assert resolve_region("kielregion", DISTRICTS).district_keys == ("01002", "01057", "01058")
    both = resolve_region("01059, Hamburg", DISTRICTS)
    assert both.district_keys == ("01059", "02000") and both.lands == ("01", "02")
    assert resolve_region("Landkreis München", DISTRICTS).district_keys == ("09184",)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("München", r"ambiguous.*09162.*09184"),
        ("Schleswig-Flensbrug", r"'Schleswig-Flensbrug'.*did you mean Schleswig-Flensburg"),
        ("01999", r"district key '01999'"),
        ("17", r"Land key '17'"),
        (" , ", r"empty spec"),
        ('=HYPERLINK("x")', r"no district, Land or preset"),
    ],
)
def test_bad_region_specs_are_named(spec: str, message: str) -> None:
    with pytest.raises(RegionError, match=message):
        resolve_region(spec, DISTRICTS)


def test_crs_holidays_and_quota_are_generic() -> None:
    assert metric_crs_for(10.1) == "EPSG:25832"
    assert metric_crs_for(13.4) == "EPSG:25833"
    assert holiday_subdivision("01") == "SH" and holiday_subdivision("09") == "BY"
    with pytest.raises(RegionError, match="'17'"):
        holiday_subdivision("17")
    assert default_quota(["01002", "01057", "01058"]) == {"01002": 4, "01057": 4, "01058": 4}
    assert set(default_quota([f"{i:05d}" for i in range(15)]).values()) == {1}


# --- boundary vintages (synthetic) ---------------------------------------------------------------


def _squares(keys: list[str], xs: list[float], size: float = 1000.0) -> gpd.GeoDataFrame:
    geoms = [shapely.box(x, 0, x + size, size) for x in xs]
    return gpd.GeoDataFrame({"AGS": keys, "GEN": keys}, geometry=geoms, crs="EPSG:3035")


def test_merged_municipality_takes_its_vanished_neighbours() -> None:
    # A|B|C|D in a row, 1 km² each; B and C merged into A (A's register area 3 km²); D unchanged.
    polygons = _squares(["01000001", "01000002", "01000003", "01000004"], [0, 1000, 2000, 3000])
    register = pd.DataFrame(
        {
            "ags": ["01000001", "01000004"],
            "name": ["A", "D"],
            "area_km2": [3.0, 1.0],
            "lon": [np.nan, np.nan],
            "lat": [np.nan, np.nan],
        }
    )
    match = match_vintages(polygons, register)
    assert match.owner["01000002"] == "01000001"
    assert match.owner["01000003"] == "01000001"  # not D: D's area already fits the register
    assert match.unmatched == ()


def test_new_key_takes_the_polygon_holding_its_midpoint() -> None:
    polygons = _squares(["01000001", "01000002"], [0, 1000]).to_crs("EPSG:4326")
    centre = shapely.box(1000, 0, 2000, 1000).centroid
    lon, lat = gpd.GeoSeries([centre], crs="EPSG:3035").to_crs("EPSG:4326").iloc[0].coords[0]
    register = pd.DataFrame(
        {"ags": ["01000001", "01000009"], "name": ["A", "N"], "area_km2": [1.0, 1.0],
         "lon": [np.nan, lon], "lat": [np.nan, lat]}
    )  # fmt: skip
    match = match_vintages(polygons, register)
    assert match.owner == {"01000001": "01000001", "01000002": "01000009"}


# --- real files ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schleswig_flensburg(raw: Path, germany: Path) -> RegionPack:
    return build_pack(raw, region="01059", germany=germany)


@pytest.mark.raw
def test_schleswig_flensburg_matches_the_register(schleswig_flensburg: RegionPack) -> None:
    pack = schleswig_flensburg
    assert len(pack.municipalities) == 123
    assert pack.region_population == 206_385
    assert pack.municipalities["ags"].is_unique
    assert pack.info.name == "Schleswig-Flensburg"
    assert pack.info.districts == (("01059", "Schleswig-Flensburg"),)
    assert pack.info.lands == ("01",)
    assert pack.crs == "EPSG:25832" == str(pack.cells.crs)
    largest = pack.municipalities.loc[pack.municipalities["population"].idxmax()]
    assert pack.info.home_base_ags == largest["ags"]
    # Steinbergkirche (Tiny Rathaus stop in August 2025) is in the pack with a candidate site.
    stein = pack.municipalities[pack.municipalities["name"].str.startswith("Steinbergkirche")]
    assert len(stein) == 1
    assert stein["ags"].iloc[0] in set(pack.sites["ags"])


@pytest.mark.raw
def test_every_cell_stop_and_site_has_a_municipality(schleswig_flensburg: RegionPack) -> None:
    pack = schleswig_flensburg
    known = set(pack.municipalities["ags"])
    for layer in ("cells", "sites", "transit_stops", "schools"):
        assert set(getattr(pack, layer)["ags"]) <= known, layer
    polygons = pack.municipalities.set_index("ags").geometry
    inside = pack.cells[pack.cells["in_region"]]
    centres = gpd.points_from_xy(inside["x"], inside["y"])
    holders = polygons.loc[inside["ags"]].buffer(1).to_numpy()
    assert shapely.contains(holders, np.asarray(centres)).all()
    # Grid and register count the same people within a few per cent.
    grid = inside["population"].sum()
    assert 0.9 < grid / pack.region_population < 1.15


@pytest.mark.raw
def test_merges_are_reported_and_checked_against_the_register(
    schleswig_flensburg: RegionPack,
) -> None:
    # VG5000 (2021) has 125 Schleswig-Flensburg polygons, the register (2024) 123 municipalities:
    # Tastrup and Maasbüll joined Hürup.
    merges = {m["ags"]: m for m in schleswig_flensburg.info.merges}
    assert set(merges) == {"01059126"}
    hurup = merges["01059126"]
    assert sorted(a for a, _ in hurup["from"]) == ["01059101", "01059126", "01059141"]
    assert hurup["area_polygons_km2"] == pytest.approx(hurup["area_register_km2"], rel=0.02)
    area = schleswig_flensburg.municipalities.set_index("ags").to_crs("EPSG:3035").area
    assert area["01059126"] / 1e6 == pytest.approx(28.07, rel=0.02)
    assert "Tastrup" in merge_report(schleswig_flensburg.info.merges)[0]
    # Schleswig-Holstein has a school list: no note about missing schools.
    assert not any("school list" in note for note in schleswig_flensburg.info.notes)
    assert (schleswig_flensburg.sites["kind"] == "school").any()


@pytest.mark.raw
def test_region_east_of_12_degrees_without_schools(
    raw: Path, germany: Path, tmp_path: Path
) -> None:
    berlin = build_pack(raw, region="Berlin", germany=germany)
    assert berlin.crs == "EPSG:25833" == berlin.info.crs
    for layer in SPATIAL_LAYERS:
        assert str(getattr(berlin, layer).crs) == "EPSG:25833", layer
    x = berlin.municipalities.geometry.centroid.x.iloc[0]
    assert 370_000 < x < 420_000  # UTM 33N easting of Berlin (UTM 32N would be ~800 km)
    assert len(berlin.schools) == 0
    assert set(berlin.sites["kind"]) <= {"centre", "rail", "bus_hub"}
    assert any("no school list for Land 11" in note for note in berlin.info.notes)
    again = load_pack(save_pack(berlin, tmp_path / "berlin.gpkg"))
    assert again.crs == "EPSG:25833"


@pytest.mark.raw
def test_region_info_survives_the_gpkg(schleswig_flensburg: RegionPack, tmp_path: Path) -> None:
    out = save_pack(schleswig_flensburg, tmp_path / "sf.gpkg")
    again = load_pack(out)
    assert again.info == schleswig_flensburg.info
    assert again.crs == "EPSG:25832"
    pd.testing.assert_frame_equal(
        schleswig_flensburg.cells.drop(columns="geometry").reset_index(drop=True),
        again.cells.drop(columns="geometry"),
        check_dtype=False,
    )


def test_old_packs_derive_their_region_info(pack: RegionPack) -> None:
    # The committed pack predates the region table: the facts come from its layers.
    info = pack.info
    assert info.name == "KielRegion"
    assert [k for k, _ in info.districts] == ["01002", "01057", "01058"]
    assert info.home_base_ags == "01002000"
    assert info.crs == "EPSG:25832"
    assert RegionInfo.from_frame(info.to_frame()) == info


@pytest.mark.raw
def test_kielregion_through_the_germany_path_equals_the_committed_pack(
    raw: Path, germany: Path, pack: RegionPack, tmp_path: Path
) -> None:
    built = build_pack(raw, region="KielRegion", germany=germany)
    rebuilt = load_pack(save_pack(built, tmp_path / "kielregion.gpkg"))
    assert rebuilt.info.name == "KielRegion" and rebuilt.info.merges == ()
    for layer in SPATIAL_LAYERS:
        a = getattr(pack, layer).reset_index(drop=True)
        b = getattr(rebuilt, layer).reset_index(drop=True)
        columns = [c for c in a.columns if c not in ("geometry", "ags")]
        assert list(a.columns) == list(b.columns), layer
        pd.testing.assert_frame_equal(a[columns], b[columns], check_dtype=False, obj=layer)
        # The KielRegion GeoJSON extract rounds the VG5000 coordinates (≤ 1.8 m).
        distance = shapely.hausdorff_distance(a.geometry.to_numpy(), b.geometry.to_numpy())
        assert distance.max() < 2.0, layer
        if layer != "cells":
            assert (a["ags"] == b["ags"]).all() if "ags" in a else True, layer
    # The past stops come from the KielRegion raw folder on both paths: the same layer.
    pd.testing.assert_frame_equal(
        pack.history.drop(columns="geometry"), rebuilt.history.drop(columns="geometry")
    )
    # Cells whose centre lies within those 2 m of a municipality border may change sides.
    cells_a, cells_b = pack.cells, rebuilt.cells
    moved = cells_a[cells_a["ags"].to_numpy() != cells_b["ags"].to_numpy()]
    assert len(moved) <= 5
    borders = pack.municipalities.set_index("ags").boundary
    for _, cell in moved.iterrows():
        assert borders[cell["ags"]].distance(shapely.Point(cell["x"], cell["y"])) < 2.0


@pytest.mark.raw
def test_unknown_region_fails_before_reading_data(raw: Path, germany: Path) -> None:
    with pytest.raises(RegionError, match="Schleswig-Flensbrug"):
        build_pack(raw, region="Schleswig-Flensbrug", germany=germany)


@pytest.mark.raw
def test_missing_germany_file_is_named(raw: Path, germany: Path, tmp_path: Path) -> None:
    fake = tmp_path / "germany"
    (fake / "boundaries" / "vg5000_2021").mkdir(parents=True)
    for path in (germany / "boundaries" / "vg5000_2021").glob("VG5000_KRS.*"):
        (fake / "boundaries" / "vg5000_2021" / path.name).symlink_to(path)
    with pytest.raises(RawDataError, match=r"VG5000_GEM\.shp"):
        build_pack(raw, region="01059", germany=fake)


@pytest.mark.raw
@pytest.mark.slow
def test_schleswig_holstein(raw: Path, germany: Path) -> None:
    pack = build_pack(raw, region="01", germany=germany)
    assert len(pack.municipalities) == 1106
    assert pack.region_population == 2_965_691
    assert len(pack.districts) == 15
    known = set(pack.municipalities["ags"])
    assert set(pack.cells["ags"]) <= known and set(pack.sites["ags"]) <= known
    assert {m["ags"] for m in pack.info.merges} == {"01059126"}


def test_build_error_is_a_value_error() -> None:
    assert issubclass(BuildError, ValueError)
