"""Candidate stops: generated from the region data, and added by planners from files or coordinates.

Generated kinds, in the order they win when two points lie closer than the merge distance:
``rail`` (DB stations), ``bus_hub`` (bus stops with many stops around them), ``centre`` (the
register's official midpoint of each municipality) and ``school``. The facts planners care about
(mains power, space, visibility, availability) start as *unknown* and are edited in scenarios.

Modules
-------
``schema``
    The sites table: columns, kinds, fact values, the *unknown* defaults.
``generate``
    Candidates from the region data (stations, bus hubs, centres, schools) and their merging.
``locate``
    Which municipality a point lies in, with the coastal tolerance.
``fields``
    :data:`FIELDS`: one check per column, for uploads, the coordinates form and the edit form.
``problems``
    :class:`RowError`: a problem naming row (or site), field and value.
``readers``
    CSV (encoding and separator detected) and GeoJSON bytes → a table of strings.
``importing``
    :func:`import_sites`, :func:`site_from_coordinates`, :func:`load_site_file`.
``edits``
    :func:`apply_site_edits`, :func:`combine_sites`, :func:`filter_sites`.
"""

from __future__ import annotations

from planner.sites.edits import apply_site_edits, combine_sites, filter_sites
from planner.sites.fields import (
    FIELDS,
    OPTIONAL_IMPORT_COLUMNS,
    POWER_WORDS,
    REQUIRED_IMPORT_COLUMNS,
    SITE_ID_MAX_LENGTH,
    SPACE_MAX_M2,
    VISIBILITY_WORDS,
    FieldProblem,
    FieldRule,
)
from planner.sites.generate import bus_hubs, generate_sites, merge_close_points
from planner.sites.importing import SiteImport, import_sites, load_site_file, site_from_coordinates
from planner.sites.locate import COAST_TOLERANCE_M, assign_municipality
from planner.sites.problems import RowError, field_label
from planner.sites.readers import read_site_table
from planner.sites.schema import (
    EDITABLE_FACTS,
    KINDS,
    POWER_VALUES,
    SITE_COLUMNS,
    VISIBILITY_VALUES,
    empty_sites,
    with_default_facts,
)

__all__ = [
    "COAST_TOLERANCE_M",
    "EDITABLE_FACTS",
    "FIELDS",
    "KINDS",
    "OPTIONAL_IMPORT_COLUMNS",
    "POWER_VALUES",
    "POWER_WORDS",
    "REQUIRED_IMPORT_COLUMNS",
    "SITE_COLUMNS",
    "SITE_ID_MAX_LENGTH",
    "SPACE_MAX_M2",
    "VISIBILITY_VALUES",
    "VISIBILITY_WORDS",
    "FieldProblem",
    "FieldRule",
    "RowError",
    "SiteImport",
    "apply_site_edits",
    "assign_municipality",
    "bus_hubs",
    "combine_sites",
    "empty_sites",
    "field_label",
    "filter_sites",
    "generate_sites",
    "import_sites",
    "load_site_file",
    "merge_close_points",
    "read_site_table",
    "site_from_coordinates",
    "with_default_facts",
]
