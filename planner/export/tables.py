"""The one table writer of every table export: CSV and .xlsx, user text as data, never a formula.

Every table export (the schedule CSV, the Excel sheets, the site selection's CSV, the CLI's tables)
goes through :func:`table_csv_bytes` / :func:`table_csv_text` for CSV and
:func:`excel_workbook_bytes` for .xlsx. Each text cell is cleaned of characters no cell may hold and
a leading ``=``, ``+``, ``-``, ``@``, tab or line break is neutralised (OWASP CSV injection,
:func:`planner.usertext.spreadsheet_text`); in .xlsx text cells are written as strings, so no cell
is ever a formula.

Both speak the export's language (``lang``, German by default), as staff open them in Excel or
LibreOffice: headers and code words translated, numbers rounded (:mod:`planner.export.columns`).
German CSV is what German Excel opens by double click: ``;`` between fields, decimal comma, dates
``03.07.2023``, ``ja``/``nein``; English CSV is the international form: ``,``, decimal point, ISO
dates, ``yes``/``no``. CSV files start with a UTF-8 byte-order mark, without which Excel reads
UTF-8 as cp1252 ("SchÃ¶nkirchen"). In .xlsx dates are date cells and numbers number cells with a
number format; the header row is frozen and has a filter, and the columns are fitted to their text.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import numbers
from collections.abc import Mapping

import numpy as np
import pandas as pd

from planner.export.columns import DEFAULT_DECIMALS, ColumnView, column_view, is_missing
from planner.i18n import DEFAULT_LANGUAGE, LANGUAGES, format_date, t
from planner.usertext import SPREADSHEET_CELL_MAX_LENGTH, spreadsheet_text

__all__ = [
    "CSV_SEPARATORS",
    "excel_workbook_bytes",
    "safe_table",
    "table_csv_bytes",
    "table_csv_text",
]

#: Field separator of the CSV exports per language (German Excel splits on ``;``).
CSV_SEPARATORS: dict[str, str] = {"de": ";", "en": ","}
_DECIMAL_MARKS: dict[str, str] = {"de": ",", "en": "."}
#: Number formats of date cells in .xlsx (Excel and LibreOffice show them in that form).
_XLSX_DATE_FORMATS: dict[str, str] = {"de": "DD.MM.YYYY", "en": "YYYY-MM-DD"}
_XLSX_DATETIME_FORMATS: dict[str, str] = {"de": "DD.MM.YYYY HH:MM", "en": "YYYY-MM-DD HH:MM"}
_WIDTH_RANGE = (6, 60)
_HEADER_WIDTH = 16


def _is_missing(value: object) -> bool:
    return is_missing(value)


def _language(lang: str) -> str:
    return lang if lang in LANGUAGES else "en"


def _cell(value: object, *, max_length: int | None) -> object:
    """One cell as a plain Python value a table file can hold: text made safe
    (:func:`planner.usertext.spreadsheet_text`), numbers and dates kept, missing values ``None``,
    anything else as safe text."""
    if _is_missing(value):
        return None
    if isinstance(value, str):
        return spreadsheet_text(value, max_length=max_length)
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        # a spreadsheet has no infinity: write the sign (U+2212 minus, which no spreadsheet
        # reads as the start of a formula) instead of a broken file
        return number if math.isfinite(number) else ("∞" if number > 0 else "\u2212∞")
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        # spreadsheets have no time zones: keep the wall-clock time in UTC
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value
    if isinstance(value, dt.date | dt.time):
        return value
    return spreadsheet_text(str(value), max_length=max_length)


def _safe_columns(frame: pd.DataFrame, max_length: int | None) -> list[str]:
    return [str(_cell(str(c), max_length=max_length)) for c in frame.columns]


def safe_table(frame: pd.DataFrame, *, max_length: int | None = None) -> pd.DataFrame:
    """``frame`` with every text cell and column name safe for a table export.

    Parameters
    ----------
    frame
        Any table (columns may repeat; cells may hold any value).
    max_length
        Longest text of a cell (``None``: no limit).

    Returns
    -------
    pandas.DataFrame
        A copy (default index): numeric and boolean columns unchanged, other cells as
        :func:`_cell` makes them.
    """
    columns: dict[int, pd.Series] = {}
    for k in range(frame.shape[1]):
        col = frame.iloc[:, k].reset_index(drop=True)
        if pd.api.types.is_bool_dtype(col.dtype) or (
            pd.api.types.is_numeric_dtype(col.dtype)
            and not isinstance(col.dtype, pd.CategoricalDtype)
        ):
            columns[k] = col
        else:
            columns[k] = pd.Series(
                [_cell(v, max_length=max_length) for v in col], dtype=object, name=k
            )
    out = pd.DataFrame(columns, index=pd.RangeIndex(len(frame)))
    out.columns = pd.Index(_safe_columns(frame, max_length))
    return out


def _views(frame: pd.DataFrame, lang: str) -> list[ColumnView]:
    """Every column of ``frame`` (columns may repeat) as the export in ``lang`` shows it."""
    return [
        column_view(str(frame.columns[k]), frame.iloc[:, k], lang) for k in range(frame.shape[1])
    ]


def _number_text(number: float, decimals: int | None, lang: str) -> str:
    """A finite number with the language's decimal mark and no grouping (a CSV reader would
    take a thousands dot for a decimal mark)."""
    if decimals is None:
        text = f"{number:.{DEFAULT_DECIMALS}f}".rstrip("0").rstrip(".")
    else:
        text = f"{number:.{decimals}f}"
    if text.lstrip("-").strip("0.") == "":
        text = text.lstrip("-")  # no "-0,0"
    return text.replace(".", _DECIMAL_MARKS[lang])


def _csv_text(value: object, decimals: int | None, lang: str) -> str:
    """One safe cell (:func:`_cell`) as CSV text in ``lang``."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return t("fact.yes" if value else "fact.no", lang)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number_text(value, decimals, lang)
    if isinstance(value, dt.datetime):
        return f"{format_date(value.date(), lang)} {value:%H:%M:%S}"
    if isinstance(value, dt.date):
        return format_date(value, lang)
    if isinstance(value, dt.time):
        return value.isoformat()
    return str(value)


