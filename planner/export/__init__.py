"""Exports of a season plan: CSV, Excel, iCalendar, GeoJSON and GeoPackage, and the PDF report.

:func:`export_bytes` makes every export in memory (what the app offers as downloads); the
``to_*`` functions and :func:`export_all` write the same bytes to files (what the CLI does), so
there is one way to make each format. Texts meant for people (calendar entries, reasons in the
sites sheet) are in German unless ``lang="en"``.

Modules
-------
:mod:`~planner.export.tables`
    The one table writer of every table export (CSV and .xlsx; user text never a formula).
:mod:`~planner.export.schedule`
    The schedule table, its CSV and the Excel workbook of a plan.
:mod:`~planner.export.calendar`
    iCalendar (one all-day event per stop).
:mod:`~planner.export.geo`
    GeoJSON and GeoPackage of the stops and routes.
:mod:`~planner.export.files`
    :func:`export_bytes`, :func:`export_all` and the ``to_*`` writers.
:mod:`~planner.export.report`
    The printable PDF report (imported on its own: it needs reportlab and matplotlib).
"""

from planner.export.calendar import ics_bytes
from planner.export.files import (
    EXPORT_FORMATS,
    ExportPaths,
    Exports,
    export_all,
    export_bytes,
    to_csv,
    to_excel,
    to_geojson,
    to_geopackage,
    to_ics,
)
from planner.export.geo import PLAN_CRS, geojson_bytes, geopackage_bytes
from planner.export.schedule import (
    SCHEDULE_EXPORT_COLUMNS,
    NotExportableError,
    csv_bytes,
    excel_bytes,
    schedule_table,
)
from planner.export.tables import (
    excel_workbook_bytes,
    safe_table,
    table_csv_bytes,
    table_csv_text,
)

__all__ = [
    "EXPORT_FORMATS",
    "PLAN_CRS",
    "SCHEDULE_EXPORT_COLUMNS",
    "ExportPaths",
    "Exports",
    "NotExportableError",
    "csv_bytes",
    "excel_bytes",
    "excel_workbook_bytes",
    "export_all",
    "export_bytes",
    "geojson_bytes",
    "geopackage_bytes",
    "ics_bytes",
    "safe_table",
    "schedule_table",
    "table_csv_bytes",
    "table_csv_text",
    "to_csv",
    "to_excel",
    "to_geojson",
    "to_geopackage",
    "to_ics",
]
