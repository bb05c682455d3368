"""The schedule of a season plan as people read it: the table, its CSV and the Excel workbook."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from planner.coverage.reach import LOCAL, REGIONAL
from planner.errors import InputError
from planner.export.dates import as_date
from planner.export.tables import excel_workbook_bytes, table_csv_bytes
from planner.i18n import DEFAULT_LANGUAGE, t
from planner.season import SCHEDULE_COLUMNS, SeasonPlan, unplanned_text
from planner.usertext import clean_text

__all__ = [
    "SCHEDULE_EXPORT_COLUMNS",
    "NotExportableError",
    "csv_bytes",
    "excel_bytes",
    "people_by_scale",
    "schedule_table",
    "totals_table",
]

#: The schedule columns people read (coordinates go into the geodata exports instead).
SCHEDULE_EXPORT_COLUMNS = [c for c in SCHEDULE_COLUMNS if c not in ("x", "y")]

#: Schedule columns a plan of an earlier version may lack (exported empty).
OPTIONAL_COLUMNS = ("group", "last_visit")


class NotExportableError(InputError):
    """The plan has nothing to export in that format: it is infeasible, or (for the geodata
    formats) its stops have no coordinates."""


def schedule_table(plan: SeasonPlan) -> pd.DataFrame:
    """The schedule as exported (``start``/``end`` as dates, rounded towing figures).

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
    # a plan stored before the stops knew their Amt or city area has those columns empty
    df = plan.schedule.reindex(columns=SCHEDULE_EXPORT_COLUMNS).copy()
    missing = [c for c in SCHEDULE_EXPORT_COLUMNS if c not in plan.schedule.columns]
    if set(missing) - set(OPTIONAL_COLUMNS):
        raise KeyError(f"schedule without column(s) {missing}")
    df["group"] = pd.Series(
        ["" if pd.isna(v) else str(v) for v in df["group"]], index=df.index, dtype=object
    )
    # a year is text: a spreadsheet would write 2025 as "2.025" with a thousands mark
    df["last_visit"] = pd.Series(
        [_year_text(v) for v in df["last_visit"]], index=df.index, dtype=object
    )
    for c in df.columns:
        # names are user text: no control, bidi or surrogate character reaches any format
        # (openpyxl, UTF-8 and the GeoPackage driver reject them; a reader can be misled)
        if not pd.api.types.is_numeric_dtype(df[c].dtype):
            df[c] = pd.Series(
                [clean_text(v) if isinstance(v, str) else v for v in df[c]],
                index=df.index,
                dtype=object,
            )
    df["start"] = pd.Series([as_date(d) for d in df["start"]], index=df.index, dtype=object)
    df["end"] = pd.Series([as_date(d) for d in df["end"]], index=df.index, dtype=object)
    for c in ("tow_minutes", "tow_km"):
        df[c] = df[c].astype(float).round(1)
    return df


def _year_text(value: object) -> str | None:
    """A last-visit year as text (``None``: never visited, or not known)."""
    number = _number(value)
    return None if number is None else str(int(number))


def csv_bytes(plan: SeasonPlan, *, lang: str = DEFAULT_LANGUAGE) -> bytes:
    """The schedule as CSV in ``lang`` (:func:`~planner.export.tables.table_csv_bytes`: German
    ``;``, decimal comma and ``03.07.2023``; English ``,``, decimal point and ISO dates)."""
    return table_csv_bytes(schedule_table(plan), lang=lang)


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


