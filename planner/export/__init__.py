"""Exports of a season plan: CSV, Excel, iCalendar, GeoJSON and GeoPackage, and the PDF report.

:func:`export_bytes` makes every export in memory (what the app offers as downloads); the
``to_*`` functions and :func:`export_all` write the same bytes to files (what the CLI does), so
there is one way to make each format. Everything meant for people (CSV and Excel headers and
words, numbers and dates, calendar entries, reasons in the sites sheet) is in German unless
``lang="en"``: German CSV has ``;``, a decimal comma and ``03.07.2023`` as German Excel expects.

Modules
-------
:mod:`~planner.export.tables`
    The one table writer of every table export (CSV and .xlsx in the export's language; user
    text never a formula).
:mod:`~planner.export.columns`
    What the columns mean to people: headers, code words, date columns, decimals.
:mod:`~planner.export.dates`
    Dates with their weekday in the export's language ("Mo. 03.07.2023").
:mod:`~planner.export.schedule`
    The schedule table, its CSV, the totals table and the Excel workbook of a plan.
:mod:`~planner.export.calendar`
    iCalendar (one all-day event per open stretch of a stop, closed days stated).
:mod:`~planner.export.geo`
    GeoJSON and GeoPackage of the stops and routes (routes with the way home; date fields).
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
    totals_table,
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
    "totals_table",
]
