"""The printable season report: one PDF for the council, the partners and the press.

:func:`report_pdf_bytes` builds the report in memory (what the app offers as a download),
:func:`to_pdf` writes the same bytes to a file (what ``season plan`` does). The report holds:

- a title block with the season, the number of stops, the people reached and the districts;
- a map of the stops and the route, drawn offline from the region pack with matplotlib in
  EPSG:25832 (district and municipality boundaries, stops numbered in tour order, the route,
  a legend outside the map, a metric scale bar and a north arrow);
- the schedule as a table whose header repeats on every page;
- the figures per district and per urban/rural area;
- the sources and attribution (the pack's ``metadata`` table) and the method (travel-time
  model, coverage threshold, the season's rules, the solver's status).

Numbers and dates follow the report's language (German: ``482.114``, ``81,7 %``,
``Mo. 03.07.2023``). Site names are user text: they are cleaned with
:func:`planner.usertext.clean_text`, shortened to :data:`planner.usertext.NAME_MAX_LENGTH` and
escaped, so ``<b>`` or ``&`` in a name is printed as written and never read as markup. The text
font is DejaVu Sans (shipped with matplotlib), embedded so that any name renders; without it the
report falls back to Helvetica.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

from planner.i18n import DEFAULT_LANGUAGE, LANGUAGES, format_number, format_percent, t
from planner.season import SeasonPlan, _xy
from planner.usertext import NAME_MAX_LENGTH, clean_text

if TYPE_CHECKING:
    from reportlab.platypus import Flowable, Paragraph

    from planner.data.pack import RegionPack
    from planner.traveltime import TravelModel

__all__ = [
    "DATE_PATTERNS",
    "district_figures",
    "format_day",
    "report_pdf_bytes",
    "route_map_png",
    "to_pdf",
]

#: Babel date patterns of the report's dates: "Mo. 03.07.2023", "Mon 3 Jul 2023".
DATE_PATTERNS: dict[str, str] = {"de": "EE dd.MM.yyyy", "en": "EEE d MMM yyyy"}

_FONT = "TinyRathausSans"
_FONT_BOLD = "TinyRathausSans-Bold"
_ROUTE_COLOUR = "#b03a2e"
_STOP_COLOUR = "#1f4e79"
_MM_PER_INCH = 25.4


# --------------------------------------------------------------------------- text helpers
def format_day(day: object, lang: str = DEFAULT_LANGUAGE) -> str:
    """A date with its weekday in the report's notation ("Mo. 03.07.2023", "Mon 3 Jul 2023").

    Parameters
    ----------
    day
        A date, datetime, pandas Timestamp or ISO date text.
    lang
        ``"de"`` or ``"en"``.

    Returns
    -------
    str
        The formatted date; "–" when there is none.
    """
    from babel.dates import format_date

    if day is None or (isinstance(day, float) and math.isnan(day)) or day is pd.NaT:
        return t("ui.none", lang)
    if isinstance(day, pd.Timestamp | dt.datetime):
        day = day.date()
    elif not isinstance(day, dt.date):
        day = dt.date.fromisoformat(str(day)[:10])
    return format_date(day, DATE_PATTERNS.get(lang, DATE_PATTERNS["en"]), locale=lang)


def _plain(value: object, *, limit: int = NAME_MAX_LENGTH) -> str:
    """User text made printable: cleaned, one line, at most ``limit`` characters."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = clean_text(str(value))
    # a name longer than any real one would only stretch a table row over the page
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _people(value: float, lang: str) -> str:
    return format_number(round(float(value)), lang, ",.0f")


# --------------------------------------------------------------------------- figures
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


def _travel_text(model: TravelModel | str | None, lang: str) -> str:
    """The travel-time model in ``lang`` (crow-fly parameters translated, others as described)."""
    from planner.traveltime import CrowFlyModel, default_model

    if isinstance(model, str):
        return model
    model = default_model() if model is None else model
    if isinstance(model, CrowFlyModel):
        bands = [
            t("report.method.band", lang, speed=speed, upper=upper)
            if math.isfinite(upper)
            else t("report.method.band_last", lang, speed=speed)
            for upper, speed in model.bands
        ]
        return t("report.method.crow_fly", lang, detour=model.detour, bands=", ".join(bands))
    return str(model.describe())


