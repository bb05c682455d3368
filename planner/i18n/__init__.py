"""Translations for every text the planner shows to a person (German default, English available).

The library returns structured messages (a key and parameters); the app and the CLI turn them into
text with :func:`t`. One catalogue, so the German and English wording stay side by side.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

LANGUAGES: Final = ("de", "en")
DEFAULT_LANGUAGE: Final = "de"

CATALOGUE: dict[str, dict[str, str]] = {
    # site import
    "import.missing_column": {
        "de": "Spalte „{field}“ fehlt in der Datei (Pflichtfeld).",
        "en": "Column '{field}' is missing from the file (required).",
    },
    "import.empty": {
        "de": "Feld „{field}“ ist leer.",
        "en": "Field '{field}' is empty.",
    },
    "import.not_a_number": {
        "de": "Feld „{field}“: „{value}“ ist keine Zahl.",
        "en": "Field '{field}': '{value}' is not a number.",
    },
    "import.out_of_range": {
        "de": "Feld „{field}“: {value} liegt außerhalb von {low} bis {high}.",
        "en": "Field '{field}': {value} is outside {low} to {high}.",
    },
    "import.outside_region": {
        "de": "Punkt ({lon}, {lat}) liegt außerhalb der KielRegion.",
        "en": "Point ({lon}, {lat}) lies outside the KielRegion.",
    },
    "import.duplicate_id": {
        "de": "Feld „{field}“: ID „{value}“ ist bereits vergeben.",
        "en": "Field '{field}': id '{value}' is already taken.",
    },
    "import.bad_choice": {
        "de": "Feld „{field}“: „{value}“ ist nicht erlaubt (erlaubt: {allowed}).",
        "en": "Field '{field}': '{value}' is not allowed (allowed: {allowed}).",
    },
    "import.bad_date": {
        "de": "Feld „{field}“: „{value}“ ist kein Datum (JJJJ-MM-TT).",
        "en": "Field '{field}': '{value}' is not a date (YYYY-MM-DD).",
    },
    "import.unreadable_file": {
        "de": "Die Datei konnte nicht gelesen werden: {value}",
        "en": "The file could not be read: {value}",
    },
    "import.row": {"de": "Zeile {row}", "en": "Row {row}"},
    "import.file": {"de": "Datei", "en": "File"},
    # kinds, classes, facts
    "kind.centre": {"de": "Ortsmitte", "en": "Village centre"},
    "kind.rail": {"de": "Bahnhof", "en": "Railway station"},
    "kind.bus_hub": {"de": "Bus-Knoten", "en": "Bus hub"},
    "kind.school": {"de": "Schule", "en": "School"},
    "kind.user": {"de": "Eigener Standort", "en": "Own site"},
    "area.urban": {"de": "städtisch", "en": "urban"},
    "area.rural": {"de": "ländlich", "en": "rural"},
    "fact.no_stop_yet": {"de": "noch kein Stopp", "en": "no stop yet"},
    "fact.unknown": {"de": "unbekannt", "en": "unknown"},
    "fact.yes": {"de": "ja", "en": "yes"},
    "fact.no": {"de": "nein", "en": "no"},
    "fact.low": {"de": "gering", "en": "low"},
    "fact.medium": {"de": "mittel", "en": "medium"},
    "fact.high": {"de": "hoch", "en": "high"},
    # maps
    "map.layer.basemap": {"de": "Hintergrundkarte (OSM)", "en": "Basemap (OSM)"},
    "map.layer.municipalities": {"de": "Gemeinden: Abdeckung", "en": "Municipalities: coverage"},
    "map.layer.cells": {"de": "Zensus-Gitter 1 km", "en": "Zensus 1 km grid"},
    "map.layer.catchments": {
        "de": "Einzugsgebiete (≤ {minutes} min)",
        "en": "Catchments (≤ {minutes} min)",
    },
    "map.layer.districts": {"de": "Kreisgrenzen", "en": "District borders"},
    "map.layer.sites": {"de": "Standort-Kandidaten", "en": "Candidate sites"},
    "map.layer.stops": {"de": "Geplante Stopps", "en": "Planned stops"},
    "map.layer.route": {"de": "Route", "en": "Route"},
    "map.popup.stop": {"de": "Stopp", "en": "Stop"},
    "map.popup.dates": {"de": "Termin", "en": "Dates"},
    "map.popup.municipality": {"de": "Gemeinde", "en": "Municipality"},
    "map.popup.district": {"de": "Kreis", "en": "District"},
    "map.popup.kind": {"de": "Art", "en": "Kind"},
    "map.popup.area_class": {"de": "Raumtyp", "en": "Area type"},
    "map.popup.power": {"de": "Stromanschluss", "en": "Mains power"},
    "map.popup.visibility": {"de": "Sichtbarkeit", "en": "Visibility"},
    "map.popup.space_m2": {"de": "Fläche (m²)", "en": "Space (m²)"},
    "map.popup.notes": {"de": "Notizen", "en": "Notes"},
    "map.popup.score": {"de": "Bewertung", "en": "Score"},
    "map.tip.cell": {"de": "{population} Einw.", "en": "{population} people"},
    "map.tip.population": {"de": "{population} Einwohner", "en": "{population} inhabitants"},
    "map.tip.minutes": {
        "de": "{minutes} min zum nächsten Stopp",
        "en": "{minutes} min to the nearest stop",
    },
    "map.legend.title": {"de": "Abdeckung", "en": "Coverage"},
    "map.legend.covered": {
        "de": "Ortsmitte ≤ {minutes} min vom nächsten Stopp",
        "en": "Centre ≤ {minutes} min from the nearest stop",
    },
    "map.legend.uncovered": {
        "de": "weiter als {minutes} min",
        "en": "more than {minutes} min",
    },
    "map.legend.no_stops": {"de": "noch keine Stopps geplant", "en": "no stops planned yet"},
    "map.legend.reached": {"de": "Erreicht (≤ {minutes} min)", "en": "Reached (≤ {minutes} min)"},
    "map.legend.total": {"de": "gesamt", "en": "total"},
    "map.legend.model": {"de": "Fahrzeitmodell: {model}", "en": "Travel-time model: {model}"},
    # app
    "ui.page.compare": {"de": "Standorte vergleichen", "en": "Compare sites"},
    "ui.page.select": {"de": "Standorte auswählen", "en": "Choose sites"},
    "ui.page.season": {"de": "Saison planen", "en": "Plan a season"},
    "ui.page.coverage": {"de": "Abdeckung", "en": "Coverage"},
    "ui.scenario.title": {"de": "Szenario", "en": "Scenario"},
    "ui.scenario.name": {"de": "Name des Szenarios", "en": "Scenario name"},
    "ui.scenario.save": {"de": "Speichern", "en": "Save"},
    "ui.scenario.saved_list": {"de": "Gespeicherte Szenarien", "en": "Saved scenarios"},
    "ui.scenario.open": {"de": "Öffnen", "en": "Open"},
    "ui.scenario.none": {
        "de": "Noch keine Szenarien gespeichert.",
        "en": "No scenarios saved yet.",
    },
    "ui.scenario.need_name": {
        "de": "Bitte einen Namen für das Szenario eingeben.",
        "en": "Please enter a name for the scenario.",
    },
    "ui.scenario.saved": {
        "de": "Szenario „{name}“ gespeichert (Version {rev}).",
        "en": "Scenario '{name}' saved (revision {rev}).",
    },
    "ui.scenario.conflict": {
        "de": (
            "„{name}“ wurde inzwischen anderswo gespeichert (Version {other}); Ihre Fassung "
            "ist als Version {rev} gespeichert, die andere bleibt erhalten."
        ),
        "en": (
            "'{name}' was saved elsewhere meanwhile (revision {other}); yours is saved as "
            "revision {rev}, the other one is kept."
        ),
    },
    "ui.scenario.save_failed": {
        "de": "Speichern fehlgeschlagen: {error}",
        "en": "Saving failed: {error}",
    },
    "ui.scenario.opened": {"de": "Szenario „{name}“ geöffnet.", "en": "Scenario '{name}' opened."},
    "ui.scenario.open_failed": {
        "de": "Öffnen fehlgeschlagen: {error}",
        "en": "Opening failed: {error}",
    },
    "ui.model.title": {"de": "Fahrzeitmodell", "en": "Travel-time model"},
    "ui.model.active": {
        "de": "Fahrzeitmodell: {name} — {description}",
        "en": "Travel-time model: {name} — {description}",
    },
    "ui.sources.title": {"de": "Datenquellen", "en": "Data sources"},
    "ui.sources.line": {"de": "Quellen: {sources}", "en": "Sources: {sources}"},
    "ui.compare.title": {"de": "Standorte vergleichen", "en": "Compare sites"},
    "ui.compare.intro": {
        "de": (
            "Kandidaten filtern, Kriterien gewichten, die Rangfolge prüfen und 2–4 Standorte "
            "nebeneinander vergleichen."
        ),
        "en": (
            "Filter candidates, weight the criteria, check the ranking and compare 2–4 sites "
            "side by side."
        ),
    },
    "ui.compare.weights": {
        "de": "Gewichte und Fahrzeit-Schwelle",
        "en": "Weights and travel-time threshold",
    },
    "ui.compare.threshold": {
        "de": "Erreichbar innerhalb von … Minuten (Auto)",
        "en": "Reachable within … minutes (car)",
    },
    "ui.compare.computing": {"de": "Kriterien werden berechnet …", "en": "Computing criteria …"},
    "ui.compare.ranking": {
        "de": "Rangfolge ({n} von {total} Standorten)",
        "en": "Ranking ({n} of {total} sites)",
    },
    "ui.compare.breakdown": {"de": "Aufschlüsselung der Bewertung", "en": "Score breakdown"},
    "ui.compare.pick_site": {"de": "Standort", "en": "Site"},
    "ui.compare.why": {
        "de": (
            "Platz **{rank}** von {n}, Bewertung **{score}** von 100 Punkten = Summe der "
            "gewichteten Anteile:"
        ),
        "en": "Rank **{rank}** of {n}, score **{score}** = sum of the weighted parts:",
    },
    "ui.compare.side_by_side": {"de": "Standorte nebeneinander", "en": "Sites side by side"},
    "ui.compare.pick_2_4": {"de": "2–4 Standorte zum Vergleich", "en": "2–4 sites to compare"},
    "ui.compare.pick_more": {
        "de": "Bitte mindestens zwei Standorte wählen.",
        "en": "Please choose at least two sites.",
    },
    "ui.compare.adds": {"de": "Nur hier erreicht (Einw.)", "en": "Reached only here (people)"},
    "ui.compare.adds_help": {
        "de": (
            "„Nur hier erreicht“: Einwohner innerhalb von {minutes} min, die keiner der "
            "anderen gewählten Standorte erreicht."
        ),
        "en": (
            "'Reached only here': people within {minutes} min whom none of the other chosen "
            "sites reaches."
        ),
    },
    "ui.compare.map": {
        "de": "Karte: Kandidaten und Einzugsgebiete",
        "en": "Map: candidates and catchments",
    },
    "ui.compare.compared_sites": {"de": "Verglichene Standorte", "en": "Compared sites"},
    "ui.crit.pop_car": {"de": "Einwohner erreicht (Auto)", "en": "People reached (car)"},
    "ui.crit.pop65_car": {"de": "davon 65+", "en": "of whom 65+"},
    "ui.crit.pop_u18_car": {"de": "davon unter 18", "en": "of whom under 18"},
    "ui.crit.rural_share": {"de": "Anteil ländlich", "en": "Rural share"},
    "ui.crit.pop_walk": {"de": "Einwohner zu Fuß", "en": "People on foot"},
    "ui.crit.gap_km": {
        "de": "Abstand zum nächsten Stopp (km)",
        "en": "Distance to nearest stop (km)",
    },
    "ui.crit.transit_stops": {"de": "ÖPNV-Haltestellen in der Nähe", "en": "Transit stops nearby"},
    "ui.crit.rail": {"de": "Bahnhof in der Nähe", "en": "Railway station nearby"},
    "ui.crit.power": {"de": "Stromanschluss", "en": "Mains power"},
    "ui.crit.space": {"de": "Fläche", "en": "Space"},
    "ui.crit.visibility": {"de": "Sichtbarkeit", "en": "Visibility"},
    "ui.crit.availability": {"de": "In der Saison verfügbar", "en": "Available in season"},
    "ui.col.max_part": {"de": "höchstens möglich", "en": "at most possible"},
    "ui.col.best_rank": {"de": "bester Platz", "en": "best rank"},
    "ui.col.worst_rank": {"de": "schlechtester Platz", "en": "worst rank"},
    "ui.col.share_top": {"de": "in Top {n} (%)", "en": "in top {n} (%)"},
    "ui.compare.sensitivity": {
        "de": "Wie stabil ist die Rangfolge? (Gewichte ±20 %)",
        "en": "How stable is the ranking? (weights ±20 %)",
    },
    "ui.compare.sensitivity_help": {
        "de": (
            "Rang unter {scenarios} Gewichtsvarianten; Anteil der Varianten, in denen der "
            "Standort in den Top {n} liegt."
        ),
        "en": (
            "Rank under {scenarios} weight variants; share of variants in which the site is "
            "in the top {n}."
        ),
    },
    "ui.compare.adds_rural": {"de": "davon ländlich", "en": "of whom rural"},
    "ui.filter.district": {"de": "Kreis", "en": "District"},
    "ui.filter.area": {"de": "Raumtyp", "en": "Area type"},
    "ui.filter.kind": {"de": "Art", "en": "Kind"},
    "ui.col.rank": {"de": "Platz", "en": "Rank"},
    "ui.col.name": {"de": "Name", "en": "Name"},
    "ui.col.municipality": {"de": "Gemeinde", "en": "Municipality"},
    "ui.col.district": {"de": "Kreis", "en": "District"},
    "ui.col.kind": {"de": "Art", "en": "Kind"},
    "ui.col.area": {"de": "Raumtyp", "en": "Area type"},
    "ui.col.score": {"de": "Bewertung", "en": "Score"},
    "ui.col.criterion": {"de": "Kriterium", "en": "Criterion"},
    "ui.col.raw": {"de": "Wert", "en": "Value"},
    "ui.col.weight": {"de": "Gewicht", "en": "Weight"},
    "ui.col.part": {"de": "Anteil an der Bewertung", "en": "Part of the score"},
    "ui.col.stop": {"de": "Stopp", "en": "Stop"},
    "ui.col.start": {"de": "Beginn", "en": "Start"},
    "ui.col.end": {"de": "Ende", "en": "End"},
    "ui.col.tow_min": {"de": "Schleppzeit (min)", "en": "Towing (min)"},
    "ui.col.tow_km": {"de": "Schleppstrecke (km)", "en": "Towing (km)"},
    "ui.col.locked": {"de": "gesperrt", "en": "locked"},
    "ui.col.reason": {"de": "Grund", "en": "Reason"},
    "ui.sites.add": {"de": "Standorte hinzufügen und bearbeiten", "en": "Add and edit sites"},
    "ui.sites.tab_file": {"de": "Datei hochladen", "en": "Upload a file"},
    "ui.sites.tab_coords": {"de": "Per Koordinaten", "en": "By coordinates"},
    "ui.sites.tab_edit": {"de": "Fakten bearbeiten", "en": "Edit facts"},
    "ui.sites.file_help": {
        "de": (
            "CSV (Trennzeichen ; oder ,) oder GeoJSON mit den Spalten name, lon, lat; "
            "optional site_id, power, space_m2, visibility, available_from, available_to, "
            "notes."
        ),
        "en": (
            "CSV (separator ; or ,) or GeoJSON with the columns name, lon, lat; optional "
            "site_id, power, space_m2, visibility, available_from, available_to, notes."
        ),
    },
    "ui.sites.file": {"de": "Datei mit Standorten", "en": "File with sites"},
    "ui.sites.import": {"de": "Standorte übernehmen", "en": "Import sites"},
    "ui.sites.added": {"de": "{n} Standort(e) hinzugefügt.", "en": "{n} site(s) added."},
    "ui.sites.errors": {
        "de": (
            "{n} Zeile(n) konnten nicht übernommen werden; alle anderen Eingaben bleiben erhalten:"
        ),
        "en": "{n} row(s) could not be imported; everything else you entered is kept:",
    },
    "ui.sites.add_point": {"de": "Standort hinzufügen", "en": "Add site"},
    "ui.sites.available_from": {
        "de": "Verfügbar ab (JJJJ-MM-TT)",
        "en": "Available from (YYYY-MM-DD)",
    },
    "ui.sites.available_to": {
        "de": "Verfügbar bis (JJJJ-MM-TT)",
        "en": "Available until (YYYY-MM-DD)",
    },
    "ui.sites.save_facts": {"de": "Fakten speichern", "en": "Save facts"},
    "ui.season.title": {"de": "Saison planen", "en": "Plan a season"},
    "ui.season.intro": {
        "de": (
            "Regeln festlegen, den Optimierer starten, Stopps sperren und neu planen, "
            "Ergebnisse exportieren."
        ),
        "en": "Set the rules, run the optimiser, lock stops and re-plan, export the results.",
    },
    "ui.season.start": {"de": "Saisonbeginn", "en": "Season start"},
    "ui.season.end": {"de": "Saisonende", "en": "Season end"},
    "ui.season.home": {"de": "Heimatstandort", "en": "Home base"},
    "ui.season.quota": {"de": "Stopps in {district}", "en": "Stops in {district}"},
    "ui.season.stay_days": {
        "de": "Standzeit je Stopp (Betriebstage)",
        "en": "Stay per stop (operating days)",
    },
    "ui.season.max_tow": {
        "de": "Max. Schleppzeit je Umzug (min, 0 = ohne)",
        "en": "Max. towing per move (min, 0 = none)",
    },
    "ui.season.revisit": {
        "de": "Mindestabstand bis zur selben Gemeinde (Tage)",
        "en": "Minimum gap before the same municipality (days)",
    },
    "ui.season.rural_share": {
        "de": "Mindestanteil ländlicher Stopps",
        "en": "Minimum share of rural stops",
    },
    "ui.season.time_limit": {
        "de": "Zeitlimit des Optimierers (s)",
        "en": "Optimiser time limit (s)",
    },
    "ui.season.blackouts": {
        "de": (
            "Sperrtermine (JJJJ-MM-TT oder JJJJ-MM-TT..JJJJ-MM-TT, durch Komma oder Zeile "
            "getrennt; Feiertage in SH sind automatisch gesperrt)"
        ),
        "en": (
            "Blackout dates (YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD, separated by comma or "
            "line; public holidays in SH are blocked automatically)"
        ),
    },
    "ui.season.run": {"de": "Saison planen", "en": "Plan season"},
    "ui.season.running": {"de": "Optimierer läuft …", "en": "Optimiser running …"},
    "ui.season.step_inputs": {
        "de": "Fahrzeiten und Einzugsgebiete …",
        "en": "Travel times and catchments …",
    },
    "ui.season.step_solve": {
        "de": "Optimierung (höchstens {seconds} s) …",
        "en": "Optimising (at most {seconds} s) …",
    },
    "ui.season.done": {"de": "Planung abgeschlossen", "en": "Planning finished"},
    "ui.season.problem.blackouts": {
        "de": "Sperrtermin „{value}“ ist kein Datum (JJJJ-MM-TT oder JJJJ-MM-TT..JJJJ-MM-TT).",
        "en": "Blackout '{value}' is not a date (YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD).",
    },
    "ui.season.problem.home_site": {
        "de": "Heimatstandort „{value}“ ist kein bekannter Standort.",
        "en": "Home base '{value}' is not a known site.",
    },
    "ui.season.problem.config": {
        "de": "Ungültige Einstellung: {value}",
        "en": "Invalid setting: {value}",
    },
    "ui.season.no_plan": {
        "de": "Noch keine Saison geplant: Regeln einstellen und „Saison planen“ drücken.",
        "en": "No season planned yet: set the rules and press 'Plan season'.",
    },
    "ui.season.infeasible": {
        "de": (
            "Die Regeln lassen sich nicht alle gleichzeitig erfüllen. Diese Regeln verhindern "
            "die Saison, und das brächte eine Lockerung:"
        ),
        "en": (
            "The rules cannot all be met at once. These rules block the season, and this is "
            "what relaxing them would give:"
        ),
    },
    "ui.season.stops": {"de": "Stopps", "en": "Stops"},
    "ui.season.value": {"de": "Wert der Saison", "en": "Season value"},
    "ui.season.gap": {"de": "Abstand zur Schranke", "en": "Gap to bound"},
    "ui.season.rural": {"de": "Anteil ländlich", "en": "Rural share"},
    "ui.season.km": {"de": "Schleppstrecke", "en": "Distance towed"},
    "ui.season.status": {
        "de": "Status: {status} · erreichte Einwohner: {population} · Rechenzeit {seconds} s",
        "en": "Status: {status} · people covered: {population} · solve time {seconds} s",
    },
    "ui.season.schedule": {"de": "Ablaufplan", "en": "Schedule"},
    "ui.season.calendar": {"de": "Kalender", "en": "Calendar"},
    "ui.season.lock": {"de": "Stopps sperren und neu planen", "en": "Lock stops and re-plan"},
    "ui.season.lock_pick": {
        "de": "Diese Stopps behalten (Ort und Termin)",
        "en": "Keep these stops (site and dates)",
    },
    "ui.season.replan": {"de": "Rest neu planen", "en": "Re-plan the rest"},
    "ui.season.unplanned": {"de": "Warum nicht eingeplant?", "en": "Why not planned?"},
    "ui.season.exports": {"de": "Export", "en": "Export"},
    "ui.season.no_export": {
        "de": "Export nicht möglich: die Einstellungen sind ungültig.",
        "en": "Export not possible: the settings are invalid.",
    },
    "ui.status.optimal": {"de": "optimal (bewiesen)", "en": "optimal (proven)"},
    "ui.status.feasible": {
        "de": "zulässig (Zeitlimit erreicht)",
        "en": "feasible (time limit reached)",
    },
    "ui.status.infeasible": {"de": "unerfüllbar", "en": "infeasible"},
    "ui.status.no_solution": {
        "de": "keine Lösung im Zeitlimit",
        "en": "no solution within the time limit",
    },
    "ui.diag.rule": {"de": "Regel", "en": "Rule"},
    "ui.diag.message": {"de": "Erklärung", "en": "Explanation"},
    "ui.diag.relaxation": {"de": "Lockerung", "en": "Relaxation"},
    "ui.diag.relaxed_feasible": {"de": "dann planbar?", "en": "feasible then?"},
    "ui.diag.relaxed_value": {"de": "Wert gelockert", "en": "Relaxed value"},
    "ui.diag.relaxed_stops": {"de": "Stopps gelockert", "en": "Relaxed stops"},
    "ui.export.csv": {"de": "CSV", "en": "CSV"},
    "ui.export.xlsx": {"de": "Excel", "en": "Excel"},
    "ui.export.ics": {"de": "Kalender (.ics)", "en": "Calendar (.ics)"},
    "ui.export.geojson": {"de": "GeoJSON Stopps", "en": "GeoJSON stops"},
    "ui.export.route_geojson": {"de": "GeoJSON Route", "en": "GeoJSON route"},
    "ui.export.gpkg": {"de": "GeoPackage", "en": "GeoPackage"},
    "ui.export.pdf": {"de": "Bericht (PDF)", "en": "Report (PDF)"},
    "ui.export.failed": {
        "de": "{format} konnte nicht erstellt werden: {reason}. Die anderen Formate sind da.",
        "en": "{format} could not be made: {reason}. The other formats are there.",
    },
    "ui.coverage.title": {"de": "Abdeckung", "en": "Coverage"},
    "ui.coverage.intro": {
        "de": (
            "Wen erreicht der Plan? Karte und Zahlen je Kreis, städtisch und ländlich (nur lesen)."
        ),
        "en": (
            "Whom does the plan reach? Map and figures per district, urban and rural (read-only)."
        ),
    },
    "ui.coverage.no_plan": {
        "de": (
            "Noch kein Plan vorhanden: auf „Saison planen“ einen Plan erstellen oder ein "
            "gespeichertes Szenario öffnen."
        ),
        "en": "No plan yet: create one on 'Plan a season' or open a saved scenario.",
    },
    "ui.coverage.current_short": {"de": "aktueller Plan", "en": "current plan"},
    "ui.coverage.source": {"de": "Plan", "en": "Plan"},
    "ui.coverage.current": {
        "de": "Aktueller Plan (nicht gespeichert)",
        "en": "Current plan (not saved)",
    },
    "ui.coverage.scenario_without_plan": {
        "de": "Dieses Szenario enthält noch keinen Plan.",
        "en": "This scenario holds no plan yet.",
    },
    "ui.coverage.map_title": {
        "de": "Tiny Rathaus – Abdeckung: {name}",
        "en": "Tiny Rathaus – coverage: {name}",
    },
    "ui.coverage.figures": {
        "de": "Erreichte Einwohner (≤ {minutes} min)",
        "en": "People reached (≤ {minutes} min)",
    },
    "ui.coverage.export": {"de": "Karte weitergeben", "en": "Share the map"},
    "ui.coverage.download": {"de": "Karte als HTML herunterladen", "en": "Download map as HTML"},
    "ui.coverage.save_to_maps": {"de": "In Ordner maps/ speichern", "en": "Save into folder maps/"},
    "ui.coverage.saved_to": {"de": "Gespeichert: {path}", "en": "Saved: {path}"},
    "ui.map.colour_by": {"de": "Einfärbung", "en": "Colouring"},
    "ui.map.colour.covered": {"de": "erreicht / nicht erreicht", "en": "reached / not reached"},
    "ui.map.colour.minutes": {
        "de": "Minuten zum nächsten Stopp",
        "en": "minutes to the nearest stop",
    },
    "ui.map.show_cells": {"de": "Zensus-Gitter einblenden", "en": "Show Zensus grid"},
    "ui.fig.district": {"de": "Kreis", "en": "District"},
    "ui.fig.urban_reached": {"de": "städtisch erreicht", "en": "urban reached"},
    "ui.fig.urban_share": {"de": "städtisch %", "en": "urban %"},
    "ui.fig.rural_reached": {"de": "ländlich erreicht", "en": "rural reached"},
    "ui.fig.rural_share": {"de": "ländlich %", "en": "rural %"},
    "ui.fig.reached": {"de": "erreicht", "en": "reached"},
    "ui.fig.population": {"de": "Einwohner (Zensus)", "en": "population (Zensus)"},
    "ui.fig.share": {"de": "Anteil %", "en": "share %"},
}


CATALOGUE.update(
    {
        # score explanations (planner.scoring.explain_site)
        "explain.rank": {
            "de": "{name} steht auf Platz {rank} von {n}, mit {score:,.1f} von 100 Punkten.",
            "en": "{name} is ranked {ordinal} of {n} with {score:,.1f} of 100 points.",
        },
        "explain.part": {
            "de": "{label} {points:,.1f} von {max_points:,.1f} (Wert {value})",
            "en": "{label} {points:,.1f} of {max_points:,.1f} (value {value})",
        },
        "explain.top": {"de": "Größte Beiträge: {parts}.", "en": "Largest contributions: {parts}."},
        "explain.missed_part": {"de": "{label} (−{missed:,.1f})", "en": "{label} (−{missed:,.1f})"},
        "explain.missed": {
            "de": "Die meisten Punkte fehlen bei: {parts}.",
            "en": "Most points missed on: {parts}.",
        },
        "explain.unknown": {
            "de": "Unbekannte Angaben, neutral gewertet: {labels}.",
            "en": "Unknown facts counted as neutral: {labels}.",
        },
        "explain.behind": {
            "de": "Hinter {other} (Platz {rank}, {score:,.1f}) um {diff:,.1f} Punkte, "
            "vor allem bei {label} ({delta:+,.1f}).",
            "en": "Behind {other} ({ordinal}, {score:,.1f}) by {diff:,.1f} points, mostly on "
            "{label} ({delta:+,.1f}).",
        },
        "explain.compare_adds": {
            "de": "{name} erreicht {reached:,.0f} Menschen in {minutes:g} min; {only:,.0f} davon "
            "({rural:,.0f} im ländlichen Raum) erreicht keiner der anderen Standorte.",
            "en": "{name} reaches {reached:,.0f} people within {minutes:g} min; {only:,.0f} of "
            "them (of which {rural:,.0f} rural) are reached by none of the others.",
        },
        "explain.ahead": {
            "de": "Vor {other} (Platz {rank}, {score:,.1f}) um {diff:,.1f} Punkte, vor allem bei "
            "{label} ({delta:+,.1f}).",
            "en": "Ahead of {other} ({ordinal}, {score:,.1f}) by {diff:,.1f} points, mostly on "
            "{label} ({delta:+,.1f}).",
        },
    }
)


CATALOGUE.update(
    {
        # site selection (planner.selection): rule names
        "selection.rule.sites_total": {"de": "Anzahl der Standorte", "en": "number of sites"},
        "selection.rule.district_quota": {"de": "Quote {name}", "en": "quota {name}"},
        "selection.rule.district_quotas": {"de": "Quoten der Kreise", "en": "district quotas"},
        "selection.rule.urban_rural_mix": {
            "de": "Mischung städtisch/ländlich",
            "en": "urban/rural mix",
        },
        "selection.rule.min_urban": {"de": "Mindestzahl städtisch", "en": "minimum urban"},
        "selection.rule.min_rural": {"de": "Mindestzahl ländlich", "en": "minimum rural"},
        "selection.rule.must": {"de": "Pflichtstandorte", "en": "must-sites"},
        "selection.rule.must_not": {"de": "ausgeschlossene Standorte", "en": "excluded sites"},
        "selection.rule.min_spacing": {"de": "Mindestabstand", "en": "minimum spacing"},
        "selection.rule.rules": {"de": "Regeln", "en": "rules"},
        # site selection: why a rule set is infeasible
        "selection.problem.unknown_ids": {
            "de": "{rule}: unbekannte Standort-ID(s) {ids}",
            "en": "{rule}: unknown site id(s) {ids}",
        },
        "selection.problem.must_and_must_not": {
            "de": "{names} sind zugleich Pflicht und ausgeschlossen",
            "en": "must and must-not both list {names}",
        },
        "selection.problem.too_many_must": {
            "de": "{n} Standorte sind Pflicht, geplant sind aber nur {p}",
            "en": "{n} sites must be chosen but only {p} are planned",
        },
        "selection.problem.too_few_available": {
            "de": "nach den Ausschlüssen bleiben nur {n} Kandidaten, gebraucht werden {p}",
            "en": "only {n} candidates remain after must-not, {p} are needed",
        },
        "selection.problem.quota_needs_districts": {
            "de": "Quoten brauchen den Kreis jedes Standorts",
            "en": "district quotas need site districts",
        },
        "selection.problem.quota_min_over_max": {
            "de": "Quote für {district}: Minimum {lo} > Maximum {hi}",
            "en": "quota for {district}: min {lo} > max {hi}",
        },
        "selection.problem.quota_no_candidate": {
            "de": "Quote für {district}: kein Kandidat liegt in diesem Kreis",
            "en": "quota for {district}: no candidate site in it",
        },
        "selection.problem.quota_too_few": {
            "de": "Quote für {district} ist {quota}, der Kreis hat aber nur {n} Kandidaten",
            "en": "quota for {district} is {quota} but the district has only {n} candidate site(s)",
        },
        "selection.problem.quota_too_few_after_must_not": {
            "de": (
                "Quote für {district} ist {quota}, der Kreis hat nach den Ausschlüssen aber nur "
                "{n} Kandidaten"
            ),
            "en": (
                "quota for {district} is {quota} but the district has only {n} candidate "
                "site(s) after must-not"
            ),
        },
        "selection.problem.quota_must_over": {
            "de": "{n} Pflichtstandorte liegen in {district}, die Quote erlaubt {hi}",
            "en": "{n} must-sites lie in {district}, its quota allows {hi}",
        },
        "selection.problem.quotas_sum_over": {
            "de": "die Quoten ergeben zusammen {n} Standorte, geplant sind nur {p}",
            "en": "the district quotas add up to {n} sites, only {p} are planned",
        },
        "selection.problem.quotas_sum_under": {
            "de": "die Quoten erlauben höchstens {n} Standorte, geplant sind {p}",
            "en": "the district quotas allow at most {n} sites but {p} are planned",
        },
        "selection.problem.mix_needs_classes": {
            "de": "eine Mischung städtisch/ländlich braucht den Raumtyp jedes Standorts",
            "en": "an urban/rural mix needs site area classes",
        },
        "selection.problem.too_few_urban": {
            "de": "mindestens {minimum} städtische Standorte verlangt, es gibt nur {n}",
            "en": "at least {minimum} urban sites required, only {n} exist",
        },
        "selection.problem.too_few_rural": {
            "de": "mindestens {minimum} ländliche Standorte verlangt, es gibt nur {n}",
            "en": "at least {minimum} rural sites required, only {n} exist",
        },
        "selection.problem.mix_over_p": {
            "de": "{urban} städtische + {rural} ländliche > {p} geplante Standorte",
            "en": "{urban} urban + {rural} rural > {p} planned sites",
        },
        "selection.problem.spacing_needs_distances": {
            "de": "ein Mindestabstand braucht die Entfernungen zwischen den Standorten",
            "en": "a minimum spacing needs the distances between the sites",
        },
        "selection.problem.spacing_must_close": {
            "de": "die Pflichtstandorte {a} und {b} liegen näher als {metres:,.0f} m beieinander",
            "en": "must-sites {a} and {b} are closer than {metres:,.0f} m",
        },
        "selection.problem.drop_one": {
            "de": "die Regeln gehen nicht alle zusammen; ohne „{rule}“ wären sie erfüllbar",
            "en": (
                "the rules cannot all hold; dropping the rule '{rule}' would make them feasible"
            ),
        },
        "selection.problem.drop_two": {
            "de": "die Regeln „{a}“ und „{b}“ gehen zusammen mit den übrigen nicht",
            "en": "the rules '{a}' and '{b}' together cannot hold with the others",
        },
        "selection.problem.none_feasible": {
            "de": "die Regeln lassen als Ganzes keine Auswahl zu",
            "en": "the rule set as a whole admits no selection",
        },
        "selection.problem.infeasible": {
            "de": "die Regeln lassen keine Auswahl zu",
            "en": "the rules admit no selection",
        },
        # site selection on the region (planner.selection.region)
        "region_selection.status.mclp": {
            "de": (
                "Status: {status} · Zielwert {objective:,.0f} (Schranke {bound:,.0f}, Abstand "
                "{gap:.2f} %) · Rechenzeit {seconds:.1f} s"
            ),
            "en": (
                "Status: {status} · objective {objective:,.0f} (bound {bound:,.0f}, gap "
                "{gap:.2f} %) · solve time {seconds:.1f} s"
            ),
        },
        "region_selection.status.pmedian": {
            "de": (
                "Status: {status} · mittlere Fahrt {objective:.2f} min (Schranke {bound:.2f} min, "
                "Abstand {gap:.2f} %) · Rechenzeit {seconds:.1f} s"
            ),
            "en": (
                "Status: {status} · average trip {objective:.2f} min (bound {bound:.2f} min, gap "
                "{gap:.2f} %) · solve time {seconds:.1f} s"
            ),
        },
        "cli.select.reached": {
            "de": "Erreicht: {reached:,.0f} Einwohner ({share:.1f} %)",
            "en": "Reached: {reached:,.0f} people ({share:.1f} %)",
        },
        "cli.select.travel_model": {
            "de": "Fahrzeitmodell: {model}",
            "en": "Travel-time model: {model}",
        },
        # site selection: why a candidate was not chosen
        "selection.reason.must_not": {
            "de": "vom Planungsteam ausgeschlossen",
            "en": "excluded by the planner (must-not)",
        },
        "selection.reason.reaches_no_one": {
            "de": "erreicht niemanden innerhalb der Schwelle",
            "en": "reaches no one within the threshold",
        },
        "selection.reason.none_chosen": {
            "de": "es wurde kein Standort gewählt",
            "en": "no site was chosen",
        },
        "selection.reason.same_people": {
            "de": "erreicht dieselben {people:,.0f} Menschen wie {site}",
            "en": "covers the same {people:,.0f} people as {site}",
        },
        "selection.reason.already_reached": {
            "de": "alle {people:,.0f} Menschen, die er erreicht, erreichen schon {sites}",
            "en": "all {people:,.0f} people it reaches are already reached by {sites}",
        },
        "selection.reason.exchange_loses": {
            "de": (
                "brächte {gain:,.0f} noch nicht erreichte Menschen, aber der beste Tausch "
                "(gegen {site}) verliert {loss:,.0f} — netto {net:,.0f}"
            ),
            "en": (
                "would add {gain:,.0f} people not yet reached, but the best exchange "
                "(for {site}) loses {loss:,.0f} — net {net:,.0f}"
            ),
        },
        "selection.reason.blocked": {
            "de": "brächte {gain:,.0f} Menschen, aber {blocker}",
            "en": "would add {gain:,.0f} people, but {blocker}",
        },
        "selection.reason.not_chosen": {
            "de": (
                "brächte {gain:,.0f} Menschen (Tausch gegen {site}: netto +{net:,.0f}); unter "
                "den Regeln oder im Zeitlimit nicht gewählt"
            ),
            "en": (
                "would add {gain:,.0f} people (exchange for {site}: net +{net:,.0f}); not "
                "chosen under the rules or within the time limit"
            ),
        },
        "selection.reason.too_close": {
            "de": (
                "er liegt zu nah am gewählten Standort {site} ({metres:,.0f} m < "
                "{spacing:,.0f} m Mindestabstand)"
            ),
            "en": ("too close to chosen site {site} ({metres:,.0f} m < {spacing:,.0f} m spacing)"),
        },
        "selection.reason.quota_full": {
            "de": "die Quote von {district} ({quota}) ist schon mit besseren Standorten gefüllt",
            "en": "the quota of {district} ({quota}) is already filled by better sites",
        },
        "selection.reason.no_one_faster": {
            "de": "niemand wäre schneller dort als an einem schon gewählten Standort",
            "en": "no one would reach it faster than an already chosen site",
        },
        "selection.reason.exchange_longer": {
            "de": (
                "wäre für {people:,.0f} Menschen näher, aber der beste Tausch (gegen {site}) "
                "ändert die mittlere Fahrt um {delta:+.2f}"
            ),
            "en": (
                "would be nearer for {people:,.0f} people, but the best exchange (for {site}) "
                "changes the average trip by {delta:+.2f}"
            ),
        },
        "selection.reason.nearer_blocked": {
            "de": "wäre für {people:,.0f} Menschen näher, aber {blocker}",
            "en": "would be nearer for {people:,.0f} people, but {blocker}",
        },
        "selection.reason.nearer_not_chosen": {
            "de": (
                "wäre für {people:,.0f} Menschen näher (Tausch gegen {site}: mittlere Fahrt "
                "{delta:+.2f}); unter den Regeln oder im Zeitlimit nicht gewählt"
            ),
            "en": (
                "would be nearer for {people:,.0f} people (exchange for {site}: average trip "
                "{delta:+.2f}); not chosen under the rules or within the time limit"
            ),
        },
    }
)


CATALOGUE.update(
    {
        # page "Standorte auswählen"
        "ui.select.title": {"de": "Standorte auswählen", "en": "Choose sites"},
        "ui.select.intro": {
            "de": (
                "Welche Standorte bringen das Tiny Rathaus den meisten Menschen nahe? Der "
                "Optimierer wählt unter den Regeln der Saison und sagt zu jedem anderen "
                "Kandidaten, warum er nicht dabei ist."
            ),
            "en": (
                "Which sites bring the Tiny Rathaus closest to the most people? The optimiser "
                "chooses under the season's rules and says for every other candidate why it "
                "was left out."
            ),
        },
        "ui.select.model": {"de": "Ziel", "en": "Goal"},
        "ui.select.model_mclp": {
            "de": "möglichst viele Menschen in Reichweite (MCLP)",
            "en": "most people within reach (MCLP)",
        },
        "ui.select.model_pmedian": {
            "de": "möglichst kurze Wege im Mittel (p-Median)",
            "en": "shortest average trip (p-median)",
        },
        "ui.select.p": {"de": "Anzahl Standorte", "en": "Number of sites"},
        "ui.select.threshold": {
            "de": "Erreichbar innerhalb von … Minuten (Auto)",
            "en": "Reachable within … minutes (car)",
        },
        "ui.select.quota": {"de": "Standorte in {district}", "en": "Sites in {district}"},
        "ui.select.use_quotas": {
            "de": "Feste Anzahl je Kreis (Quoten)",
            "en": "Fixed number per district (quotas)",
        },
        "ui.select.min_urban": {"de": "mindestens städtisch", "en": "At least urban"},
        "ui.select.min_rural": {"de": "mindestens ländlich", "en": "At least rural"},
        "ui.select.spacing": {
            "de": "Mindestabstand zwischen Standorten (km)",
            "en": "Minimum distance between sites (km)",
        },
        "ui.select.emphasis": {"de": "Besonders zählen", "en": "Count extra"},
        "ui.select.emphasis_population": {"de": "alle gleich", "en": "everyone alike"},
        "ui.select.emphasis_rural": {
            "de": "Menschen im ländlichen Raum",
            "en": "people in rural areas",
        },
        "ui.select.emphasis_age65": {"de": "Menschen ab 65", "en": "people aged 65+"},
        "ui.select.factor": {"de": "… zählen so oft", "en": "… count this many times"},
        "ui.select.time_limit": {
            "de": "Zeitlimit des Optimierers (s)",
            "en": "Optimiser time limit (s)",
        },
        "ui.select.must": {
            "de": "Diese Standorte müssen dabei sein",
            "en": "Sites that must be in",
        },
        "ui.select.must_not": {"de": "Diese Standorte ausschließen", "en": "Sites to leave out"},
        "ui.select.run": {"de": "Standorte auswählen", "en": "Choose sites"},
        "ui.select.running": {
            "de": "Der Optimierer wählt (höchstens {seconds} s) …",
            "en": "The optimiser is choosing (at most {seconds} s) …",
        },
        "ui.select.infeasible": {
            "de": "Mit diesen Regeln gibt es keine Auswahl:",
            "en": "These rules admit no selection:",
        },
        "ui.select.problem": {"de": "{rule}: {message}", "en": "{rule}: {message}"},
        "ui.select.none_yet": {
            "de": "Regeln festlegen und „Standorte auswählen“ drücken.",
            "en": "Set the rules and press 'Choose sites'.",
        },
        "ui.select.stale": {
            "de": "Die Einstellungen wurden seit dieser Auswahl geändert; neu auswählen, um sie "
            "anzuwenden.",
            "en": "The settings changed since this selection; choose again to apply them.",
        },
        "ui.select.sites": {"de": "Standorte", "en": "Sites"},
        "ui.select.reached": {
            "de": "Erreichte Einwohner (≤ {minutes} min)",
            "en": "People reached (≤ {minutes} min)",
        },
        "ui.select.share": {"de": "Anteil der Region", "en": "Share of the region"},
        "ui.select.average": {"de": "Mittlere Fahrt", "en": "Average trip"},
        "ui.select.chosen": {"de": "Gewählte Standorte", "en": "Chosen sites"},
        "ui.select.col_reached": {
            "de": "erreicht (≤ {minutes} min)",
            "en": "reached (≤ {minutes} min)",
        },
        "ui.select.col_only": {"de": "nur hier erreicht", "en": "reached only here"},
        "ui.select.col_rural": {"de": "davon ländlich", "en": "of whom rural"},
        "ui.select.col_65": {"de": "davon ab 65", "en": "of whom 65+"},
        "ui.select.only_help": {
            "de": "„nur hier erreicht“: Menschen, die keiner der anderen gewählten Standorte "
            "erreicht.",
            "en": "'reached only here': people none of the other chosen sites reaches.",
        },
        "ui.select.map": {"de": "Karte der Auswahl", "en": "Map of the selection"},
        "ui.select.map_title": {
            "de": "Tiny Rathaus – {p} gewählte Standorte (≤ {minutes} min)",
            "en": "Tiny Rathaus – {p} chosen sites (≤ {minutes} min)",
        },
        "ui.select.layer": {"de": "Gewählte Standorte", "en": "Chosen sites"},
        "ui.select.figures": {
            "de": "Erreichte Einwohner (≤ {minutes} min)",
            "en": "People reached (≤ {minutes} min)",
        },
        "ui.select.why_not": {"de": "Warum nicht gewählt?", "en": "Why not chosen?"},
        "ui.select.to_season": {
            "de": "Als Pflichtstandorte in die Saison übernehmen",
            "en": "Use as required sites of the season",
        },
        "ui.select.to_season_done": {
            "de": "{n} Standorte sind jetzt Pflichtstandorte der Saison; weiter unter „Saison "
            "planen“.",
            "en": "{n} sites are now required sites of the season; go on under 'Plan a season'.",
        },
        "ui.season.must_include": {
            "de": "Pflichtstandorte (müssen in die Saison)",
            "en": "Required sites (must be in the season)",
        },
        "ui.season.exclude": {"de": "Ausgeschlossene Standorte", "en": "Excluded sites"},
        "ui.select.download": {
            "de": "Auswahl als CSV herunterladen",
            "en": "Download the selection as CSV",
        },
    }
)


CATALOGUE.update(
    {
        # generic
        "ui.choose": {"de": "Bitte wählen …", "en": "Choose options"},
        "ui.choose_one": {"de": "Bitte wählen …", "en": "Choose an option"},
        "ui.none": {"de": "–", "en": "–"},
        # weekdays
        **{
            f"weekday.{n}": {"de": de, "en": en}
            for n, (de, en) in enumerate(
                [
                    ("Mo", "Mon"),
                    ("Di", "Tue"),
                    ("Mi", "Wed"),
                    ("Do", "Thu"),
                    ("Fr", "Fri"),
                    ("Sa", "Sat"),
                    ("So", "Sun"),
                ]
            )
        },
        # calendar
        "calendar.holiday": {"de": "Feiertag ({name_de})", "en": "public holiday ({name_en})"},
        "calendar.blackout": {
            "de": "Sperrtermin der Planung ({reason})",
            "en": "planner blackout ({reason})",
        },
        "calendar.blackout_plain": {"de": "Sperrtermin der Planung", "en": "planner blackout"},
        "calendar.weekday": {
            "de": "kein Betriebstag ({day})",
            "en": "not an operating weekday ({day})",
        },
        "calendar.outside": {"de": "außerhalb der Saison", "en": "outside the season"},
        "calendar.bad_blackout": {
            "de": "Sperrtermin „{entry}“ ist kein Datum (JJJJ-MM-TT oder JJJJ-MM-TT..JJJJ-MM-TT).",
            "en": "blackout date '{entry}' is not a date (YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD).",
        },
        "calendar.bad_range": {
            "de": "Sperrtermin „{entry}“: das Ende liegt vor dem Beginn.",
            "en": "blackout date '{entry}': the end is before the start.",
        },
        # season config (file and app form)
        "config.error": {
            "de": "Einstellung {key} = {value}: {problem}",
            "en": "season config: {key} = {value}: {problem}",
        },
        "config.error_key": {
            "de": "Einstellung {key}: {problem}",
            "en": "season config: {key}: {problem}",
        },
        "config.whole_number": {
            "de": "erwartet eine ganze Zahl ≥ {low}",
            "en": "expected a whole number >= {low}",
        },
        "config.number_min": {
            "de": "erwartet eine Zahl ≥ {low:g}",
            "en": "expected a number >= {low:g}",
        },
        "config.number_above": {"de": "muss größer als {low:g} sein", "en": "must be > {low:g}"},
        "config.number_between": {
            "de": "erwartet eine Zahl zwischen {low:g} und {high:g}",
            "en": "expected a number between {low:g} and {high:g}",
        },
        "config.missing": {"de": "fehlt", "en": "is missing"},
        "config.not_a_date": {
            "de": "ist kein Datum (JJJJ-MM-TT)",
            "en": "is not a date (expected YYYY-MM-DD)",
        },
        "config.blackout_entry": {
            "de": "ist kein Datum (JJJJ-MM-TT oder JJJJ-MM-TT..JJJJ-MM-TT)",
            "en": "is not a date (YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD)",
        },
        "config.range_reversed": {
            "de": "das Ende liegt vor dem Beginn",
            "en": "the end is before the start",
        },
        "config.before_start": {
            "de": "liegt vor dem Saisonbeginn {start}",
            "en": "is before season.start = {start}",
        },
        "config.weekday_list": {
            "de": 'erwartet eine Liste wie ["Mon", "Tue"]',
            "en": 'expected a list such as ["Mon", "Tue"]',
        },
        "config.not_a_weekday": {
            "de": "ist kein Wochentag (Mon..Sun oder 0..6)",
            "en": "not a weekday (Mon..Sun or 0..6)",
        },
        "config.site_list": {
            "de": "erwartet eine Liste von Standort-IDs",
            "en": "expected a list of site ids",
        },
        "config.unknown_table": {
            "de": "unbekannte Tabelle; erlaubt: {allowed}",
            "en": "unknown table; expected one of {allowed}",
        },
        "config.unknown_key": {
            "de": "unbekannter Schlüssel; erlaubt: {allowed}",
            "en": "unknown key; expected one of {allowed}",
        },
        "config.home": {
            "de": "erwartet eine Standort-ID oder einen Gemeindenamen",
            "en": "expected a site id or a municipality name",
        },
        "config.home_unknown": {
            "de": "weder eine Standort-ID noch eine Gemeinde der Standorttabelle",
            "en": "neither a site_id nor a municipality of the sites table",
        },
        "config.quota_table": {
            "de": "erwartet eine Tabelle Kreis = Anzahl",
            "en": "expected a table district = number",
        },
        "config.table": {"de": "erwartet eine Tabelle", "en": "expected a table"},
        "config.unknown_weight": {
            "de": "unbekanntes Gewicht; erlaubt: {allowed}",
            "en": "unknown weight; use {allowed}",
        },
        "config.booking": {
            "de": 'erwartet eine Tabelle mit site = "<Standort-ID>" und start = JJJJ-MM-TT',
            "en": 'expected a table with site = "<site id>" and start = YYYY-MM-DD',
        },
        "config.file_not_found": {"de": "Datei nicht gefunden", "en": "file not found"},
        "config.bad_toml": {
            "de": "ist kein gültiges TOML: {error}",
            "en": "is not valid TOML: {error}",
        },
        "config.unknown_district": {
            "de": (
                "ist weder ein Kreisname noch eine Kreis-AGS der Standorttabelle (bekannt: {known})"
            ),
            "en": (
                "is neither a district name nor a district_ags of the sites table (known: {known})"
            ),
        },
        "config.unknown_site": {
            "de": "Standort ist nicht in der Standorttabelle",
            "en": "site is not in the sites table",
        },
        "config.booked_twice": {"de": "Standort ist doppelt gebucht", "en": "site is booked twice"},
        "config.must_and_exclude": {
            "de": "Standorte sind zugleich Pflicht und ausgeschlossen",
            "en": "sites are both in must_include and exclude",
        },
        # season plan: summary
        "season.explain.feasible": {
            "de": (
                "{stops} Stopps, Wert {value:.1f} (Schranke {bound:.1f}, Abstand {gap:.2f} %), "
                "ländlicher Anteil {rural:.0f} %, {km:.0f} km geschleppt"
            ),
            "en": (
                "{stops} stops, value {value:.1f} (bound {bound:.1f}, gap {gap:.2f} %), "
                "rural share {rural:.0f} %, {km:.0f} km towed"
            ),
        },
        "season.explain.infeasible": {
            "de": "Die Saison kann nicht alle Regeln erfüllen.",
            "en": "The season cannot meet all rules.",
        },
        # season plan: rules
        "season.rule.district_quota": {"de": "Quote {name}", "en": "quota {name}"},
        "season.rule.stops_total": {"de": "Gesamtzahl der Stopps", "en": "total number of stops"},
        "season.rule.min_rural_share": {
            "de": "Mindestanteil ländlich",
            "en": "minimum rural share",
        },
        "season.rule.municipality_gap": {
            "de": "Abstand bis zur selben Gemeinde",
            "en": "gap before the same municipality",
        },
        "season.rule.max_tow": {"de": "maximale Schleppzeit", "en": "maximum towing time"},
        "season.rule.booking": {"de": "Buchung {name}", "en": "booking {name}"},
        "season.rule.must_include": {"de": "Pflichtstandort {name}", "en": "required site {name}"},
        "season.rule.blackout_dates": {"de": "Sperrtermine", "en": "blackout dates"},
        "season.rule.relocation_days": {"de": "Umzugstage", "en": "relocation days"},
        "season.rule.season_length": {"de": "Saisonlänge", "en": "season length"},
        "season.rule.time_limit": {"de": "Zeitlimit", "en": "time limit"},
        "season.rule.unknown": {"de": "unbekannt", "en": "unknown"},
        "season.rule.combination": {"de": "Kombination der Regeln", "en": "combination of rules"},
        # season plan: relaxations
        "season.relax.district_quota": {
            "de": "Quote für {district} von {old} auf {new} gesenkt",
            "en": "quota for {district} lowered from {old} to {new}",
        },
        "season.relax.stops_total": {
            "de": "Gesamtzahl von {n} Stopps aufgehoben",
            "en": "total of {n} stops dropped",
        },
        "season.relax.min_rural_share": {
            "de": "Mindestanteil ländlich von {share:.0%} aufgehoben",
            "en": "minimum rural share {share:.0%} dropped",
        },
        "season.relax.municipality_gap": {
            "de": "Abstand von {days} Tagen aufgehoben",
            "en": "gap of {days} days dropped",
        },
        "season.relax.max_tow": {
            "de": "Schleppgrenze von {minutes:g} min aufgehoben",
            "en": "towing limit of {minutes:g} min dropped",
        },
        "season.relax.booking": {
            "de": "Buchung von {site} am {date} aufgehoben",
            "en": "booking of {site} on {date} dropped",
        },
        "season.relax.must_include": {
            "de": "{site} nicht mehr Pflicht",
            "en": "{site} no longer required",
        },
        "season.relax.blackout_dates": {
            "de": "Sperrtermine der Planung ignoriert",
            "en": "planner blackout dates ignored",
        },
        "season.relax.relocation_days": {
            "de": "Umzug am selben Tag wie die nächste Öffnung",
            "en": "relocation on the same day as the next opening",
        },
        "season.relax.season_length": {
            "de": "Saison um 4 Wochen bis {end} verlängert",
            "en": "season extended by 4 weeks to {end}",
        },
        # season plan: diagnosis
        "season.diag.relaxable": {
            "de": (
                "die Saison kann diese Regel nicht zusammen mit den anderen erfüllen; "
                "gelockert ({relaxation}) gibt es einen Plan: {stops} Stopps, Wert "
                "{value:.1f}{detail}"
            ),
            "en": (
                "the season cannot meet this rule together with the others; with the "
                "{relaxation}, a plan exists: {stops} stops, value {value:.1f}{detail}"
            ),
        },
        "season.detail.none": {"de": "", "en": ""},
        "season.detail.district_quota": {
            "de": " ({got} Stopps in {district})",
            "en": " ({got} stops in {district})",
        },
        "season.detail.min_rural_share": {
            "de": " (ländlicher Anteil {share:.0%})",
            "en": " (rural share {share:.0%})",
        },
        "season.detail.max_tow": {
            "de": " (längster Umzug {minutes:.0f} min)",
            "en": " (longest tow {minutes:.0f} min)",
        },
        "season.diag.none": {
            "de": (
                "keine einzelne gelockerte Regel macht die Saison planbar; der Konflikt "
                "betrifft {rules}"
            ),
            "en": (
                "no single rule relaxed makes the season feasible; the conflict involves {rules}"
            ),
        },
        "season.diag.none_combination": {
            "de": "keine einzelne gelockerte Regel macht die Saison planbar",
            "en": "no single rule relaxed makes the season feasible",
        },
        "season.diag.in_conflict": {
            "de": "Regel {rule} ist Teil eines Konflikts",
            "en": "rule {rule} is part of a conflict",
        },
        "season.diag.time_limit": {
            "de": "kein Plan innerhalb des Zeitlimits gefunden",
            "en": "no plan found within the time limit",
        },
        "season.diag.booking_closed": {
            "de": "Buchung von {site} beginnt am {date}, das ist kein Betriebstag ({reason})",
            "en": "booking of {site} starts on {date}, which is not an operating day ({reason})",
        },
        "season.diag.booking_span": {
            "de": (
                "Buchung von {site} ab {date} für {days} Öffnungstage reicht über das "
                "Saisonende oder einen Sperrtermin"
            ),
            "en": (
                "booking of {site} from {date} for {days} open days runs past the season end "
                "or over a blackout date"
            ),
        },
        # season plan: why a candidate is not in the plan
        "season.reason.excluded": {
            "de": "von der Planung ausgeschlossen",
            "en": "excluded by the planners",
        },
        "season.reason.availability": {
            "de": (
                "Verfügbarkeit: kein Aufenthalt von {days} Tagen passt an Betriebstagen in "
                "das Fenster {start} – {end}"
            ),
            "en": (
                "availability: no {days}-day stay fits its window {start} – {end} on operating days"
            ),
        },
        "season.window.start": {"de": "Saisonbeginn", "en": "season start"},
        "season.window.end": {"de": "Saisonende", "en": "season end"},
        "season.reason.too_far": {
            "de": (
                "zu weit zum Schleppen: mehr als {minutes:g} min vom Heimatstandort und von "
                "jedem geplanten Stopp"
            ),
            "en": (
                "too far to tow: more than {minutes:g} min from home and from every planned stop"
            ),
        },
        "season.reason.no_quota": {
            "de": "Kreis {district} hat in dieser Saison keine Quote",
            "en": "district {district} has no quota in this season",
        },
        "season.reason.covered": {
            "de": (
                "von einem gewählten Stopp abgedeckt: {name} ({site}) erreicht schon "
                "{shared:,.0f} seiner {total:,.0f} Einwohner"
            ),
            "en": (
                "covered by a chosen stop: {name} ({site}) already reaches {shared:,.0f} of "
                "its {total:,.0f} people"
            ),
        },
        "season.reason.quota_full": {
            "de": "Quote voll: Kreis {district} hat seine {quota} Stopps, alle höher bewertet",
            "en": "quota full: district {district} has its {quota} stops, all with a higher score",
        },
        "season.reason.quota_full_fit": {
            "de": (
                "Quote voll: Kreis {district} hat seine {quota} Stopps; dieser Standort ist "
                "höher bewertet, passt aber schlechter zu Terminen, Schleppwegen oder "
                "Abdeckung der Saison"
            ),
            "en": (
                "quota full: district {district} has its {quota} stops; this site scores "
                "higher but fits the dates, towing or coverage of the season less well"
            ),
        },
        "season.reason.low_score": {
            "de": "geringe Bewertung: die gewählten Stopps bringen der Saison mehr",
            "en": "low score: the chosen stops add more value to the season",
        },
        # comparison of two plans
        "season.total.status": {"de": "Status", "en": "status"},
        "season.total.stops": {"de": "Stopps", "en": "stops"},
        "season.total.value": {"de": "Wert der Saison", "en": "season value"},
        "season.total.bound": {"de": "Schranke", "en": "bound"},
        "season.total.gap": {"de": "Abstand zur Schranke", "en": "gap to bound"},
        "season.total.rural_share": {"de": "Anteil ländlich", "en": "rural share"},
        "season.total.population_covered": {
            "de": "erreichte Einwohner",
            "en": "people covered",
        },
        "season.total.km_towed": {"de": "Schleppstrecke (km)", "en": "distance towed (km)"},
        "season.total.tow_minutes": {"de": "Schleppzeit (min)", "en": "towing time (min)"},
        "season.total.score_sum": {"de": "Summe der Bewertungen", "en": "sum of scores"},
        "season.total.first_day": {"de": "erster Tag", "en": "first day"},
        "season.total.last_day": {"de": "letzter Tag", "en": "last day"},
        "season.total.stops_per_district": {
            "de": "Stopps in {district}",
            "en": "stops in {district}",
        },
        "season.total.difference": {"de": "Differenz", "en": "difference"},
        "season.change.same_dates": {"de": "gleiche Termine", "en": "same dates"},
        "season.change.moved": {"de": "verschoben", "en": "moved"},
        "season.change.only_a": {"de": "nur in {label}", "en": "only in {label}"},
        "season.change.only_b": {"de": "nur in {label}", "en": "only in {label}"},
        "season.col.change": {"de": "Änderung", "en": "change"},
        "season.col.stop": {"de": "Stopp {label}", "en": "stop {label}"},
        "season.col.start": {"de": "Beginn {label}", "en": "start {label}"},
        "season.col.end": {"de": "Ende {label}", "en": "end {label}"},
        # exports
        "export.calendar_name": {"de": "Tiny Rathaus Saison", "en": "Tiny Rathaus season"},
        "export.summary": {
            "de": "Tiny Rathaus: {name} (Stopp {stop})",
            "en": "Tiny Rathaus: {name} (stop {stop})",
        },
        "export.description": {
            "de": (
                "Stopp {stop} der Saison (Einheit {unit}): {name}, {municipality}, {district} "
                "({area}). {open_days} Öffnungstage von {start} bis {end}. Schleppweg vom "
                "vorigen Stopp: {tow_minutes} min, {tow_km} km."
            ),
            "en": (
                "Stop {stop} of the season (unit {unit}): {name}, {municipality}, {district} "
                "({area}). {open_days} open days from {start} to {end}. Towing from the previous "
                "stop: {tow_minutes} min, {tow_km} km."
            ),
        },
        # site edits
        "import.site": {"de": "Standort „{site}“", "en": "Site '{site}'"},
        "import.unknown_site": {
            "de": "Standort „{value}“ gibt es nicht.",
            "en": "Site '{value}' does not exist.",
        },
        "import.not_editable": {
            "de": "Feld „{field}“ kann nicht bearbeitet werden.",
            "en": "Field '{field}' cannot be edited.",
        },
        # app: season page additions
        "ui.season.compare": {"de": "Pläne vergleichen", "en": "Compare plans"},
        "ui.season.compare_with": {
            "de": "Aktuellen Plan vergleichen mit Szenario",
            "en": "Compare the current plan with scenario",
        },
        "ui.season.compare_none": {
            "de": "Noch kein gespeichertes Szenario mit Plan zum Vergleichen.",
            "en": "No saved scenario with a plan to compare with yet.",
        },
        "ui.season.compare_current": {"de": "aktuell", "en": "current"},
        "ui.season.problem": {"de": "{label}: {message}", "en": "{label}: {message}"},
        "ui.season.scenario_diagnosis": {
            "de": "Der Plan dieses Szenarios war nicht erfüllbar:",
            "en": "This scenario's plan was infeasible:",
        },
    }
)


@dataclass(frozen=True)
class Message:
    """A text for people, kept as a catalogue key and its parameters until it is shown.

    Parameters may be numbers (formatted for the language: decimal comma in German), strings,
    or other messages (translated into the same language).
    """

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The message in ``lang``."""
        return t(self.key, lang, **self.params)

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible form (nested messages as dicts, dates as ISO text)."""
        return {"key": self.key, "params": {k: _plain(v) for k, v in self.params.items()}}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Message:
        """Inverse of :meth:`to_dict`."""

        def restore(value: object) -> object:
            if isinstance(value, Mapping) and "key" in value:
                return cls.from_dict(value)
            if isinstance(value, list):
                return [restore(v) for v in value]
            return value

        params = {k: restore(v) for k, v in dict(data.get("params") or {}).items()}
        return cls(str(data["key"]), params)


@dataclass(frozen=True)
class Value:
    """A message parameter shown with :func:`format_value` in the message's language."""

    value: object


