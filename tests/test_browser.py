"""The app in a real browser: ``streamlit run`` driven by headless Chromium (Playwright).

Uses Debian's ``/usr/bin/chromium`` (no browser download). The screenshots of the four pages in
the German UI go to ``docs/screenshots/`` (the README shows them), the others to
``test-output/screenshots/``. Also opens an exported coverage map from ``file://`` with the
network blocked and checks that its layers are drawn.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import (
    CHROMIUM,
    ROOT,
    chromium_browser,
    served_app,
)

pytestmark = pytest.mark.browser

SHOTS = ROOT / "test-output" / "screenshots"
#: The README's screenshots: one per page, German UI, a planned season.
README_SHOTS = ROOT / "docs" / "screenshots"

if not CHROMIUM.is_file():
    pytest.skip(
        f"Chromium not found at {CHROMIUM} (apt-get install chromium)", allow_module_level=True
    )

from playwright.sync_api import Browser, Frame, Page  # noqa: E402

# JavaScript run inside a map iframe: the Leaflet map, its layers and the legend.
MAP_STATE = """() => {
    const key = Object.keys(window).find(k => k.startsWith('map_') && window[k] instanceof L.Map);
    if (!key) { return null; }
    const map = window[key];
    let drawn = 0;
    map.eachLayer(l => { if (l.feature || l instanceof L.Path) { drawn += 1; } });
    const overlays = [...document.querySelectorAll('.leaflet-control-layers-overlays label')]
        .map(l => l.textContent.trim());
    const legend = document.querySelector('.trp-legend');
    const attribution = document.querySelector('.leaflet-control-attribution');
    return {drawn, overlays, legend: legend ? legend.textContent : '',
            attribution: attribution ? attribution.textContent : '',
            canvas: document.querySelectorAll('canvas').length};
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from served_app(tmp_path_factory.mktemp("browser"))


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from chromium_browser()


def _map_frame(page: Page, *, timeout_s: float = 90) -> tuple[Frame, dict[str, object]]:
    """The first iframe holding a Leaflet map with drawn layers, and its state."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for frame in page.frames:
            if frame == page.main_frame:
                continue
            try:
                state = frame.evaluate(MAP_STATE)
            except Exception:
                continue
            if state and state["drawn"]:
                return frame, state
        page.wait_for_timeout(500)
    raise AssertionError("no Leaflet map with layers appeared")


def _shot(page: Page, name: str, *, folder: Path = SHOTS, full_page: bool = True) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / name), full_page=full_page)


def _readme_shot(page: Page, name: str, *, top: str | None = None) -> None:
    """A README screenshot: the first 1440 × 1300 pixels, from the element ``top`` on."""
    if top is not None:
        page.locator(top).first.scroll_into_view_if_needed()
    page.set_viewport_size({"width": 1440, "height": 1300})
    page.wait_for_timeout(800)
    _shot(page, name, folder=README_SHOTS, full_page=False)
    page.set_viewport_size({"width": 1440, "height": 2600})


# JavaScript run inside a map iframe: where the numbered stops, the legend and the region are.
MAP_LAYOUT = """() => {
    const key = Object.keys(window).find(k => k.startsWith('map_') && window[k] instanceof L.Map);
    const map = window[key];
    const box = map.getContainer().getBoundingClientRect();
    const rect = (sel) => { const e = document.querySelector(sel);
                            return e ? e.getBoundingClientRect() : null; };
    const hit = (a, b) => !!a && !!b && !(a.right <= b.left || a.left >= b.right ||
                                          a.bottom <= b.top || a.top >= b.bottom);
    const legend = rect('.trp-legend'), layers = rect('.leaflet-control-layers');
    const markers = [...document.querySelectorAll('.trp-num')];
    const stops = markers.map(e => e.getBoundingClientRect());
    let region = null;
    map.eachLayer(l => { if (l.feature && l.feature.geometry.type.endsWith('Polygon')) {
        const b = l.getBounds();
        region = region ? region.extend(b) : L.latLngBounds(b.getSouthWest(), b.getNorthEast());
    }});
    const sw = map.latLngToContainerPoint(region.getSouthWest());
    const ne = map.latLngToContainerPoint(region.getNorthEast());
    const area = {left: box.left + sw.x, right: box.left + ne.x,
                  top: box.top + ne.y, bottom: box.top + sw.y};
    return {
        numbers: markers.map(e => e.textContent),
        under_controls: stops.filter(s => hit(s, legend) || hit(s, layers)).length,
        outside: stops.filter(s => s.left < box.left || s.right > box.right ||
                                   s.top < box.top || s.bottom > box.bottom).length,
        region_under_legend: hit(area, legend),
        scale: [...document.querySelectorAll('.leaflet-control-scale-line')]
            .map(e => e.textContent),
        legend_open: document.querySelector('.trp-legend details').open,
    };
}"""


def test_pages_in_browser(server: str, browser: Browser) -> None:
    # a German browser, as the planners use: numbers in the tables follow its locale
    page = browser.new_page(viewport={"width": 1440, "height": 2600}, locale="de-DE")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(server, wait_until="domcontentloaded")
    page.get_by_role("heading", name="Standorte vergleichen").wait_for(timeout=90_000)

    # compare page: the map with its layers
    _, state = _map_frame(page)
    assert state["drawn"] > 400  # municipalities, districts, candidate sites
    for layer in ("Gemeinden: Abdeckung", "Kreisgrenzen", "Standort-Kandidaten"):
        assert layer in state["overlays"], state["overlays"]
    assert "Abdeckung" in str(state["legend"])
    assert "GeoBasis-DE / BKG" in str(state["attribution"])
    page.get_by_text("Fahrzeitmodell").first.wait_for()
    # the filters' placeholders speak German
    html = page.content()
    assert "Bitte wählen …" in html and "Choose options" not in html
    # Streamlit's developer menu is hidden
    assert page.get_by_text("Deploy", exact=True).count() == 0
    # the README shows the best site of each Amt and part of Kiel
    page.get_by_text("bester je Amt bzw. Stadtteil").click()
    page.get_by_text("Bester Standort je Amt").first.wait_for(timeout=30_000)
    _readme_shot(page, "1_standorte_vergleichen.png")

    # selection page: choose 12 sites under the 2023 quotas
    page.get_by_role("link", name="Standorte auswählen").click()
    page.get_by_role("heading", name="Standorte auswählen").wait_for(timeout=60_000)
    page.get_by_role("button", name="Standorte auswählen").click()
    page.get_by_role("heading", name="Gewählte Standorte").wait_for(timeout=180_000)
    page.get_by_role("heading", name="Warum nicht gewählt?").wait_for(timeout=60_000)
    page.get_by_text("Status: optimal (bewiesen)").wait_for(timeout=60_000)
    _, state = _map_frame(page)
    assert "Gewählte Standorte" in state["overlays"], state["overlays"]
    assert any(str(o).startswith("Einzugsgebiete") for o in state["overlays"])  # type: ignore[attr-defined]
    page.get_by_role("button", name="Auswahl als CSV herunterladen").wait_for()
    page.wait_for_timeout(1500)
    _readme_shot(page, "2_standorte_auswaehlen.png", top="[data-testid='stMetric']")

    # season page: plan a season
    page.get_by_role("link", name="Saison planen").click()
    page.get_by_role("heading", name="Saison planen").wait_for(timeout=60_000)
    page.get_by_role("button", name="Saison planen").click()
    page.get_by_role("heading", name="Ablaufplan").wait_for(timeout=180_000)
    page.get_by_role("heading", name="Kalender").wait_for()
    page.get_by_role("button", name="Excel").wait_for()
    page.wait_for_timeout(1500)
    # save it as a scenario: the page then compares the current plan with it
    page.get_by_label("Name des Szenarios").fill("Basis")
    page.get_by_label("Name des Szenarios").press("Enter")
    page.get_by_role("button", name="Speichern").click()
    page.get_by_text("Szenario „Basis“ gespeichert").wait_for(timeout=60_000)
    page.get_by_role("heading", name="Pläne vergleichen").wait_for(timeout=60_000)
    page.get_by_text("Aktuellen Plan vergleichen mit Szenario").wait_for(timeout=60_000)
    page.wait_for_timeout(1500)
    _readme_shot(page, "3_saison_planen.png", top="[data-testid='stMetric']")

    # coverage page: the plan's map and figures
    page.get_by_role("link", name="Abdeckung").click()
    page.get_by_role("heading", name="Abdeckung").first.wait_for(timeout=60_000)
    _, state = _map_frame(page)
    for layer in ("Geplante Stopps", "Route", "Zensus-Gitter 1 km", "Kreisgrenzen"):
        assert layer in state["overlays"], state["overlays"]
    assert any(str(o).startswith("Einzugsgebiete") for o in state["overlays"])  # type: ignore[attr-defined]
    assert "Rendsburg-Eckernförde" in str(state["legend"])
    page.get_by_role("button", name="Karte als HTML herunterladen").wait_for()
    page.get_by_text("Stopps in Tourreihenfolge").wait_for()
    page.wait_for_timeout(1000)
    # numbered stops in tour order, none under the legend or the layer control, the region
    # beside the legend, a metric scale only
    frame, _ = _map_frame(page)
    layout = frame.evaluate(MAP_LAYOUT)
    assert layout["numbers"] == [str(n) for n in range(1, 13)], layout
    assert layout["under_controls"] == 0 and layout["outside"] == 0, layout
    assert layout["region_under_legend"] is False, layout
    assert len(layout["scale"]) == 1 and re.fullmatch(r"\d+ k?m", layout["scale"][0]), layout
    _readme_shot(page, "4_abdeckung.png", top="[data-testid='stSelectbox']")
    # beside the stop list the map is narrow: the legend starts folded; a click on its title
    # unfolds it (the region is fitted again beside it), another folds it away
    assert layout["legend_open"] is False
    frame.locator(".trp-legend summary").click()
    page.wait_for_timeout(800)
    unfolded = frame.evaluate(MAP_LAYOUT)
    assert unfolded["legend_open"] is True and unfolded["region_under_legend"] is False, unfolded
    frame.locator(".trp-legend summary").click()
    page.wait_for_timeout(500)
    assert frame.evaluate(MAP_LAYOUT)["legend_open"] is False
    assert errors == []
    page.close()


def test_exported_map_works_offline(browser: Browser, tmp_path: Path) -> None:
    from planner import maps
    from planner.data.pack import load_pack

    pack = load_pack()
    stops = pack.sites[pack.sites["kind"] == "rail"].head(6)
    fmap = maps.coverage_map(pack, stops=stops, sites=pack.sites, show_cells=True, title="Export")
    path = maps.save_map(fmap, name="offline", folder=tmp_path)

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    blocked: list[str] = []

    def block(route):  # type: ignore[no-untyped-def]
        blocked.append(route.request.url)
        route.abort()

    page.route("http://**/*", block)
    page.route("https://**/*", block)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(path.as_uri())
    state = page.evaluate(MAP_STATE)
    assert state is not None, "Leaflet did not load without network"
    assert state["drawn"] > 3000  # cells, municipalities, sites, stops, catchments
    assert len(state["overlays"]) == 7  # the basemap is a base layer, not an overlay
    assert "Zensus 2022" in state["attribution"]
    assert errors == []
    # only basemap tiles were attempted (and failed); the layers did not need them
    assert all("tile.openstreetmap.org" in url for url in blocked)
    page.wait_for_timeout(500)
    _shot(page, "5_export_offline.png")
    page.close()


def test_hostile_scenario_name_is_shown_as_text(server: str, browser: Browser) -> None:
    """A scenario name with a Markdown link and image: shown as text, nothing live, no fetch."""
    evil = "[evil-link](http://evil.example/x) ![img](http://127.0.0.1:9/p.png) www.evil.example"
    page = browser.new_page(viewport={"width": 1440, "height": 1200}, locale="de-DE")
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(server, wait_until="domcontentloaded")
    page.get_by_role("heading", name="Standorte vergleichen").wait_for(timeout=90_000)
    page.get_by_label("Name des Szenarios").fill(evil)
    page.get_by_label("Name des Szenarios").press("Enter")
    page.get_by_role("button", name="Speichern").click()
    page.get_by_text("gespeichert (Version").wait_for(timeout=60_000)
    page.wait_for_timeout(1000)
    message = page.locator("[data-testid='stSidebar'] [data-testid='stAlert']").first
    assert "[evil-link](http://evil.example/x)" in message.inner_text().replace("\u200b", "")
    assert page.locator("a[href*='evil.example']").count() == 0
    assert page.locator("img[src*='127.0.0.1:9']").count() == 0
    assert not [url for url in requested if "127.0.0.1:9/" in url or "evil.example" in url]
    _shot(page, "6_hostile_scenario_name.png")
    page.close()
