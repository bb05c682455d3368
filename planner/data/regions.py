"""Which region a pack covers: district keys, Länder, names; metric CRS; each municipality's Land.

A region is a set of districts (Kreise and kreisfreie Städte, 5-digit keys). Users name it by
district keys (``"01059"``), Land keys (``"01"``: every district of Schleswig-Holstein), district or
Land names (``"Schleswig-Flensburg"``, ``"Landkreis München"``, ``"Bayern"``), a preset
(``"KielRegion"``), or several of these separated by commas. Nothing here knows a particular region
except the presets, which are named lists of district keys.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from planner.errors import InputError

#: The 16 Länder: key → (name, subdivision code of the ``holidays`` package / ISO 3166-2:DE).
LANDS: dict[str, tuple[str, str]] = {
    "01": ("Schleswig-Holstein", "SH"),
    "02": ("Hamburg", "HH"),
    "03": ("Niedersachsen", "NI"),
    "04": ("Bremen", "HB"),
    "05": ("Nordrhein-Westfalen", "NW"),
    "06": ("Hessen", "HE"),
    "07": ("Rheinland-Pfalz", "RP"),
    "08": ("Baden-Württemberg", "BW"),
    "09": ("Bayern", "BY"),
    "10": ("Saarland", "SL"),
    "11": ("Berlin", "BE"),
    "12": ("Brandenburg", "BB"),
    "13": ("Mecklenburg-Vorpommern", "MV"),
    "14": ("Sachsen", "SN"),
    "15": ("Sachsen-Anhalt", "ST"),
    "16": ("Thüringen", "TH"),
}

#: Named regions: name → district keys. KielRegion is the embedded default pack.
PRESETS: dict[str, tuple[str, ...]] = {
    "KielRegion": ("01002", "01057", "01058"),
}

#: UTM zone boundary used to choose the metric CRS (ETRS89 / UTM 32N west of it, 33N east).
UTM_ZONE_BOUNDARY_LON = 12.0
CRS_UTM32 = "EPSG:25832"
CRS_UTM33 = "EPSG:25833"

#: Longest region spec read (every district of Germany by key fits in about 2,400 characters).
MAX_SPEC_CHARS = 5_000

#: Stops a default season has; the default quota per district is an equal share of them.
DEFAULT_SEASON_STOPS = 12


class RegionError(InputError):
    """A region spec names no, or more than one, district or Land; the message says which."""


@dataclass(frozen=True)
class Region:
    """A resolved region.

    Attributes
    ----------
    name
        Display name (preset, Land, district name, or the district names joined).
    districts
        ``(district key, district name)`` pairs, sorted by key.
    """

    name: str
    districts: tuple[tuple[str, str], ...]

    @property
    def district_keys(self) -> tuple[str, ...]:
        """The 5-digit district keys."""
        return tuple(key for key, _ in self.districts)

    @property
    def lands(self) -> tuple[str, ...]:
        """The 2-digit Land keys the region touches."""
        return tuple(sorted({key[:2] for key in self.district_keys}))

    @property
    def district_names(self) -> dict[str, str]:
        """District key → name."""
        return dict(self.districts)


def land_of(ags: str) -> str:
    """Land key (first two digits) of a municipality or district key."""
    return str(ags)[:2]


def holiday_subdivision(land_key: str) -> str:
    """Subdivision code for ``holidays.Germany(subdiv=...)`` of a Land key (``"01"`` → ``"SH"``)."""
    try:
        return LANDS[land_key][1]
    except KeyError:
        raise RegionError(f"unknown Land key {land_key!r}; known: {sorted(LANDS)}") from None


def metric_crs_for(longitude: float) -> str:
    """Metric CRS for a region whose centre lies at ``longitude`` (degrees east).

    ETRS89 / UTM 32N (EPSG:25832) west of 12° E, UTM 33N (EPSG:25833) east of it, so that the
    scale error stays below 0.1 % over the region's own zone (Germany spans 5.9–15.1° E; a single
    zone-32 CRS would stretch distances at the Oder by about 0.2 %).
    """
    return CRS_UTM33 if longitude > UTM_ZONE_BOUNDARY_LON else CRS_UTM32


def default_quota(
    district_keys: Sequence[str], *, stops: int = DEFAULT_SEASON_STOPS
) -> dict[str, int]:
    """Default stops per district: an equal share of ``stops``, at least one each."""
    if not district_keys:
        return {}
    share = max(1, round(stops / len(district_keys)))
    return {key: share for key in district_keys}


def _fold(text: str) -> str:
    return " ".join(str(text).casefold().replace("-", " ").split())


def _district_aliases(name: str, kind: str) -> set[str]:
    """Ways users write a district: ``Plön``, ``Kreis Plön``, ``Landkreis München``."""
    aliases = {name, f"{kind} {name}"}
    if "Stadt" in kind or kind == "Stadtkreis":
        aliases |= {f"Stadt {name}", f"{name}, Stadt"}
    else:
        aliases |= {f"Kreis {name}", f"Landkreis {name}"}
    return {_fold(a) for a in aliases}


def resolve_region(spec: str | Iterable[str], districts: pd.DataFrame) -> Region:
    """Resolve a user's region spec to districts.

    Parameters
    ----------
    spec
        Comma-separated text or a list of parts; each part a district key (5 digits), a Land key
        (2 digits), a preset name, a district name or a Land name (case and hyphens ignored).
    districts
        Known districts with columns ``district_ags``, ``name`` and ``kind`` (``Kreis``,
        ``Kreisfreie Stadt`` …), e.g. from :func:`planner.data.raw.read_district_table`.

    Raises
    ------
    RegionError
        Naming the part that matches nothing (with close names) or several districts.
    """
    text = spec if isinstance(spec, str) else ",".join(spec)
    if len(text) > MAX_SPEC_CHARS:  # a pasted file, not a region: say so without echoing it
        raise RegionError(
            f"region: the spec has {len(text):,} characters (at most {MAX_SPEC_CHARS:,}): "
            f"{text[:40]!r}…"
        )
    parts = [p.strip() for p in text.split(",")]
    parts = [p for p in parts if p]
    if not parts:
        raise RegionError("region: empty spec; give district keys (01059), a Land (01) or names")
    table = districts.drop_duplicates("district_ags").set_index("district_ags")
    names = {str(k): str(v) for k, v in table["name"].items()}
    kinds = {str(k): str(v) for k, v in table["kind"].items()} if "kind" in table else {}
    by_alias: dict[str, set[str]] = {}
    for key, name in names.items():
        for alias in _district_aliases(name, kinds.get(key, "")):
            by_alias.setdefault(alias, set()).add(key)
    lands_by_name = {_fold(name): key for key, (name, _) in LANDS.items()}
    presets = {_fold(name): name for name in PRESETS}

    chosen: list[str] = []
    labels: list[str] = []
    for part in parts:
        folded = _fold(part)
        if re.fullmatch(r"\d{5}", part):
            if part not in names:
                raise RegionError(f"region: district key {part!r} is not a known district")
            chosen.append(part)
            labels.append(names[part])
        elif re.fullmatch(r"\d{1,2}", part) or folded in lands_by_name:
            land = part.zfill(2) if part.isdigit() else lands_by_name[folded]
            keys = sorted(k for k in names if k.startswith(land))
            if land not in LANDS or not keys:
                raise RegionError(f"region: Land key {part!r} is not a known Land")
            chosen.extend(keys)
            labels.append(LANDS[land][0])
        elif folded in presets:
            chosen.extend(PRESETS[presets[folded]])
            labels.append(presets[folded])
        elif folded in by_alias:
            keys = sorted(by_alias[folded])
            if len(keys) > 1:
                options = ", ".join(f"{kinds.get(k, '')} {names[k]} ({k})".strip() for k in keys)
                raise RegionError(f"region: {part!r} is ambiguous: {options}; give the key")
            chosen.append(keys[0])
            labels.append(names[keys[0]])
        else:
            known = [*names.values(), *(n for n, _ in LANDS.values()), *PRESETS]
            close = difflib.get_close_matches(part, known, n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise RegionError(f"region: {part!r} is no district, Land or preset{hint}")
    keys = sorted(dict.fromkeys(chosen))
    missing = [k for k in keys if k not in names]
    if missing:
        raise RegionError(f"region: preset district(s) {missing} not in the district table")
    return Region(
        name=" + ".join(dict.fromkeys(labels)),
        districts=tuple((k, names[k]) for k in keys),
    )