def _plain(value: object) -> object:
    if isinstance(value, Message):
        return value.to_dict()
    if isinstance(value, Value):
        return _plain(value.value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, str):
        return value.item()  # numpy scalars
    return value


class _Number:
    """A number that formats with the language's decimal and thousands separators."""

    def __init__(self, value: float, lang: str) -> None:
        self.value = value
        self.lang = lang

    def __format__(self, spec: str) -> str:
        text = format(self.value, spec)
        if self.lang == "de":
            text = text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")
        return text

    def __str__(self) -> str:
        return self.__format__("")


def _localise(value: object, lang: str) -> object:
    if isinstance(value, Message):
        return value.text(lang)
    if isinstance(value, Value):
        return format_value(value.value, lang)
    if isinstance(value, list | tuple):  # a list of parts, joined
        return "; ".join(str(_localise(v, lang)) for v in value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) or (
        hasattr(value, "dtype") and hasattr(value, "item") and not isinstance(value, str)
    ):
        number = value.item() if hasattr(value, "item") else value
        if isinstance(number, int | float) and not isinstance(number, bool):
            return _Number(number, lang)
    return value


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **params: object) -> str:
    """Translate ``key`` into ``lang``, filling in ``params``; unknown keys come back as the key.

    Numbers are formatted for the language (German: decimal comma, thousands dot) and nested
    :class:`Message` parameters are translated into the same language.
    """
    entry = CATALOGUE.get(key)
    if entry is None:
        return key
    template = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return template.format(**{k: _localise(v, lang) for k, v in params.items()})


