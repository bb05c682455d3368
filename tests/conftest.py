"""Shared fixtures: the embedded region pack, the raw data folder, an isolated cache."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

# An unknown text key is a bug: raise in tests instead of showing the key (planner.i18n).
os.environ.setdefault("TINY_RATHAUS_STRICT_TEXTS", "1")

from planner.data.pack import RegionPack, load_pack
from planner.settings import germany_dir, raw_dir


@pytest.fixture(autouse=True)
def _isolated_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep tests away from the user's cache and scenario database."""
    base = tmp_path_factory.getbasetemp()
    monkeypatch.setenv("TINY_RATHAUS_CACHE", str(base / "cache"))
    monkeypatch.setenv("TINY_RATHAUS_DB", str(base / "scenarios.sqlite"))
    monkeypatch.delenv("TINY_RATHAUS_ROAD_GRAPH", raising=False)


@pytest.fixture(scope="session")
def pack() -> RegionPack:
    """The committed KielRegion pack."""
    return load_pack()


@pytest.fixture(scope="session")
def raw() -> Path:
    """The raw KielRegion folder; tests needing it skip with the reason when it is absent."""
    folder = raw_dir()
    if not (folder / "SOURCES.md").is_file():
        pytest.skip(
            f"raw KielRegion data not found at {folder} (set TINY_RATHAUS_RAW or place "
            "shared/kielregion next to the repository)"
        )
    return folder


@pytest.fixture(scope="session")
def germany() -> Path:
    """The Germany-wide raw folder (other regions); tests needing it skip when it is absent."""
    folder = germany_dir()
    if not (folder / "SOURCES.md").is_file():
        pytest.skip(
            f"Germany-wide raw data not found at {folder} (set TINY_RATHAUS_GERMANY or place "
            "shared/germany next to the repository)"
        )
    return folder


@pytest.fixture(scope="session")
def osm_extract(raw: Path) -> Path:
    """The small Kiel OSM extract."""
    return raw / "osm" / "kiel_fjord_east.osm.pbf"


@pytest.fixture
def own_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scenario database of the test's own (app tests that save and reopen scenarios)."""
    db = tmp_path / "scenarios.sqlite"
    monkeypatch.setenv("TINY_RATHAUS_DB", str(db))
    return db


@pytest.fixture
def media(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[MemoryMediaFileStorage]]:
    """Keep hold of the media storage AppTest creates, to read what download buttons serve."""
    stores: list[MemoryMediaFileStorage] = []

    class Recording(MemoryMediaFileStorage):
        def __init__(self, endpoint: str) -> None:
            super().__init__(endpoint)
            stores.append(self)

    monkeypatch.setattr("streamlit.testing.v1.app_test.MemoryMediaFileStorage", Recording)
    yield stores
