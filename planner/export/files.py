"""Every export of a season plan at once: in memory (:func:`export_bytes`, the app's downloads)
or as files (:func:`export_all` and the ``to_*`` writers, the CLI), the same bytes either way.

The formats are made independently: one that fails is named in :attr:`Exports.errors` and the
others are still made.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from planner.export.calendar import ics_bytes
from planner.export.geo import geojson_bytes, geopackage_bytes, has_coordinates
from planner.export.schedule import csv_bytes, excel_bytes, schedule_table
from planner.i18n import DEFAULT_LANGUAGE
from planner.season import SeasonPlan
from planner.usertext import file_stem

__all__ = [
    "EXPORT_FORMATS",
    "ExportPaths",
    "Exports",
    "export_all",
    "export_bytes",
    "to_csv",
    "to_excel",
    "to_geojson",
    "to_geopackage",
    "to_ics",
]

#: Export formats: key → (file-name suffix after the stem, MIME type).
EXPORT_FORMATS: dict[str, tuple[str, str]] = {
    "csv": (".csv", "text/csv"),
    "xlsx": (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "ics": (".ics", "text/calendar"),
    "geojson": ("_stops.geojson", "application/geo+json"),
    "route_geojson": ("_route.geojson", "application/geo+json"),
    "gpkg": (".gpkg", "application/geopackage+sqlite3"),
}


class Exports(dict[str, tuple[str, str, bytes]]):
    """Format key → ``(file name, MIME type, bytes)`` for each export that was made.

    Attributes
    ----------
    errors
        Format key → why that export could not be made (English; the other formats are
        still there).
    """

    def __init__(
        self,
        files: Mapping[str, tuple[str, str, bytes]] | None = None,
        *,
        errors: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(files or {})
        self.errors: dict[str, str] = dict(errors or {})


class ExportPaths(dict[str, Path]):
    """Format key → path written, with :attr:`errors` (format key → why it was not written)."""

    def __init__(
        self, paths: Mapping[str, Path] | None = None, *, errors: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(paths or {})
        self.errors: dict[str, str] = dict(errors or {})


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


def export_bytes(
    plan: SeasonPlan, *, stem: str = "season", lang: str = DEFAULT_LANGUAGE
) -> Exports:
    """Every export of a feasible plan, in memory.

    Parameters
    ----------
    plan
        A feasible plan.
    stem
        File-name stem (made safe with :func:`planner.usertext.file_stem`).
    lang
        Language of the texts for people.

    Returns
    -------
    Exports
        Format key of :data:`EXPORT_FORMATS` → ``(file name, MIME type, bytes)``; the
        geographic formats only when the stops have coordinates. A format that could not be
        made is missing and named with the reason in ``.errors``; the others are there.

    Raises
    ------
    NotExportableError
        For an infeasible plan (nothing to export; a ``ValueError``).
    """
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,80}", stem):  # already safe stems stay as they are
        stem = file_stem(stem, default="season")
    schedule_table(plan)  # an infeasible plan has no export at all (raises)
    makers: dict[str, Callable[[], Any]] = {
        "csv": lambda: csv_bytes(plan, lang=lang),
        "xlsx": lambda: excel_bytes(plan, lang=lang),
        "ics": lambda: ics_bytes(plan, lang=lang),
    }
    if has_coordinates(plan):
        makers["geojson"] = lambda: geojson_bytes(plan)
        makers["gpkg"] = lambda: geopackage_bytes(plan)
    data: dict[str, bytes] = {}
    errors: dict[str, str] = {}
    for key, make in makers.items():
        # each format on its own: one that fails must not take the others with it
        try:
            made = make()
        except Exception as exc:  # any failure is reported for its format alone
            errors[key] = _error_text(exc)
            if key == "geojson":
                errors["route_geojson"] = errors[key]
            continue
        if key == "geojson":
            data["geojson"], data["route_geojson"] = made
        else:
            data[key] = made
    return Exports(
        {
            key: (f"{stem}{EXPORT_FORMATS[key][0]}", EXPORT_FORMATS[key][1], data[key])
            for key in EXPORT_FORMATS
            if key in data
        },
        errors={key: errors[key] for key in EXPORT_FORMATS if key in errors},
    )


def to_csv(plan: SeasonPlan, path: str | Path, *, lang: str = DEFAULT_LANGUAGE) -> Path:
    """Write :func:`csv_bytes` (in ``lang``) to ``path``."""
    p = Path(path)
    p.write_bytes(csv_bytes(plan, lang=lang))
    return p


def to_excel(plan: SeasonPlan, path: str | Path, *, lang: str = DEFAULT_LANGUAGE) -> Path:
    """Write :func:`excel_bytes` to ``path``."""
    p = Path(path)
    p.write_bytes(excel_bytes(plan, lang=lang))
    return p


def to_ics(
    plan: SeasonPlan,
    path: str | Path,
    *,
    lang: str = DEFAULT_LANGUAGE,
    calendar_name: str | None = None,
    uid_domain: str = "tiny-rathaus.kielregion",
) -> Path:
    """Write :func:`ics_bytes` to ``path``."""
    p = Path(path)
    p.write_bytes(ics_bytes(plan, lang=lang, calendar_name=calendar_name, uid_domain=uid_domain))
    return p


def to_geojson(plan: SeasonPlan, path: str | Path, *, route_path: str | Path | None = None) -> Path:
    """Write the stops as GeoJSON to ``path`` and the route to ``route_path`` (default:
    ``<stem>_route.geojson`` next to ``path``); both from :func:`geojson_bytes`."""
    p = Path(path)
    stops, route = geojson_bytes(plan)
    p.write_bytes(stops)
    rp = Path(route_path) if route_path else p.with_name(p.stem + "_route.geojson")
    rp.write_bytes(route)
    return p


def to_geopackage(plan: SeasonPlan, path: str | Path, *, crs: str | None = None) -> Path:
    """Write :func:`geopackage_bytes` to ``path``."""
    p = Path(path)
    p.write_bytes(geopackage_bytes(plan, crs=crs))
    return p


def export_all(
    plan: SeasonPlan,
    out_dir: str | Path,
    *,
    stem: str = "season",
    lang: str = DEFAULT_LANGUAGE,
) -> ExportPaths:
    """Write every export of :func:`export_bytes` into ``out_dir``.

    Returns
    -------
    ExportPaths
        Format key → path written; a format that could not be made or written is named with
        the reason in ``.errors`` and the others are still written.

    Raises
    ------
    NotExportableError
        For an infeasible plan (a ``ValueError``).
    OSError
        When ``out_dir`` cannot be created.
    """
    d = Path(out_dir)
    d.mkdir(parents=True, exist_ok=True)
    files = export_bytes(plan, stem=stem, lang=lang)
    out = ExportPaths(errors=files.errors)
    for key, (name, _mime, data) in files.items():
        path = d / name
        try:
            path.write_bytes(data)
        except OSError as exc:
            out.errors[key] = f"{path}: {_error_text(exc)}"
            continue
        out[key] = path
    return out
