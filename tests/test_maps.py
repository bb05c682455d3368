"""Coverage maps: layers, escaping, figures, attribution, and a self-contained export."""

from __future__ import annotations

import dataclasses
import html
import json
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest

from planner import coverage, maps
from planner.data.pack import RegionPack
from planner.i18n import t
from planner.settings import METRIC_CRS


@pytest.fixture(scope="module")
def stops(pack: RegionPack) -> gpd.GeoDataFrame:
    """Four rail stations as a small plan, one with a hostile name."""
    chosen = pack.sites[pack.sites["kind"] == "rail"].head(4).copy()
    chosen["name"] = chosen["name"].astype(str)
    chosen.loc[chosen.index[0], "name"] = '<script>alert("x")</script> & Co'
    chosen["start"] = ["2025-07-01", "2025-07-08", "2025-07-15", "2025-07-22"]
    chosen["end"] = ["2025-07-05", "2025-07-12", "2025-07-19", "2025-07-26"]
    return chosen


@pytest.fixture(scope="module")
def page(pack: RegionPack, stops: gpd.GeoDataFrame) -> str:
    """The rendered HTML of a map with every layer."""
    fmap = maps.coverage_map(pack, stops=stops, sites=pack.sites, show_cells=True)
    return maps.map_html(fmap)


def test_map_has_every_layer_and_legend(page: str) -> None:
    for key in (
        "map.layer.municipalities",
        "map.layer.cells",
        "map.layer.districts",
        "map.layer.sites",
        "map.layer.stops",
        "map.layer.route",
    ):
        name = t(key, "de")
        assert json.dumps(name, ensure_ascii=False) in page or name in page, key
    assert "Einzugsgebiete" in page
    assert "L.control.layers" in page
    assert "trp-legend" in page
    # urban/rural figures per district in the legend
    for district in ("Kiel", "Plön", "Rendsburg-Eckernförde"):
        assert district in page


def test_user_text_is_escaped(page: str) -> None:
    assert '<script>alert("x")' not in page
    assert "&lt;script&gt;" in page


def test_attribution_of_every_source(pack: RegionPack, page: str) -> None:
    shown = [
        html.unescape(json.loads(text))
        for text in re.findall(r"addAttribution\((\".*?\")\);", page)
    ]
    assert shown == maps.attribution_lines(pack)
    joined = " ".join(maps.attribution_lines(pack))
    for needle in ("OpenStreetMap", "GeoBasis-DE / BKG", "Destatis", "Zensus 2022", "DB"):
        assert needle in joined


def test_export_is_self_contained(page: str, pack: RegionPack, tmp_path: Path) -> None:
    external = re.findall(r"<(?:script|link)[^>]+(?:src|href)=\"(https?:[^\"]+)\"", page)
    assert external == []
    assert "window.L=" in page or "window.L =" in page  # Leaflet inlined
    assert "url(images/" not in page  # stylesheet images inlined
    fmap = maps.coverage_map(pack, basemap=False)
    path = maps.save_map(fmap, name="tëst map/..", folder=tmp_path)
    assert path.parent == tmp_path and path.suffix == ".html"
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert maps.map_bytes(fmap)[:15] == b"<!DOCTYPE html>"


def test_map_file_names_are_unique_bounded_and_inside_the_folder(
    pack: RegionPack, tmp_path: Path
) -> None:
    fmap = maps.coverage_map(pack, basemap=False)
    folder = tmp_path / "maps"
    names = [
        "Sommer 2025",
        "sommer_2025",
        "Sommer (2025)",
        "Plön " * 80,  # 400 characters: too long for a file name as it is
        "x" * 300,
        "../../etc/passwd",
        "/abs/path",
        "..",
        "",
        "Kiel\x00\u202eevil",
        "🙂" * 100,
    ]
    paths = [maps.save_map(fmap, name=name, folder=folder) for name in names]
    assert len(set(paths)) == len(names)  # no map overwrote another
    assert sorted(folder.iterdir()) == sorted(paths)  # every file is directly in the folder
    for path in paths:
        assert path.parent == folder and path.suffix == ".html"
        assert re.fullmatch(r"[a-z0-9_]{1,60}-[0-9a-f]{10}\.html", path.name), path.name
    assert paths[0].name.startswith("sommer_2025-")
    assert paths[3].name.startswith("plon_plon_")
    # the same name again replaces only its own map
    again = maps.save_map(fmap, name="Sommer 2025", folder=folder)
    assert again == paths[0] and len(list(folder.iterdir())) == len(names)


