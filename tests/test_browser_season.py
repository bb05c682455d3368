"""The season page in a real browser (German locale): plan, the plan editor, the month calendar.

Uses Debian's ``/usr/bin/chromium`` (no browser download); the screenshot goes to
``test-output/screenshots/saison_kalender.png``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser_support import (
    CHROMIUM,
    ROOT,
    chromium_browser,
    served_app,
)

from app_pages.state import season_dates

pytestmark = pytest.mark.browser

SHOTS = ROOT / "test-output" / "screenshots"

if not CHROMIUM.is_file():
    pytest.skip(
        f"Chromium not found at {CHROMIUM} (apt-get install chromium)", allow_module_level=True
    )

from playwright.sync_api import Browser  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from served_app(tmp_path_factory.mktemp("browser_season"))


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from chromium_browser()


def test_season_page_plans_and_shows_the_month_calendar(server: str, browser: Browser) -> None:
    page = browser.new_page(viewport={"width": 1440, "height": 2400}, locale="de-DE")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{server}/saison", wait_until="domcontentloaded")
    page.get_by_role("heading", name="Saison planen").wait_for(timeout=90_000)
    # the form: operating weekdays and relocation days are there, in German
    page.get_by_text("Öffnungstage (Wochentage)").wait_for()
    page.get_by_text("Umzugstage zwischen zwei Stopps").wait_for()
    page.get_by_role("button", name="Saison planen").click()
    page.get_by_role("heading", name="Ablaufplan").wait_for(timeout=180_000)
    page.get_by_role("heading", name="Plan von Hand ändern").wait_for(timeout=60_000)
    page.get_by_role("heading", name="Kalender").wait_for()
    # the month calendar of the upcoming season, with its legend
    year = season_dates()[0].year
    for text in (f"Juli {year}", f"Oktober {year}", "Feiertag (Schleswig-Holstein)", "Sperrtermin"):
        page.get_by_text(text, exact=True).first.wait_for(timeout=30_000)
    calendar = page.locator(".trc")
    assert calendar.locator("td.stay").count() >= 12 * 5  # twelve stops of five open days or more
    assert calendar.locator("td.holiday").count() >= 2  # 3 and 31 October
    page.get_by_role("button", name="↶ Rückgängig (0)").wait_for()
    page.wait_for_timeout(1500)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "saison_kalender.png"), full_page=True)
    calendar.screenshot(path=str(SHOTS / "saison_monatskalender.png"))
    assert errors == []
    page.close()
