"""All settings of the planner in one place.

Paths can be overridden through environment variables so that the app, the CLI, the tests and CI
find the same files without code changes.

Environment variables
---------------------
TINY_RATHAUS_RAW
    Folder with the raw KielRegion open data (default: ``../shared/kielregion`` next to the repo).
TINY_RATHAUS_GERMANY
    Folder with the Germany-wide open data for other regions (default: ``../shared/germany``).
TINY_RATHAUS_PACK
    The region pack to load (default: ``data/kielregion.gpkg`` in the repo).
TINY_RATHAUS_CACHE
    Folder for cached travel-time matrices and road graphs (default: the user cache dir).
TINY_RATHAUS_ROAD_GRAPH
    A road graph for travel times: a ``.graphml`` file saved by osmnx, or an ``.osm``/``.osm.pbf``
    extract. Without it the documented crow-fly model is used.
TINY_RATHAUS_DB
    The SQLite file where scenarios are saved (default: the user data dir).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "tiny-rathaus"

#: Repository root (the folder holding ``planner/``).
REPO_ROOT = Path(__file__).resolve().parent.parent

#: CRS for all metric work of the embedded KielRegion pack (ETRS89 / UTM zone 32N). Packs of
#: regions east of 12° E use EPSG:25833; a pack names its own in ``RegionPack.crs``.
METRIC_CRS = "EPSG:25832"
#: CRS for display (web maps, GeoJSON).
DISPLAY_CRS = "EPSG:4326"
#: CRS of the Zensus 2022 grid (ETRS89-LAEA).
ZENSUS_CRS = "EPSG:3035"

#: The three KielRegion districts by their 5-digit key (Kreisschlüssel): the embedded default
#: region (``planner.regions.PRESETS["KielRegion"]``). Other packs list theirs in
#: ``RegionPack.info.districts``.
REGION_DISTRICTS: dict[str, str] = {
    "01002": "Kiel",
    "01057": "Plön",
    "01058": "Rendsburg-Eckernförde",
}

#: Published figures of the embedded KielRegion pack (Destatis register 31.12.2023, Zensus 2022
#: grid), for tests and docs. The build checks any region against the register itself instead.
EXPECTED_MUNICIPALITIES: dict[str, int] = {"01002": 1, "01057": 85, "01058": 165}
EXPECTED_REGISTER_POPULATION = 660_107
EXPECTED_GRID_POPULATION = 663_787

#: Municipalities of register class 1 ("dicht besiedelt") or 2 ("mittlere Besiedlungsdichte")
#: with at least this many inhabitants count as urban; everything else is rural. Class 2 alone
#: would make villages of 1,500 people "urban", which is not how planners speak of them.
URBAN_MIN_POPULATION = 10_000

#: Candidate-site generation.
SITE_MERGE_DISTANCE_M = 300.0
#: A bus stop is a hub when rail serves it too, or when it has at least this many other bus stops
#: within ``BUS_HUB_RADIUS_M`` (the top 1 % of the region's stops); one hub per cluster.
BUS_HUB_MIN_NEIGHBOURS = 7
BUS_HUB_RADIUS_M = 500.0

#: Walking access used by scoring and by snapping in the road model.
WALK_RADIUS_M = 1_000.0


def search_threads() -> int:
    """Threads for the numba tabu runs of the MCLP search (``TINY_RATHAUS_THREADS``; default:
    the machine's cores, at most 4 — the merges between them run on one)."""
    env = os.environ.get("TINY_RATHAUS_THREADS")
    if env:
        return max(1, int(env))
    return max(1, min(4, os.cpu_count() or 1))


def raw_dir() -> Path:
    """Folder of the raw KielRegion data."""
    env = os.environ.get("TINY_RATHAUS_RAW")
    if env:
        return Path(env)
    return REPO_ROOT.parent / "shared" / "kielregion"


def germany_dir() -> Path:
    """Folder of the Germany-wide raw data (VG5000, Zensus grid, stops) for any region."""
    env = os.environ.get("TINY_RATHAUS_GERMANY")
    if env:
        return Path(env)
    return REPO_ROOT.parent / "shared" / "germany"


def shared_dir() -> Path:
    """Folder of the shared material (raw data and benchmark instances)."""
    env = os.environ.get("TINY_RATHAUS_SHARED")
    if env:
        return Path(env)
    return REPO_ROOT.parent / "shared"


def pack_path() -> Path:
    """The region pack the app and the CLI load by default."""
    env = os.environ.get("TINY_RATHAUS_PACK")
    return Path(env) if env else REPO_ROOT / "data" / "kielregion.gpkg"


def cache_dir() -> Path:
    """Folder for content-hash keyed caches (created on demand)."""
    env = os.environ.get("TINY_RATHAUS_CACHE")
    path = Path(env) if env else Path(platformdirs.user_cache_dir(APP_NAME))
    path.mkdir(parents=True, exist_ok=True)
    return path


def road_graph_path() -> Path | None:
    """A configured road graph or OSM extract, or ``None`` for the crow-fly model."""
    env = os.environ.get("TINY_RATHAUS_ROAD_GRAPH")
    return Path(env) if env else None


def database_path() -> Path:
    """SQLite file for saved scenarios."""
    env = os.environ.get("TINY_RATHAUS_DB")
    if env:
        return Path(env)
    folder = Path(platformdirs.user_data_dir(APP_NAME))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "scenarios.sqlite"
