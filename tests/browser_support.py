"""Starting the app and Chromium for the browser test and the app benchmark (one way to do it)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
#: Debian's Chromium; no browser is ever downloaded.
CHROMIUM = Path("/usr/bin/chromium")
#: Flags for a closed network: without the background-networking ones Chromium keeps dialling out.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    """A free TCP port on localhost."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def streamlit_app(
    *,
    env: dict[str, str] | None = None,
    log: IO[str] | None = None,
    timeout_s: float = 90,
    root: Path = ROOT,
) -> Iterator[str]:
    """Run ``streamlit run app.py`` on a free localhost port until it is healthy; yield its URL.

    ``root`` is the checkout whose ``app.py`` runs (another one: a baseline of the benchmark).
    """
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", str(root / "app.py"),
            "--server.port", str(port), "--server.address", "127.0.0.1",
            "--server.headless", "true", "--server.fileWatcherType", "none",
            "--browser.gatherUsageStats", "false",
        ],
        cwd=root,
        env={**os.environ, **(env or {})},
        stdout=log or subprocess.DEVNULL,
        stderr=subprocess.STDOUT if log else subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.read() == b"ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not become healthy (exit code {proc.poll()})")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


#: Installed in the page before it loads: records every change of the app's script state
#: ("running" / "notRunning") with its time, so a rerun that is quicker than any poll is seen.
SCRIPT_STATE_PROBE = """() => {
    window.__runs = [];
    const seen = () => {
        const app = document.querySelector('[data-testid="stApp"]');
        const state = app ? app.getAttribute('data-test-script-state') : null;
        const last = window.__runs.length ? window.__runs[window.__runs.length - 1].state : null;
        if (state && state !== last) { window.__runs.push({state, t: performance.now()}); }
    };
    new MutationObserver(seen).observe(document, {subtree: true, attributes: true,
        attributeFilter: ['data-test-script-state'], childList: true});
}"""

#: True when the page has a Leaflet map with its layer control in one of its iframes.
MAP_READY = """() => [...document.querySelectorAll('iframe')].some(f => {
    try { return f.contentDocument.querySelectorAll('.leaflet-control-layers-overlays label')
              .length > 0 && f.contentDocument.querySelectorAll('path, canvas').length > 0; }
    catch (e) { return false; }
})"""


def page_now(page: object) -> float:
    """The page's clock (``performance.now()``, ms)."""
    return float(page.evaluate("() => performance.now()"))  # type: ignore[attr-defined]


def wait_for_run(page: object, since_ms: float, *, timeout_s: float = 120) -> float:
    """Wait until a script run that started after ``since_ms`` has finished; its end (ms).

    Needs :data:`SCRIPT_STATE_PROBE` installed (``page.add_init_script``).
    """
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        runs = page.evaluate("() => window.__runs || []")  # type: ignore[attr-defined]
        started = [r for r in runs if r["state"] == "running" and r["t"] >= since_ms]
        if started:
            done = [r for r in runs if r["state"] == "notRunning" and r["t"] > started[0]["t"]]
            if done:
                return float(done[0]["t"])
        time.sleep(0.02)
    raise TimeoutError("the app's script did not finish")


def served_app(folder: Path) -> Iterator[str]:
    """``streamlit run app.py`` with its own scenario store and cache in ``folder``; yields its
    URL (the body of every browser test's module-scoped ``server`` fixture)."""
    env = {
        "TINY_RATHAUS_DB": str(folder / "scenarios.sqlite"),
        "TINY_RATHAUS_CACHE": str(folder / "cache"),
        "TINY_RATHAUS_ROAD_GRAPH": "",
    }
    with (folder / "streamlit.log").open("w") as log, streamlit_app(env=env, log=log) as url:
        yield url


def chromium_browser() -> Iterator[Any]:
    """Debian's headless Chromium through Playwright (the body of every ``browser`` fixture)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as play:
        chromium = play.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