def format_value(
    value: object, lang: str = DEFAULT_LANGUAGE, *, decimals: int | None = None
) -> str:
    """A value for people: rounded numbers in the language's notation, fact words translated,
    ``–`` for a missing value.

    Parameters
    ----------
    value
        A number, a fact word (``"yes"``, ``"unknown"`` …), ``None`` or NaN.
    lang
        ``"de"`` or ``"en"``.
    decimals
        Decimals of a number that is not whole (default: none from 10 up, two below).

    Returns
    -------
    str
    """
    if value is None or (isinstance(value, float) and value != value):
        return t("ui.none", lang)
    if (isinstance(value, int | float) and not isinstance(value, bool)) or (
        hasattr(value, "dtype") and hasattr(value, "item")
    ):
        number = float(value)  # type: ignore[arg-type]
        if number != number:
            return t("ui.none", lang)
        if number.is_integer():
            spec = ",.0f"
        elif decimals is not None:
            spec = f",.{decimals}f"
        else:
            spec = ",.0f" if abs(number) >= 10 else ",.2f"
        return format_number(number, lang, spec)
    key = "fact." + str(value).replace(" ", "_")
    return t(key, lang) if key in CATALOGUE else str(value)


def format_number(value: float, lang: str = DEFAULT_LANGUAGE, spec: str = ",.1f") -> str:
    """``value`` formatted with ``spec`` in the language's notation ("1.032,8" in German)."""
    return format(_Number(float(value), lang), spec)


