"""The committed region pack: published figures, CRS, assignments; the build reproduces it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from planner.data.build import BuildError, build_pack
from planner.data.pack import SPATIAL_LAYERS, RegionPack, load_pack, save_pack
from planner.settings import METRIC_CRS


def test_published_counts_and_totals(pack: RegionPack) -> None:
    munis = pack.municipalities
    assert len(munis) == 251
    assert munis.groupby("district_ags").size().to_dict() == {"01002": 1, "01057": 85, "01058": 165}
    assert pack.region_population == 660_107
    assert int(pack.cells["population"].sum()) == 663_787
    assert int((pack.cells["population"] > 0).sum()) == 2758
    assert munis["ags"].is_unique
    assert len(pack.districts) == 3


def test_every_layer_is_metric(pack: RegionPack) -> None:
    for layer in SPATIAL_LAYERS:
        assert str(getattr(pack, layer).crs) == METRIC_CRS, layer
    # UTM 32N eastings/northings of northern Germany.
    x, y = pack.municipalities.geometry.centroid.x, pack.municipalities.geometry.centroid.y
    assert x.between(480_000, 660_000).all() and y.between(5_950_000, 6_100_000).all()


def test_every_cell_and_site_has_a_municipality(pack: RegionPack) -> None:
    known = set(pack.municipalities["ags"])
    assert set(pack.cells["ags"]) <= known
    assert set(pack.sites["ags"]) <= known
    assert set(pack.transit_stops["ags"]) <= known
    assert pack.sites["site_id"].is_unique
    # Cells whose centre lies in a municipality polygon belong to that one.
    inside = pack.cells[pack.cells["in_region"]].sample(50, random_state=1)
    polygons = pack.municipalities.set_index("ags").geometry
    for _, cell in inside.iterrows():
        assert polygons[cell["ags"]].buffer(1).contains(cell.geometry.centroid)


def test_suppressed_zensus_values_are_not_negative(pack: RegionPack) -> None:
    cells = pack.cells
    assert (cells["population"] >= 0).all()
    suppressed = cells[cells["population_suppressed"]]
    assert len(suppressed) == 990
    assert (suppressed["population"] == 0).all()
    assert suppressed["share_65plus"].isna().all()
    shares = cells[["share_65plus", "share_under18"]].stack().dropna()
    assert shares.between(0, 1).all()
    assert (cells["pop_65plus"] <= cells["population"] + 1e-9).all()


def test_area_classes_and_sites(pack: RegionPack) -> None:
    munis = pack.municipalities.set_index("ags")
    assert munis.loc["01002000", "area_class"] == "urban"
    assert set(munis["area_class"]) == {"urban", "rural"}
    assert (munis["area_class"] == "rural").sum() > 200
    kinds = set(pack.sites["kind"])
    assert {"centre", "rail", "bus_hub", "school"} <= kinds
    assert (pack.sites["power"] == "unknown").all()
    xy = np.column_stack([pack.sites.geometry.x, pack.sites.geometry.y])
    dist = np.sqrt(((xy[:, None] - xy[None]) ** 2).sum(-1)) + np.eye(len(xy)) * 1e9
    assert dist.min() >= 300  # merged below the merge distance


def test_metadata_names_every_source(pack: RegionPack) -> None:
    meta = pack.metadata
    assert len(meta) == 9  # eight official files and the tour's past stops
    assert meta["sha256"].str.fullmatch(r"[0-9a-f]{64}").all()
    text = " ".join(pack.attribution())
    for needle in ("GeoBasis-DE / BKG", "Destatis", "Zensus 2022", "DB InfraGO", "OpenStreetMap"):
        assert needle in text


@pytest.mark.raw
def test_build_reproduces_the_committed_pack(raw: Path, pack: RegionPack, tmp_path: Path) -> None:
    out = tmp_path / "rebuilt.gpkg"
    save_pack(build_pack(raw), out)
    rebuilt = load_pack(out)
    for layer in SPATIAL_LAYERS:
        a, b = getattr(pack, layer), getattr(rebuilt, layer)
        pd.testing.assert_frame_equal(
            a.drop(columns="geometry"), b.drop(columns="geometry"), check_dtype=False, obj=layer
        )
        assert a.geometry.geom_equals_exact(b.geometry, tolerance=0.01).all(), layer
    pd.testing.assert_frame_equal(
        pack.metadata.drop(columns="built_at"), rebuilt.metadata.drop(columns="built_at")
    )
    pd.testing.assert_frame_equal(
        pack.history.drop(columns="geometry"), rebuilt.history.drop(columns="geometry")
    )


def test_past_stops_of_the_tour(pack: RegionPack) -> None:
    stops = pack.history
    # 17 known stops in the region (Steinbergkirche 2025 lies in Kreis Schleswig-Flensburg)
    assert len(stops) == 17
    assert sorted(stops["season"].unique()) == [2022, 2023, 2025]
    assert "Steinbergkirche" not in set(stops["municipality"])
    assert set(stops["precision"]) == {"street", "district of the city", "municipality"}
    wankendorf = stops[stops["municipality"] == "Wankendorf"].iloc[0]
    assert wankendorf["amt"] == "Bokhorst-Wankendorf" and wankendorf["end"] == "2023-08-21"
    # the raw file gives no coordinates: no stop has a point (never the municipality's midpoint)
    assert stops.geometry.isna().all()
    assert str(stops.crs) == METRIC_CRS


@pytest.mark.raw
def test_build_fails_clearly_on_a_missing_polygon(raw: Path, tmp_path: Path) -> None:
    import json
    import shutil

    copy = tmp_path / "raw"
    shutil.copytree(raw, copy, ignore=shutil.ignore_patterns("*.pbf"))
    path = copy / "boundaries" / "vg5000_gemeinden.geojson"
    data = json.loads(path.read_text())
    data["features"] = [f for f in data["features"] if f["properties"]["AGS"] != "01057001"]
    path.write_text(json.dumps(data))
    with pytest.raises(BuildError, match="01057001"):
        build_pack(copy)


def test_a_missing_pack_is_named_as_data_and_file_error(tmp_path: Path) -> None:
    from planner.data.pack import PackNotFoundError
    from planner.errors import DataError

    with pytest.raises(PackNotFoundError, match="data build") as caught:
        load_pack(tmp_path / "none.gpkg")
    assert isinstance(caught.value, FileNotFoundError) and isinstance(caught.value, DataError)
