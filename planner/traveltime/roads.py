"""Road travel times from an OpenStreetMap drive network, built with OSMnx.

Where the graph comes from
--------------------------
* a local extract (``.osm.pbf`` or ``.osm``): the drivable ways are filtered with pyosmium into an
  OSM XML file that ``osmnx.graph_from_xml`` reads (osmnx reads XML only);
* a graph saved by osmnx (``.graphml``);
* online, :func:`download_drive_graph` asks osmnx for ``graph_from_polygon(network_type="drive")``
  over the region and caches the result on disk.

Edge speeds and travel times come from ``osmnx.add_edge_speeds`` / ``add_edge_travel_times`` (posted
``maxspeed`` where tagged, the mean of the same highway type otherwise). Matrices are computed with
one multi-source call to ``scipy.sparse.csgraph.dijkstra`` over all origins, not one networkx
Dijkstra per pair. Points are snapped to the nearest graph node; the snap distance is added as
driving at :data:`ACCESS_SPEED_KMH` (the last metres on car parks and access roads).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from planner.cache import cached_arrays, content_hash, file_sha256
from planner.settings import METRIC_CRS, cache_dir
from planner.traveltime.models import TravelMatrix

if TYPE_CHECKING:
    import networkx as nx
    from shapely.geometry.base import BaseGeometry

__all__ = [
    "ACCESS_SPEED_KMH",
    "DEFAULT_HIGHWAY_SPEEDS",
    "FALLBACK_SPEED_KMH",
    "RoadNetwork",
    "add_speeds_and_times",
    "download_drive_graph",
    "is_drivable",
    "load_drive_graph",
    "pbf_to_drive_xml",
]

#: Speed for the snap distance between a point and its nearest road node.
ACCESS_SPEED_KMH = 20.0

#: Speeds (km/h) osmnx gives ways without a ``maxspeed`` tag (tagged ways keep their limit; types
#: not listed here get the mean tagged speed of their type): German limits (StVO §3: 50 in towns,
#: 100 outside, residential streets mostly Tempo 30) and the 80 km/h limit for a car towing a
#: trailer (StVO §3 (3)), since the Tiny Rathaus is towed.
DEFAULT_HIGHWAY_SPEEDS: dict[str, float] = {
    "motorway": 80.0, "motorway_link": 60.0, "trunk": 80.0, "trunk_link": 50.0,
    "primary": 70.0, "primary_link": 40.0, "secondary": 60.0, "secondary_link": 40.0,
    "tertiary": 50.0, "tertiary_link": 30.0, "unclassified": 40.0, "residential": 30.0,
    "living_street": 7.0, "service": 20.0, "road": 30.0,
}  # fmt: skip
FALLBACK_SPEED_KMH = 40.0

#: Highway values a car cannot use (the same exclusions as osmnx's "drive" network type).
_NOT_DRIVABLE = frozenset(
    [
        "abandoned", "bridleway", "bus_guideway", "busway", "construction", "corridor",
        "cycleway", "elevator", "escalator", "footway", "no", "path", "pedestrian", "planned",
        "platform", "proposed", "raceway", "razed", "steps", "track",
    ]
)  # fmt: skip
_NOT_DRIVABLE_SERVICE = frozenset(
    ["alley", "driveway", "emergency_access", "parking", "parking_aisle", "private"]
)


def _osmnx() -> ModuleType:
    """The osmnx module, imported on first use: it takes seconds to import, and only loading or
    downloading a graph needs it (a matrix over arrays already cached does not)."""
    import osmnx

    return osmnx


def is_drivable(tags: dict[str, str]) -> bool:
    """Whether an OSM way with these tags belongs to the drive network."""
    highway = tags.get("highway")
    if highway is None or highway in _NOT_DRIVABLE or tags.get("area") == "yes":
        return False
    if tags.get("service") in _NOT_DRIVABLE_SERVICE:
        return False
    if tags.get("access") == "private" or tags.get("motor_vehicle") == "no":
        return False
    return tags.get("motorcar") != "no"


def pbf_to_drive_xml(pbf: Path, xml: Path) -> Path:
    """Write the drivable ways of an OSM extract, with their nodes, to an OSM XML file."""
    import osmium

    ways: list[tuple[int, list[int], dict[str, str]]] = []
    needed: set[int] = set()
    for way in osmium.FileProcessor(str(pbf), osmium.osm.WAY):
        assert isinstance(way, osmium.osm.Way)
        tags = {t.k: t.v for t in way.tags}
        if is_drivable(tags):
            refs = [n.ref for n in way.nodes]
            ways.append((way.id, refs, tags))
            needed.update(refs)
    xml.unlink(missing_ok=True)
    with osmium.SimpleWriter(str(xml)) as writer:
        for node in osmium.FileProcessor(str(pbf), osmium.osm.NODE):
            if node.id in needed:
                writer.add_node(node)
        for way_id, refs, tags in ways:
            writer.add_way(osmium.osm.mutable.Way(id=way_id, nodes=refs, tags=tags))
    return xml


def add_speeds_and_times(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """osmnx edge speeds (tagged, else imputed, else our defaults) and travel times."""
    ox = _osmnx()
    graph = ox.add_edge_speeds(
        graph, hwy_speeds=DEFAULT_HIGHWAY_SPEEDS, fallback=FALLBACK_SPEED_KMH
    )
    return ox.add_edge_travel_times(graph)


def load_drive_graph(path: Path) -> nx.MultiDiGraph:
    """Load a drive graph with ``speed_kph`` and ``travel_time`` on every edge, in EPSG:25832."""
    ox = _osmnx()
    if path.suffix == ".graphml":
        graph = ox.load_graphml(path)
    else:
        xml = path
        if path.name.endswith(".pbf"):
            xml = cache_dir() / f"drive-{file_sha256(path)[:16]}.osm"
            if not xml.is_file():
                pbf_to_drive_xml(path, xml)
        graph = ox.graph_from_xml(xml, simplify=True, retain_all=False)
    if not all("travel_time" in d for _, _, d in graph.edges(data=True)):
        graph = add_speeds_and_times(graph)
    if graph.graph.get("crs") != METRIC_CRS:
        graph = ox.project_graph(graph, to_crs=METRIC_CRS)
    return graph


def download_drive_graph(polygon_wgs84: BaseGeometry, *, folder: Path | None = None) -> Path:
    """Download the drive network over ``polygon_wgs84`` with osmnx (needs internet); cache it.

    Returns the path of the cached ``.graphml``; a second call with the same polygon reads it.
    """
    key = content_hash(polygon_wgs84.wkb)[:16]
    path = (folder or cache_dir()) / f"drive-region-{key}.graphml"
    if not path.is_file():
        ox = _osmnx()
        graph = ox.graph_from_polygon(polygon_wgs84, network_type="drive")
        graph = add_speeds_and_times(graph)
        ox.save_graphml(graph, path)
    return path


@dataclass(frozen=True)
class RoadNetwork:
    """A drive network as arrays, ready for multi-source shortest paths."""

    node_xy: np.ndarray  # (k, 2) EPSG:25832
    edge_u: np.ndarray  # (e,) node positions
    edge_v: np.ndarray
    edge_seconds: np.ndarray
    edge_metres: np.ndarray
    label: str
    name: str = field(default="osm-road", init=False)

    @classmethod
    def from_graph(cls, graph: nx.MultiDiGraph, *, label: str = "OSM") -> RoadNetwork:
        """Arrays from an osmnx graph in EPSG:25832 (parallel edges: the fastest wins)."""
        nodes = list(graph.nodes)
        position = {n: i for i, n in enumerate(nodes)}
        xy = np.array([[graph.nodes[n]["x"], graph.nodes[n]["y"]] for n in nodes], dtype=float)
        rows = [
            (position[u], position[v], float(d["travel_time"]), float(d["length"]))
            for u, v, d in graph.edges(data=True)
            if u != v
        ]
        edges = pd.DataFrame(rows, columns=["u", "v", "s", "m"]).sort_values("s")
        edges = edges.drop_duplicates(["u", "v"])
        return cls(
            xy,
            edges["u"].to_numpy(np.int64),
            edges["v"].to_numpy(np.int64),
            edges["s"].to_numpy(float),
            edges["m"].to_numpy(float),
            label,
        )

    @classmethod
    def from_file(cls, path: Path) -> RoadNetwork:
        """Load (and cache as arrays, keyed by the file's checksum) a graph or OSM extract."""

        def build() -> dict[str, np.ndarray]:
            net = cls.from_graph(load_drive_graph(path))
            return {
                "node_xy": net.node_xy,
                "edge_u": net.edge_u,
                "edge_v": net.edge_v,
                "edge_seconds": net.edge_seconds,
                "edge_metres": net.edge_metres,
            }

        arrays = cached_arrays("road_networks", file_sha256(path), build)
        return cls(
            arrays["node_xy"],
            arrays["edge_u"],
            arrays["edge_v"],
            arrays["edge_seconds"],
            arrays["edge_metres"],
            f"OSM {path.name}",
        )

    def describe(self) -> str:
        """Which graph, how big."""
        return (
            f"OSM-Straßennetz ({self.label}, {len(self.node_xy):,} Knoten, osmnx-Geschwindigkeiten)"
        )

    def fingerprint(self) -> str:
        """Hash of the graph arrays."""
        return content_hash(self.name, self.edge_u, self.edge_v, self.edge_seconds, self.node_xy)

    def _csr(self, weights: np.ndarray) -> csr_matrix:
        n = len(self.node_xy)
        return csr_matrix((weights, (self.edge_u, self.edge_v)), shape=(n, n))

    def snap(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Nearest node position and distance in metres for each point."""
        distance, index = cKDTree(self.node_xy).query(points)
        return np.asarray(index), np.asarray(distance)

    def compute(self, origins: np.ndarray, destinations: np.ndarray) -> TravelMatrix:
        """Fastest-path minutes (and shortest road km) between snapped points."""
        o_node, o_snap = self.snap(origins)
        d_node, d_snap = self.snap(destinations)
        sources, inverse = np.unique(o_node, return_inverse=True)
        seconds = dijkstra(self._csr(self.edge_seconds), directed=True, indices=sources)
        metres = dijkstra(self._csr(self.edge_metres), directed=True, indices=sources)
        access_s = (o_snap[:, None] + d_snap[None, :]) / (ACCESS_SPEED_KMH / 3.6)
        minutes = (seconds[inverse][:, d_node] + access_s) / 60.0
        km = (metres[inverse][:, d_node] + o_snap[:, None] + d_snap[None, :]) / 1000.0
        return TravelMatrix(minutes, km, self.name, self.describe())