def totals_table(plan: SeasonPlan, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """The season's totals as label/value rows in ``lang`` (the workbook's totals sheet).

    Stops per district get one row each; shares are in percent; the people reached per scale
    (``people_local``, ``people_regional``) are listed, with their scale named, when the plan's
    totals hold them.
    """
    tot = plan.totals
    sched = plan.schedule
    rows: list[tuple[str, object]] = [
        (t("export.total.status", lang), plan.status_text(lang)),
        (t("export.total.stops", lang), int(tot.get("stops", len(sched)))),
    ]
    for district, n in dict(tot.get("stops_per_district") or {}).items():
        rows.append((t("export.total.stops_in_district", lang, district=str(district)), int(n)))
    rows += [
        (t("export.total.units", lang), int(tot.get("units", plan.config.units))),
        (t("export.total.first_day", lang), as_date(tot.get("first_day"))),
        (t("export.total.last_day", lang), as_date(tot.get("last_day"))),
        (t("export.total.open_days", lang), int(pd.to_numeric(sched["open_days"]).sum())),
        (t("export.total.rural_share", lang), _percent(tot.get("rural_share"))),
    ]
    if tot.get("groups_total"):
        rows.append(
            (
                t("export.total.groups_visited", lang),
                t(
                    "export.total.groups_value",
                    lang,
                    visited=int(tot.get("groups_visited") or 0),
                    total=int(tot["groups_total"]),
                ),
            )
        )
    if not people_by_scale(plan, lang):  # older plans: one figure, the car threshold's
        rows.append(
            (t("export.total.population_covered", lang), _whole(tot.get("population_covered")))
        )
    for label, people in people_by_scale(plan, lang):
        rows.append((label, _whole(people)))
    rows += [
        (t("export.total.km_towed", lang), _tenth(tot.get("km_towed"))),
        (t("export.total.tow_minutes", lang), _tenth(tot.get("tow_minutes"))),
        (t("export.total.score_sum", lang), _tenth(tot.get("score_sum"))),
        (t("export.total.value", lang), _tenth(tot.get("value"))),
        (t("export.total.bound", lang), _tenth(tot.get("bound"))),
        (t("export.total.gap", lang), _percent(tot.get("gap"))),
        (t("export.total.time_limit", lang), _tenth(tot.get("time_limit"))),
        (t("export.total.seconds", lang), _tenth(tot.get("seconds"))),
    ]
    return pd.DataFrame(rows, columns=["total", "value"])


def people_by_scale(
    plan: SeasonPlan, lang: str = DEFAULT_LANGUAGE, *, coverage_minutes: float | None = None
) -> list[tuple[str, float]]:
    """The people reached per reach scale, each labelled with its scale in ``lang``
    ("Erreichte Menschen, lokal (bis 2 km zu Fuß oder mit dem Rad)"); empty when the plan's
    totals do not count per scale (plans made before the scales).

    Parameters
    ----------
    plan
        A plan.
    lang
        ``"de"`` or ``"en"``.
    coverage_minutes
        The regional scale's car minutes when the totals do not name them (default: the
        planner's regional scale, :data:`planner.coverage.reach.REGIONAL`).
    """
    tot = plan.totals
    rows: list[tuple[str, float]] = []
    local = _number(tot.get("people_local"))
    if local is not None:
        km = _number(tot.get("local_km"))
        if km is None:
            km = (LOCAL.radius_m or 0.0) / 1000
        rows.append((t("export.total.people_local", lang, km=_compact(km)), local))
    regional = _number(tot.get("people_regional"))
    if regional is not None:
        minutes = _number(tot.get("regional_minutes"))
        if minutes is None:
            minutes = coverage_minutes if coverage_minutes is not None else REGIONAL.minutes
        label = t("export.total.people_regional", lang, minutes=_compact(float(minutes or 0)))
        rows.append((label, regional))
    return rows


def _compact(number: float) -> float | int:
    """``2.0`` as ``2``: a label reads "2 km", not "2,0 km"."""
    return int(number) if float(number).is_integer() else number


def _number(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _whole(value: object) -> int | None:
    number = _number(value)
    return None if number is None else round(number)


def _tenth(value: object) -> float | None:
    number = _number(value)
    return None if number is None else round(number, 1)


def _percent(share: object) -> float | None:
    number = _number(share)
    return None if number is None else round(100 * number, 1)


def excel_bytes(plan: SeasonPlan, *, lang: str = DEFAULT_LANGUAGE) -> bytes:
    """An .xlsx workbook in ``lang`` with the sheets schedule, sites and totals (their names
    in ``lang``: "Zeitplan", "Standorte", "Summen"); see
    :func:`~planner.export.tables.excel_workbook_bytes` for the cells."""
    return excel_workbook_bytes(
        {
            t("export.sheet.schedule", lang): schedule_table(plan),
            t("export.sheet.sites", lang): _sites_sheet(plan, lang),
            t("export.sheet.totals", lang): totals_table(plan, lang),
        },
        lang=lang,
    )