def format_percent(share: object, lang: str = DEFAULT_LANGUAGE) -> str:
    """A share 0..1 as a percentage with one decimal ("45,3 %" in German).

    Undefined shares (None, NaN, ``pd.NA``) give the catalogue's "none" text ("–"); numpy
    scalars count as numbers.
    """
    if not isinstance(share, numbers.Real) or not math.isfinite(share):
        return t("ui.none", lang)
    return format_number(100 * float(share), lang, ".1f") + " %"


CATALOGUE.update(
    {
        "report.title": {"de": "Tiny Rathaus: Saisonplan", "en": "Tiny Rathaus: season plan"},
        "report.subtitle": {
            "de": "Das mobile Rathaus der KielRegion auf Tour",
            "en": "KielRegion's mobile town hall on tour",
        },
        "report.season": {"de": "Saison {start} bis {end}", "en": "Season {start} to {end}"},
        "report.key.period": {"de": "Zeitraum", "en": "Period"},
        "report.key.stops": {"de": "Stopps", "en": "Stops"},
        "report.key.people": {"de": "Erreichte Menschen", "en": "People reached"},
        "report.key.people_value": {
            "de": "{people} ({share} der {total} Menschen im Zensus-Raster der Region)",
            "en": "{people} ({share} of the {total} people in the region's census grid)",
        },
        "report.key.districts": {"de": "Kreise", "en": "Districts"},
        "report.key.district_value": {"de": "{name}: {stops}", "en": "{name}: {stops}"},
        "report.key.rural": {"de": "Ländliche Stopps", "en": "Rural stops"},
        "report.key.open_days": {"de": "Öffnungstage", "en": "Open days"},
        "report.key.towing": {"de": "Schleppstrecke", "en": "Towing"},
        "report.key.towing_value": {
            "de": "{km:,.0f} km, {hours:,.1f} Stunden",
            "en": "{km:,.0f} km, {hours:,.1f} hours",
        },
        "report.key.home": {"de": "Heimatstandort", "en": "Home base"},
        "report.heading.map": {
            "de": "Karte der Stopps und der Route",
            "en": "Map of the stops and the route",
        },
        "report.heading.schedule": {"de": "Zeitplan", "en": "Schedule"},
        "report.heading.figures": {
            "de": "Zahlen nach Kreis, Stadt und Land",
            "en": "Figures by district, urban and rural",
        },
        "report.heading.sources": {
            "de": "Quellen und Namensnennung",
            "en": "Sources and attribution",
        },
        "report.heading.method": {"de": "Methode", "en": "Method"},
        "report.col.stop": {"de": "Nr.", "en": "No."},
        "report.col.period": {"de": "Zeitraum", "en": "Dates"},
        "report.col.site": {"de": "Standort", "en": "Site"},
        "report.col.municipality": {"de": "Gemeinde", "en": "Municipality"},
        "report.col.district": {"de": "Kreis", "en": "District"},
        "report.col.area": {"de": "Raum", "en": "Area"},
        "report.col.people": {"de": "Neu erreicht", "en": "Newly reached"},
        "report.col.group": {"de": "Kreis / Raum", "en": "District / area"},
        "report.col.stops": {"de": "Stopps", "en": "Stops"},
        "report.col.stop_share": {"de": "Anteil Stopps", "en": "Share of stops"},
        "report.col.people_reached": {"de": "Erreichte Menschen", "en": "People reached"},
        "report.col.people_share": {"de": "Anteil Erreichte", "en": "Share of people reached"},
        "report.col.source": {"de": "Quelle", "en": "Source"},
        "report.col.vintage": {"de": "Stand", "en": "Vintage"},
        "report.col.licence": {"de": "Lizenz", "en": "Licence"},
        "report.col.attribution": {"de": "Namensnennung", "en": "Attribution"},
        "report.row.total": {"de": "Gesamt", "en": "Total"},
        "report.period": {"de": "{start} bis {end}", "en": "{start} to {end}"},
        "report.note.people": {
            "de": "„Neu erreicht“: Menschen (Zensus 2022, 1-km-Raster) innerhalb von {minutes:g} "
            "Autominuten um den Stopp, die kein früherer Stopp schon erreicht hat; jede Person "
            "zählt einmal.",
            "en": "“Newly reached”: people (Zensus 2022, 1 km grid) within {minutes:g} minutes by "
            "car of the stop whom no earlier stop has reached; each person counts once.",
        },
        "report.note.people_plain": {
            "de": "„Neu erreicht“: Menschen (Zensus 2022, 1-km-Raster) im Einzugsbereich des "
            "Stopps, die kein früherer Stopp schon erreicht hat; jede Person zählt einmal.",
            "en": "“Newly reached”: people (Zensus 2022, 1 km grid) in the stop's catchment whom "
            "no earlier stop has reached; each person counts once.",
        },
        "report.note.figures": {
            "de": "Erreichte Menschen werden dem Kreis und Raum (städtisch/ländlich) des Stopps "
            "zugerechnet, der sie zuerst erreicht.",
            "en": "People reached are credited to the district and area (urban/rural) of the stop "
            "that reaches them first.",
        },
        "report.map.stop": {
            "de": "Stopp (Nummer = Reihenfolge)",
            "en": "Stop (number = tour order)",
        },
        "report.map.route": {"de": "Route", "en": "Route"},
        "report.map.home": {"de": "Heimatstandort", "en": "Home base"},
        "report.map.district": {"de": "Kreisgrenze", "en": "District boundary"},
        "report.map.municipality": {"de": "Gemeindegrenze", "en": "Municipality boundary"},
        "report.map.north": {"de": "N", "en": "N"},
        "report.map.caption": {
            "de": "Die Linien verbinden die Stopps in Tourreihenfolge (Luftlinie), vom "
            "Heimatstandort und zurück. Projektion ETRS89 / UTM Zone 32N (EPSG:25832); Quellen "
            "der Grenzen unter „Quellen und Namensnennung“.",
            "en": "The lines join the stops in tour order (straight lines), from the home base and "
            "back. Projection ETRS89 / UTM zone 32N (EPSG:25832); sources of the boundaries under "
            "“Sources and attribution”.",
        },
        "report.method.travel": {
            "de": "Fahrzeitmodell: {model}.",
            "en": "Travel-time model: {model}.",
        },
        "report.method.crow_fly": {
            "de": "Luftlinie × {detour:g} (Umwegfaktor), gefahren mit {bands}",
            "en": "straight line × {detour:g} (detour factor), driven at {bands}",
        },
        "report.method.band": {
            "de": "{speed:g} km/h bis {upper:g} km",
            "en": "{speed:g} km/h up to {upper:g} km",
        },
        "report.method.band_last": {"de": "{speed:g} km/h darüber", "en": "{speed:g} km/h beyond"},
        "report.method.coverage": {
            "de": "Ein Rasterfeld gilt als erreicht, wenn es höchstens {minutes:g} Autominuten vom "
            "Stopp entfernt liegt.",
            "en": "A grid cell counts as reached when it lies within {minutes:g} minutes by car of "
            "the stop.",
        },
        "report.method.rules": {
            "de": "Regeln der Saison: {stay} Öffnungstage je Stopp, {relocation} freie Tage für "
            "jeden Umzug, {tow}, {gap} Tage Abstand vor einem erneuten Stopp in derselben "
            "Gemeinde, mindestens {rural} ländliche Stopps.",
            "en": "Season rules: {stay} open days per stop, {relocation} free days for each move, "
            "{tow}, {gap} days before a municipality hosts again, at least {rural} rural stops.",
        },
        "report.method.max_tow": {
            "de": "höchstens {minutes:,.0f} Schleppminuten je Umzug",
            "en": "at most {minutes:,.0f} towing minutes per move",
        },
        "report.method.no_max_tow": {"de": "keine Grenze der Schleppzeit", "en": "no towing limit"},
        "report.method.solver": {
            "de": "Optimiert mit Google OR-Tools (CP-SAT): {status}; Abstand zur bewiesenen "
            "oberen Schranke des Saisonwerts {gap}.",
            "en": "Optimised with Google OR-Tools (CP-SAT): {status}; gap to the proven upper "
            "bound of the season value {gap}.",
        },
        "report.status.optimal": {"de": "beweisbar optimal", "en": "proven optimal"},
        "report.status.feasible": {
            "de": "gültiger Plan, Optimalität nicht bewiesen",
            "en": "valid plan, optimality not proven",
        },
        "report.method.towing": {
            "de": "Schleppstrecke gesamt {km:,.1f} km ({minutes:,.0f} min) einschließlich der "
            "Rückfahrt zum Heimatstandort.",
            "en": "Towing in all {km:,.1f} km ({minutes:,.0f} min) including the way back to the "
            "home base.",
        },
        "report.created": {
            "de": "Erstellt am {date} mit dem Tiny Rathaus Tourplaner.",
            "en": "Created on {date} with the Tiny Rathaus Tourplaner.",
        },
        "report.page": {"de": "Seite {page} von {pages}", "en": "Page {page} of {pages}"},
    }
)  # --- printable season report (planner.export.report)


