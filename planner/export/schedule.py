"""The schedule of a season plan as people read it: the table, its CSV and the Excel workbook."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from planner.errors import InputError
from planner.export.tables import excel_workbook_bytes, table_csv_bytes
from planner.i18n import DEFAULT_LANGUAGE
from planner.season import SCHEDULE_COLUMNS, SeasonPlan, unplanned_text
from planner.usertext import clean_text

__all__ = [
    "SCHEDULE_EXPORT_COLUMNS",
    "NotExportableError",
    "csv_bytes",
    "excel_bytes",
    "schedule_table",
]

#: The schedule columns people read (coordinates go into the geodata exports instead).
SCHEDULE_EXPORT_COLUMNS = [c for c in SCHEDULE_COLUMNS if c not in ("x", "y")]


class NotExportableError(InputError):
    """The plan has nothing to export in that format: it is infeasible, or (for the geodata
    formats) its stops have no coordinates."""


def schedule_table(plan: SeasonPlan) -> pd.DataFrame:
    """The schedule as exported (ISO dates, rounded towing figures).

    Parameters
    ----------
    plan
        A feasible plan.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    NotExportableError
        The plan is infeasible.
    """
    if not plan.feasible:
        raise NotExportableError(f"cannot export an infeasible plan: {plan.explain('en')}")
    df = plan.schedule[SCHEDULE_EXPORT_COLUMNS].copy()
    for c in df.columns:
        # names are user text: no control, bidi or surrogate character reaches any format
        # (openpyxl, UTF-8 and the GeoPackage driver reject them; a reader can be misled)
        if not pd.api.types.is_numeric_dtype(df[c].dtype):
            df[c] = pd.Series(
                [clean_text(v) if isinstance(v, str) else v for v in df[c]],
                index=df.index,
                dtype=object,
            )
    df["start"] = [_iso(d) for d in df["start"]]
    df["end"] = [_iso(d) for d in df["end"]]
    for c in ("tow_minutes", "tow_km"):
        df[c] = df[c].astype(float).round(1)
    return df


def _iso(value: object) -> str:
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)[:10]


def csv_bytes(plan: SeasonPlan) -> bytes:
    """The schedule as CSV (UTF-8, comma separated, ISO dates; :func:`table_csv_bytes`)."""
    return table_csv_bytes(schedule_table(plan))


def _sites_sheet(plan: SeasonPlan, lang: str) -> pd.DataFrame:
    df = pd.DataFrame(plan.sites).drop(columns=["geometry"], errors="ignore").copy()
    chosen = plan.schedule.set_index("site_id")["stop"].to_dict()
    df.insert(0, "stop", [chosen.get(s) for s in df["site_id"]])
    reasons = unplanned_text(plan.unplanned, lang).set_index("site_id")["reason"].to_dict()
    df["in_plan"] = df["site_id"].isin(chosen)
    df["reason_not_planned"] = [reasons.get(s, "") for s in df["site_id"]]
    for c in df.columns:
        if df[c].dtype == object:
            df[c] = df[c].map(
                lambda v: (
                    v if v is None or isinstance(v, str | int | float | bool | dt.date) else str(v)
                )
            )
    return df


def excel_bytes(plan: SeasonPlan, *, lang: str = DEFAULT_LANGUAGE) -> bytes:
    """An .xlsx workbook with the sheets ``schedule``, ``sites`` and ``totals``."""
    sched = schedule_table(plan)
    totals = pd.DataFrame(
        [
            {"total": k, "value": str(v) if isinstance(v, dict) else v}
            for k, v in plan.totals.items()
        ]
    )
    return excel_workbook_bytes(
        {"schedule": sched, "sites": _sites_sheet(plan, lang), "totals": totals}
    )
