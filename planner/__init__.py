"""Tiny Rathaus Tourplaner: plan the Tiny Rathaus tour through the KielRegion.

A pure library (no user interface): region data (:mod:`planner.pack`), travel times
(:mod:`planner.traveltime`, :mod:`planner.roads`), candidate sites (:mod:`planner.sites`), and the
modules for scoring, selection, season scheduling, export and maps built on them.
"""

__version__ = "0.1.0"
