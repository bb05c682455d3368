"""Walk and bike networks of the local scale (issue 16): built from the road source with osmnx's
network-type filters, used where present, crow-fly otherwise."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from pyproj import Transformer

from planner.coverage.reach import LOCAL_BIKE, LOCAL_WALK, reach_matrix
from planner.traveltime import (
    WALK_SPEED_KMH,
    local_model,
    local_models,
    walking_model,
)
from planner.traveltime.roads import (
    download_drive_graph,
    download_network_graph,
    load_network_graph,
    network_model,
    way_filter,
)

#: Synthetic network in EPSG:25832 metres around Kiel: a U-shaped footway A-B-C-X (4.2 km on
#: foot from A to X, 1.2 km apart in a straight line), a cycleway X-Z and a motorway X-Y.
X0, Y0 = 575_000.0, 6_024_000.0
POINTS = {
    1: (X0, Y0),  # A
    2: (X0, Y0 + 1_500.0),  # B
    3: (X0 + 1_200.0, Y0 + 1_500.0),  # C
    4: (X0 + 1_200.0, Y0),  # X
    5: (X0 + 3_200.0, Y0),  # Y (motorway end)
    6: (X0 + 1_200.0, Y0 - 800.0),  # Z (cycleway end)
}
WAYS = {
    10: ([1, 2, 3, 4], {"highway": "footway"}),
    11: ([4, 5], {"highway": "motorway", "oneway": "yes"}),
    12: ([4, 6], {"highway": "cycleway"}),
}


def _lonlat() -> dict[int, tuple[float, float]]:
    to_wgs = Transformer.from_crs("EPSG:25832", "EPSG:4326", always_xy=True)
    return {n: to_wgs.transform(x, y) for n, (x, y) in POINTS.items()}


@pytest.fixture
def synthetic_osm(tmp_path: Path) -> Path:
    """A tiny OSM XML extract written by the test."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="test">']
    for node, (lon, lat) in _lonlat().items():
        lines.append(f'  <node id="{node}" version="1" lat="{lat:.9f}" lon="{lon:.9f}"/>')
    for way, (refs, tags) in WAYS.items():
        lines.append(f'  <way id="{way}" version="1">')
        lines += [f'    <nd ref="{r}"/>' for r in refs]
        lines += [f'    <tag k="{k}" v="{v}"/>' for k, v in tags.items()]
        lines.append("  </way>")
    lines.append("</osm>")
    path = tmp_path / "tiny.osm"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _highways(graph: nx.MultiDiGraph) -> set[str]:
    values: set[str] = set()
    for _, _, data in graph.edges(data=True):
        hw = data["highway"]
        values.update(hw if isinstance(hw, list) else [hw])
    return values


def test_osmnx_filters_as_tag_predicates() -> None:
    walk, bike, drive = way_filter("walk"), way_filter("bike"), way_filter("drive")
    assert walk({"highway": "footway"}) and not drive({"highway": "footway"})
    assert drive({"highway": "motorway"}) and not walk({"highway": "motorway"})
    assert not walk({"highway": "residential", "foot": "no"})
    assert not walk({"highway": "residential", "access": "private"})
    assert bike({"highway": "cycleway"}) and not bike({"highway": "footway"})
    assert not bike({"highway": "residential", "bicycle": "no"})
    assert not walk({"building": "yes"})  # no highway tag: no way of any network


def test_walk_graph_has_the_footway_not_the_motorway(synthetic_osm: Path) -> None:
    walk = load_network_graph(synthetic_osm, network_type="walk")
    bike = load_network_graph(synthetic_osm, network_type="bike")
    assert walk is not None and bike is not None
    assert _highways(walk) == {"footway"}
    assert _highways(bike) == {"cycleway"}
    assert walk.graph["crs"] == "EPSG:25832"
    # walking is two-way on every path (as osmnx builds its walk networks)
    assert all(walk.has_edge(v, u) for u, v in walk.edges())


