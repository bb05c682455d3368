"""Tiny Rathaus Tourplaner: plan the tour of KielRegion's mobile town hall.

A pure library (no user interface), in subpackages by concern: region data
(:mod:`planner.data`), travel times (:mod:`planner.traveltime`), candidate sites
(:mod:`planner.sites`), who is reached (:mod:`planner.coverage`), scoring, site selection, the
season planner, exports, maps, scenarios, texts (:mod:`planner.i18n`) and the command line.
"""
