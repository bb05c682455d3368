"""The report's sections as rows and lines: key figures, schedule, figures per district and
area, sources, method."""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any

import pandas as pd

from planner.coverage.reach import population_base
from planner.export.report.layout import multiline, paragraph
from planner.export.report.text import format_day, people_text, plain, travel_text
from planner.export.schedule import people_by_scale
from planner.i18n import format_number, format_percent, t
from planner.season import SeasonPlan
from planner.usertext import NAME_MAX_LENGTH

if TYPE_CHECKING:
    from reportlab.platypus import Paragraph

    from planner.data.pack import RegionPack
    from planner.traveltime import TravelModel

__all__ = [
    "district_figures",
    "figure_rows",
    "key_rows",
    "method_lines",
    "people_rows",
    "schedule_rows",
    "source_rows",
]


def district_figures(plan: SeasonPlan) -> pd.DataFrame:
    """Stops and people reached per district, per urban/rural area and in total.

    People reached are the stops' ``population_new``: each person is credited once, to the
    first stop that reaches them, and so to that stop's district and area.

    Parameters
    ----------
    plan
        A feasible plan.

    Returns
    -------
    pandas.DataFrame
        One row per district (sorted by name), then ``urban`` and ``rural``, then the total;
        columns ``group`` (``"district"``, ``"area"`` or ``"total"``), ``key`` (district name,
        area class or ``"total"``), ``stops``, ``stop_share``, ``people``, ``people_share``.
    """
    sched = plan.schedule
    people = pd.to_numeric(sched["population_new"], errors="coerce").fillna(0.0)
    n = len(sched)
    total_people = float(people.sum())

    def row(group: str, key: str, mask: pd.Series) -> dict[str, Any]:
        reached = float(people[mask].sum())
        stops = int(mask.sum())
        return {
            "group": group,
            "key": key,
            "stops": stops,
            "stop_share": stops / n if n else math.nan,
            "people": reached,
            "people_share": reached / total_people if total_people else math.nan,
        }

    districts = sorted({str(d) for d in sched["district"]})
    rows = [row("district", d, sched["district"].astype(str) == d) for d in districts]
    rows += [row("area", a, sched["area_class"] == a) for a in ("urban", "rural")]
    rows.append(row("total", "total", pd.Series(True, index=sched.index)))
    return pd.DataFrame(rows)


def schedule_rows(plan: SeasonPlan, lang: str, st: dict[str, Any]) -> list[list[Paragraph]]:
    cols = ("stop", "period", "site", "municipality", "district", "area", "people")
    rows = [
        [
            paragraph(
                t(f"report.col.{c}", lang), st["head_right" if c in ("stop", "people") else "head"]
            )
            for c in cols
        ]
    ]
    for _, r in plan.schedule.iterrows():
        rows.append(
            [
                paragraph(str(int(r["stop"])), st["cell_right"]),
                multiline(
                    (format_day(r["start"], lang) + " –", format_day(r["end"], lang)), st["cell"]
                ),
                paragraph(r["name"], st["cell"], limit=NAME_MAX_LENGTH),
                paragraph(r["municipality"], st["cell"], limit=NAME_MAX_LENGTH),
                paragraph(r["district"], st["cell"], limit=NAME_MAX_LENGTH),
                paragraph(t(f"area.{r['area_class']}", lang), st["cell"]),
                paragraph(people_text(r["population_new"], lang), st["cell_right"]),
            ]
        )
    return rows


def figure_rows(
    plan: SeasonPlan, lang: str, st: dict[str, Any]
) -> tuple[list[list[Paragraph]], list[int]]:
    figures = district_figures(plan)
    cols = ("group", "stops", "stop_share", "people_reached", "people_share")
    rows = [
        [
            paragraph(t(f"report.col.{c}", lang), st["head" if c == "group" else "head_right"])
            for c in cols
        ]
    ]
    separators = []
    previous = "district"
    for _, f in figures.iterrows():
        if f["group"] != previous:
            separators.append(len(rows))
            previous = f["group"]
        if f["group"] == "area":
            label = t(f"area.{f['key']}", lang)
        elif f["group"] == "total":
            label = t("report.row.total", lang)
        else:
            label = str(f["key"])
        style = st["cell"] if f["group"] != "total" else st["label"]
        rows.append(
            [
                paragraph(label, style),
                paragraph(format_number(f["stops"], lang, ",.0f"), st["cell_right"]),
                paragraph(format_percent(f["stop_share"], lang), st["cell_right"]),
                paragraph(people_text(f["people"], lang), st["cell_right"]),
                paragraph(format_percent(f["people_share"], lang), st["cell_right"]),
            ]
        )
    return rows, separators


