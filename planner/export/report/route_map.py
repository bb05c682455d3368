"""The report's map: the stops and the route drawn offline from the region pack with matplotlib.

Drawn in EPSG:25832: district and municipality boundaries, stops numbered in tour order (labels
spread apart where stops lie close together), the route, a legend outside the map, a metric scale
bar and a north arrow in the emptiest corner.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from planner.export.geo import home_point
from planner.export.report.layout import STOP_COLOUR
from planner.export.report.text import plain
from planner.i18n import DEFAULT_LANGUAGE, format_number, t
from planner.season import SeasonPlan

if TYPE_CHECKING:
    import geopandas as gpd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from planner.data.pack import RegionPack

__all__ = ["ROUTE_COLOUR", "route_map_png"]

ROUTE_COLOUR = "#b03a2e"
_MM_PER_INCH = 25.4


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
    return "; ".join(dict.fromkeys(plain(a) for a in rows["attribution"]))


@dataclass(frozen=True)
class _MapFrame:
    """The map's axes and extent (EPSG:25832 metres) and the printed width."""

    ax: Axes
    bounds: tuple[float, float, float, float]
    width_in: float

    @property
    def span_x(self) -> float:
        return self.bounds[2] - self.bounds[0]

    @property
    def span_y(self) -> float:
        return self.bounds[3] - self.bounds[1]

    @property
    def m_per_in(self) -> float:
        """Map metres per printed inch."""
        return self.span_x / self.width_in


def _new_figure(
    districts: gpd.GeoDataFrame, *, width_mm: float, dpi: int
) -> tuple[Figure, _MapFrame]:
    """A figure sized to the region (plus a legend strip below) with an empty, framed map."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

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
    return fig, _MapFrame(ax=ax, bounds=bounds, width_in=width_in)


def _draw_boundaries(ax: Axes, pack: RegionPack, districts: gpd.GeoDataFrame) -> None:
    """Districts filled, municipality and district borders, district names."""
    districts.plot(ax=ax, facecolor="#f3f0e8", edgecolor="none", zorder=1)
    pack.municipalities.boundary.plot(ax=ax, color="#c4c4c4", linewidth=0.3, zorder=2)
    districts.boundary.plot(ax=ax, color="#5f5f5f", linewidth=1.0, zorder=3)
    for _, d in districts.iterrows():
        p = d.geometry.representative_point()
        ax.text(
            p.x,
            p.y,
            plain(d["name"]),
            fontsize=8,
            color="#8a8a8a",
            style="italic",
            ha="center",
            va="center",
            zorder=4,
            parse_math=False,
        )


def _draw_routes(ax: Axes, plan: SeasonPlan, home: tuple[float, float] | None) -> None:
    """One line per unit, from the home base through its stops back home; the home base."""
    for _unit, grp in plan.schedule.groupby("unit"):
        line = grp[["x", "y"]].to_numpy(float)
        if home is not None:
            line = np.vstack([home, line, home])
        ax.plot(line[:, 0], line[:, 1], color=ROUTE_COLOUR, linewidth=1.3, alpha=0.85, zorder=5)
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


def _draw_stops(frame: _MapFrame, plan: SeasonPlan, home: tuple[float, float] | None) -> np.ndarray:
    """The stops and their numbers; returns where the numbers were placed."""
    ax, m_per_in = frame.ax, frame.m_per_in
    stops = plan.schedule[["x", "y"]].to_numpy(float)
    # one label per stop, spread apart where stops lie close together
    labels = _spread_labels(
        stops, min_dist=0.24 * m_per_in, fixed=None if home is None else np.array([home])
    )
    ax.plot(stops[:, 0], stops[:, 1], "o", markersize=2.5, color=STOP_COLOUR, zorder=8)
    for (x0, y0), (lx, ly), number in zip(stops, labels, plan.schedule["stop"], strict=True):
        if math.hypot(lx - x0, ly - y0) > 0.03 * m_per_in:
            ax.plot([x0, lx], [y0, ly], color=STOP_COLOUR, linewidth=0.6, zorder=8)
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
                "facecolor": STOP_COLOUR,
                "edgecolor": "white",
                "linewidth": 0.6,
            },
        )
    return labels


def _draw_scale_and_north(frame: _MapFrame, occupied: np.ndarray, *, lang: str) -> None:
    """A metric scale bar and a north arrow in the corner with the fewest stops and labels."""
    from matplotlib.patches import Rectangle

    ax = frame.ax
    length = _nice_length(frame.span_x)
    box = (length * 1.5, 0.075 * frame.span_y)
    cx, cy = _scale_corner(occupied, frame.bounds, box)
    bar_y, bar_h = cy + 0.22 * box[1], 0.012 * frame.span_y
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
    north_x, north_y = cx + box[0] - 0.1 * length, cy + 0.12 * box[1]
    ax.annotate(
        t("report.map.north", lang),
        xy=(north_x, north_y + 0.75 * box[1]),
        xytext=(north_x, north_y),
        ha="center",
        va="bottom",
        fontsize=7,
        fontweight="bold",
        zorder=11,
        arrowprops={"arrowstyle": "-|>", "color": "#222222", "linewidth": 0.8},
    )


def _draw_attribution(frame: _MapFrame, pack: RegionPack) -> None:
    """The boundaries' attribution in the lower right corner of the map."""
    attribution = _boundary_attribution(pack)
    if attribution:
        frame.ax.text(
            frame.bounds[2] - 0.005 * frame.span_x,
            frame.bounds[1] + 0.005 * frame.span_y,
            attribution,
            fontsize=5,
            color="#555555",
            ha="right",
            va="bottom",
            zorder=12,
            parse_math=False,
        )


def _add_legend(fig: Figure, *, lang: str) -> None:
    """The legend in the strip below the map."""
    from matplotlib.lines import Line2D

    handles = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="none",
            markersize=7,
            markerfacecolor=STOP_COLOUR,
            markeredgecolor="white",
            label=t("report.map.stop", lang),
        ),
        Line2D([], [], color=ROUTE_COLOUR, linewidth=1.3, label=t("report.map.route", lang)),
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
    districts = pack.districts.to_crs(pack.municipalities.crs)
    fig, frame = _new_figure(districts, width_mm=width_mm, dpi=dpi)
    _draw_boundaries(frame.ax, pack, districts)
    home = home_point(plan)
    _draw_routes(frame.ax, plan, home)
    stops = plan.schedule[["x", "y"]].to_numpy(float)
    labels = _draw_stops(frame, plan, home)
    _draw_scale_and_north(frame, np.vstack([stops, labels]) if len(stops) else stops, lang=lang)
    _draw_attribution(frame, pack)
    _add_legend(fig, lang=lang)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()
