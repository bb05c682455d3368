"""The season report as a PDF (A4 portrait): :func:`report_pdf_bytes` and :func:`to_pdf`."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.errors import InputError
from planner.export.report.layout import fonts, numbered_canvas, paragraph, styles, table
from planner.export.report.route_map import route_map_png
from planner.export.report.sections import (
    figure_rows,
    key_rows,
    method_lines,
    schedule_rows,
    source_rows,
)
from planner.export.report.text import format_day, plain
from planner.export.schedule import NotExportableError
from planner.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from planner.season import SeasonPlan

if TYPE_CHECKING:
    from reportlab.platypus import Flowable

    from planner.data.pack import RegionPack
    from planner.traveltime import TravelModel

__all__ = ["report_pdf_bytes", "to_pdf"]


def report_pdf_bytes(
    plan: SeasonPlan,
    *,
    pack: RegionPack,
    lang: str = DEFAULT_LANGUAGE,
    title: str | None = None,
    travel_model: TravelModel | str | None = None,
    coverage_minutes: float | None = None,
    created: dt.date | None = None,
) -> bytes:
    """The season report as PDF bytes (A4 portrait).

    Parameters
    ----------
    plan
        A feasible plan.
    pack
        The region pack (boundaries for the map, census grid, sources).
    lang
        ``"de"`` (default) or ``"en"``: texts, numbers and dates.
    title
        Title of the report (e.g. the scenario's name); user text, printed as written.
        Default: "Tiny Rathaus: Saisonplan".
    travel_model
        The travel-time model the plan was made with, or its description as text
        (``SeasonInputs.description``). Default: the active model
        (:func:`planner.traveltime.default_model`), which is what the season inputs use
        unless told otherwise.
    coverage_minutes
        Car minutes within which a cell counts as reached (``SeasonInputs.threshold_min``);
        stated in the method section when given.
    created
        Date printed as the creation date (default: today).

    Returns
    -------
    bytes
        The PDF.

    Raises
    ------
    NotExportableError
        The plan is infeasible (there is no schedule to print).
    InputError
        ``lang`` is unknown.

    Both are ``ValueError``.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    if lang not in LANGUAGES:
        raise InputError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    if not plan.feasible:
        raise NotExportableError(f"cannot print an infeasible plan: {plan.explain('en')}")
    st = styles()
    regular, _bold = fonts()
    heading = plain(title) if title and plain(title) else t("report.title", lang)
    cfg = plan.config
    created = created or dt.date.today()

    story = [
        *_title_and_map(
            plan, pack=pack, lang=lang, heading=heading, st=st, coverage_minutes=coverage_minutes
        ),
        *_schedule_and_figures(plan, lang=lang, coverage_minutes=coverage_minutes, st=st),
        paragraph(t("report.heading.sources", lang), st["h2"]),
        table(source_rows(pack, lang, st), (62, 34, 24, 60)),
        paragraph(t("report.heading.method", lang), st["h2"]),
        *[
            paragraph(line, st["text"])
            for line in method_lines(
                plan,
                lang,
                travel_model=travel_model,
                coverage_minutes=coverage_minutes,
                created=created,
            )
        ],
    ]

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=heading,
        author="Tiny Rathaus Tourplaner",
        subject=t(
            "report.season", lang, start=format_day(cfg.start, lang), end=format_day(cfg.end, lang)
        ),
        lang=lang,
    )
    doc.build(story, canvasmaker=numbered_canvas(footer=heading, lang=lang, font=regular))
    return buffer.getvalue()


def _title_and_map(
    plan: SeasonPlan,
    *,
    pack: RegionPack,
    lang: str,
    heading: str,
    st: dict[str, Any],
    coverage_minutes: float | None,
) -> list[Flowable]:
    """Page one: title, season, key figures and the map of the stops and the route."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Image, PageBreak

    cfg = plan.config
    season = t(
        "report.season", lang, start=format_day(cfg.start, lang), end=format_day(cfg.end, lang)
    )
    png = route_map_png(plan, pack=pack, lang=lang, width_mm=180.0)
    image = Image(io.BytesIO(png))
    scale = 180 * mm / image.imageWidth
    image.drawWidth, image.drawHeight = 180 * mm, image.imageHeight * scale
    return [
        paragraph(heading, st["title"]),
        paragraph(t("report.subtitle", lang) + " · " + season, st["subtitle"]),
        table(
            key_rows(plan, pack, lang, st, coverage_minutes=coverage_minutes),
            (42, 138),
            header=False,
        ),
        paragraph(t("report.heading.map", lang), st["h2"]),
        image,
        paragraph(t("report.map.caption", lang), st["small"]),
        PageBreak(),
    ]


def _schedule_and_figures(
    plan: SeasonPlan, *, lang: str, coverage_minutes: float | None, st: dict[str, Any]
) -> list[Flowable]:
    """The schedule table (header repeated on every page) and the figures per district/area."""
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Spacer

    people_note = (
        t("report.note.people", lang, minutes=float(coverage_minutes))
        if coverage_minutes is not None
        else t("report.note.people_plain", lang)
    )
    rows, separators = figure_rows(plan, lang, st)
    return [
        paragraph(t("report.heading.schedule", lang), st["h2"]),
        table(schedule_rows(plan, lang, st), (8, 30, 43, 30, 37, 16, 16)),
        Spacer(1, 2 * mm),
        paragraph(people_note, st["small"]),
        KeepTogether(
            [
                paragraph(t("report.heading.figures", lang), st["h2"]),
                table(rows, (60, 22, 30, 38, 30), bold_rows=separators),
                Spacer(1, 2 * mm),
                paragraph(t("report.note.figures", lang), st["small"]),
            ]
        ),
    ]


def to_pdf(
    plan: SeasonPlan,
    path: str | Path,
    *,
    pack: RegionPack,
    lang: str = DEFAULT_LANGUAGE,
    title: str | None = None,
    travel_model: TravelModel | str | None = None,
    coverage_minutes: float | None = None,
) -> Path:
    """Write :func:`report_pdf_bytes` to ``path``.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    p = Path(path)
    p.write_bytes(
        report_pdf_bytes(
            plan,
            pack=pack,
            lang=lang,
            title=title,
            travel_model=travel_model,
            coverage_minutes=coverage_minutes,
        )
    )
    return p