# --------------------------------------------------------------------------- the map
def _nice_length(span_m: float) -> float:
    """A round scale-bar length (metres) of about a fifth of ``span_m``."""
    target = span_m / 5
    for km in (1, 2, 5, 10, 20, 25, 50, 100, 200):
        if km * 1000 >= target:
            return km * 1000.0
    return 200_000.0


def _spread_labels(
    points: np.ndarray,
    min_dist: float,
    *,
    fixed: np.ndarray | None = None,
    iterations: int = 300,
) -> np.ndarray:
    """Label positions near ``points`` that keep at least ``min_dist`` apart.

    A few hundred rounds of pairwise pushes: stops in one town (several in Kiel) would
    otherwise print their numbers on top of each other. ``fixed`` points (the home base)
    push labels away without moving, so no label hides them.
    """
    pos = points.astype(float).copy()
    n = len(pos)
    obstacles = np.empty((0, 2)) if fixed is None else np.asarray(fixed, float).reshape(-1, 2)
    if n == 0 or (n == 1 and not len(obstacles)):
        return pos
    # points at the same place start on a small circle, so the pushes have a direction
    angle = 2 * math.pi * np.arange(n) / n
    jitter = np.c_[np.cos(angle), np.sin(angle)] * min_dist * 1e-3
    pos += jitter
    for _ in range(iterations):
        diff = pos[:, None, :] - pos[None, :, :]
        dist = np.hypot(diff[..., 0], diff[..., 1])
        np.fill_diagonal(dist, np.inf)
        overlap = np.clip(min_dist - dist, 0.0, None)
        push = (diff / dist[..., None] * overlap[..., None] / 2).sum(axis=1)
        if len(obstacles):
            d_fix = pos[:, None, :] - obstacles[None, :, :]
            r_fix = np.maximum(np.hypot(d_fix[..., 0], d_fix[..., 1]), min_dist * 1e-3)
            o_fix = np.clip(0.75 * min_dist - r_fix, 0.0, None)
            push += (d_fix / r_fix[..., None] * o_fix[..., None]).sum(axis=1)
        if not np.abs(push).max() > min_dist * 1e-4:
            break
        pos += push + 0.02 * (points - pos)  # a weak pull keeps labels near their stop
    return pos


def _scale_corner(
    points: np.ndarray, bounds: tuple[float, float, float, float], box: tuple[float, float]
) -> tuple[float, float]:
    """Lower-left corner of the scale-bar box, in the map corner holding the fewest stops."""
    xmin, ymin, xmax, ymax = bounds
    w, h = box
    pad_x, pad_y = (xmax - xmin) * 0.02, (ymax - ymin) * 0.02
    corners = [
        (xmin + pad_x, ymin + pad_y),
        (xmax - pad_x - w, ymin + pad_y),
        (xmin + pad_x, ymax - pad_y - h),
        (xmax - pad_x - w, ymax - pad_y - h),
    ]

    def inside(c: tuple[float, float]) -> int:
        if not len(points):
            return 0
        x, y = points[:, 0], points[:, 1]
        margin = 0.03 * (xmax - xmin)
        return int(
            (
                (x > c[0] - margin)
                & (x < c[0] + w + margin)
                & (y > c[1] - margin)
                & (y < c[1] + h + margin)
            ).sum()
        )

    return min(corners, key=inside)  # min keeps the first (lower left) on a tie


def _boundary_attribution(pack: RegionPack) -> str:
    meta = pack.metadata
    if "file" not in meta or "attribution" not in meta:
        return ""
    rows = meta[meta["file"].astype(str).str.startswith("boundaries/")]
    return "; ".join(dict.fromkeys(_plain(a) for a in rows["attribution"]))