CATALOGUE.update(
    {
        "selection.request.invalid": {
            "de": "Einstellung {field} = {value}: erwartet {expected}",
            "en": "{field} = {value}: expected {expected}",
        },
        "selection.expect.whole": {
            "de": "eine ganze Zahl von {lo} bis {hi}",
            "en": "a whole number from {lo} to {hi}",
        },
        "selection.expect.number": {
            "de": "eine Zahl von {lo:g} bis {hi:g}",
            "en": "a number from {lo:g} to {hi:g}",
        },
        "selection.expect.number_above": {
            "de": "eine Zahl größer als {lo:g} und höchstens {hi:g}",
            "en": "a number above {lo:g} and at most {hi:g}",
        },
        "selection.expect.choice": {"de": "einen der Werte {choices}", "en": "one of {choices}"},
        "selection.expect.ids": {
            "de": "eine Liste von Standort-IDs (Texte)",
            "en": "a list of site ids (texts)",
        },
        "selection.expect.quotas": {
            "de": "eine Zuordnung Kreis → Anzahl",
            "en": "a mapping district → count",
        },
        "selection.expect.district": {"de": "einen Kreisnamen", "en": "a district name"},
        "selection.expect.quota": {
            "de": "eine Anzahl oder (Minimum, Maximum)",
            "en": "a count or (minimum, maximum)",
        },
        "selection.expect.rules": {
            "de": "Auswahlregeln (SelectionRules)",
            "en": "selection rules (SelectionRules)",
        },
        "selection.problem.spacing_too_few": {
            "de": (
                "bei {metres:,.0f} m Mindestabstand passen höchstens {n} der verfügbaren "
                "Standorte in die Auswahl, gefragt sind {p}"
            ),
            "en": (
                "with a minimum spacing of {metres:,.0f} m at most {n} of the available sites "
                "fit in one selection, {p} are asked for"
            ),
        },
        "selection.stop.optimal": {"de": "optimal (bewiesen)", "en": "optimal (proven)"},
        "selection.stop.gap": {
            "de": "zulässig (Ziel-Abstand {gap:.2f} % erreicht)",
            "en": "feasible (target gap {gap:.2f} % reached)",
        },
        "selection.stop.no_improvement": {
            "de": (
                "lokales Optimum: kein Tausch verbessert die Auswahl mehr (Abstand zur "
                "Lagrange-Schranke {gap:.2f} %)"
            ),
            "en": (
                "local optimum: no swap improves the selection (gap to the Lagrangian bound "
                "{gap:.2f} %)"
            ),
        },
        "selection.stop.time_limit": {
            "de": "zulässig (Zeitlimit erreicht)",
            "en": "feasible (time limit reached)",
        },
        "selection.stop.no_solution": {
            "de": "keine Auswahl im Zeitlimit gefunden",
            "en": "no selection found within the time limit",
        },
        "region_selection.status.none": {
            "de": (
                "Status: keine Auswahl gefunden, die alle Regeln einhält (Zeitlimit {limit:g} s, "
                "Rechenzeit {seconds:.1f} s); unerfüllbar ist damit nicht bewiesen"
            ),
            "en": (
                "Status: no selection keeping every rule was found (time limit {limit:g} s, "
                "solve time {seconds:.1f} s); this does not prove the rules infeasible"
            ),
        },
        "cli.select.none": {
            "de": (
                "keine Auswahl im Zeitlimit von {limit:g} s gefunden, die alle Regeln einhält "
                "(nicht als unerfüllbar bewiesen): Regeln lockern (z. B. --min-spacing-km, "
                "--quota) oder --time-limit erhöhen"
            ),
            "en": (
                "no selection keeping every rule was found within the time limit of {limit:g} s "
                "(not proven infeasible): relax the rules (e.g. --min-spacing-km, --quota) or "
                "raise --time-limit"
            ),
        },
        "cli.out.invalid": {
            "de": "--out {path}: {reason}",
            "en": "--out {path}: {reason}",
        },
        "cli.out.is_folder": {"de": "ist ein Ordner, keine Datei", "en": "is a folder, not a file"},
        "cli.out.below_file": {
            "de": "{parent} ist eine Datei, kein Ordner",
            "en": "{parent} is a file, not a folder",
        },
        "cli.out.not_writable": {
            "de": "kann nicht geschrieben werden ({error})",
            "en": "cannot be written ({error})",
        },
        "cli.check.no_rows": {
            "de": "{file}: keine gültige Zeile (die Datei hat keine Standorte)",
            "en": "{file}: no valid row (the file holds no sites)",
        },
        "cli.spacing.invalid": {
            "de": "--min-spacing-km {value}: erwartet einen Abstand von 0 bis 1000 km",
            "en": "--min-spacing-km {value}: expected a distance from 0 to 1000 km",
        },
    }
)  # --- exports, site selection and CLI