def table_csv_text(frame: pd.DataFrame, *, lang: str = DEFAULT_LANGUAGE) -> str:
    """``frame`` as CSV text in ``lang`` (no index, no byte-order mark), every text cell safe.

    The one CSV writer of every table export (schedule, site selection, ``sites check``):
    no cell starts with a formula prefix unless neutralised, no cell holds a control character.

    Parameters
    ----------
    frame
        Any table (columns may repeat; cells may hold any value).
    lang
        ``"de"`` (default): ``;``, decimal comma, ``03.07.2023``, German headers and words;
        ``"en"``: ``,``, decimal point, ISO dates, English headers and words.
    """
    lang = _language(lang)
    views = _views(frame, lang)
    columns = {
        k: [_csv_text(_cell(v, max_length=None), view.decimals, lang) for v in view.values]
        for k, view in enumerate(views)
    }
    out = pd.DataFrame(columns, index=pd.RangeIndex(len(frame)), dtype=object)
    out.columns = pd.Index([str(_cell(v.header, max_length=None)) for v in views])
    return out.to_csv(index=False, sep=CSV_SEPARATORS[lang], lineterminator="\r\n")


def table_csv_bytes(frame: pd.DataFrame, *, lang: str = DEFAULT_LANGUAGE) -> bytes:
    """:func:`table_csv_text` as UTF-8 bytes with a byte-order mark (what downloads and files
    hold; Excel needs the mark to read UTF-8, pandas reads it with ``encoding="utf-8-sig"``)."""
    return table_csv_text(frame, lang=lang).encode("utf-8-sig")


def _number_format(value: object, decimals: int | None, lang: str) -> str | None:
    """The .xlsx number format of a safe cell (``None``: the cell is text or a boolean)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return None
    if isinstance(value, dt.datetime):
        return _XLSX_DATETIME_FORMATS[lang]
    if isinstance(value, dt.date):
        return _XLSX_DATE_FORMATS[lang]
    if isinstance(value, int):
        return "#,##0"
    if isinstance(value, float):
        return (
            "General" if decimals is None else "#,##0" + ("." + "0" * decimals if decimals else "")
        )
    return None


def _shown_width(value: object, decimals: int | None, lang: str) -> int:
    """Characters a cell takes on screen (for the column width)."""
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    longest = max((len(line) for line in _csv_text(value, decimals, lang).splitlines()), default=0)
    return longest + (longest // 3 if isinstance(value, int | float) else 0)  # group marks


def excel_workbook_bytes(
    sheets: Mapping[str, pd.DataFrame], *, lang: str = DEFAULT_LANGUAGE
) -> bytes:
    """An .xlsx workbook with one sheet per table (sheet name → table), in order.

    Text cells are made safe (:func:`planner.usertext.spreadsheet_text`, cut at Excel's 32,767
    characters) and stored as strings: openpyxl would read a text starting with ``=`` as a
    formula, so the cell type is set explicitly and no cell of the file is a formula. Headers and
    code words are in ``lang``; dates are date cells (German ``DD.MM.YYYY``), numbers are number
    cells with a number format; the header row is bold, frozen and has a filter, and every column
    is as wide as its longest value (within 6 to 60 characters; long headers wrap). Printed, a
    sheet is landscape and one page wide with the header row on every page.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    lang = _language(lang)
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, frame in sheets.items():
        sheet = book.create_sheet(title=str(title)[:31])
        views = _views(frame, lang)
        lines = 1
        for c, view in enumerate(views, start=1):
            head = sheet.cell(row=1, column=c, value=str(_cell(view.header, max_length=None)))
            head.data_type = "s"
            head.font = Font(bold=True)
            head.alignment = Alignment(wrap_text=True, vertical="top")
            # a long header wraps instead of widening its column (room for the filter button)
            width = min(len(str(head.value)), _HEADER_WIDTH) + 3
            for r, value in enumerate(view.values, start=2):
                safe = _cell(value, max_length=SPREADSHEET_CELL_MAX_LENGTH)
                cell = sheet.cell(row=r, column=c, value=safe)
                if isinstance(safe, str):
                    cell.data_type = "s"
                number_format = _number_format(safe, view.decimals, lang)
                if number_format is not None:
                    cell.number_format = number_format
                width = max(width, _shown_width(safe, view.decimals, lang))
            low, high = _WIDTH_RANGE
            fitted = min(max(width, low), high) + 1
            sheet.column_dimensions[get_column_letter(c)].width = fitted
            lines = max(lines, math.ceil(len(str(head.value)) / max(fitted - 3, 1)))
        sheet.row_dimensions[1].height = 15 * lines
        sheet.freeze_panes = "A2"
        # printed: landscape, one page wide, the header on every page
        sheet.page_setup.orientation = "landscape"
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.print_title_rows = "1:1"
        if views:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(views))}{len(frame) + 1}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