def route_map_png(
    plan: SeasonPlan,
    *,
    pack: RegionPack,
    lang: str = DEFAULT_LANGUAGE,
    width_mm: float = 180.0,
    dpi: int = 200,
) -> bytes:
    """The map of the stops and the route as a PNG, drawn offline in EPSG:25832.

    Parameters
    ----------
    plan
        A feasible plan (stops with ``x``/``y`` in EPSG:25832).
    pack
        The region pack: district and municipality boundaries.
    lang
        Language of the legend.
    width_mm
        Width of the image as printed; the height follows the region's shape.
    dpi
        Resolution.

    Returns
    -------
    bytes
        The PNG image.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    districts = pack.districts.to_crs(pack.municipalities.crs)
    xmin, ymin, xmax, ymax = (float(v) for v in districts.total_bounds)
    pad = 0.03 * max(xmax - xmin, ymax - ymin)
    bounds = (xmin - pad, ymin - pad, xmax + pad, ymax + pad)
    span_x, span_y = bounds[2] - bounds[0], bounds[3] - bounds[1]
    width_in = width_mm / _MM_PER_INCH
    map_h_in = width_in * span_y / span_x
    legend_in = 0.55  # a strip below the map: the legend never covers a stop
    fig = Figure(figsize=(width_in, map_h_in + legend_in), dpi=dpi)
    FigureCanvasAgg(fig)
    height_in = map_h_in + legend_in
    ax = fig.add_axes((0.0, legend_in / height_in, 1.0, map_h_in / height_in))
    ax.set_xlim(bounds[0], bounds[2])
    ax.set_ylim(bounds[1], bounds[3])
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.add_patch(
        Rectangle(
            (bounds[0], bounds[1]),
            span_x,
            span_y,
            facecolor="white",
            edgecolor="#999999",
            linewidth=0.6,
            zorder=0,
        )
    )
    districts.plot(ax=ax, facecolor="#f3f0e8", edgecolor="none", zorder=1)
    pack.municipalities.boundary.plot(ax=ax, color="#c4c4c4", linewidth=0.3, zorder=2)
    districts.boundary.plot(ax=ax, color="#5f5f5f", linewidth=1.0, zorder=3)
    for _, d in districts.iterrows():
        p = d.geometry.representative_point()
        ax.text(
            p.x,
            p.y,
            _plain(d["name"]),
            fontsize=8,
            color="#8a8a8a",
            style="italic",
            ha="center",
            va="center",
            zorder=4,
            parse_math=False,
        )

    sched = plan.schedule
    stops = sched[["x", "y"]].to_numpy(float)
    sites = plan.sites.reset_index(drop=True)
    hx, hy = _xy(sites)
    is_home = (sites["site_id"].astype(str) == str(plan.config.home_site_id)).to_numpy()
    home = (float(hx[is_home][0]), float(hy[is_home][0])) if is_home.any() else None
    for _unit, grp in sched.groupby("unit"):
        line = grp[["x", "y"]].to_numpy(float)
        if home is not None:
            line = np.vstack([home, line, home])
        ax.plot(line[:, 0], line[:, 1], color=_ROUTE_COLOUR, linewidth=1.3, alpha=0.85, zorder=5)
    if home is not None:
        ax.plot(
            *home,
            marker="s",
            markersize=7,
            color="#222222",
            markeredgecolor="white",
            zorder=7,
            linestyle="none",
        )

    # stop numbers: one label per stop, spread apart where stops lie close together
    m_per_in = span_x / width_in
    labels = _spread_labels(
        stops, min_dist=0.24 * m_per_in, fixed=None if home is None else np.array([home])
    )
    ax.plot(stops[:, 0], stops[:, 1], "o", markersize=2.5, color=_STOP_COLOUR, zorder=8)
    for (x0, y0), (lx, ly), number in zip(stops, labels, sched["stop"], strict=True):
        if math.hypot(lx - x0, ly - y0) > 0.03 * m_per_in:
            ax.plot([x0, lx], [y0, ly], color=_STOP_COLOUR, linewidth=0.6, zorder=8)
        ax.text(
            lx,
            ly,
            str(int(number)),
            fontsize=6.5,
            color="white",
            fontweight="bold",
            ha="center",
            va="center",
            zorder=9,
            bbox={
                "boxstyle": "circle,pad=0.25",
                "facecolor": _STOP_COLOUR,
                "edgecolor": "white",
                "linewidth": 0.6,
            },
        )

    # metric scale bar and north arrow in the emptiest corner
    length = _nice_length(span_x)
    box = (length * 1.5, 0.075 * span_y)
    cx, cy = _scale_corner(np.vstack([stops, labels]) if len(stops) else stops, bounds, box)
    bar_y, bar_h = cy + 0.22 * box[1], 0.012 * span_y
    for k in range(4):
        ax.add_patch(
            Rectangle(
                (cx + 0.05 * length + k * length / 4, bar_y),
                length / 4,
                bar_h,
                facecolor="#222222" if k % 2 == 0 else "white",
                edgecolor="#222222",
                linewidth=0.6,
                zorder=11,
            )
        )
    for frac in (0.0, 0.5, 1.0):
        value = format_number(length / 1000 * frac, lang, "g")
        ax.text(
            cx + 0.05 * length + frac * length,
            bar_y + bar_h * 1.6,
            value + (" km" if frac == 1.0 else ""),
            fontsize=6.5,
            ha="center",
            va="bottom",
            zorder=11,
        )
    nx, ny = cx + box[0] - 0.1 * length, cy + 0.12 * box[1]
    ax.annotate(
        t("report.map.north", lang),
        xy=(nx, ny + 0.75 * box[1]),
        xytext=(nx, ny),
        ha="center",
        va="bottom",
        fontsize=7,
        fontweight="bold",
        zorder=11,
        arrowprops={"arrowstyle": "-|>", "color": "#222222", "linewidth": 0.8},
    )
    attribution = _boundary_attribution(pack)
    if attribution:
        ax.text(
            bounds[2] - 0.005 * span_x,
            bounds[1] + 0.005 * span_y,
            attribution,
            fontsize=5,
            color="#555555",
            ha="right",
            va="bottom",
            zorder=12,
            parse_math=False,
        )

    handles = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="none",
            markersize=7,
            markerfacecolor=_STOP_COLOUR,
            markeredgecolor="white",
            label=t("report.map.stop", lang),
        ),
        Line2D([], [], color=_ROUTE_COLOUR, linewidth=1.3, label=t("report.map.route", lang)),
        Line2D(
            [],
            [],
            marker="s",
            linestyle="none",
            markersize=7,
            color="#222222",
            label=t("report.map.home", lang),
        ),
        Line2D([], [], color="#5f5f5f", linewidth=1.0, label=t("report.map.district", lang)),
        Line2D([], [], color="#c4c4c4", linewidth=0.6, label=t("report.map.municipality", lang)),
    ]
    fig.legend(
        handles=handles,
        loc="lower center",
        ncol=3,
        frameon=False,
        fontsize=7,
        bbox_to_anchor=(0.5, 0.0),
        columnspacing=1.5,
        handlelength=1.8,
    )
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


# --------------------------------------------------------------------------- the PDF
@functools.cache
def _fonts() -> tuple[str, str]:
    """Register DejaVu Sans from matplotlib's fonts; Helvetica when it cannot be found."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    try:
        from matplotlib import font_manager

        props = font_manager.FontProperties(family="DejaVu Sans")
        regular = font_manager.findfont(props, fallback_to_default=False)
        props.set_weight("bold")
        bold = font_manager.findfont(props, fallback_to_default=False)
        pdfmetrics.registerFont(TTFont(_FONT, regular))
        pdfmetrics.registerFont(TTFont(_FONT_BOLD, bold))
    except (ImportError, ValueError, OSError, TTFError):
        return "Helvetica", "Helvetica-Bold"
    for bold_flag, italic_flag, name in (
        (0, 0, _FONT),
        (1, 0, _FONT_BOLD),
        (0, 1, _FONT),
        (1, 1, _FONT_BOLD),
    ):
        addMapping(_FONT, bold_flag, italic_flag, name)
    return _FONT, _FONT_BOLD


