"""Scoring candidate sites: criteria from the region data, transparent normalisation, weights.

Two steps, so that moving a weight slider re-ranks instantly:

1. :func:`compute_criteria` (slow part, once per site set and threshold): for every candidate,
   the raw criteria from the data, their normalised values (0..1) and the catchments.
2. :func:`score_sites` (fast: one matrix product): planner weights → score 0..100 and rank.

Facts entered as *unknown* get the neutral value ``unknown_value`` (default 0.5) and are flagged as
unknown in every breakdown. The score is ``100 × Σ wᵢ·nᵢ / Σ wᵢ``.

Modules
-------
``weights``
    The criteria catalogue (:data:`CRITERIA`) and :data:`DEFAULT_WEIGHTS`.
``criteria``
    :func:`compute_criteria` and :class:`SiteCriteria` (the criteria are listed there).
``normalise``
    Criterion values to 0..1 (``minmax`` or ``rank``).
``score``
    :func:`score_sites`: the weighted score and the ranking.
``explain``
    A site's score broken down, sites compared, rank stability under weight changes.
``fairness``
    Local reach, pull and recency; people compared within the district; the best site per Amt,
    Kiel city area or municipality (:func:`best_per_group`).
``errors``
    Unknown criterion or site, unusable weights or options.
"""

from __future__ import annotations

from planner.scoring.criteria import SiteCriteria, compute_criteria
from planner.scoring.errors import (
    ScoringOptionError,
    UnknownCriterionError,
    UnknownSiteError,
    WeightsError,
)
from planner.scoring.explain import (
    SensitivityReport,
    SiteComparison,
    SiteExplanation,
    compare_sites,
    explain_site,
    weight_sensitivity,
)
from planner.scoring.fairness import GROUP_BY, best_per_group
from planner.scoring.score import score_sites
from planner.scoring.weights import CRITERIA, DEFAULT_WEIGHTS, CriterionSpec

__all__ = [
    "CRITERIA",
    "DEFAULT_WEIGHTS",
    "GROUP_BY",
    "CriterionSpec",
    "ScoringOptionError",
    "SensitivityReport",
    "SiteComparison",
    "SiteCriteria",
    "SiteExplanation",
    "UnknownCriterionError",
    "UnknownSiteError",
    "WeightsError",
    "best_per_group",
    "compare_sites",
    "compute_criteria",
    "explain_site",
    "score_sites",
    "weight_sensitivity",
]