CATALOGUE.update(
    {
        "ui.store.unreadable": {
            "de": (
                "Der Szenario-Speicher kann nicht gelesen werden: {path} ({reason}). Die App "
                "arbeitet ohne gespeicherte Szenarien weiter."
            ),
            "en": (
                "The scenario store cannot be read: {path} ({reason}). The app keeps working "
                "without saved scenarios."
            ),
        },
        "ui.scenario.save_failed_named": {
            "de": "Szenario „{name}“ wurde nicht gespeichert: {error}",
            "en": "Scenario '{name}' was not saved: {error}",
        },
        "ui.scenario.open_failed_named": {
            "de": "Szenario „{name}“ konnte nicht geöffnet werden: {error}",
            "en": "Scenario '{name}' could not be opened: {error}",
        },
        "ui.season.kept_plan": {
            "de": (
                "Der neue Lauf hat keinen Plan ergeben; unten steht weiter der letzte gültige Plan."
            ),
            "en": "The new run gave no plan; the last valid plan is still shown below.",
        },
        "ui.season.run_error": {
            "de": "Die Planung ist mit einem Fehler abgebrochen: {error}",
            "en": "Planning stopped with an error: {error}",
        },
        "ui.select.kept_result": {
            "de": "Die neue Auswahl ist fehlgeschlagen; unten steht weiter das letzte Ergebnis.",
            "en": "The new selection failed; the last result is still shown below.",
        },
        "ui.select.run_error": {
            "de": "Die Auswahl ist mit einem Fehler abgebrochen: {error}",
            "en": "The selection stopped with an error: {error}",
        },
    }
)  # --- app, scenario store, map files