def _styles() -> dict[str, Any]:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle

    regular, bold = _fonts()
    base = ParagraphStyle("base", fontName=regular, fontSize=9, leading=11.5)
    return {
        "base": base,
        "title": ParagraphStyle(
            "title", parent=base, fontName=bold, fontSize=20, leading=24, spaceAfter=2
        ),
        "subtitle": ParagraphStyle(
            "subtitle",
            parent=base,
            fontSize=11,
            leading=14,
            textColor=colors.HexColor("#444444"),
            spaceAfter=8,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=bold,
            fontSize=13,
            leading=16,
            spaceBefore=10,
            spaceAfter=5,
            keepWithNext=1,  # a heading never ends a page on its own
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=9.8),
        "cell_right": ParagraphStyle(
            "cell_right", parent=base, fontSize=8, leading=9.8, alignment=2
        ),
        "head": ParagraphStyle(
            "head", parent=base, fontName=bold, fontSize=8, leading=9.8, textColor=colors.white
        ),
        "head_right": ParagraphStyle(
            "head_right",
            parent=base,
            fontName=bold,
            fontSize=8,
            leading=9.8,
            textColor=colors.white,
            alignment=2,
        ),
        "label": ParagraphStyle("label", parent=base, fontName=bold),
        "text": ParagraphStyle("text", parent=base, spaceAfter=4),
        "small": ParagraphStyle(
            "small", parent=base, fontSize=7.5, leading=9.5, textColor=colors.HexColor("#444444")
        ),
    }