def people_rows(
    plan: SeasonPlan, pack: RegionPack, lang: str, *, coverage_minutes: float | None = None
) -> list[tuple[str, str]]:
    """The key figure "people reached" as (label, value) rows, each with its share of the people
    in the region's census cells (:func:`planner.coverage.population_base`).

    When the plan's totals count people per reach scale (``people_local``,
    ``people_regional``) both are shown with their scale named; otherwise the stops' people
    newly reached are summed.
    """
    cells = pack.cells
    base = population_base(pack) if "in_region" in cells.columns else slice(None)
    grid = float(cells.loc[base, "population"].sum())

    def value(people: float) -> str:
        return t(
            "report.key.people_value",
            lang,
            people=people_text(people, lang),
            share=format_percent(people / grid if grid else math.nan, lang),
            total=people_text(grid, lang),
        )

    scaled = people_by_scale(plan, lang, coverage_minutes=coverage_minutes)
    if not scaled:
        sched = plan.schedule
        people = float(pd.to_numeric(sched["population_new"], errors="coerce").fillna(0.0).sum())
        return [(t("report.key.people", lang), value(people))]
    return [(label, value(people)) for label, people in scaled]


def key_rows(
    plan: SeasonPlan,
    pack: RegionPack,
    lang: str,
    st: dict[str, Any],
    *,
    coverage_minutes: float | None = None,
) -> list[list[Paragraph]]:
    sched = plan.schedule
    tot = plan.totals
    per_district = sched.groupby("district").size()
    sites = plan.sites
    home = sites.loc[sites["site_id"].astype(str) == str(plan.config.home_site_id), "name"]
    rural = int((sched["area_class"] == "rural").sum())
    rural_share = format_percent(rural / len(sched) if len(sched) else math.nan, lang)
    rows = [
        (
            t("report.key.period", lang),
            t(
                "report.period",
                lang,
                start=format_day(sched["start"].min(), lang),
                end=format_day(sched["end"].max(), lang),
            ),
        ),
        (t("report.key.stops", lang), format_number(len(sched), lang, ",.0f")),
        *people_rows(plan, pack, lang, coverage_minutes=coverage_minutes),
        (
            t("report.key.districts", lang),
            "; ".join(
                t("report.key.district_value", lang, name=plain(d), stops=int(n))
                for d, n in per_district.items()
            ),
        ),
        (t("report.key.rural", lang), f"{format_number(rural, lang, ',.0f')} ({rural_share})"),
        (
            t("report.key.open_days", lang),
            format_number(int(pd.to_numeric(sched["open_days"]).sum()), lang, ",.0f"),
        ),
        (
            t("report.key.towing", lang),
            t(
                "report.key.towing_value",
                lang,
                km=float(tot.get("km_towed", 0.0)),
                hours=float(tot.get("tow_minutes", 0.0)) / 60,
            ),
        ),
        (t("report.key.home", lang), plain(home.iloc[0]) if len(home) else t("ui.none", lang)),
    ]
    return [[paragraph(label, st["label"]), paragraph(value, st["base"])] for label, value in rows]


def source_rows(pack: RegionPack, lang: str, st: dict[str, Any]) -> list[list[Paragraph]]:
    cols = ("source", "vintage", "licence", "attribution")
    rows = [[paragraph(t(f"report.col.{c}", lang), st["head"]) for c in cols]]
    meta = pack.metadata
    for _, m in meta.iterrows():
        source = plain(m.get("source", ""))
        url = plain(m.get("url", ""))
        rows.append(
            [
                paragraph(f"{source} ({url})" if url else source, st["cell"]),
                paragraph(m.get("vintage", ""), st["cell"]),
                paragraph(m.get("licence", ""), st["cell"]),
                paragraph(m.get("attribution", ""), st["cell"]),
            ]
        )
    return rows


def method_lines(
    plan: SeasonPlan,
    lang: str,
    *,
    travel_model: TravelModel | str | None,
    coverage_minutes: float | None,
    created: dt.date,
) -> list[str]:
    cfg = plan.config
    tot = plan.totals
    lines = [t("report.method.travel", lang, model=travel_text(travel_model, lang))]
    if coverage_minutes is not None:
        lines.append(t("report.method.coverage", lang, minutes=float(coverage_minutes)))
    tow = (
        t("report.method.max_tow", lang, minutes=float(cfg.max_tow_minutes))
        if cfg.max_tow_minutes is not None
        else t("report.method.no_max_tow", lang)
    )
    rural = math.ceil(cfg.min_rural_share * len(plan.schedule) - 1e-9)
    lines.append(
        t(
            "report.method.rules",
            lang,
            stay=cfg.stay_days,
            relocation=cfg.relocation_days,
            tow=tow,
            gap=cfg.municipality_gap_days,
            rural=rural,
        )
    )
    status = "optimal" if plan.status == "optimal" else "feasible"
    lines.append(
        t(
            "report.method.solver",
            lang,
            status=t(f"report.status.{status}", lang),
            gap=format_percent(float(tot.get("gap") or 0.0), lang),
        )
    )
    lines.append(
        t(
            "report.method.towing",
            lang,
            km=float(tot.get("km_towed", 0.0)),
            minutes=float(tot.get("tow_minutes", 0.0)),
        )
    )
    lines.append(t("report.created", lang, date=format_day(created, lang)))
    return lines