CATALOGUE.update(
    {
        "field.name": {"de": "Name", "en": "name"},
        "field.lon": {"de": "Längengrad", "en": "longitude"},
        "field.lat": {"de": "Breitengrad", "en": "latitude"},
        "field.lon/lat": {"de": "Koordinaten", "en": "coordinates"},
        "field.site_id": {"de": "Standort-ID", "en": "site id"},
        "field.power": {"de": "Stromanschluss", "en": "mains power"},
        "field.space_m2": {"de": "Fläche (m²)", "en": "space (m²)"},
        "field.visibility": {"de": "Sichtbarkeit", "en": "visibility"},
        "field.available_from": {"de": "verfügbar ab", "en": "available from"},
        "field.available_to": {"de": "verfügbar bis", "en": "available until"},
        "field.notes": {"de": "Notizen", "en": "notes"},
        "field.geometry": {"de": "Geometrie", "en": "geometry"},
        "field.coordinates": {"de": "Koordinaten", "en": "coordinates"},
        "field.properties": {"de": "Eigenschaften", "en": "properties"},
        "field.feature": {"de": "Objekt", "en": "feature"},
        "import.feature": {"de": "Objekt {row}", "en": "Feature {row}"},
        "import.kept_unknown": {
            "de": "Die Zeile wurde übernommen, „{field}“ bleibt unbekannt.",
            "en": "The row was kept, '{field}' stays unknown.",
        },
        "import.cleaned": {
            "de": "Feld „{field}“: Zeichen {chars} entfernt (Steuer- oder Richtungszeichen); "
            "übernommen als „{value}“.",
            "en": "Field '{field}': removed the characters {chars} (control or direction "
            "characters); kept as '{value}'.",
        },
        "import.only_unsafe": {
            "de": "Feld „{field}“ enthält nur unzulässige Zeichen ({chars}).",
            "en": "Field '{field}' holds only characters that are not allowed ({chars}).",
        },
        "import.too_long": {
            "de": "Feld „{field}“ ist {length} Zeichen lang, erlaubt sind höchstens {max}: "
            "„{value}“.",
            "en": "Field '{field}' is {length} characters long, at most {max} are allowed: "
            "'{value}'.",
        },
        "import.out_of_range_open": {
            "de": "Feld „{field}“: {value} muss größer als {low} und höchstens {high} sein.",
            "en": "Field '{field}': {value} must be greater than {low} and at most {high}.",
        },
        "import.bad_date": {
            "de": "Feld „{field}“: „{value}“ ist kein Datum (TT.MM.JJJJ oder JJJJ-MM-TT).",
            "en": "Field '{field}': '{value}' is not a date (DD.MM.YYYY or YYYY-MM-DD).",
        },
        "import.outside_region": {
            "de": "Punkt ({lon}, {lat}) liegt außerhalb der KielRegion (mehr als {tolerance} m "
            "von jeder Gemeinde entfernt).",
            "en": "Point ({lon}, {lat}) lies outside the KielRegion (more than {tolerance} m "
            "from every municipality).",
        },
        "import.missing_column": {
            "de": "Spalte „{value}“ ({field}) fehlt in der Datei (Pflichtfeld).",
            "en": "Column '{value}' ({field}) is missing from the file (required).",
        },
        "import.duplicate_column": {
            "de": "Spalte „{value}“ kommt mehrfach vor; bitte eine davon umbenennen oder löschen.",
            "en": "Column '{value}' appears more than once; rename or delete one of them.",
        },
        "import.no_rows": {
            "de": "Die Datei enthält keine Datenzeilen (nur eine Kopfzeile oder nichts).",
            "en": "The file holds no data rows (only a header or nothing).",
        },
        "import.encoding": {
            "de": "Die Datei ist kein Text in einer bekannten Zeichenkodierung (UTF-8, UTF-16, "
            "Windows-1252 …).",
            "en": "The file is not text in a known encoding (UTF-8, UTF-16, Windows-1252 …).",
        },
        "import.field_count": {
            "de": "{found} Felder statt {expected} wie in der Kopfzeile; Zeile übersprungen: "
            "„{value}“.",
            "en": "{found} fields instead of {expected} as in the header; row skipped: '{value}'.",
        },
        "import.broken_record": {
            "de": "Anführungszeichen nicht geschlossen oder falsch gesetzt; Zeile übersprungen: "
            "„{value}“.",
            "en": "Quote not closed or misplaced; row skipped: '{value}'.",
        },
        "import.record_too_long": {
            "de": "Ein Feld ist zu lang zum Lesen; Zeile übersprungen: „{value}“.",
            "en": "A field is too long to read; row skipped: '{value}'.",
        },
        "import.too_deep": {
            "de": "Die Datei ist zu tief verschachtelt, um sie als GeoJSON zu lesen.",
            "en": "The file is nested too deeply to be read as GeoJSON.",
        },
        "import.bad_json": {
            "de": "Die Datei ist kein gültiges JSON (Zeile {line}, Spalte {column}).",
            "en": "The file is not valid JSON (line {line}, column {column}).",
        },
        "import.features_not_list": {
            "de": "„features“ ist keine Liste von Objekten (gefunden: {value}).",
            "en": "'features' is not a list of features (found: {value}).",
        },
        "import.not_feature_collection": {
            "de": "Die Datei ist weder eine GeoJSON-FeatureCollection noch ein Feature "
            "(gefunden: {value}).",
            "en": "The file is neither a GeoJSON FeatureCollection nor a Feature (found: {value}).",
        },
        "import.unknown_crs": {
            "de": "Unbekanntes Koordinatensystem „{value}“ (lesbar sind z. B. EPSG:4326, "
            "EPSG:25832, EPSG:3857).",
            "en": "Unknown coordinate reference system '{value}' (readable are e.g. EPSG:4326, "
            "EPSG:25832, EPSG:3857).",
        },
        "import.damaged_utf8": {
            "de": "Die Datei ist UTF-8 mit {count} ungültigen Bytes; sie wurden durch „\ufffd“ "
            "ersetzt.",
            "en": "The file is UTF-8 with {count} invalid bytes; they were replaced by '\ufffd'.",
        },
        "import.not_a_feature": {
            "de": "Kein GeoJSON-Feature (gefunden: {value}).",
            "en": "Not a GeoJSON feature (found: {value}).",
        },
        "import.not_an_object": {
            "de": "Feld „{field}“ ist kein JSON-Objekt (gefunden: {value}).",
            "en": "Field '{field}' is not a JSON object (found: {value}).",
        },
        "import.no_point": {
            "de": "Keine Geometrie (gefunden: {value}); ein Standort braucht einen Punkt.",
            "en": "No geometry (found: {value}); a site needs a point.",
        },
        "import.not_a_point": {
            "de": "Geometrie vom Typ „{kind}“: nur Punkte (Point) können Standorte sein.",
            "en": "Geometry of type '{kind}': only points (Point) can be sites.",
        },
        "import.bad_coordinates": {
            "de": "Feld „{field}“: „{value}“ ist kein Punkt [Länge, Breite] aus zwei Zahlen.",
            "en": "Field '{field}': '{value}' is not a point [lon, lat] of two numbers.",
        },
        "import.not_text": {
            "de": "Feld „{field}“ ist kein einfacher Wert (gefunden: {value}).",
            "en": "Field '{field}' is not a plain value (found: {value}).",
        },
        "import.cannot_open": {
            "de": "Die Datei „{value}“ kann nicht geöffnet werden (fehlt, ist ein Ordner oder "
            "nicht lesbar).",
            "en": "The file '{value}' cannot be opened (missing, a folder or not readable).",
        },
    }
)  # --- site input (uploads, edit form, site facts)

