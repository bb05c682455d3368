"""The one table writer of every table export: CSV and .xlsx, user text as data, never a formula.

Every table export (the schedule CSV, the Excel sheets, the site selection's CSV, the CLI's tables)
goes through :func:`table_csv_bytes` / :func:`table_csv_text` for CSV and
:func:`excel_workbook_bytes` for .xlsx. Each text cell is cleaned of characters no cell may hold and
a leading ``=``, ``+``, ``-``, ``@``, tab or line break is neutralised (OWASP CSV injection,
:func:`planner.usertext.spreadsheet_text`); in .xlsx text cells are written as strings, so no cell
is ever a formula.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import numbers
from collections.abc import Mapping

import numpy as np
import pandas as pd

from planner.usertext import SPREADSHEET_CELL_MAX_LENGTH, spreadsheet_text

__all__ = ["excel_workbook_bytes", "safe_table", "table_csv_bytes", "table_csv_text"]


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and math.isnan(float(value))


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


def table_csv_text(frame: pd.DataFrame) -> str:
    """``frame`` as CSV text (comma separated, no index), every text cell made safe.

    The one CSV writer of every table export (schedule, site selection, ``sites check``):
    no cell starts with a formula prefix unless neutralised, no cell holds a control character.
    """
    return safe_table(frame).to_csv(index=False)


def table_csv_bytes(frame: pd.DataFrame) -> bytes:
    """:func:`table_csv_text` as UTF-8 bytes (what downloads and files hold)."""
    return table_csv_text(frame).encode("utf-8")


def excel_workbook_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """An .xlsx workbook with one sheet per table (sheet name → table), in order.

    Text cells are made safe (:func:`planner.usertext.spreadsheet_text`, cut at Excel's 32,767
    characters) and stored as strings: openpyxl would read a text starting with ``=`` as a
    formula, so the cell type is set explicitly and no cell of the file is a formula.
    """
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, frame in sheets.items():
        sheet = book.create_sheet(title=str(title)[:31])
        sheet.append(_safe_columns(frame, SPREADSHEET_CELL_MAX_LENGTH))
        for r, row in enumerate(frame.itertuples(index=False, name=None), start=2):
            for c, value in enumerate(row, start=1):
                safe = _cell(value, max_length=SPREADSHEET_CELL_MAX_LENGTH)
                cell = sheet.cell(row=r, column=c, value=safe)
                if isinstance(safe, str):
                    cell.data_type = "s"
        for cell in sheet[1]:
            cell.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
