"""The PDF's layout: fonts, paragraph styles, plain-text paragraphs, tables, page footer."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from planner.export.report.text import plain
from planner.i18n import t
from planner.usertext import NAME_MAX_LENGTH

if TYPE_CHECKING:
    from reportlab.platypus import Flowable, Paragraph

__all__ = ["STOP_COLOUR", "fonts", "multiline", "numbered_canvas", "paragraph", "styles", "table"]

_FONT = "TinyRathausSans"
_FONT_BOLD = "TinyRathausSans-Bold"
#: Colour of the stops on the map and of the table headers.
STOP_COLOUR = "#1f4e79"


@functools.cache
def fonts() -> tuple[str, str]:
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


def styles() -> dict[str, Any]:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle

    regular, bold = fonts()
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


def paragraph(text: object, style: Any, *, limit: int = 4 * NAME_MAX_LENGTH) -> Paragraph:
    """A paragraph of plain text: cleaned, cut to ``limit`` and escaped, never read as markup.

    Names get ``limit=NAME_MAX_LENGTH``; sentences of the report itself may be longer.
    """
    from reportlab.platypus import Paragraph

    return Paragraph(escape(plain(text, limit=limit)), style)


def multiline(parts: Sequence[object], style: Any) -> Paragraph:
    """A paragraph of several plain-text lines (each cleaned and escaped)."""
    from reportlab.platypus import Paragraph

    return Paragraph("<br/>".join(escape(plain(part)) for part in parts), style)


def table(
    rows: Sequence[Sequence[Paragraph]],
    widths_mm: Sequence[float],
    *,
    header: bool = True,
    bold_rows: Sequence[int] = (),
) -> Flowable:
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Table, TableStyle

    flowable = Table(
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
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(STOP_COLOUR)),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#eef2f7")]),
        ]
    for r in bold_rows:
        style.append(("LINEABOVE", (0, r), (-1, r), 0.8, colors.HexColor("#555555")))
    flowable.setStyle(TableStyle(style))
    return flowable


def numbered_canvas(*, footer: str, lang: str, font: str) -> type:
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
