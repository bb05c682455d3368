"""Road travel times from an OpenStreetMap drive network, built with OSMnx.

Where the graph comes from
--------------------------
* a local extract (``.osm.pbf`` or ``.osm``): the drivable ways are filtered with pyosmium into an
  OSM XML file that ``osmnx.graph_from_xml`` reads (osmnx reads XML only);
* a graph saved by osmnx (``.graphml``);
* online, :func:`download_drive_graph` asks osmnx for ``graph_from_polygon(network_type="drive")``
  over the region and caches the result on disk.

Walk and bike networks (the local scale, :func:`local_models`) come from the same source: an
extract is filtered with osmnx's own ``"walk"``/``"bike"`` network-type filters (:func:`way_filter`)
and read with ``graph_from_xml``; online, :func:`download_network_graph` asks for
``graph_from_polygon(network_type="walk"/"bike")``. Their edges are walked or cycled at the speeds
of the crow-fly variants (:mod:`planner.traveltime.models`); where the source holds no such ways
the crow-fly variants are used, and each model's name and description say which one it is.

Edge speeds and travel times come from ``osmnx.add_edge_speeds`` / ``add_edge_travel_times`` (posted
``maxspeed`` where tagged, the mean of the same highway type otherwise). Matrices are computed with
one multi-source call to ``scipy.sparse.csgraph.dijkstra`` over all origins, not one networkx
Dijkstra per pair. Points are snapped to the nearest graph node; the snap distance is added as
driving at :data:`ACCESS_SPEED_KMH` (the last metres on car parks and access roads).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from planner.cache import cached_arrays, content_hash, file_sha256
from planner.settings import METRIC_CRS, cache_dir, road_graph_path
from planner.traveltime.models import (
    _MODE_WORDS,
    CYCLE_SPEED_KMH,
    WALK_SPEED_KMH,
    CrowFlyModel,
    TravelMatrix,
    TravelModel,
    cycling_model,
    walking_model,
)

if TYPE_CHECKING:
    import networkx as nx
    from shapely.geometry.base import BaseGeometry

__all__ = [
    "ACCESS_SPEED_KMH",
    "DEFAULT_HIGHWAY_SPEEDS",
    "FALLBACK_SPEED_KMH",
    "MIN_PART_NODES",
    "NETWORK_MODES",
    "LocalModels",
    "RoadNetwork",
    "add_speeds_and_times",
    "download_drive_graph",
    "download_network_graph",
    "extract_to_network_xml",
    "is_drivable",
    "load_drive_graph",
    "load_network_graph",
    "local_model",
    "local_models",
    "network_model",
    "network_source",
    "pbf_to_drive_xml",
    "way_filter",
]

#: Origins per shortest-path call in :meth:`RoadNetwork.compute` (bounds memory).
_SOURCE_BLOCK = 256
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
    _write_ways(pbf, xml, is_drivable)
    return xml


def _write_ways(source: Path, xml: Path, accepts: Callable[[dict[str, str]], bool]) -> int:
    """Write the ways of an OSM extract whose tags ``accepts``, with their nodes, to an OSM XML
    file; return how many ways."""
    import osmium

    ways: list[tuple[int, list[int], dict[str, str]]] = []
    needed: set[int] = set()
    for way in osmium.FileProcessor(str(source), osmium.osm.WAY):
        assert isinstance(way, osmium.osm.Way)
        tags = {t.k: t.v for t in way.tags}
        if accepts(tags):
            refs = [n.ref for n in way.nodes]
            ways.append((way.id, refs, tags))
            needed.update(refs)
    xml.unlink(missing_ok=True)
    with osmium.SimpleWriter(str(xml)) as writer:
        for node in osmium.FileProcessor(str(source), osmium.osm.NODE):
            if node.id in needed:
                writer.add_node(node)
        for way_id, refs, tags in ways:
            writer.add_way(osmium.osm.mutable.Way(id=way_id, nodes=refs, tags=tags))
    return len(ways)


def add_speeds_and_times(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """osmnx edge speeds (tagged, else imputed, else our defaults) and travel times."""
    ox = _osmnx()
    graph = ox.add_edge_speeds(
        graph, hwy_speeds=DEFAULT_HIGHWAY_SPEEDS, fallback=FALLBACK_SPEED_KMH
    )
    return ox.add_edge_travel_times(graph)


def load_drive_graph(path: Path, *, crs: str = METRIC_CRS) -> nx.MultiDiGraph:
    """Load a drive graph with ``speed_kph`` and ``travel_time`` on every edge, in ``crs``."""
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
    if graph.graph.get("crs") != crs:
        graph = ox.project_graph(graph, to_crs=crs)
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
    #: ``"drive"``, or ``"walk"``/``"bike"`` for the networks of the local scale.
    mode: str = "drive"
    #: Speed (km/h) for the snap distance; on foot or by bike the one speed of the mode.
    access_kmh: float = ACCESS_SPEED_KMH

    def __post_init__(self) -> None:
        if self.mode not in _MODE_WORDS:
            raise ValueError(f"mode {self.mode!r}: expected one of {', '.join(_MODE_WORDS)}")
        if self.mode != "drive":  # a walking or cycling matrix says so in its model name
            object.__setattr__(self, "name", f"osm-road-{self.mode}")

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
    def from_file(cls, path: Path, *, crs: str = METRIC_CRS) -> RoadNetwork:
        """Load (and cache as arrays, keyed by checksum and ``crs``) a graph or OSM extract."""

        def build() -> dict[str, np.ndarray]:
            net = cls.from_graph(load_drive_graph(path, crs=crs))
            return {
                "node_xy": net.node_xy,
                "edge_u": net.edge_u,
                "edge_v": net.edge_v,
                "edge_seconds": net.edge_seconds,
                "edge_metres": net.edge_metres,
            }

        key = file_sha256(path) + ("" if crs == METRIC_CRS else "-" + crs.replace(":", ""))
        arrays = cached_arrays("road_networks", key, build)
        return cls(
            arrays["node_xy"],
            arrays["edge_u"],
            arrays["edge_v"],
            arrays["edge_seconds"],
            arrays["edge_metres"],
            f"OSM {path.name}",
        )

    def describe(self) -> str:
        """Which graph, how big (and on foot or by bike: at which speed)."""
        if self.mode != "drive":
            words = _MODE_WORDS[self.mode]
            return (
                f"OSM-Wegenetz {words} ({self.label}, {len(self.node_xy):,} Knoten, "
                f"{self.access_kmh:g} km/h)"
            )
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

    def _shortest(self, sources: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Fastest seconds and shortest metres from ``sources`` to ``targets`` (node positions),
        in blocks of sources, so memory grows with a block × all nodes, not sources × nodes (a
        region's walk network has far more nodes than its drive network)."""
        by_time, by_length = self._csr(self.edge_seconds), self._csr(self.edge_metres)
        seconds = np.empty((len(sources), len(targets)))
        metres = np.empty((len(sources), len(targets)))
        for start in range(0, len(sources), _SOURCE_BLOCK):
            block = sources[start : start + _SOURCE_BLOCK]
            seconds[start : start + len(block)] = dijkstra(by_time, directed=True, indices=block)[
                :, targets
            ]
            if self.mode == "drive":
                metres[start : start + len(block)] = dijkstra(
                    by_length, directed=True, indices=block
                )[:, targets]
        if self.mode != "drive":  # one speed: the fastest path is the shortest
            metres = seconds * (self.access_kmh / 3.6)
        return seconds, metres

    def compute(self, origins: np.ndarray, destinations: np.ndarray) -> TravelMatrix:
        """Fastest-path minutes (and shortest road km) between snapped points."""
        o_node, o_snap = self.snap(origins)
        d_node, d_snap = self.snap(destinations)
        sources, inverse = np.unique(o_node, return_inverse=True)
        seconds, metres = self._shortest(sources, d_node)
        access_s = (o_snap[:, None] + d_snap[None, :]) / (self.access_kmh / 3.6)
        minutes = (seconds[inverse] + access_s) / 60.0
        km = (metres[inverse] + o_snap[:, None] + d_snap[None, :]) / 1000.0
        return TravelMatrix(minutes, km, self.name, self.describe())


