"""Travel-time matrix benchmark: our routines against a plain networkx Dijkstra baseline, one run.

1. Region, crow-fly: all candidate sites × all Zensus cells of the embedded pack, vectorised numpy,
   against the same formula evaluated pair by pair in Python (the naive baseline).
2. Kiel OSM extract, road network: many-to-many matrix by one multi-source
   ``scipy.sparse.csgraph.dijkstra`` call, against one networkx
   ``single_source_dijkstra_path_length`` per origin (the usual networkx way); both must agree.

Prints one JSON line per benchmark with both times and the ratio baseline / ours.

    python benchmarks/bench_traveltime.py [--osm PATH] [--origins 200]
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import networkx as nx
import numpy as np
import osmnx  # noqa: F401  # imported up front: graph_load_s times the load, not osmnx's import

from planner.data.pack import load_pack
from planner.settings import raw_dir
from planner.traveltime.models import CrowFlyModel
from planner.traveltime.roads import RoadNetwork, load_drive_graph


def bench_crow_fly() -> dict[str, object]:
    pack = load_pack()
    sites = np.column_stack([pack.sites.geometry.x, pack.sites.geometry.y])
    cells = pack.cells[pack.cells["population"] > 0][["x", "y"]].to_numpy()
    model = CrowFlyModel()
    start = time.perf_counter()
    ours = model.compute(sites, cells)
    t_ours = time.perf_counter() - start

    start = time.perf_counter()
    baseline = np.empty((len(sites), len(cells)))
    for i, (sx, sy) in enumerate(sites):
        for j, (cx, cy) in enumerate(cells):
            km = math.hypot(sx - cx, sy - cy) / 1000.0 * model.detour
            minutes, lower = 0.0, 0.0
            for upper, speed in model.bands:
                minutes += min(max(km - lower, 0.0), upper - lower) / speed * 60.0
                lower = upper
            baseline[i, j] = minutes
    t_base = time.perf_counter() - start
    assert np.allclose(ours.minutes, baseline)
    return {
        "benchmark": "region sites x populated cells, crow-fly",
        "shape": [len(sites), len(cells)],
        "ours_s": round(t_ours, 4),
        "baseline": "pure-Python loop over pairs",
        "baseline_s": round(t_base, 3),
        "ratio": round(t_base / t_ours, 1),
    }


def bench_osm(osm: Path, n_origins: int) -> dict[str, object]:
    start = time.perf_counter()
    graph = load_drive_graph(osm)
    t_load = time.perf_counter() - start
    net = RoadNetwork.from_graph(graph)
    nodes = list(graph.nodes)
    rng = np.random.default_rng(0)
    n = min(n_origins, len(nodes))
    picks = rng.choice(len(nodes), size=n, replace=False)
    xy = net.node_xy[picks]

    start = time.perf_counter()
    ours = net.compute(xy, xy)
    t_ours = time.perf_counter() - start

    start = time.perf_counter()
    baseline = np.empty((n, n))
    for i, origin in enumerate(picks):
        lengths = nx.single_source_dijkstra_path_length(graph, nodes[origin], weight="travel_time")
        baseline[i] = [lengths.get(nodes[p], np.inf) / 60.0 for p in picks]
    t_base = time.perf_counter() - start
    assert np.allclose(ours.minutes, baseline)
    return {
        "benchmark": "Kiel OSM extract, many-to-many road matrix",
        "graph_nodes": len(nodes),
        "graph_edges": graph.number_of_edges(),
        "shape": [n, n],
        "graph_load_s": round(t_load, 3),
        "ours_s": round(t_ours, 4),
        "baseline": "networkx single_source_dijkstra_path_length per origin",
        "baseline_s": round(t_base, 3),
        "ratio": round(t_base / t_ours, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--osm", default=str(raw_dir() / "osm" / "kiel_fjord_east.osm.pbf"))
    parser.add_argument("--origins", type=int, default=300)
    args = parser.parse_args()
    print(json.dumps(bench_crow_fly()))
    print(json.dumps(bench_osm(Path(args.osm), args.origins)))


if __name__ == "__main__":
    main()