def test_walking_minutes_along_the_footway(synthetic_osm: Path) -> None:
    from osmnx.distance import great_circle

    model = network_model(synthetic_osm, mode="walk")
    assert model is not None and model.name == "osm-road-walk"
    lonlat = _lonlat()
    metres = sum(
        float(great_circle(lonlat[a][1], lonlat[a][0], lonlat[b][1], lonlat[b][0]))
        for a, b in [(1, 2), (2, 3), (3, 4)]
    )
    assert 4_150 < metres < 4_250  # the U of 4.2 km, measured on the sphere
    a, x = np.array([POINTS[1]]), np.array([POINTS[4]])
    matrix = model.compute(a, x)
    assert matrix.minutes[0, 0] == pytest.approx(metres / 1000 / WALK_SPEED_KMH * 60, rel=1e-6)
    assert matrix.km[0, 0] == pytest.approx(metres / 1000, rel=1e-6)
    assert matrix.model == "osm-road-walk" and "zu Fuß" in matrix.description


def test_local_scale_uses_the_network_where_present(
    synthetic_osm: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site, cells = np.array([POINTS[1]]), np.array([POINTS[4]])
    # no road source: crow-fly, and its name says so; 1.2 km × 1.35 is 21.6 min on foot
    models = local_models()
    assert (models.walk.name, models.bike.name) == ("crow-fly-walk", "crow-fly-bike")
    assert "Luftlinie" in models.walk.describe()
    assert reach_matrix(site, cells, scale=LOCAL_WALK).toarray().tolist() == [[True]]
    # with the extract: the footway is 4.2 km (56 min), so X is out of walking reach
    monkeypatch.setenv("TINY_RATHAUS_ROAD_GRAPH", str(synthetic_osm))
    models = local_models()
    assert (models.walk.name, models.bike.name) == ("osm-road-walk", "osm-road-bike")
    assert "tiny.osm" in models.walk.describe() and "mit dem Rad" in models.bike.describe()
    assert reach_matrix(site, cells, scale=LOCAL_WALK).toarray().tolist() == [[False]]
    # an explicit model still wins over the default
    crow = reach_matrix(site, cells, scale=LOCAL_WALK, model=walking_model())
    assert crow.toarray().tolist() == [[True]]
    assert reach_matrix(site, cells, scale=LOCAL_BIKE).shape == (1, 1)


def test_a_source_without_walk_ways_falls_back_to_crow_fly(tmp_path: Path) -> None:
    only_motorway = tmp_path / "motorway.osm"
    lonlat = _lonlat()
    only_motorway.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6">\n'
        + "".join(
            f'<node id="{n}" version="1" lat="{lonlat[n][1]:.9f}" lon="{lonlat[n][0]:.9f}"/>\n'
            for n in (4, 5)
        )
        + '<way id="11" version="1"><nd ref="4"/><nd ref="5"/>'
        '<tag k="highway" v="motorway"/></way>\n</osm>\n',
        encoding="utf-8",
    )
    assert network_model(only_motorway, mode="walk") is None
    assert local_model("walk", road_graph=only_motorway).name == "crow-fly-walk"
    with pytest.raises(ValueError, match="mode"):
        network_model(only_motorway, mode="boat")


def test_online_networks_ask_osmnx_for_walk_and_bike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No network: osmnx's download is replaced; the graphs are cached as graphml files."""
    from shapely.geometry import box

    calls: list[tuple[object, str]] = []

    def fake(polygon: object, network_type: str) -> nx.MultiDiGraph:
        calls.append((polygon, network_type))
        highway = {"drive": "residential", "walk": "footway", "bike": "cycleway"}[network_type]
        graph = nx.MultiDiGraph(crs="EPSG:4326")
        graph.add_node(1, x=10.0, y=54.0)
        graph.add_node(2, x=10.01, y=54.0)
        graph.add_edge(1, 2, length=650.0, highway=highway)
        graph.add_edge(2, 1, length=650.0, highway=highway)
        return graph

    monkeypatch.setattr("osmnx.graph_from_polygon", fake)
    area = box(10.0, 54.0, 10.1, 54.1)
    drive = download_drive_graph(area, folder=tmp_path)
    walk = download_network_graph(area, network_type="walk", folder=tmp_path)
    again = download_network_graph(area, network_type="walk", folder=tmp_path)
    bike = download_network_graph(area, network_type="bike", folder=tmp_path)
    assert [c[1] for c in calls] == ["drive", "walk", "bike"] and walk == again
    assert walk.name.startswith("walk-region-") and bike.name.startswith("bike-region-")
    # a configured drive graph finds the walk and bike graphs saved next to it
    walk_model = local_model("walk", road_graph=drive)
    assert walk_model.name == "osm-road-walk" and walk.name in walk_model.describe()
    bike.unlink()
    assert local_model("bike", road_graph=drive).name == "crow-fly-bike"
    minutes = walk_model.compute(np.zeros((1, 2)), np.zeros((1, 2))).minutes
    assert minutes.shape == (1, 1)