# --- Walk and bike networks for the local scale (issue 16) ------------------------------------

#: The network types of the local scale, named as osmnx names them.
NETWORK_MODES: tuple[str, ...] = ("walk", "bike")
#: Connected parts of a walk or bike network with fewer nodes are dropped (the largest part always
#: stays): stubs cut by the extract's edge or paths mapped without a link, where a snapped point
#: would reach nothing. The larger parts all stay, since footpaths are often split for real by
#: water: in the Kiel extract the Kiel Canal and the fjord cut the walk network into three parts
#: of 1,911, 1,232 and 720 nodes, and osmnx's ``retain_all=False`` would keep the first only.
MIN_PART_NODES = 50
#: One clause of an osmnx Overpass filter: ``["key"]`` or ``["key"!~"regex"]``.
_FILTER_CLAUSE = re.compile(r'\["([^"]+)"(?:!~"([^"]*)")?\]')


def way_filter(network_type: str) -> Callable[[Mapping[str, str]], bool]:
    """osmnx's own Overpass filter for ``network_type`` as a predicate on a way's tags.

    osmnx writes each network type (``"walk"``, ``"bike"``, ``"drive"`` …) as an Overpass filter of
    ``["key"]`` (the tag must be present) and ``["key"!~"regex"]`` (absent, or not matching)
    clauses; applying the same clauses to a local extract gives the network that
    ``graph_from_polygon(network_type=...)`` would download (e.g. "walk": no motorways, no ways
    tagged ``foot=no``; "bike": no footways or steps, nothing tagged ``bicycle=no``).
    """
    from osmnx import _overpass  # the filters are osmnx's; there is no public accessor

    text = _overpass._get_network_filter(network_type)
    clauses = [(key, re.compile(rx) if rx else None) for key, rx in _FILTER_CLAUSE.findall(text)]
    if "".join(m.group(0) for m in _FILTER_CLAUSE.finditer(text)) != text:
        raise ValueError(f"osmnx filter for {network_type!r} has clauses not understood: {text}")

    def accepts(tags: Mapping[str, str]) -> bool:
        for key, pattern in clauses:
            value = tags.get(key)
            if pattern is None:
                if value is None:
                    return False
            elif value is not None and pattern.search(value):
                return False
        return True

    return accepts


