"""A region east of 12° E end to end in its own CRS, EPSG:25833 (issue 18, metric work).

Cottbus and the Landkreis Spree-Neiße (12052, 12071; about 14.3° E) are built once per module with
the library build (about 12 s). Sites imported from lon/lat, stored scenarios, the season inputs,
a season planned on the command line and the coverage figures must all work in the pack's CRS,
not in EPSG:25832 (which would put every point about 400 km off). Tests skip with the reason when
``../shared/germany`` (``TINY_RATHAUS_GERMANY``) or the KielRegion raw folder (the register) is
absent.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer

from planner.cli import main
from planner.coverage.figures import map_coverage
from planner.data.build import build
from planner.data.pack import SPATIAL_LAYERS, RegionPack, load_pack
from planner.scenarios import frame_from_json, frame_to_json, scenario_sites
from planner.season.inputs import season_inputs
from planner.sites import combine_sites, load_site_file
from planner.traveltime import CrowFlyModel

EAST = "EPSG:25833"
REGION = "12052,12071"  # Cottbus, Spree-Neiße
TO_LONLAT = Transformer.from_crs(EAST, "EPSG:4326", always_xy=True)
TO_EAST = Transformer.from_crs("EPSG:4326", EAST, always_xy=True)


@pytest.fixture(scope="module")
def east_file(raw: Path, germany: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Cottbus + Spree-Neiße, built once through the library build."""
    out = tmp_path_factory.mktemp("packs") / "cottbus-spree-neisse.gpkg"
    build(raw, out, region=REGION, germany=germany)
    return out


@pytest.fixture(scope="module")
def east(east_file: Path) -> RegionPack:
    return load_pack(east_file)


def _midpoint_lonlat(pack: RegionPack, ags: str) -> tuple[float, float]:
    """A municipality's official midpoint (its centre, near the town hall) in WGS84 degrees."""
    row = pack.municipalities.set_index("ags").loc[ags]
    lon, lat = TO_LONLAT.transform(float(row["midpoint_x"]), float(row["midpoint_y"]))
    return float(lon), float(lat)


def _ags(pack: RegionPack, prefix: str) -> str:
    """The key of the one municipality whose name starts with ``prefix``."""
    hits = pack.municipalities[pack.municipalities["name"].str.startswith(prefix)]
    assert len(hits) == 1, (prefix, hits["name"].tolist())
    return str(hits["ags"].iloc[0])


@pytest.mark.raw
def test_the_pack_is_in_utm_zone_33(east: RegionPack) -> None:
    assert east.info.crs == east.crs == EAST
    for layer in SPATIAL_LAYERS:
        assert str(getattr(east, layer).crs) == EAST, layer
    assert set(east.districts["district_ags"]) == {"12052", "12071"}
    lon, _ = _midpoint_lonlat(east, _ags(east, "Cottbus"))
    assert 14.2 < lon < 14.5  # Cottbus lies at 14.33° E


@pytest.fixture(scope="module")
def imported(east: RegionPack, tmp_path_factory: pytest.TempPathFactory) -> gpd.GeoDataFrame:
    """Two sites from a CSV: the centres of Spremberg and Guben, given as lon/lat."""
    rows = []
    for prefix in ("Spremberg", "Guben"):
        lon, lat = _midpoint_lonlat(east, _ags(east, prefix))
        rows.append({"name": f"Rathaus {prefix}", "lon": f"{lon:.7f}", "lat": f"{lat:.7f}"})
    path = tmp_path_factory.mktemp("sites") / "sites.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    result = load_site_file(path, municipalities=east.municipalities, crs=east.crs)
    assert result.errors == []
    return result.sites


@pytest.mark.raw
def test_a_csv_site_lands_in_its_municipality(east: RegionPack, imported: gpd.GeoDataFrame) -> None:
    assert str(imported.crs) == EAST
    assert len(imported) == 2
    for prefix, (_, site) in zip(("Spremberg", "Guben"), imported.iterrows(), strict=True):
        ags = _ags(east, prefix)
        assert site["ags"] == ags and site["district"] == "Spree-Neiße"
        row = east.municipalities.set_index("ags").loc[ags]
        # back at the official midpoint (7 decimals of a degree: about 1 cm)
        assert site.geometry.distance(shapely.Point(row["midpoint_x"], row["midpoint_y"])) < 0.05
    # the sites table with them stays in the pack's CRS, the added points where they were
    sites, errors = combine_sites(east.sites, added=imported)
    assert errors == [] and str(sites.crs) == EAST
    added = sites.set_index("site_id").loc[imported["site_id"]]
    assert np.allclose(added.geometry.x, imported.geometry.x)
    assert np.allclose(added.geometry.y, imported.geometry.y)


