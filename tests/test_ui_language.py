"""The German UI speaks German in any browser: every page's visible text in headless Chromium.

Two browsers visit every page with the German UI: a German one (``de-DE``) and an English one
(``en-US``). On each page the visible text (the page and its map frames) is scanned for English
UI words that Streamlit or the code would show (:data:`ENGLISH_WORDS`), and the numbers of the
tables are checked to be written in German notation ("249.735", "65,9", "7,4 %"), whatever the
browser's locale.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from browser_support import (
    CHROMIUM,
    MAP_READY,
    chromium_browser,
    served_app,
)

pytestmark = pytest.mark.browser

if not CHROMIUM.is_file():
    pytest.skip(
        f"Chromium not found at {CHROMIUM} (apt-get install chromium)", allow_module_level=True
    )

from playwright.sync_api import Browser, Page  # noqa: E402

#: English words the German UI must not show (Streamlit's own texts and the code's raw names).
ENGLISH_WORDS = (
    "Drag and drop",
    "Browse files",
    "Deploy",
    "crow-fly",
    "site_id",
    "You can only select",
    "Limit",
    "per file",
    "Press Enter",
    "Choose options",
    "Upload",
    "no stop yet",
    "unknown",
    "None",
    "nan",
)

#: Visible text of the main area (or the sidebar) and of its map frames, as the reader sees it.
#: Text in code spans is left out: those are the column names a CSV file must have (``site_id``).
VISIBLE_TEXT = """(where) => {
    const root = document.querySelector(where);
    if (!root) { return ''; }
    let text = root.innerText;
    for (const code of root.querySelectorAll('code')) { text = text.replace(code.innerText, ''); }
    const texts = [text];
    for (const frame of root.querySelectorAll('iframe')) {
        try { texts.push(frame.contentDocument.body.innerText); } catch (e) { /* other origin */ }
    }
    return texts.join('\\n');
}"""
MAIN = '[data-testid="stMain"]'
SIDEBAR = '[data-testid="stSidebar"]'

#: Records every text drawn on a canvas: Streamlit's tables draw their cells there, so this is
#: what the reader sees in them (their accessible copy holds the raw numbers).
DRAWN_TEXT_PROBE = """() => {
    window.__drawn = new Set();
    const draw = CanvasRenderingContext2D.prototype.fillText;
    CanvasRenderingContext2D.prototype.fillText = function(text, ...rest) {
        window.__drawn.add(String(text));
        return draw.call(this, text, ...rest);
    };
}"""
DRAWN = "() => [...(window.__drawn || [])]"

PAGES = (
    ("Standorte vergleichen", "Standorte vergleichen"),
    ("Standorte auswählen", "Standorte auswählen"),
    ("Saison planen", "Saison planen"),
    ("Abdeckung", "Abdeckung"),
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from served_app(tmp_path_factory.mktemp("language"))


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from chromium_browser()


def english_words(text: str) -> list[str]:
    """The English UI words in ``text`` (as words: "Zeitlimit" is not "Limit")."""
    return [
        word
        for word in ENGLISH_WORDS
        if re.search(rf"(?<![^\W\d_]){re.escape(word)}(?![^\W\d_])", text)
    ]


def test_the_scan_finds_english_words() -> None:
    """A guard: the scan would see the words Streamlit shows in English."""
    assert english_words("Drag and drop file here\nLimit 200MB per file") == [
        "Drag and drop",
        "Limit",
        "per file",
    ]
    assert english_words("Luftlinie × 1,35 · 249.735 Einwohner · Zeitlimit · Finanzen") == []
    assert english_words("Wert: nan · None") == ["None", "nan"]


def not_german(cells: list[str]) -> list[str]:
    """Numbers in English notation: "65.9" (decimal point), "249,735" (comma groups)."""
    english = re.compile(r"^-?\d+\.\d{1,2}( %)?$|^\d{1,3}(,\d{3})+(\.\d+)?$")
    return [cell for cell in cells if english.match(cell)]


def test_the_notation_check_tells_german_from_english() -> None:
    assert not_german(["65.9", "249,735", "1,234.5"]) == ["65.9", "249,735", "1,234.5"]
    assert not_german(["65,9", "249.735", "7,4 %", "12", "Kiel"]) == []


def _settled(page: Page) -> None:
    """Wait until the script has finished and the page stopped changing."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
    page.wait_for_timeout(800)