def extract_to_network_xml(source: Path, xml: Path, *, network_type: str) -> int:
    """Write the ways of ``network_type`` in an OSM extract (``.osm.pbf`` or ``.osm``), with
    their nodes, to an OSM XML file for ``osmnx.graph_from_xml``; return how many ways."""
    return _write_ways(source, xml, way_filter(network_type))


def network_source(path: Path, network_type: str) -> Path:
    """The file to read ``network_type`` from: for a configured drive graph
    ``drive-region-K.graphml``, the ``walk-region-K.graphml`` (or ``bike-``) saved next to it by
    :func:`download_network_graph` where it exists; else the configured file itself."""
    if path.suffix == ".graphml" and path.name.startswith("drive-"):
        sibling = path.with_name(network_type + path.name.removeprefix("drive"))
        if sibling.is_file():
            return sibling
    return path


def _holds_non_drive_ways(graph: nx.MultiDiGraph) -> bool:
    """Whether a graph has ways a car cannot use (a walk, bike or "all" network; a drive
    graph has no footways or cycleways, so it is no walk or bike network)."""
    for _, _, data in graph.edges(data=True):
        highway = data.get("highway")
        values = highway if isinstance(highway, list) else [highway]
        if any(v is not None and not is_drivable({"highway": str(v)}) for v in values):
            return True
    return False