@pytest.mark.raw
def test_a_scenario_keeps_the_added_sites_coordinates(
    east: RegionPack, imported: gpd.GeoDataFrame
) -> None:
    stored = json.loads(json.dumps(frame_to_json(imported)))
    assert stored["crs"] == EAST
    back = frame_from_json(stored)
    assert isinstance(back, gpd.GeoDataFrame) and str(back.crs) == EAST
    shift = back.geometry.distance(imported.geometry.reset_index(drop=True))
    assert float(shift.max()) < 0.001  # stored to the millimetre
    sites, errors = scenario_sites(east.sites, {"user_sites": stored})
    assert errors == [] and str(sites.crs) == EAST
    assert set(imported["site_id"]) <= set(sites["site_id"])
    # a scenario stored before the CRS was recorded is in EPSG:25832, as it was written
    old = {k: v for k, v in stored.items() if k != "crs"}
    assert str(frame_from_json(old).crs) == "EPSG:25832"


@pytest.mark.raw
def test_season_inputs_measure_in_the_packs_crs(east: RegionPack) -> None:
    model = CrowFlyModel()
    inputs = season_inputs(east, threshold_min=15.0, model=model)
    assert inputs.crs == EAST
    ids = inputs.sites["site_id"].astype(str).tolist()
    lonlat = east.sites.set_index("site_id").loc[ids].geometry.to_crs("EPSG:4326")
    x, y = TO_EAST.transform(lonlat.x.to_numpy(), lonlat.y.to_numpy())
    straight_m = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :])
    assert np.abs(inputs.km * 1000.0 / model.detour - straight_m).max() < 1.0
    assert straight_m.max() > 20_000  # far enough apart that a wrong zone would show (~0.2 %)


@pytest.mark.raw
def test_map_coverage_of_two_stops_equals_the_cells_within_the_threshold(
    east: RegionPack,
) -> None:
    model = CrowFlyModel()
    ids = [_site(east, "Cottbus Hbf"), _site(east, "Guben (Bahnhof)")]
    stops = east.sites.set_index("site_id").loc[ids].reset_index().to_crs("EPSG:4326")
    got = map_coverage(east, stops, threshold_min=15.0, model=model)
    # by hand: straight line × detour at the model's speeds from each stop to each cell centre
    stop_xy = np.column_stack(TO_EAST.transform(stops.geometry.x, stops.geometry.y))
    cells = east.cells
    cell_xy = cells[["x", "y"]].to_numpy(float)
    km = np.hypot(*(stop_xy[:, None, :] - cell_xy[None, :, :]).transpose(2, 0, 1)) / 1000.0
    minutes = model.minutes_for_km(km * model.detour).min(axis=0)
    assert np.allclose(got.cell_minutes, minutes)
    reached = cells[(minutes <= 15.0) & cells["in_region"].to_numpy()]
    base = cells[cells["in_region"].to_numpy()]
    figures = got.figures.set_index("district_ags")
    for district in ("12052", "12071"):
        assert figures.loc[district, "reached"] == round(
            reached.loc[reached["district_ags"] == district, "population"].sum()
        )
        assert figures.loc[district, "population"] == round(
            base.loc[base["district_ags"] == district, "population"].sum()
        )
    assert figures.loc["region", "reached"] == round(reached["population"].sum())
    assert figures.loc["region", "district"] == east.info.name
    region_reached, region_population = figures.loc["region", ["reached", "population"]].to_numpy(
        float
    )
    assert 0 < region_reached < region_population


def _site(pack: RegionPack, name: str) -> str:
    hits = pack.sites[pack.sites["name"].str.startswith(name)]
    assert len(hits) == 1, (name, hits["name"].tolist())
    return str(hits["site_id"].iloc[0])


SEASON = """
[season]
start = 2025-06-02
end = 2025-07-25
time_limit = 10

[quotas]
Cottbus = 2
"Spree-Neiße" = 2
"""


@pytest.mark.raw
def test_cli_plans_a_season_whose_stops_lie_in_the_region(
    east: RegionPack, east_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "season.toml"
    config.write_text(SEASON, encoding="utf-8")
    out = tmp_path / "out"
    args = ["season", "plan", "--pack", str(east_file), "--config", str(config), "--out", str(out)]
    assert main(args) == 0
    assert "(Cottbus + Spree-Neiße)" in capsys.readouterr().out
    stops = gpd.read_file(out / "season_stops.geojson")
    assert len(stops) == 4
    region = east.municipalities.to_crs("EPSG:4326")
    minx, miny, maxx, maxy = region.total_bounds
    assert stops.geometry.x.between(minx, maxx).all(), stops.geometry.x.tolist()
    assert stops.geometry.y.between(miny, maxy).all(), stops.geometry.y.tolist()
    inside = stops.to_crs(EAST).geometry.within(shapely.union_all(east.municipalities.geometry))
    assert inside.all()