def test_real_extract_walk_reach_is_a_part_of_the_crow_fly_circle(osm_extract: Path) -> None:
    """The Kiel extract (north of the city: Holtenau, Pries, Friedrichsort, the fjord's east
    bank; Kiel Hbf lies outside it): 2 km walked on the network from Holtenau against the 2 km
    circle, over a 100 m grid inside the extract (water and the Kiel Canal included)."""
    if not osm_extract.is_file() or osm_extract.stat().st_size > 50_000_000:
        pytest.skip(f"small OSM extract not found at {osm_extract}")
    model = network_model(osm_extract, mode="walk")
    assert model is not None and len(model.node_xy) > 1_000
    to_utm = Transformer.from_crs("EPSG:4326", "EPSG:25832", always_xy=True)
    centre = np.array(to_utm.transform(10.150, 54.368))  # Kiel-Holtenau
    xs = np.arange(centre[0] - 2_000, centre[0] + 2_001, 100.0)
    ys = np.arange(centre[1] - 2_000, centre[1] + 2_001, 100.0)
    grid = np.array([(x, y) for x in xs for y in ys])
    low, high = model.node_xy.min(axis=0), model.node_xy.max(axis=0)
    grid = grid[((grid >= low) & (grid <= high)).all(axis=1)]
    circle = np.hypot(*(grid - centre).T) <= 2_000.0
    walked = model.compute(centre[None, :], grid).km[0] <= 2.0
    share = walked.sum() / circle.sum()
    print(f"walk network 2 km: {walked.sum()} of {circle.sum()} grid points ({share:.1%})")
    assert 0.10 <= share <= 0.60
    assert not (walked & ~circle).any()  # the network is never shorter than the straight line


def test_a_wider_graphml_is_filtered_and_a_drive_graphml_is_not_walked(tmp_path: Path) -> None:
    import osmnx as ox

    def saved(name: str, highways: dict[tuple[int, int], str]) -> Path:
        graph = nx.MultiDiGraph(crs="EPSG:4326")
        for node, (lon, lat) in _lonlat().items():
            graph.add_node(node, x=lon, y=lat)
        for (u, v), highway in highways.items():
            graph.add_edge(u, v, length=500.0, highway=highway)
            graph.add_edge(v, u, length=500.0, highway=highway)
        path = tmp_path / name
        ox.save_graphml(graph, path)
        return path

    wider = saved("all.graphml", {(1, 2): "footway", (2, 3): "residential", (3, 5): "motorway"})
    walk = load_network_graph(wider, network_type="walk")
    assert walk is not None and _highways(walk) == {"footway", "residential"}
    assert local_model("walk", road_graph=wider).name == "osm-road-walk"
    cars_only = saved("cars.graphml", {(1, 2): "residential", (2, 3): "motorway"})
    assert load_network_graph(cars_only, network_type="walk") is None
    assert local_model("walk", road_graph=cars_only).name == "crow-fly-walk"


def test_shortest_paths_in_blocks_equal_one_call(
    synthetic_osm: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from planner.traveltime import roads

    model = network_model(synthetic_osm, mode="walk")
    assert model is not None
    points = np.array(list(POINTS.values()))
    whole = model.compute(points, points)
    monkeypatch.setattr(roads, "_SOURCE_BLOCK", 1)
    blocks = model.compute(points, points)
    np.testing.assert_array_equal(whole.minutes, blocks.minutes)
    np.testing.assert_array_equal(whole.km, blocks.km)
    assert np.isfinite(whole.minutes).all() and (whole.minutes > 0).sum() > 0