def _drop_fragments(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The graph without connected parts under :data:`MIN_PART_NODES` nodes (but its largest)."""
    import networkx as nx

    parts = list(nx.weakly_connected_components(graph))
    if not parts:
        return graph
    keep_from = min(MIN_PART_NODES, max(len(p) for p in parts))
    small = [n for part in parts if len(part) < keep_from for n in part]
    graph.remove_nodes_from(small)
    return graph


def load_network_graph(
    path: Path, *, network_type: str, crs: str = METRIC_CRS
) -> nx.MultiDiGraph | None:
    """The walk or bike graph (edges with ``length`` in metres) of a road source, in ``crs``
    (the pack's metric CRS), or ``None`` when the source holds no such ways.

    An extract is filtered by osmnx's network-type filter (:func:`way_filter`) and read with
    ``graph_from_xml`` (two-way for walking, as osmnx builds its walk networks; every connected
    part of at least :data:`MIN_PART_NODES` nodes). A ``.graphml`` (see :func:`network_source`)
    saved as this type's network (``walk-…``) is read as it is; another one only when it holds
    ways a car cannot use, filtered to this type's ways.
    """
    ox = _osmnx()
    path = network_source(path, network_type)
    if path.suffix == ".graphml":
        graph = ox.load_graphml(path)
        if not path.name.startswith(f"{network_type}-"):
            if not _holds_non_drive_ways(graph):
                return None
            accepts = way_filter(network_type)  # a wider graph: keep this type's ways
            # a simplified edge joins ways (list values): it passes when no part is excluded
            drop = [
                (u, v, k)
                for u, v, k, d in graph.edges(keys=True, data=True)
                if not accepts(
                    {
                        key: ";".join(map(str, val)) if isinstance(val, list) else str(val)
                        for key, val in d.items()
                    }
                )
            ]
            graph.remove_edges_from(drop)
    else:
        xml = cache_dir() / f"{network_type}-{file_sha256(path)[:16]}.osm"
        if extract_to_network_xml(path, xml, network_type=network_type) == 0:
            return None
        graph = ox.graph_from_xml(
            xml, bidirectional=network_type == "walk", simplify=True, retain_all=True
        )
    graph = _drop_fragments(graph)
    if graph.number_of_edges() == 0:
        return None
    if graph.graph.get("crs") != crs:
        graph = ox.project_graph(graph, to_crs=crs)
    return graph


def download_network_graph(
    polygon_wgs84: BaseGeometry, *, network_type: str, folder: Path | None = None
) -> Path:
    """Download osmnx's ``network_type`` network (``"walk"``, ``"bike"`` or ``"drive"``) over
    ``polygon_wgs84`` (needs internet); cache it as ``<type>-region-<hash>.graphml``, the name
    :func:`load_network_graph` finds next to a configured drive graph."""
    key = content_hash(polygon_wgs84.wkb)[:16]
    path = (folder or cache_dir()) / f"{network_type}-region-{key}.graphml"
    if not path.is_file():
        ox = _osmnx()
        graph = ox.graph_from_polygon(polygon_wgs84, network_type=network_type)
        if network_type == "drive":
            graph = add_speeds_and_times(graph)
        ox.save_graphml(graph, path)
    return path


def network_model(
    path: Path, *, mode: str, speed_kmh: float | None = None, crs: str = METRIC_CRS
) -> RoadNetwork | None:
    """The walking or cycling model on the ``mode`` network of a road source, or ``None``.

    Edges are walked at :data:`~planner.traveltime.models.WALK_SPEED_KMH` or cycled at
    :data:`~planner.traveltime.models.CYCLE_SPEED_KMH` (unless ``speed_kmh``), the speeds of the
    crow-fly variants, so the two differ by the network only. The arrays are cached by the
    source's checksum, the mode and ``crs`` (a source without such ways is cached as empty).
    """
    if mode not in NETWORK_MODES:
        raise ValueError(f"mode {mode!r}: expected one of {', '.join(NETWORK_MODES)}")
    path = network_source(path, mode)
    speed = speed_kmh or (WALK_SPEED_KMH if mode == "walk" else CYCLE_SPEED_KMH)

    def build() -> dict[str, np.ndarray]:
        graph = load_network_graph(path, network_type=mode, crs=crs)
        if graph is None:
            empty = np.zeros(0)
            return {"node_xy": np.zeros((0, 2)), "edge_u": empty.astype(np.int64),
                    "edge_v": empty.astype(np.int64), "edge_metres": empty}  # fmt: skip
        for _, _, data in graph.edges(data=True):
            data["travel_time"] = float(data["length"])  # shortest = fastest at one speed
        net = RoadNetwork.from_graph(graph)
        return {
            "node_xy": net.node_xy,
            "edge_u": net.edge_u,
            "edge_v": net.edge_v,
            "edge_metres": net.edge_metres,
        }

    key = content_hash(file_sha256(path), mode, MIN_PART_NODES, crs)
    arrays = cached_arrays("road_networks", key, build)
    if len(arrays["node_xy"]) == 0:
        return None
    metres = arrays["edge_metres"]
    return RoadNetwork(
        arrays["node_xy"],
        arrays["edge_u"],
        arrays["edge_v"],
        metres / (speed / 3.6),
        metres,
        f"OSM {path.name}",
        mode=mode,
        access_kmh=speed,
    )


class LocalModels(NamedTuple):
    """The models of the local scale: on foot and by bike."""

    walk: TravelModel
    bike: TravelModel


def local_model(mode: str, *, road_graph: Path | None = None, crs: str = METRIC_CRS) -> TravelModel:
    """The walking (``mode="walk"``) or cycling (``"bike"``) model of the local scale: on the
    walk or bike network of the road source where it holds such ways, else the crow-fly variant.

    ``road_graph`` defaults to the configured source (``TINY_RATHAUS_ROAD_GRAPH``). The model's
    ``name`` (``osm-road-walk`` or ``crow-fly-walk`` …) and ``describe()`` say which one it is.
    """
    path = road_graph if road_graph is not None else road_graph_path()
    network = network_model(path, mode=mode, crs=crs) if path is not None else None
    if network is not None:
        return network
    fallback: CrowFlyModel = walking_model() if mode == "walk" else cycling_model()
    return fallback


def local_models(*, road_graph: Path | None = None, crs: str = METRIC_CRS) -> LocalModels:
    """Both models of the local scale (see :func:`local_model`)."""
    return LocalModels(
        local_model("walk", road_graph=road_graph, crs=crs),
        local_model("bike", road_graph=road_graph, crs=crs),
    )