def _p(text: object, style: Any, *, limit: int = 4 * NAME_MAX_LENGTH) -> Paragraph:
    """A paragraph of plain text: cleaned, cut to ``limit`` and escaped, never read as markup.

    Names get ``limit=NAME_MAX_LENGTH``; sentences of the report itself may be longer.
    """
    from reportlab.platypus import Paragraph

    return Paragraph(escape(_plain(text, limit=limit)), style)


def _lines(parts: Sequence[object], style: Any) -> Paragraph:
    """A paragraph of several plain-text lines (each cleaned and escaped)."""
    from reportlab.platypus import Paragraph

    return Paragraph("<br/>".join(escape(_plain(part)) for part in parts), style)


def _table(
    rows: Sequence[Sequence[Paragraph]],
    widths_mm: Sequence[float],
    *,
    header: bool = True,
    bold_rows: Sequence[int] = (),
) -> Flowable:
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Table, TableStyle

    table = Table(
        [list(r) for r in rows],
        colWidths=[w * mm for w in widths_mm],
        repeatRows=1 if header else 0,
    )
    style: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#bbbbbb")),
    ]
    if header:
        style += [
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(_STOP_COLOUR)),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#eef2f7")]),
        ]
    for r in bold_rows:
        style.append(("LINEABOVE", (0, r), (-1, r), 0.8, colors.HexColor("#555555")))
    table.setStyle(TableStyle(style))
    return table


def _schedule_rows(plan: SeasonPlan, lang: str, st: dict[str, Any]) -> list[list[Paragraph]]:
    cols = ("stop", "period", "site", "municipality", "district", "area", "people")
    rows = [
        [
            _p(t(f"report.col.{c}", lang), st["head_right" if c in ("stop", "people") else "head"])
            for c in cols
        ]
    ]
    for _, r in plan.schedule.iterrows():
        rows.append(
            [
                _p(str(int(r["stop"])), st["cell_right"]),
                _lines(
                    (format_day(r["start"], lang) + " –", format_day(r["end"], lang)), st["cell"]
                ),
                _p(r["name"], st["cell"], limit=NAME_MAX_LENGTH),
                _p(r["municipality"], st["cell"], limit=NAME_MAX_LENGTH),
                _p(r["district"], st["cell"], limit=NAME_MAX_LENGTH),
                _p(t(f"area.{r['area_class']}", lang), st["cell"]),
                _p(_people(r["population_new"], lang), st["cell_right"]),
            ]
        )
    return rows


def _figure_rows(
    plan: SeasonPlan, lang: str, st: dict[str, Any]
) -> tuple[list[list[Paragraph]], list[int]]:
    figures = district_figures(plan)
    cols = ("group", "stops", "stop_share", "people_reached", "people_share")
    rows = [
        [_p(t(f"report.col.{c}", lang), st["head" if c == "group" else "head_right"]) for c in cols]
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
                _p(label, style),
                _p(format_number(f["stops"], lang, ",.0f"), st["cell_right"]),
                _p(format_percent(f["stop_share"], lang), st["cell_right"]),
                _p(_people(f["people"], lang), st["cell_right"]),
                _p(format_percent(f["people_share"], lang), st["cell_right"]),
            ]
        )
    return rows, separators


