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
    The region pack to load (default: the embedded KielRegion pack: ``data/kielregion.gpkg`` in a
    checkout, ``<prefix>/share/tiny-rathaus/kielregion.gpkg`` in an installed wheel).
TINY_RATHAUS_PACKS
    Folder of the region packs built by the user (``data build``, the app's "Regionen" page);
    default: ``packs/`` in a checkout, else ``packs`` in the user data dir.
TINY_RATHAUS_MAPS
    Folder where coverage maps are saved (default: ``maps/`` in a checkout, else the user data
    dir's ``maps``).
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
import sys
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
#: region (``planner.data.regions.PRESETS["KielRegion"]``). Other packs list theirs in
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


#: File name of the embedded KielRegion pack (``data/`` in a checkout; installed by the wheel as
#: a data file into ``<prefix>/share/tiny-rathaus/``, see ``pyproject.toml``).
EMBEDDED_PACK = "kielregion.gpkg"


def pack_path() -> Path:
    """The region pack the app and the CLI load by default.

    ``TINY_RATHAUS_PACK`` if set; else the embedded pack of this checkout, else the one the
    installed wheel put under ``<prefix>/share/tiny-rathaus/`` (so ``pip install .`` works from
    any folder).
    """
    env = os.environ.get("TINY_RATHAUS_PACK")
    if env:
        return Path(env)
    checkout = REPO_ROOT / "data" / EMBEDDED_PACK
    if checkout.is_file():
        return checkout
    # <prefix>/lib/pythonX.Y/site-packages/planner/settings.py: the wheel's prefix is parents[4]
    parents = Path(__file__).resolve().parents
    prefixes = (sys.prefix, sys.base_prefix, *([str(parents[4])] if len(parents) > 4 else []))
    for prefix in dict.fromkeys(prefixes):
        installed = Path(prefix) / "share" / APP_NAME / EMBEDDED_PACK
        if installed.is_file():
            return installed
    return checkout  # not found: load_pack names this path


def maps_dir() -> Path:
    """Folder where coverage maps are saved: ``TINY_RATHAUS_MAPS``, else ``maps/`` of this
    checkout, else ``maps`` in the user data dir (an installed library never writes into its
    own site-packages)."""
    env = os.environ.get("TINY_RATHAUS_MAPS")
    if env:
        return Path(env)
    checkout = REPO_ROOT / "maps"
    if checkout.is_dir():
        return checkout
    return Path(platformdirs.user_data_dir(APP_NAME)) / "maps"


def packs_dir() -> Path:
    """Folder of the region packs the user built (listed by the app next to the embedded pack):
    ``TINY_RATHAUS_PACKS``, else ``packs/`` of this checkout, else ``packs`` in the user data
    dir. Not created here; the build creates it when it writes a pack."""
    env = os.environ.get("TINY_RATHAUS_PACKS")
    if env:
        return Path(env)
    if (REPO_ROOT / "planner").is_dir() and (REPO_ROOT / "app.py").is_file():
        return REPO_ROOT / "packs"
    return Path(platformdirs.user_data_dir(APP_NAME)) / "packs"


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


# --- Sparse travel-time matrices (issue 18) ---------------------------------------------------
#: Sites × cells above which travel minutes are kept sparse: only the pairs within the largest
#: threshold asked for, found with a KD-tree (:func:`planner.traveltime.site_cell_travel_minutes`).
#: 20 million pairs is 160 MB per dense float64 matrix (the crow-fly step needs about four such
#: arrays at once); below it the dense matrix is cheap and kept. Read at call time, so tests can
#: force either path.
SPARSE_MATRIX_MIN_PAIRS: int = 20_000_000
#: The limit (car minutes) a sparse matrix keeps when the caller names none: the default
#: regional threshold. A consumer asking for a larger threshold gets the pairs recomputed.
SPARSE_MATRIX_LIMIT_MIN: float = 15.0