def test_map_html_rejects_cdn_links(pack: RegionPack) -> None:
    fmap = maps.coverage_map(pack, basemap=False)
    fmap.default_js = [("leaflet", "https://cdn.example.org/leaflet.js")]
    with pytest.raises(ValueError, match="external"):
        maps.map_html(fmap)


def test_figures_split_urban_rural(pack: RegionPack, stops: gpd.GeoDataFrame) -> None:
    cov = coverage.map_coverage(pack, stops, threshold_min=15)
    fig = cov.figures.set_index("district_ags")
    region = fig.loc["region"]
    assert region["population"] == fig.drop(index="region")["population"].sum()
    assert region["urban_population"] + region["rural_population"] == region["population"]
    assert 0 < region["reached"] < region["population"]
    assert region["urban_reached"] + region["rural_reached"] == region["reached"]
    # a stricter threshold never reaches more people
    tight = coverage.map_coverage(pack, stops, threshold_min=5).figures
    assert tight["reached"].iloc[-1] < region["reached"]
    # without stops nobody is reached
    none = coverage.map_coverage(pack, None).figures
    assert none["reached"].sum() == 0


def test_cells_inside_threshold_are_covered(pack: RegionPack, stops: gpd.GeoDataFrame) -> None:
    cov = coverage.map_coverage(pack, stops, threshold_min=15)
    assert cov.cell_minutes.shape == (len(pack.cells),)
    assert np.allclose(cov.cell_minutes, cov.stop_cell_minutes.min(axis=0))
    # the cell holding the first stop is reached within a few minutes
    first = stops.geometry.iloc[0]
    holder = pack.cells[pack.cells.contains(first)]
    assert len(holder) == 1
    assert cov.cell_minutes[pack.cells.index.get_loc(holder.index[0])] < 5


def test_display_geometry_is_simplified_and_wgs84(pack: RegionPack) -> None:
    raw = pack.municipalities.to_crs("EPSG:4326")
    shown = maps.display_frame(pack.municipalities, tolerance_m=120.0, precision_deg=1e-4)
    assert str(shown.crs) == "EPSG:4326"
    count = lambda frame: int(frame.geometry.count_coordinates().sum())  # noqa: E731
    assert count(shown) < count(raw)
    # area barely changes
    ratio = shown.to_crs(METRIC_CRS).area.sum() / pack.municipalities.area.sum()
    assert 0.98 < ratio < 1.02


def test_popup_lists_dates_and_breakdown() -> None:
    html = maps.site_popup(
        {"name": "Dorf <b>", "start": "2025-07-01", "end": "2025-07-05", "kind": "centre"},
        lang="en",
        breakdown={"Population <15 min": 0.5, "Rail": 0.25},
    )
    assert "Dorf &lt;b&gt;" in html
    assert "2025-07-01 – 2025-07-05" in html
    assert "Population &lt;15 min" in html and "0.5" in html and "0.50" not in html
    assert "Village centre" in html
    # German: dates and numbers in German notation
    german = maps.site_popup(
        {"name": "Dorf", "start": "2025-07-01", "end": "2025-07-05", "space_m2": 1250.5},
        lang="de",
        breakdown={"Einwohner": 12.25},
    )
    assert "01.07.2025 – 05.07.2025" in german
    assert "1.250,50" in german and "12,2" in german


def test_stops_frame_joins_schedule_to_sites(pack: RegionPack) -> None:
    ids = list(pack.sites["site_id"].head(3))
    frame = maps.stops_frame(
        [{"site_id": ids[2], "stop": 1}, {"site_id": "nope", "stop": 2}, {"site_id": ids[0]}],
        sites=pack.sites,
    )
    assert list(frame["site_id"]) == [ids[2], ids[0]]
    assert frame.geometry.iloc[0].equals(pack.sites.geometry.iloc[2])
    assert "name" in frame.columns


