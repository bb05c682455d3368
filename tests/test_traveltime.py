"""Travel-time models: crow-fly parameters, the content-hash cache, the OSM road model."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from planner import cache as cache_module
from planner.traveltime import CrowFlyModel, default_model, travel_time_matrix
from planner.traveltime.roads import (
    RoadNetwork,
    download_drive_graph,
    is_drivable,
    load_drive_graph,
)


def test_crow_fly_bands_by_hand() -> None:
    model = CrowFlyModel(detour=1.0)
    # 3 km at 25 km/h = 7.2 min; 7 km at 45 = 9.333; 20 km at 65 = 18.462; 10 km at 80 = 7.5
    minutes = model.minutes_for_km(np.array([0.0, 3.0, 10.0, 40.0]))
    assert minutes == pytest.approx([0.0, 7.2, 16.5333, 42.4949], abs=1e-3)


def test_crow_fly_matrix_is_monotone_and_labelled() -> None:
    origins = np.array([[0.0, 0.0]])
    dests = np.array([[d, 0.0] for d in (0, 500, 2_000, 10_000, 50_000)])
    matrix = travel_time_matrix(origins, dests, model=CrowFlyModel(), cache=False)
    assert matrix.model == "crow-fly"
    assert "1.35" in matrix.description
    assert np.all(np.diff(matrix.minutes[0]) > 0)
    assert matrix.km[0, 3] == pytest.approx(13.5)


def test_default_model_is_crow_fly_without_a_graph() -> None:
    assert default_model().name == "crow-fly"


def test_cache_hits_by_content_and_misses_on_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    model = CrowFlyModel()
    original = model.compute

    class Counting(CrowFlyModel):
        def compute(self, origins: np.ndarray, destinations: np.ndarray):  # type: ignore[no-untyped-def]
            calls.append(1)
            return original(origins, destinations)

    counting = Counting()
    pts = np.array([[0.0, 0.0], [1000.0, 0.0]])
    first = travel_time_matrix(pts, pts, model=counting, cache_folder=tmp_path)
    again = travel_time_matrix(pts.copy(), pts.copy(), model=counting, cache_folder=tmp_path)
    assert len(calls) == 1
    np.testing.assert_array_equal(first.minutes, again.minutes)
    travel_time_matrix(pts + 1, pts, model=counting, cache_folder=tmp_path)
    travel_time_matrix(pts, pts, model=Counting(detour=1.2), cache_folder=tmp_path)
    assert len(calls) == 3
    assert cache_module.content_hash(pts) != cache_module.content_hash(pts.astype(np.float32))


def test_drive_filter() -> None:
    assert is_drivable({"highway": "residential"})
    assert not is_drivable({"highway": "footway"})
    assert not is_drivable({"highway": "service", "service": "parking_aisle"})
    assert not is_drivable({"highway": "primary", "access": "private"})


@pytest.fixture(scope="module")
def kiel_graph(osm_extract: Path) -> nx.MultiDiGraph:
    return load_drive_graph(osm_extract)


def test_road_matrix_matches_networkx(kiel_graph: nx.MultiDiGraph) -> None:
    net = RoadNetwork.from_graph(kiel_graph)
    assert kiel_graph.graph["crs"] == "EPSG:25832"
    assert len(net.node_xy) > 200
    rng = np.random.default_rng(7)
    nodes = list(kiel_graph.nodes)
    picks = rng.choice(len(nodes), size=12, replace=False)
    origins, dests = net.node_xy[picks[:6]], net.node_xy[picks[6:]]
    matrix = net.compute(origins, dests)
    assert matrix.model == "osm-road"
    for i in range(6):
        for j in range(6):
            expected = nx.shortest_path_length(
                kiel_graph, nodes[picks[i]], nodes[picks[6 + j]], weight="travel_time"
            )
            assert matrix.minutes[i, j] == pytest.approx(expected / 60.0, rel=1e-9)


def test_snap_distance_is_added(kiel_graph: nx.MultiDiGraph) -> None:
    net = RoadNetwork.from_graph(kiel_graph)
    node = net.node_xy[:1]
    offset = node + np.array([[0.0, 200.0]])
    _, snap = net.snap(offset)
    assert snap[0] <= 200.0
    direct = net.compute(node, node).minutes[0, 0]
    shifted = net.compute(offset, node).minutes[0, 0]
    assert direct == 0.0
    assert shifted == pytest.approx(snap[0] / (20 / 3.6) / 60.0, rel=1e-6) or shifted > 0


def test_road_model_from_file_is_cached_and_labelled(
    osm_extract: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TINY_RATHAUS_ROAD_GRAPH", str(osm_extract))
    model = default_model()
    assert model.name == "osm-road"
    assert "kiel_fjord_east" in model.describe()
    # Holtenau → Heikendorf is a real drive; crow-fly should be of the same order.
    a = np.array([[576_500.0, 6_024_500.0]])
    b = np.array([[579_500.0, 6_026_000.0]])
    road = travel_time_matrix(a, b, model=model).minutes[0, 0]
    crow = travel_time_matrix(a, b, model=CrowFlyModel()).minutes[0, 0]
    assert 0.3 < road / crow < 3.0


def test_download_is_cached_without_network(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shapely.geometry import box

    calls: list[object] = []
    graph = nx.MultiDiGraph(crs="EPSG:4326")
    graph.add_node(1, x=10.0, y=54.0)
    graph.add_node(2, x=10.01, y=54.0)
    graph.add_edge(1, 2, length=650.0, highway="residential")
    graph.add_edge(2, 1, length=650.0, highway="residential")

    def fake(polygon: object, network_type: str) -> nx.MultiDiGraph:
        calls.append((polygon, network_type))
        return graph

    monkeypatch.setattr("osmnx.graph_from_polygon", fake)
    area = box(10.0, 54.0, 10.1, 54.1)
    path = download_drive_graph(area, folder=tmp_path)
    again = download_drive_graph(area, folder=tmp_path)
    assert path == again and path.is_file()
    assert calls == [(area, "drive")]
    loaded = load_drive_graph(path)
    assert all("travel_time" in d for _, _, d in loaded.edges(data=True))


def test_travel_times_load_without_osmnx_or_the_pack_build() -> None:
    """osmnx is imported only to load or download a graph; roads no longer reach into the build."""
    import subprocess
    import sys

    code = (
        "import sys, planner.traveltime, planner.traveltime.roads; "
        "print('osmnx' in sys.modules, 'planner.data.build' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_walking_and_cycling_variants_by_hand() -> None:
    from planner.traveltime import CYCLE_SPEED_KMH, WALK_SPEED_KMH, cycling_model, walking_model

    origin, target = np.array([[0.0, 0.0]]), np.array([[1000.0, 0.0]])
    walk = walking_model().compute(origin, target)
    bike = cycling_model().compute(origin, target)
    # 1 km straight line × 1.35 detour at 4.5 and 15 km/h
    assert walk.minutes[0, 0] == pytest.approx(1.35 / WALK_SPEED_KMH * 60)
    assert bike.minutes[0, 0] == pytest.approx(1.35 / CYCLE_SPEED_KMH * 60)
    assert (walk.model, bike.model) == ("crow-fly-walk", "crow-fly-bike")
    assert "zu Fuß 4.5 km/h" in walk.description and "mit dem Rad" in bike.description
    # three models, three cache keys; the car model's key is what it was
    keys = {walking_model().fingerprint(), cycling_model().fingerprint()}
    assert CrowFlyModel().fingerprint() not in keys and len(keys) == 2
    with pytest.raises(ValueError, match="mode"):
        CrowFlyModel(mode="boat")
