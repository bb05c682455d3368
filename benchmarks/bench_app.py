"""Benchmark of the app: start to first map, re-ranking after a weight change, map HTML size.

Run::

    .venv/bin/python benchmarks/bench_app.py [--browser] [--repeat 5]

Measured (one JSON line per figure, then a summary table):

* ``start_to_first_map_apptest``: a fresh Streamlit AppTest session with all Streamlit caches
  cleared runs the "Standorte vergleichen" page until its map HTML exists (pack load, criteria
  for every site, ranking, map render). AppTest runs the script in-process, so this is the
  server-side time; with ``--browser`` the same is measured end to end: ``streamlit run`` started
  as a subprocess until headless Chromium shows the Leaflet layers.
* ``rerank``: a weight slider moved and the page re-run, with the criteria cached (what the app
  does) against the same re-run after clearing the caches (the full recompute as baseline), and
  the library call alone (``rank_sites`` on cached criteria vs. ``site_criteria`` +
  ``rank_sites``).
* ``map_html``: size of the exported, self-contained coverage map (12 stops, all layers incl. the
  Zensus cells and 435 candidate sites with popups) against a naive folium export of the same
  layers (unsimplified geometry, full coordinate precision, folium's GeoJson styling), which
  still links Leaflet from a CDN.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TINY_RATHAUS_DB", str(Path(tempfile.mkdtemp()) / "bench.sqlite"))


def emit(record: dict[str, object]) -> None:
    """Print one JSON line."""
    print(json.dumps(record, ensure_ascii=False), flush=True)


def median_time(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    """Median wall time of ``fn()`` in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_apptest(repeat: int) -> dict[str, float]:
    """Start to first map and re-rank timings through AppTest."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    app = str(ROOT / "app.py")
    starts = []
    for _ in range(max(1, repeat // 2)):
        st.cache_data.clear()
        st.cache_resource.clear()
        start = time.perf_counter()
        at = AppTest.from_file(app, default_timeout=300).run()
        starts.append(time.perf_counter() - start)
        assert not at.exception, [e.value for e in at.exception]
    emit(
        {
            "figure": "start_to_first_map_apptest",
            "seconds": round(statistics.median(starts), 3),
            "runs": len(starts),
            "note": "cold Streamlit caches, warm disk cache of travel times",
        }
    )

    values = [0.5, 1.5, 2.5, 3.5, 4.5]
    cached, full = [], []
    for i in range(repeat):
        slider = at.slider(key="w_transit_stops")
        start = time.perf_counter()
        slider.set_value(values[i % len(values)]).run()
        cached.append(time.perf_counter() - start)
    for i in range(repeat):
        st.cache_data.clear()
        slider = at.slider(key="w_pop_car")
        start = time.perf_counter()
        slider.set_value(values[i % len(values)]).run()
        full.append(time.perf_counter() - start)
    out = {
        "rerank_cached_s": statistics.median(cached),
        "rerank_full_s": statistics.median(full),
    }
    emit(
        {
            "figure": "rerank_page_apptest",
            "cached_s": round(out["rerank_cached_s"], 3),
            "full_recompute_s": round(out["rerank_full_s"], 3),
            "speedup": round(out["rerank_full_s"] / out["rerank_cached_s"], 1),
            "runs": repeat,
        }
    )
    return out


def bench_library(repeat: int) -> dict[str, float]:
    """Re-ranking in the library alone."""
    from planner.data.pack import load_pack
    from planner.scoring import CRITERIA, compute_criteria, score_sites
    from planner.traveltime import default_model

    pack = load_pack()
    model = default_model()
    criteria = compute_criteria(pack, sites=pack.sites, threshold_min=15, model=model)
    weights = {c: 1.0 for c in CRITERIA}
    rank = median_time(lambda: score_sites(criteria, weights), repeat * 4)
    full = median_time(
        lambda: score_sites(
            compute_criteria(pack, sites=pack.sites, threshold_min=15, model=model), weights
        ),
        repeat,
    )
    emit(
        {
            "figure": "rerank_library",
            "rank_only_ms": round(1000 * rank, 2),
            "criteria_and_rank_ms": round(1000 * full, 1),
            "speedup": round(full / rank, 1),
            "sites": len(pack.sites),
            "model": model.name,
        }
    )
    return {"rank_ms": 1000 * rank, "full_ms": 1000 * full}


def bench_map_size() -> dict[str, float]:
    """Exported map sizes, ours vs. a naive folium export."""
    import folium

    from planner import maps
    from planner.data.pack import load_pack

    pack = load_pack()
    stops = pack.sites[pack.sites["kind"] == "rail"].head(12)
    start = time.perf_counter()
    with_cells = maps.map_bytes(
        maps.coverage_map(pack, stops=stops, sites=pack.sites, show_cells=True)
    )
    build_s = time.perf_counter() - start
    naive = folium.Map(location=[54.25, 10.0], zoom_start=9)
    cells = pack.cells[pack.cells["population"] > 0]
    for frame, name in (
        (pack.municipalities[["name", "population", "geometry"]], "municipalities"),
        (cells[["cell_id", "population", "geometry"]], "cells"),
        (pack.districts[["name", "geometry"]], "districts"),
        (pack.sites[["site_id", "name", "kind", "geometry"]], "sites"),
    ):
        folium.GeoJson(
            frame.to_crs("EPSG:4326"),
            name=name,
            style_function=lambda f: {"fillColor": "#1a9850"},
            tooltip=folium.GeoJsonTooltip(fields=[frame.columns[0]]),
        ).add_to(naive)
    folium.LayerControl().add_to(naive)
    naive_bytes = naive.get_root().render().encode("utf-8")
    emit(
        {
            "figure": "map_html",
            "map_kb": round(len(with_cells) / 1024),
            "naive_folium_kb": round(len(naive_bytes) / 1024),
            "ratio_naive_to_ours": round(len(naive_bytes) / len(with_cells), 2),
            "leaflet_inlined_kb": round(sum(len(x) for x in maps.leaflet_assets()) / 1024),
            "build_and_render_s": round(build_s, 2),
        }
    )
    return {"with_cells": len(with_cells), "naive": len(naive_bytes)}


def bench_browser() -> None:
    """``streamlit run`` until Chromium shows the map's layers (end to end)."""
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT / "tests"))
    from browser_support import CHROMIUM, CHROMIUM_ARGS, streamlit_app

    if not CHROMIUM.is_file():
        emit({"figure": "start_to_first_map_browser", "skipped": f"{CHROMIUM} missing"})
        return
    start = time.perf_counter()
    with streamlit_app() as url:
        server_s = time.perf_counter() - start
        with sync_playwright() as play:
            browser = play.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 2400})
            page.goto(url)
            found = False
            while not found:
                for frame in page.frames[1:]:
                    try:
                        found = bool(
                            frame.evaluate(
                                "() => document.querySelectorAll('.leaflet-control-layers-overlays "
                                "label').length > 0"
                            )
                        )
                    except Exception:
                        found = False
                    if found:
                        break
                page.wait_for_timeout(100)
            total = time.perf_counter() - start
            browser.close()
        emit(
            {
                "figure": "start_to_first_map_browser",
                "server_ready_s": round(server_s, 2),
                "first_map_s": round(total, 2),
            }
        )


def main() -> None:
    """Run every benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--browser", action="store_true", help="also measure in Chromium")
    args = parser.parse_args()
    bench_map_size()
    bench_library(args.repeat)
    bench_apptest(args.repeat)
    if args.browser:
        bench_browser()


if __name__ == "__main__":
    main()
