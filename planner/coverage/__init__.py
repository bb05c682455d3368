"""Who is reached by a set of stops: the one place that counts it.

* :mod:`planner.coverage.reach` — the scales people come from (local: on foot or by bike;
  regional: by car), which cells a site reaches at each, the region's population base and
  de-duplicated people reached;
* :mod:`planner.coverage.figures` — per-cell, per-municipality and per-district coverage tables
  of a plan, and the coverage of planned stops shown on maps and pages;
* :mod:`planner.coverage.groups` — which Ämter and city areas a plan visits, and when each was
  last visited before it.
"""

from planner.coverage.figures import (
    DEFAULT_THRESHOLD_MIN,
    CoverageReport,
    CoverageSummary,
    MapCoverage,
    cell_coverage,
    cell_xy,
    compute_coverage,
    coverage_figures,
    coverage_summary,
    map_coverage,
    municipality_coverage,
    site_cell_minutes,
)
from planner.coverage.groups import GroupReport, plan_groups
from planner.coverage.reach import (
    LOCAL,
    REACH_SCALES,
    REGIONAL,
    ReachScale,
    people_reached,
    population_base,
    reach_matrix,
)

__all__ = [
    "DEFAULT_THRESHOLD_MIN",
    "LOCAL",
    "REACH_SCALES",
    "REGIONAL",
    "CoverageReport",
    "CoverageSummary",
    "GroupReport",
    "MapCoverage",
    "ReachScale",
    "cell_coverage",
    "cell_xy",
    "compute_coverage",
    "coverage_figures",
    "coverage_summary",
    "map_coverage",
    "municipality_coverage",
    "people_reached",
    "plan_groups",
    "population_base",
    "reach_matrix",
    "site_cell_minutes",
]