def test_map_options_and_their_keyword_form_agree(
    pack: RegionPack, stops: gpd.GeoDataFrame
) -> None:
    from typing import get_type_hints

    fields = {f.name for f in dataclasses.fields(maps.MapOptions)}
    assert set(get_type_hints(maps.MapChoices)) == fields
    options = maps.MapOptions(basemap=False, show_cells=True, title="Sommer", lang="en")
    by_options = maps.map_html(maps.coverage_map(pack, stops=stops, options=options))
    by_keywords = maps.map_html(
        maps.coverage_map(
            pack, stops=stops, basemap=False, show_cells=True, title="Sommer", lang="en"
        )
    )

    # element names are random per map: compare the pages without them
    def unnamed(page: str) -> str:
        return re.sub(r"_[0-9a-f]{32}", "_", page)

    assert unnamed(by_options) == unnamed(by_keywords)
    assert "Sommer" in by_options


def _stop_numbers(page: str) -> list[str]:
    return re.findall(r'"n":"(\d+)"', page)


def test_stops_are_numbered_in_tour_order(page: str, pack: RegionPack) -> None:
    assert _stop_numbers(page) == ["1", "2", "3", "4"]
    assert "trp-num" in page and "L.divIcon" in page
    # a schedule's own stop numbers are kept (a plan shown from its third stop on)
    later = pack.sites[pack.sites["kind"] == "rail"].head(2).assign(stop=[3, 4])
    numbered = maps.map_html(maps.coverage_map(pack, stops=later, basemap=False))
    assert _stop_numbers(numbered) == ["3", "4"]


def test_scale_is_metric_only(page: str) -> None:
    assert "L.control.scale({imperial: false, metric: true" in page
    assert page.count("L.control.scale(") == 1  # not Leaflet's default (miles and feet) as well


def test_view_leaves_room_for_legend_and_layers(page: str) -> None:
    """The region is fitted into the space the legend and the layer control leave free."""
    assert 'legendBox = size(".trp-legend"), layersBox = size(".leaflet-control-layers")' in page
    assert "map.getBoundsZoom(" in page and "map.fitBounds(" in page
    # only ours: no folium fit without the padding
    assert not re.search(r"map_[0-9a-f]{32}\.fitBounds\(", page)
    assert "details open" in page  # the legend folds away with a click on its title


def test_legend_names_the_model_in_the_map_language(
    pack: RegionPack, stops: gpd.GeoDataFrame
) -> None:
    from planner.traveltime import CrowFlyModel

    model = CrowFlyModel()
    assert maps.model_text(model, "de").startswith("Luftlinie × 1,35 (Umwegfaktor), bis ")
    assert maps.model_text(model, "en").startswith("straight line × 1.35 (detour factor), up to ")
    assert maps.model_name(model, "de") == "Luftlinie"
    german = maps.map_html(maps.coverage_map(pack, stops=stops, model=model, basemap=False))
    assert json.dumps("Luftlinie × 1,35")[1:-1] in german and "crow-fly" not in german


def test_cells_layer_can_be_left_out(pack: RegionPack) -> None:
    options = maps.MapOptions(cells=False, basemap=False)
    page = maps.map_html(maps.coverage_map(pack, sites=pack.sites.head(5), options=options))
    assert t("map.layer.cells", "de") not in page
    assert t("map.layer.municipalities", "de") in page


def test_compact_map_starts_with_layers_and_legend_folded(pack: RegionPack) -> None:
    def page_for(compact: bool) -> str:
        options = maps.MapOptions(cells=False, basemap=False, compact=compact)
        return maps.map_html(maps.coverage_map(pack, options=options))

    compact, wide = page_for(True), page_for(False)
    assert '"collapsed": true' in compact and '"collapsed": false' in wide
    assert "map.getSize().x < 100000" in compact and "map.getSize().x < 900" in wide