def _key_rows(
    plan: SeasonPlan, pack: RegionPack, lang: str, st: dict[str, Any]
) -> list[list[Paragraph]]:
    sched = plan.schedule
    tot = plan.totals
    people = float(pd.to_numeric(sched["population_new"], errors="coerce").fillna(0.0).sum())
    grid = float(pack.cells["population"].sum())
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
        (
            t("report.key.people", lang),
            t(
                "report.key.people_value",
                lang,
                people=_people(people, lang),
                share=format_percent(people / grid if grid else math.nan, lang),
                total=_people(grid, lang),
            ),
        ),
        (
            t("report.key.districts", lang),
            "; ".join(
                t("report.key.district_value", lang, name=_plain(d), stops=int(n))
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
        (t("report.key.home", lang), _plain(home.iloc[0]) if len(home) else t("ui.none", lang)),
    ]
    return [[_p(label, st["label"]), _p(value, st["base"])] for label, value in rows]


def _source_rows(pack: RegionPack, lang: str, st: dict[str, Any]) -> list[list[Paragraph]]:
    cols = ("source", "vintage", "licence", "attribution")
    rows = [[_p(t(f"report.col.{c}", lang), st["head"]) for c in cols]]
    meta = pack.metadata
    for _, m in meta.iterrows():
        source = _plain(m.get("source", ""))
        url = _plain(m.get("url", ""))
        rows.append(
            [
                _p(f"{source} ({url})" if url else source, st["cell"]),
                _p(m.get("vintage", ""), st["cell"]),
                _p(m.get("licence", ""), st["cell"]),
                _p(m.get("attribution", ""), st["cell"]),
            ]
        )
    return rows


def _method_lines(
    plan: SeasonPlan,
    lang: str,
    *,
    travel_model: TravelModel | str | None,
    coverage_minutes: float | None,
    created: dt.date,
) -> list[str]:
    cfg = plan.config
    tot = plan.totals
    lines = [t("report.method.travel", lang, model=_travel_text(travel_model, lang))]
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
    ValueError
        The plan is infeasible (there is no schedule to print) or ``lang`` is unknown.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Image, KeepTogether, PageBreak, SimpleDocTemplate, Spacer

    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    if not plan.feasible:
        raise ValueError(f"cannot print an infeasible plan: {plan.explain('en')}")
    st = _styles()
    regular, _bold = _fonts()
    heading = _plain(title) if title and _plain(title) else t("report.title", lang)
    cfg = plan.config
    created = created or dt.date.today()

    story: list[Flowable] = [
        _p(heading, st["title"]),
        _p(
            t("report.subtitle", lang)
            + " · "
            + t(
                "report.season",
                lang,
                start=format_day(cfg.start, lang),
                end=format_day(cfg.end, lang),
            ),
            st["subtitle"],
        ),
        _table(_key_rows(plan, pack, lang, st), (42, 138), header=False),
        _p(t("report.heading.map", lang), st["h2"]),
    ]
    png = route_map_png(plan, pack=pack, lang=lang, width_mm=180.0)
    image = Image(io.BytesIO(png))
    scale = 180 * mm / image.imageWidth
    image.drawWidth, image.drawHeight = 180 * mm, image.imageHeight * scale
    story += [image, _p(t("report.map.caption", lang), st["small"]), PageBreak()]

    people_note = (
        t("report.note.people", lang, minutes=float(coverage_minutes))
        if coverage_minutes is not None
        else t("report.note.people_plain", lang)
    )
    story += [
        _p(t("report.heading.schedule", lang), st["h2"]),
        _table(_schedule_rows(plan, lang, st), (8, 30, 43, 30, 37, 16, 16)),
        Spacer(1, 2 * mm),
        _p(people_note, st["small"]),
    ]
    figure_rows, separators = _figure_rows(plan, lang, st)
    story.append(
        KeepTogether(
            [
                _p(t("report.heading.figures", lang), st["h2"]),
                _table(figure_rows, (60, 22, 30, 38, 30), bold_rows=separators),
                Spacer(1, 2 * mm),
                _p(t("report.note.figures", lang), st["small"]),
            ]
        )
    )
    story += [
        _p(t("report.heading.sources", lang), st["h2"]),
        _table(_source_rows(pack, lang, st), (62, 34, 24, 60)),
        _p(t("report.heading.method", lang), st["h2"]),
        *[
            _p(line, st["text"])
            for line in _method_lines(
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
    doc.build(story, canvasmaker=_numbered_canvas(footer=heading, lang=lang, font=regular))
    return buffer.getvalue()


def _numbered_canvas(*, footer: str, lang: str, font: str) -> type:
    """A canvas class that writes "Seite n von m" and the title on every page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(font, 7.5)
                self.setFillColorRGB(0.35, 0.35, 0.35)
                # the footer is drawn as a plain string: no markup to escape here
                self.drawString(15 * mm, 9 * mm, footer[:90])
                self.drawRightString(
                    A4[0] - 15 * mm,
                    9 * mm,
                    t("report.page", lang, page=self._pageNumber, pages=total),
                )
                super().showPage()
            super().save()

    return NumberedCanvas


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
