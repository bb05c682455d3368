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

Modules
-------
:mod:`~planner.export.report.text`
    Dates, people counts, user text made printable, the travel-time model named.
:mod:`~planner.export.report.route_map`
    The map (matplotlib, offline).
:mod:`~planner.export.report.layout`
    Fonts, paragraph styles, tables, the page footer.
:mod:`~planner.export.report.sections`
    The sections' rows: key figures, schedule, figures per district and area, sources, method.
:mod:`~planner.export.report.pdf`
    :func:`report_pdf_bytes` and :func:`to_pdf`.
"""

from planner.export.report.pdf import report_pdf_bytes, to_pdf
from planner.export.report.route_map import route_map_png
from planner.export.report.sections import district_figures
from planner.export.report.text import DATE_PATTERNS, format_day

__all__ = [
    "DATE_PATTERNS",
    "district_figures",
    "format_day",
    "report_pdf_bytes",
    "route_map_png",
    "to_pdf",
]