def _plan(page: Page) -> None:
    """Plan the default season (so the coverage page has a plan to show)."""
    page.get_by_role("link", name="Saison planen").click()
    page.get_by_role("heading", name="Saison planen").wait_for(timeout=60_000)
    page.get_by_role("button", name="Saison planen").click()
    page.get_by_role("heading", name="Ablaufplan").wait_for(timeout=180_000)


def _select(page: Page) -> None:
    """Choose sites (so the selection page shows its results)."""
    page.get_by_role("link", name="Standorte auswählen").click()
    page.get_by_role("heading", name="Standorte auswählen").wait_for(timeout=60_000)
    page.get_by_role("button", name="Standorte auswählen").click()
    page.get_by_role("heading", name="Warum nicht gewählt?").wait_for(timeout=180_000)


def _visit_every_page(page: Page) -> dict[str, dict[str, list[str]]]:
    """Each page's English words (main area), sidebar words and table numbers not in German
    notation."""
    found: dict[str, dict[str, list[str]]] = {}
    for link, heading in PAGES:
        page.get_by_role("link", name=link).click()
        page.get_by_role("heading", name=heading).first.wait_for(timeout=60_000)
        page.evaluate("() => window.__drawn && window.__drawn.clear()")
        _settled(page)
        if link != "Saison planen":
            page.wait_for_function(MAP_READY, timeout=120_000)
        page.wait_for_timeout(1200)  # the tables draw their cells
        text = page.evaluate(VISIBLE_TEXT, MAIN)
        drawn = page.evaluate(DRAWN)
        found[link] = {
            "words": english_words(text + "\n" + "\n".join(drawn)),
            "sidebar": english_words(page.evaluate(VISIBLE_TEXT, SIDEBAR)),
            "numbers": not_german(drawn),
            "drawn": drawn,
            "text": [text],
        }
    return found


@pytest.mark.parametrize("locale", ["de-DE", "en-US"])
def test_every_page_speaks_german_in_any_browser(
    server: str, browser: Browser, locale: str
) -> None:
    page = browser.new_page(viewport={"width": 1440, "height": 1800}, locale=locale)
    page.add_init_script(f"({DRAWN_TEXT_PROBE})()")
    page.goto(server, wait_until="domcontentloaded")
    page.get_by_role("heading", name="Standorte vergleichen").wait_for(timeout=120_000)
    page.wait_for_function(MAP_READY, timeout=120_000)
    _select(page)
    _plan(page)
    found = _visit_every_page(page)
    assert {link: f["words"] for link, f in found.items()} == {link: [] for link, _ in PAGES}
    assert {link: f["numbers"] for link, f in found.items()} == {link: [] for link, _ in PAGES}
    # the ranking draws people with a thousands dot and shares as percentages
    drawn = found["Standorte vergleichen"]["drawn"]
    assert any(re.fullmatch(r"\d{1,3}\.\d{3}", c) for c in drawn), drawn[:60]
    assert any(re.fullmatch(r"\d+,\d %", c) for c in drawn), drawn[:60]
    assert any(re.fullmatch(r"\d+,\d", c) for c in drawn), drawn[:60]  # scores
    assert "Luftlinie × 1,35" in found["Standorte vergleichen"]["text"][0]
    # the selection and coverage tables: people and shares in German notation
    assert any(re.fullmatch(r"\d{1,3}\.\d{3}", c) for c in found["Standorte auswählen"]["drawn"])
    assert any(re.fullmatch(r"\d+,\d %", c) for c in found["Abdeckung"]["drawn"])
    page.close()


def test_the_sidebar_speaks_german(server: str, browser: Browser) -> None:
    page = browser.new_page(viewport={"width": 1440, "height": 1200}, locale="en-US")
    page.goto(server, wait_until="domcontentloaded")
    page.get_by_role("heading", name="Standorte vergleichen").wait_for(timeout=120_000)
    _settled(page)
    text = page.evaluate(VISIBLE_TEXT, SIDEBAR)
    page.close()
    assert english_words(text) == [] and "1.35" not in text
