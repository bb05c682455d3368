"""Benchmark of the app: the page timings a planner feels, in Chromium, against today's code.

Run::

    .venv/bin/python benchmarks/bench_app.py [--repeat 3] [--no-baseline] [--apptest]

Page timings (the default; issue 17's goals), measured in headless Chromium against a
``streamlit run`` server whose caches are warm (one visit before the timed ones):

* ``first_map``: a new browser tab opens the app until the Leaflet map of "Standorte
  vergleichen" shows its layers (goal < 3 s);
* ``rerank``: a weight slider moved one step (keyboard) until the app's script run has finished
  (goal < 0.5 s); each step a weight combination not ranked before (no cache hit). It includes
  Streamlit's slider debounce and the round trip (about 0.2 s before the run starts);
* ``page_switch``: a click on another page in the navigation until that page's script run has
  finished (goal < 1 s), over the four pages in turn.

The baseline is the same measurement of the committed code (``git archive HEAD`` into a
temporary folder, run from there) in the same run, one server after the other; ``--no-baseline``
skips it. Each figure is the median of ``--repeat`` rounds; ``--only first_map`` (repeatable)
measures some figures alone. With ``first_map`` the size of that map page follows, current code
against ``HEAD`` (``compare_map_html_kb``).

With ``--apptest`` the older server-side figures follow (measured through AppTest and the
library, no browser):

* ``start_to_first_map_apptest``: a fresh Streamlit AppTest session with all Streamlit caches
  cleared runs the "Standorte vergleichen" page until its map HTML exists (pack load, criteria
  for every site, ranking, map render). AppTest runs the script in-process, so this is the
  server-side time.
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
import io
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
        slider = at.select_slider(key="w_transit_stops")
        start = time.perf_counter()
        slider.set_value(values[i % len(values)]).run()
        cached.append(time.perf_counter() - start)
    for i in range(repeat):
        st.cache_data.clear()
        slider = at.select_slider(key="w_pop_car")
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


PAGES = ("Standorte auswählen", "Saison planen", "Abdeckung", "Standorte vergleichen")


#: The revision measured as the baseline (``--base``; default the last commit).
BASE_REV = "HEAD"


def baseline_checkout() -> Path:
    """The baseline revision's code (``git archive BASE_REV``) unpacked into a temporary
    folder."""
    import subprocess
    import tarfile

    folder = Path(tempfile.mkdtemp(prefix="bench_app_base_"))
    archive = subprocess.run(
        ["git", "archive", BASE_REV], cwd=ROOT, check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def page_timings(
    root: Path, *, repeat: int, figures: tuple[str, ...] = ("first_map", "rerank", "page_switch")
) -> dict[str, list[float]]:
    """First map, re-rank and page switch in Chromium for the app in ``root`` (seconds).

    ``figures`` limits the rounds to some of them (``first_map`` is always measured: every
    round opens a new tab). A run that does not finish within the timeout (a page whose caches
    are cold on a busy machine) is left out of its figure and counted in ``<figure>_timeouts``.
    """
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT / "tests"))
    from browser_support import (
        CHROMIUM,
        CHROMIUM_ARGS,
        MAP_READY,
        SCRIPT_STATE_PROBE,
        page_now,
        streamlit_app,
        wait_for_run,
    )

    tmp = Path(tempfile.mkdtemp())
    env = {"TINY_RATHAUS_DB": str(tmp / "scenarios.sqlite"), "TINY_RATHAUS_ROAD_GRAPH": ""}
    out: dict[str, list[float]] = {"first_map": [], "rerank": [], "page_switch": []}
    timeouts = {"rerank": 0, "page_switch": 0}

    def timed(figure: str, tab, since: float) -> None:  # type: ignore[no-untyped-def]
        try:
            out[figure].append((wait_for_run(tab, since) - since) / 1000)
        except TimeoutError:
            timeouts[figure] += 1

    with streamlit_app(root=root, env=env) as url, sync_playwright() as play:
        browser = play.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)

        def open_tab():  # type: ignore[no-untyped-def]
            tab = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="de-DE")
            tab.add_init_script(f"({SCRIPT_STATE_PROBE})()")
            start = time.perf_counter()
            tab.goto(url)
            tab.wait_for_function(MAP_READY, timeout=180_000, polling=50)
            return tab, time.perf_counter() - start

        warm, _ = open_tab()  # fills the server's caches (criteria, map)
        warm.close()
        for round_ in range(repeat):
            tab, seconds = open_tab()
            out["first_map"].append(seconds)
            wait_for_run(tab, 0)
            # another weight each round, moved up twice: every step is a weight combination the
            # server has not ranked yet (no cache hit); slider 0 is the threshold
            emit({"round": round_, "root": str(root), "first_map_s": round(seconds, 3)})
            slider = tab.get_by_role("slider").nth(1 + round_ % 12)
            for _step in range(2 if "rerank" in figures else 0):
                slider.focus()
                since = page_now(tab)
                tab.keyboard.press("ArrowRight")
                timed("rerank", tab, since)
            for name in PAGES if "page_switch" in figures else ():
                since = page_now(tab)
                tab.get_by_role("link", name=name).click()
                timed("page_switch", tab, since)
            tab.close()
        browser.close()
    for figure, count in timeouts.items():
        if count:
            emit({"figure": f"{figure}_timeouts", "root": str(root), "count": count})
    return out


GOALS = {"first_map": 3.0, "rerank": 0.5, "page_switch": 1.0}


def bench_pages(*, repeat: int, baseline: bool, figures: tuple[str, ...]) -> None:
    """The page timings of the current code and, unless skipped, of ``HEAD`` as baseline."""
    runs = {"current": page_timings(ROOT, repeat=repeat, figures=figures)}
    if baseline:
        runs["baseline_HEAD"] = page_timings(baseline_checkout(), repeat=repeat, figures=figures)
    for figure, goal in GOALS.items():
        if not all(timings[figure] for timings in runs.values()):
            continue  # not measured (or every run timed out)
        record: dict[str, object] = {"figure": f"{figure}_browser", "goal_s": goal}
        for label, timings in runs.items():
            values = timings[figure]
            record[f"{label}_median_s"] = round(statistics.median(values), 3)
            record[f"{label}_max_s"] = round(max(values), 3)
        current = statistics.median(runs["current"][figure])
        record["meets_goal"] = current < goal
        if baseline:
            record["speedup"] = round(statistics.median(runs["baseline_HEAD"][figure]) / current, 1)
        record["runs"] = len(runs["current"][figure])
        emit(record)
    if "first_map" in figures:
        bench_map_page_size(baseline=baseline)


def bench_map_page_size(*, baseline: bool) -> None:
    """Bytes of the map page "Standorte vergleichen" sends (every candidate site, no stops),
    current code against ``HEAD`` (run in a subprocess from the baseline checkout)."""
    import subprocess

    script = (
        "import sys; sys.path.insert(0, '.')\n"
        "from planner.data.pack import load_pack\n"
        "from planner.maps import MapOptions, coverage_map, map_html\n"
        "pack = load_pack()\n"
        "page = map_html(coverage_map(pack, sites=pack.sites, options=MapOptions("
        "draw_route=False, cells=False)))\n"
        "print(len(page.encode('utf-8')))\n"
    )
    roots = {"current": ROOT}
    if baseline:
        roots["baseline_HEAD"] = baseline_checkout()
    record: dict[str, object] = {"figure": "compare_map_html_kb"}
    for label, root in roots.items():
        env = {**os.environ, "PYTHONPATH": str(root)}
        size = subprocess.run(
            [sys.executable, "-c", script], cwd=root, env=env, check=True, capture_output=True
        ).stdout
        record[label] = round(int(size.split()[-1]) / 1024)
    emit(record)


def main() -> None:
    """Run the page timings (and, with ``--apptest``, the server-side figures)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-baseline", action="store_true", help="skip the HEAD baseline")
    parser.add_argument("--apptest", action="store_true", help="also the AppTest figures")
    parser.add_argument(
        "--only",
        choices=sorted(GOALS),
        action="append",
        help="measure only this figure (repeatable; default: all three)",
    )
    parser.add_argument(
        "--base",
        default="HEAD",
        help="git revision measured as the baseline (default HEAD; e.g. HEAD~1 after a commit)",
    )
    args = parser.parse_args()
    global BASE_REV
    BASE_REV = args.base
    bench_pages(
        repeat=args.repeat, baseline=not args.no_baseline, figures=tuple(args.only or GOALS)
    )
    if args.apptest:
        bench_map_size()
        bench_library(args.repeat)
        bench_apptest(args.repeat)


if __name__ == "__main__":
    main()