CATALOGUE.update(
    {
        "config.whole_between": {
            "de": "erwartet eine ganze Zahl von {low} bis {high}",
            "en": "expected a whole number from {low} to {high}",
        },
        "config.year_range": {
            "de": "erwartet ein Datum in den Jahren {low} bis {high}",
            "en": "expected a date in the years {low} to {high}",
        },
        "config.season_too_long": {
            "de": "die Saison hätte {days} Tage; erlaubt sind höchstens {max}",
            "en": "the season would have {days} days; at most {max} are allowed",
        },
        "config.number_above_max": {
            "de": "erwartet eine Zahl größer als {low:g} und höchstens {high:g}",
            "en": "expected a number above {low:g} and at most {high:g}",
        },
        "config.not_a_bool": {
            "de": "erwartet true oder false",
            "en": "expected true or false",
        },
        "config.not_text": {
            "de": "erwartet einen Text",
            "en": "expected a text",
        },
        "config.list": {
            "de": "erwartet eine Liste von Tabellen ([[bookings]])",
            "en": "expected a list of tables ([[bookings]])",
        },
        "config.sites_unreadable": {
            "de": "ist keine lesbare Standorttabelle: {error}",
            "en": "is not a readable sites table: {error}",
        },
        "config.sites_columns": {
            "de": "ist keine Standorttabelle: es fehlen die Spalten {missing}",
            "en": "is not a sites table: missing column(s) {missing}",
        },
        "config.score_not_numeric": {
            "de": "Spalte {column} hat keine Zahlen (Zeile {row}: {found}); "
            "erwartet eine Spalte mit Bewertungen",
            "en": "column {column} holds no numbers (row {row}: {found}); "
            "expected a column of scores",
        },
        "config.score_reserved": {
            "de": "ist eine Spalte mit Standortangaben; erwartet eine Spalte mit Bewertungen",
            "en": "is a column of site facts; expected a column of scores",
        },
        "config.is_folder": {
            "de": "ist ein Ordner, keine Datei",
            "en": "is a folder, not a file",
        },
        "config.out_is_file": {
            "de": "ist eine vorhandene Datei; erwartet ein Ausgabeverzeichnis",
            "en": "is an existing file; expected an output folder",
        },
        "config.out_below_file": {
            "de": "liegt unter der Datei {parent}; dort kann kein Ordner entstehen",
            "en": "lies below the file {parent}; no folder can be made there",
        },
        "config.out_not_writable": {
            "de": "ist nicht beschreibbar: {error}",
            "en": "is not writable: {error}",
        },
        "season.rule.stay_days": {"de": "Aufenthaltsdauer", "en": "stay length"},
        "ui.status.time_limit": {
            "de": "kein Plan im Zeitlimit",
            "en": "no plan within the time limit",
        },
        "season.stop.optimal": {
            "de": "optimal (bewiesen) nach {seconds:.1f} s",
            "en": "optimal (proven) after {seconds:.1f} s",
        },
        "season.stop.search_done": {
            "de": "zulässig: Suche nach {seconds:.1f} s beendet, Abstand zur Schranke {gap:.2f} %",
            "en": "feasible: search ended after {seconds:.1f} s, gap to bound {gap:.2f} %",
        },
        "season.stop.time_limit": {
            "de": "zulässig: Zeitlimit von {limit:g} s erreicht, Abstand zur Schranke {gap:.2f} %",
            "en": "feasible: time limit of {limit:g} s reached, gap to bound {gap:.2f} %",
        },
        "season.stop.stopped": {
            "de": "zulässig: Suche nach {seconds:.1f} s ohne Verbesserung angehalten, "
            "Abstand zur Schranke {gap:.2f} %",
            "en": "feasible: search stopped without improvement after {seconds:.1f} s, "
            "gap to bound {gap:.2f} %",
        },
        "season.stop.feasible": {"de": "zulässig", "en": "feasible"},
        "season.stop.infeasible": {
            "de": "unerfüllbar (bewiesen)",
            "en": "infeasible (proven)",
        },
        "season.stop.no_plan": {
            "de": "Kein Plan innerhalb des Zeitlimits von {limit:g} s gefunden, aber auch kein "
            "Beweis, dass die Regeln unvereinbar sind. Mehr Zeit geben oder Regeln lockern.",
            "en": "No plan found within the time limit of {limit:g} s, and no proof that the "
            "rules conflict either. Allow more time or relax rules.",
        },
        "season.diag.stay_too_long": {
            "de": "Aufenthalte von {days} Öffnungstagen passen nicht in die Saison: sie hat "
            "{ops} Betriebstage, höchstens {longest} davon ohne Sperrtermin am Stück",
            "en": "stays of {days} open days do not fit into the season: it has {ops} "
            "operating days, at most {longest} of them in a row without a blackout date",
        },
        "season.diag.must_no_dates": {
            "de": "Pflichtstandort {site} hat keinen Termin für {days} Öffnungstage "
            "(Verfügbarkeit, Sperrtermine, Saisonende)",
            "en": "required site {site} has no dates for {days} open days "
            "(availability, blackout dates, season end)",
        },
        "season.diag.must_too_far": {
            "de": "Pflichtstandort {site} ist von keinem Standort innerhalb der Schleppgrenze "
            "erreichbar",
            "en": "required site {site} cannot be reached from any site within the towing limit",
        },
        "season.diag.quota_sites": {
            "de": "Quote für {district} ist {quota}, der Kreis hat aber nur {sites} "
            "Kandidatenstandort(e)",
            "en": "quota for {district} is {quota} but the district has only {sites} "
            "candidate site(s)",
        },
        "season.diag.quota_usable": {
            "de": "Quote für {district} ist {quota}; von den {sites} Kandidatenstandorten des "
            "Kreises können nur {usable} einen Aufenthalt aufnehmen (Verfügbarkeit, "
            "Aufenthaltsdauer, Schleppgrenze)",
            "en": "quota for {district} is {quota}; of the district's {sites} candidate sites "
            "only {usable} can host a stay (availability, stay length, towing limit)",
        },
        "season.diag.stops_usable": {
            "de": "{stops} Stopps verlangt, aber nur {usable} Standorte können einen Aufenthalt "
            "aufnehmen",
            "en": "{stops} stops required but only {usable} sites can host a stay",
        },
        "season.diag.bookings_overlap": {
            "de": "Buchung {a} ({a_start} bis {a_end}) und Buchung {b} ({b_start} bis {b_end}) "
            "überschneiden sich (mit {relocation} Umzugstag(en), {units} Einheit(en))",
            "en": "booking {a} ({a_start} to {a_end}) and booking {b} ({b_start} to {b_end}) "
            "overlap (with {relocation} relocation day(s), {units} unit(s))",
        },
        "season.diag.capacity": {
            "de": "{stops} Stopps auf {units} Einheit(en) brauchen mindestens {need} "
            "Betriebstage ({days} je Stopp), die Saison hat {ops}",
            "en": "{stops} stops on {units} unit(s) need at least {need} operating days "
            "({days} per stop), the season has {ops}",
        },
        "season.diag.relocation": {
            "de": "{stops} Stopps zu {days} Öffnungstagen mit je {relocation} Umzugstag(en) "
            "dazwischen brauchen mindestens {need} Kalendertage, die Saison hat {cal}",
            "en": "{stops} stops of {days} open days with {relocation} relocation day(s) "
            "between them need at least {need} calendar days, the season has {cal}",
        },
        "season.diag.proven_untested": {
            "de": "die Regeln {rules} sind nachweislich unvereinbar; nicht jede Lockerung "
            "konnte im Zeitlimit geprüft werden",
            "en": "the rules {rules} are proven to conflict; not every relaxation could be "
            "tried within the time limit",
        },
        "season.diag.proven_untested_combination": {
            "de": "die Regeln sind nachweislich unvereinbar; nicht jede Lockerung konnte im "
            "Zeitlimit geprüft werden",
            "en": "the rules are proven to conflict; not every relaxation could be tried "
            "within the time limit",
        },
    }
)  # --- season planner and season config

CATALOGUE.update(
    {
        "build.stage.register": {
            "de": "Gemeindeverzeichnis wird gelesen …",
            "en": "Reading the municipality register …",
        },
        "build.stage.boundaries": {
            "de": "Gemeindegrenzen werden zugeordnet (Gebietsstände 2021/2024) …",
            "en": "Matching municipality boundaries (2021/2024 vintages) …",
        },
        "build.stage.cells": {
            "de": "Zensus-Gitterzellen werden den Gemeinden zugeordnet …",
            "en": "Assigning Zensus grid cells to municipalities …",
        },
        "build.stage.stops": {
            "de": "Haltestellen und Bahnhöfe werden gelesen …",
            "en": "Reading stops and rail stations …",
        },
        "build.stage.sites": {
            "de": "Standortvorschläge werden erzeugt …",
            "en": "Generating candidate sites …",
        },
        "build.stage.done": {"de": "Regionspaket fertig.", "en": "Region pack ready."},
    }
)  # --- region pack build (planner.data.build)
